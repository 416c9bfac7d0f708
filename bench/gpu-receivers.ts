// Socket → GPU on loopback: a sendfile sender against the read receiver and the three
// gpu-* receiver modes, each one `zcprof run` (exactly BENCH_REPEAT rounds of 1 s
// timed trials, 1 MiB receive chunks), beside bench/gpu-recv-baseline.c doing the
// same receive-and-copy in a few lines of C. Per row: throughput (median), the
// receiver's CPU per GiB (its thread; the C program's whole process) and the whole
// system's (zcprof only), and the GPU side: copies and their time per GiB.
//
// The GPU: ZCPROF_CUDA_LIBRARY when set (a real libcuda.so.1 with BENCH_REAL_GPU=1),
// else the tests' fake CUDA (test/native/fake-cuda), built here, whose "device
// memory" is host memory: its copies are memcpy, so the figures are this CPU's, not a
// GPU's or a PCIe link's. The output says which it was.
// `npm run bench:gpu-receivers` (about a minute on 2 cores). Lines fit 80 columns.

import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Report, TrialRecord } from '../src/shared/report'
import { printTable } from './print-table'

const here = __dirname
const bin = path.join(here, '../bin/zcprof.js')
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5)
const MODES = ['read', 'gpu-pageable', 'gpu-pinned', 'gpu-mapped']
const CHUNK_BYTES = 1024 * 1024
const BASELINE_BYTES = 1024 ** 3
const GIB = 1024 ** 3

/** the CUDA driver to use, and whether it is the fake */
function cudaLibrary(dir: string): { env: Record<string, string>; fake: boolean } {
  if (process.env.BENCH_REAL_GPU === '1') return { env: {}, fake: false }
  if (process.env.ZCPROF_CUDA_LIBRARY) return { env: {}, fake: false }
  const lib = path.join(dir, 'libfakecuda.so')
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-o', lib, path.join(here, '../test/native/fake-cuda/fake-cuda.c')])
  return { env: { ZCPROF_CUDA_LIBRARY: lib, ZCPROF_NVML_LIBRARY: lib }, fake: true }
}

function runMode(dir: string, mode: string, env: Record<string, string>): Report {
  const out = path.join(dir, `${mode}.json`)
  const args = ['run', '-m', 'sendfile', '--receiver', mode, '--size', '64MiB', '-l', '1MiB', '--duration', '1s']
  const r = spawnSync(
    process.execPath,
    [bin, ...args, '--repeat', String(REPEAT), '--precision', 'off', '--no-progress', '--json', out],
    { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...env } }
  )
  if (r.status !== 0) throw new Error(`zcprof run --receiver ${mode} failed (${r.status}): ${r.stderr}`)
  return JSON.parse(readFileSync(out, 'utf8')) as Report
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
const f = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-')

/** one zcprof row: medians and means over the measured trials */
function zcprofRow(mode: string, trials: TrialRecord[]): string[] {
  const s = trials.map((t) => t.summary!).filter(Boolean)
  const gib = (x: { bytes: number }) => x.bytes / GIB
  const g = s.map((x) => x.receiveGpu).filter((x) => x)
  return [
    `zcprof ${mode}`,
    String(s.length),
    f(median(s.map((x) => x.throughputBitsPerSec / 1e9)), 2),
    f(mean(s.map((x) => (x.receiver?.cpuNs ?? NaN) / 1e6 / gib(x)))),
    f(mean(s.map((x) => (x.system ? (x.system.busyCpuNs - (x.system.otherProcessesCpuNs ?? 0)) / 1e6 / gib(x) : NaN)))),
    g.length ? f(mean(g.map((x) => x!.copies / (x!.copiedBytes / GIB)))) : '-',
    g.length ? f(mean(g.map((x) => x!.copyTimeMs / (x!.copiedBytes / GIB)))) : '-',
    `${s.filter((x) => x.contaminated).length}/${s.length}`
  ]
}

interface BaselineRun {
  bytes: number
  ns: number
  cpuNs: number
  lastChunkOk: boolean
}

function baselineRows(dir: string, env: Record<string, string>): string[][] {
  const exe = path.join(dir, 'gpu-recv-baseline')
  execFileSync('cc', ['-O2', '-std=gnu11', '-Wall', '-o', exe, path.join(here, 'gpu-recv-baseline.c'), '-ldl'])
  return ['pageable', 'pinned', 'mapped'].map((mode) => {
    const runs: BaselineRun[] = []
    for (let i = 0; i < REPEAT; i++) {
      const out = execFileSync(exe, [mode, String(BASELINE_BYTES), String(CHUNK_BYTES)], {
        encoding: 'utf8',
        env: { ...process.env, ...env }
      })
      const r = JSON.parse(out) as BaselineRun
      if (!r.lastChunkOk || r.bytes !== BASELINE_BYTES) throw new Error(`baseline ${mode}: ${out}`)
      runs.push(r)
    }
    return [
      `C ${mode}`,
      String(runs.length),
      f(median(runs.map((r) => (r.bytes * 8) / r.ns)), 2),
      f(mean(runs.map((r) => r.cpuNs / 1e6 / (r.bytes / GIB)))),
      '-',
      f(BASELINE_BYTES / CHUNK_BYTES),
      '-',
      '-'
    ]
  })
}

function main(): void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-gpu-receivers-'))
  const t0 = Date.now()
  const rows = [['path', 'n', 'Gbit/s', 'recv ms/GiB', 'sys ms/GiB', 'copies/GiB', 'copy ms/GiB', 'contam.']]
  try {
    const cuda = cudaLibrary(dir)
    for (const mode of MODES) {
      const report = runMode(dir, mode, cuda.env)
      rows.push(
        zcprofRow(
          mode,
          report.trials.filter((t) => !t.warmup && t.summary)
        )
      )
    }
    rows.push(...baselineRows(dir, cuda.env))
    console.log(
      cuda.fake
        ? "GPU: the fake CUDA driver (test/native/fake-cuda): its \"device memory\" is\nhost memory and its copies are memcpy, so these figures are this CPU's, not\na GPU's or a PCIe link's.\n"
        : `GPU: the CUDA driver ${process.env.ZCPROF_CUDA_LIBRARY ?? 'libcuda.so.1'} (nvidia-smi -L names the card)\n`
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  printTable(rows)
  console.log('\nrecv: the receiver thread (zcprof) or the receiving process (C), CPU')
  console.log('per GiB received; sys: the whole machine, sender and kernel included;')
  console.log('copy ms/GiB: the copies on the GPU clock (CUDA events) per GiB;')
  console.log('contam.: trials during which other programs used zcprof’s CPUs.')
  console.log(`C: 1 GiB per run, ${REPEAT} runs; mapped there is a device-side copy`)
  console.log('(cuMemcpyDtoD from the mapped pointer), zcprof runs a kernel.')
  console.log(`zcprof: ${REPEAT} rounds a mode, 1 s trials, 1 MiB chunks, sendfile`)
  console.log(`sender; ${((Date.now() - t0) / 1000).toFixed(0)} s in all`)
}

main()
