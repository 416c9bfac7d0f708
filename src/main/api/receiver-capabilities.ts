// The receiver modes the app offers, and those it lists as unable to run here with why:
// zcrx and devmem TCP (judged for the app's own receiver, on loopback), and the gpu-*
// modes where this machine has no CUDA driver or GPU. A mode that cannot run is never
// an option to pick, and never hidden.

import type { Capabilities } from '../../shared/api'
import { DEVMEM_DESCRIPTION, devmemUnavailableMode } from '../../shared/devmem'
import { isGpuReceiverMode, RECEIVER_MODES, RECEIVER_MODE_INFO } from '../../shared/methods'
import { ZCRX_DESCRIPTION, zcrxUnavailableMode } from '../../shared/zcrx'
import { probeDevmem } from '../host/devmem-probe'
import { probeZcrx } from '../host/zcrx-probe'

type Unavailable = NonNullable<Capabilities['unavailableReceiverModes']>[number]

/** what a user needs before a gpu-* receiver mode can run */
export const GPU_RECEIVER_NEEDS = [
  'an NVIDIA GPU and its driver (libcuda.so.1; ZCPROF_CUDA_LIBRARY names another path)',
  'nvidia-smi -L lists the GPUs; --receiver-gpu picks one (0 by default)'
]

/**
 * noGpu: why this machine has no GPU (gpuAbsence in engine-api.ts), or null when it has
 * one; linux: false on other systems, where nothing runs.
 */
export function receiverModeLists(
  linux: boolean,
  noGpu: string | null
): Pick<Capabilities, 'receiverModes' | 'unavailableReceiverModes'> {
  const offered = RECEIVER_MODES.filter((m) => !(isGpuReceiverMode(m) && noGpu !== null))
  const gpuless: Unavailable[] = RECEIVER_MODES.filter((m) => isGpuReceiverMode(m) && noGpu !== null).map((m) => ({
    name: m,
    description: RECEIVER_MODE_INFO[m],
    reason: `no GPU to receive into: ${noGpu}`,
    needs: GPU_RECEIVER_NEEDS
  }))
  const notLinux = (name: string, description: string): Unavailable => ({
    name,
    description,
    reason: 'zcprof measures Linux kernels',
    needs: []
  })
  return {
    receiverModes: offered.map((name) => ({ name, description: RECEIVER_MODE_INFO[name] })),
    unavailableReceiverModes: linux
      ? [zcrxUnavailableMode(probeZcrx('127.0.0.1')), devmemUnavailableMode(probeDevmem('127.0.0.1')), ...gpuless]
      : [notLinux('zcrx', ZCRX_DESCRIPTION), notLinux('devmem', DEVMEM_DESCRIPTION)]
  }
}
