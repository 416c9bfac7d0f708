// A gpu://N target: the GPU whose memory receives the file. No receiver of ours runs;
// the sender's loop opens the device itself. Probed once per run, before any trial:
// a machine without a driver or without that device says why and the run stops (exit 2).

import { ZcprofError } from '../../shared/errors'
import { pcieBytesPerSec } from '../../shared/pcie'
import type { GpuEnvironment } from '../../shared/report'
import type { Target } from '../../shared/targets'
import * as native from '../../native'
import type { Receiver } from './transport'

type GpuTarget = Extract<Target, { kind: 'gpu' }>

const HINTS: Record<string, string> = {
  ZC_NO_GPU_DRIVER:
    'install the NVIDIA driver (libcuda.so.1), or set ZCPROF_CUDA_LIBRARY to its path; socket targets need no GPU',
  ZC_NO_GPU: 'name a GPU this machine has: nvidia-smi -L lists them, from gpu://0',
  ZC_CUDA: 'check the driver with nvidia-smi'
}

/** The GPU at target's index, or a ZcprofError that says why there is none (ZC_BAD_PLAN: exit 2). */
export function probeGpu(t: GpuTarget, probe: (device: number) => native.GpuInfo = native.gpuProbe): GpuEnvironment {
  let g: native.GpuInfo
  try {
    g = probe(t.device)
  } catch (e) {
    const err = e as native.NativeError
    throw new ZcprofError({
      code: 'ZC_BAD_PLAN',
      message: `${t.text}: ${err.message} (${err.code})`,
      hint: HINTS[err.code] ?? HINTS.ZC_CUDA
    })
  }
  return gpuEnvironment(t, g)
}

/**
 * A gpu-* receiver mode whose receiver is this host's (tcp://, unix://): its GPU is
 * probed before any trial, so a machine without CUDA or without that device stops the
 * plan (exit 2) instead of failing every trial. agent:// hosts refuse it at prepare.
 */
export function probeReceivingGpu(
  mode: string,
  device: number,
  probe: (device: number) => native.GpuInfo = native.gpuProbe
): void {
  try {
    probe(device)
  } catch (e) {
    const err = e as native.NativeError
    throw new ZcprofError({
      code: 'ZC_BAD_PLAN',
      message: `receiver mode ${mode} lands the bytes in GPU ${device}: ${err.message} (${err.code})`,
      hint:
        err.code === 'ZC_NO_GPU'
          ? 'name a GPU this machine has with --receiver-gpu: nvidia-smi -L lists them'
          : err.code === 'ZC_NO_GPU_DRIVER'
            ? 'install the NVIDIA driver (libcuda.so.1), or set ZCPROF_CUDA_LIBRARY to its path; or use --receiver read'
            : HINTS.ZC_CUDA
    })
  }
}

export function gpuEnvironment(t: GpuTarget, g: native.GpuInfo): GpuEnvironment {
  const now = pcieBytesPerSec(g.pcieGen, g.pcieWidth)
  const best = pcieBytesPerSec(g.pcieMaxGen, g.pcieMaxWidth)
  const major = Math.floor(g.driverApiVersion / 1000)
  const minor = Math.floor((g.driverApiVersion % 1000) / 10)
  return {
    target: t.text,
    device: g.device,
    name: g.name,
    pciBusId: g.pciBusId,
    computeCapability: `${g.computeCapabilityMajor}.${g.computeCapabilityMinor}`,
    memoryBytes: g.memoryBytes,
    cudaVersion: `${major}.${minor}`,
    driverVersion: g.driverVersion || null,
    pcie:
      now !== null && best !== null
        ? {
            gen: g.pcieGen,
            width: g.pcieWidth,
            maxGen: g.pcieMaxGen,
            maxWidth: g.pcieMaxWidth,
            bytesPerSec: now,
            maxBytesPerSec: best
          }
        : null,
    numaNode: g.numaNode >= 0 ? g.numaNode : null,
    cufile: g.cufile
  }
}

/** the "receiver" of a gpu:// target: nothing listens, nothing samples; the GPU is described */
export function gpuReceiver(t: GpuTarget, probe?: (device: number) => native.GpuInfo): Receiver {
  const gpu = probeGpu(t, probe)
  return {
    ours: false,
    sameHost: true,
    pid: null,
    environment: null,
    cpus: null,
    gpu,
    prepareTrial: async () => ({
      addresses: [],
      sample: async () => null,
      cancel: () => undefined,
      result: async () => null
    })
  }
}
