// Planted pieces of a trial's measurements: a side's counter totals, and what a native
// receiver reports at its end. Every figure not given is a fixed, quiet one.

import type { NativeCounters, NativeResult } from '../../src/native'
import type { SideTotals } from '../../src/shared/trial-summary'

/** one side's totals: cpuNs of CPU, and nothing else counted */
export function totals(cpuNs: number): SideTotals {
  return {
    scope: 'thread',
    cpuNs,
    cycles: null,
    instructions: null,
    contextSwitches: 0,
    contextSwitchesVoluntary: 0,
    contextSwitchesInvoluntary: 0,
    pageFaults: 0,
    syscalls: { write: 0 },
    sources: {}
  }
}

/** a native thread's counters: cpuNs of task clock, and nothing else counted */
function counters(cpuNs: number): NativeCounters {
  return {
    taskClockNs: cpuNs,
    contextSwitches: 0,
    contextSwitchesVoluntary: 0,
    contextSwitchesInvoluntary: 0,
    pageFaults: 0,
    pageFaultsMinor: 0,
    pageFaultsMajor: 0,
    tid: 7,
    sources: {
      cycles: 'none',
      taskClock: 'perf-software',
      contextSwitches: 'perf-software',
      pageFaults: 'perf-software',
      split: 'rusage'
    }
  }
}

/**
 * A receiving stream's result: `bytes` from startNs (its first byte too) to lastByteNs on
 * the receiving host's clock, costing cpuNs; from port 5000, checksum 42.
 */
export function nativeResult(
  bytes: number,
  at: { startNs: number; lastByteNs: number; cpuNs: number },
  extra: Partial<NativeResult> = {}
): NativeResult {
  return {
    phase: 'done',
    bytes,
    syscalls: { read: 10 },
    syscallsTotal: 10,
    zeroCopySends: 0,
    uringSqes: 0,
    uringSqpollTid: 0,
    gpuCalls: 0,
    zeroCopyCompleted: 0,
    zeroCopyCopied: 0,
    startNs: at.startNs,
    firstByteNs: at.startNs,
    lastByteNs: at.lastByteNs,
    fileBytes: 0,
    confirmedNs: 0,
    peerConfirmed: false,
    crc32c: 42,
    effectiveChunkBytes: 65536,
    uringSqpollCpuNs: 0,
    uringWorkerCpuNs: 0,
    localPort: 0,
    peerPort: 5000,
    cpusSeen: [0],
    cpuMigrations: 0,
    counters: counters(at.cpuNs),
    ...extra
  }
}
