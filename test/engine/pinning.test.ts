// Pinning through the real addon, checked against the kernel's own record of the
// sending thread: /proc/self/task/TID/status (Cpus_allowed_list) and /proc/self/task/TID/stat
// (the CPU it last ran on), read while the trial runs. A thread the test moves with
// taskset mid-trial must be reported as not held.

import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as native from '../../src/native'
import { runPlan } from '../../src/main/engine/run'
import type { Plan } from '../../src/shared/report'
import { randomFile, testPlan } from '../helpers'
import { skipWhen } from '../skips'

const cpus = native.allowedCpus()

/** this process's threads now, each with its allowed CPUs (as the kernel writes them) and the CPU it last ran on */
function threads(): { tid: number; allowed: string; lastCpu: number }[] {
  const out: { tid: number; allowed: string; lastCpu: number }[] = []
  for (const name of readdirSync('/proc/self/task')) {
    try {
      const status = readFileSync(`/proc/self/task/${name}/status`, 'utf8')
      const stat = readFileSync(`/proc/self/task/${name}/stat`, 'utf8')
      const allowed = /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)![1]
      // processor is the 39th field; after the command's ')' it is the 37th
      const lastCpu = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[36])
      out.push({ tid: Number(name), allowed, lastCpu })
    } catch {
      // gone since the listing
    }
  }
  return out
}

const SUITE = 'pinning, against the kernel’s record'

describe.skipIf(skipWhen(cpus.length < 2, SUITE, 'it needs two CPUs this process may use'))(SUITE, () => {
  const [other, pinned] = [cpus[0], cpus.at(-1)!]
  const file = randomFile(2 * 1024 * 1024 + 7)
  const plan = (p: Partial<Plan> = {}): Plan =>
    testPlan(file, {
      methods: ['copy'],
      durationMs: 1200,
      senderCpus: [pinned],
      checksum: false,
      sampleIntervalMs: 50,
      ...p
    })

  /** runs the plan; at its third sample, `during` gets the sending thread the kernel shows pinned */
  async function run(during: (tid: number) => void) {
    let samples = 0
    let seen: { tid: number; allowed: string; lastCpu: number }[] | null = null
    const report = await runPlan({
      plan: plan(),
      onEvent: (e) => {
        if (e.type !== 'sample' || ++samples !== 3) return
        seen = threads().filter((t) => t.allowed === String(pinned))
        if (seen.length === 1) during(seen[0].tid)
      }
    })
    // the trial ran (a failed start would leave nothing to compare)
    expect(report.end.warnings.filter((w) => w.code.startsWith('ZC_'))).toEqual([])
    expect(report.trials.map((t) => t.error)).toEqual([null])
    return { report, seen: seen as { tid: number; allowed: string; lastCpu: number }[] | null }
  }

  it('a thread the kernel shows pinned throughout is reported held', async () => {
    let after: string | null = null
    const { report, seen } = await run((tid) => {
      after = threads().find((t) => t.tid === tid)?.allowed ?? null
    })
    // the kernel: one thread of this process allowed only the CPU asked for, running there
    expect(seen).toHaveLength(1)
    expect(seen![0].lastCpu).toBe(pinned)
    expect(after).toBe(String(pinned))
    const s = report.trials[0].summary!
    expect(s.streams[0].senderThread).toMatchObject({
      tid: seen![0].tid,
      requestedCpus: [pinned],
      allowedAtEnd: [pinned],
      held: true
    })
    expect(s.placement!.held).toBe(true)
    expect(s.notes.map((n) => n.code)).not.toContain('PINNING_NOT_HELD')
  })

  it('a thread moved to another CPU mid-trial (taskset) is reported not held', async () => {
    let moved: { status: number | null; allowed: string | null } | null = null
    const { report, seen } = await run((tid) => {
      const r = spawnSync('taskset', ['-pc', String(other), String(tid)], { encoding: 'utf8' })
      // the kernel's record after the move: what the report must not contradict
      moved = { status: r.status, allowed: threads().find((t) => t.tid === tid)?.allowed ?? null }
    })
    expect(seen).toHaveLength(1)
    expect(moved).toEqual({ status: 0, allowed: String(other) })
    const t = report.trials[0]
    expect(t.error).toBeNull()
    const s = t.summary!
    expect(s.streams[0].senderThread).toMatchObject({
      tid: seen![0].tid,
      requestedCpus: [pinned],
      allowedAtEnd: [other],
      held: false
    })
    expect(s.streams[0].senderThread!.ranOn).toContain(other)
    expect(s.placement!.held).toBe(false)
    expect(s.notes.map((n) => n.code)).toContain('PINNING_NOT_HELD')
  })
})
