// A run into GPU memory, end to end through the real addon on the fake CUDA driver
// (test/native/fake-cuda): the plan's rules for gpu:// targets, every GPU method
// verified, the GPU's environment and figures in a report that loads back.

import { beforeAll, describe, expect, it } from 'vitest'
import { planTrials, runPlan, validatePlan } from '../../src/main/engine/run'
import { parseReport } from '../../src/main/reports/report-loader'
import type { RunEvent } from '../../src/shared/events'
import { GPU_METHODS, METHODS } from '../../src/shared/methods'
import type { Plan } from '../../src/shared/report'
import { parseTarget } from '../../src/shared/targets'
import { randomFile, testPlan } from '../helpers'
import { buildFakeCuda } from '../native/fake-cuda/build'

const SIZE = 3 * 1024 * 1024 + 77
let file: string
const plan = (p: Partial<Plan>): Plan => testPlan(file, { targets: ['gpu://0'], methods: [...GPU_METHODS], ...p })

beforeAll(() => {
  Object.assign(process.env, buildFakeCuda().env)
  file = randomFile(SIZE)
})

describe('gpu:// plans', () => {
  it('a GPU target runs only the GPU methods, a socket target only the others', () => {
    const p = plan({ targets: ['tcp://127.0.0.1', 'gpu://0'], methods: ['copy', 'sendfile', 'gpu-copy'] })
    const specs = planTrials(p, p.targets.map(parseTarget), [SIZE])
    expect(specs.map((s) => `${s.method}@${s.target.text}`)).toEqual([
      'copy@tcp://127.0.0.1',
      'sendfile@tcp://127.0.0.1',
      'gpu-copy@gpu://0'
    ])
  })
  it('a GPU target with no GPU method, a GPU method with no GPU, or two streams, is refused', () => {
    expect(() => validatePlan(plan({ methods: ['copy'] }))).toThrow(/gpu:\/\/0 runs the GPU methods/)
    expect(() => validatePlan(plan({ targets: ['tcp://127.0.0.1'], methods: ['copy', 'gpu-pinned'] }))).toThrow(
      /gpu-pinned has no target to run on/
    )
    expect(() => validatePlan(plan({ streams: 2 }))).toThrow(/a GPU target takes one stream/)
    expect(() => validatePlan(plan({ targets: ['gpu://x'] }))).toThrow(/needs a CUDA device index/)
    expect(
      validatePlan(plan({ targets: ['tcp://127.0.0.1', 'gpu://0'], methods: [...METHODS, ...GPU_METHODS] }))
    ).toHaveLength(2)
  })
})

describe('a run into GPU memory', () => {
  it('every GPU method, timed and verified: the GPU named, its link the reference, the report loads back', async () => {
    const events: RunEvent[] = []
    const report = await runPlan({
      plan: plan({ durationMs: 300, omitMs: 50, checksum: true }),
      onEvent: (e) => events.push(e)
    })
    expect(report.trials.map((t) => t.method)).toEqual([...GPU_METHODS])
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      const s = t.summary!
      expect(s.integrity, t.method).toMatchObject({ checked: true, ok: true })
      // no receiver of ours: the sender's side and the host
      expect(s.receiver).toBeNull()
      expect(s.gpu!.wait).toBe('blocking')
      expect(s.gpu!.gpuBitsPerSec).toBeGreaterThan(0)
      expect(s.sender.cpuNs).toBeGreaterThan(0)
    }
    const cufile = report.trials.find((t) => t.method === 'gpu-cufile')!
    expect(cufile.summary!.notes.map((n) => n.code)).toContain('GPU_COMPAT')
    // gen 5 × 16 lanes at 32 GT/s, 128b/130b: 63.015 GB/s one way
    const gpu = report.start.environment.gpus![0]
    expect(gpu).toMatchObject({ target: 'gpu://0', name: 'zcprof fake GPU 0 (host memory)', cudaVersion: '13.0' })
    expect(gpu.pcie!.maxBytesPerSec / 1e9).toBeCloseTo(63.015, 3)
    expect(report.start.environment.receivers).toEqual([])
    // the live view knew the GPU before the first trial
    const start = events.find((e) => e.type === 'run-start')
    expect(start?.type === 'run-start' && start.gpus?.[0].name).toBe(gpu.name)
    // gpu-copy is the GPU's baseline: the others are against it
    const aggs = report.end.aggregates
    expect(aggs.find((a) => a.method === 'gpu-copy')!.vsCopy).toBeNull()
    expect(aggs.find((a) => a.method === 'gpu-register')!.vsCopy).not.toBeNull()
    expect(aggs.find((a) => a.method === 'gpu-register')!.gpuPinMs!.median).toBeGreaterThan(0)
    expect(parseReport(JSON.stringify(report), 'run').report).toEqual(JSON.parse(JSON.stringify(report)))
  })
})
