// The addon's objects → the protocol's, field by field. The agent sends only what
// these write, so the wire changes when protocol.ts does, never because a field was
// renamed in napi-glue.c (the compiler points here when the addon's types change).

import type { NativeCounters, NativeProgress, NativeResult } from '../../native'
import type { WireCounters, WireProgress, WireResult } from './protocol'

/** keys whose value is undefined are left out, as JSON would */
function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k]
  return o
}

export function wireCounters(c: NativeCounters): WireCounters {
  return defined({
    cycles: c.cycles,
    instructions: c.instructions,
    taskClockNs: c.taskClockNs,
    contextSwitches: c.contextSwitches,
    contextSwitchesVoluntary: c.contextSwitchesVoluntary,
    contextSwitchesInvoluntary: c.contextSwitchesInvoluntary,
    pageFaults: c.pageFaults,
    pageFaultsMinor: c.pageFaultsMinor,
    pageFaultsMajor: c.pageFaultsMajor,
    tid: c.tid,
    sources: {
      cycles: c.sources.cycles,
      taskClock: c.sources.taskClock,
      contextSwitches: c.sources.contextSwitches,
      pageFaults: c.sources.pageFaults,
      split: c.sources.split
    },
    pmuReason: c.pmuReason,
    pmuErrno: c.pmuErrno
  })
}

export function wireProgress(p: NativeProgress): WireProgress {
  return defined({
    phase: p.phase,
    bytes: p.bytes,
    syscalls: { ...p.syscalls },
    syscallsTotal: p.syscallsTotal,
    zeroCopySends: p.zeroCopySends,
    zeroCopyCompleted: p.zeroCopyCompleted,
    zeroCopyCopied: p.zeroCopyCopied,
    receiveMappedBytes: p.receiveMappedBytes,
    receiveCopiedBytes: p.receiveCopiedBytes,
    uringSqes: p.uringSqes,
    uringSqpollTid: p.uringSqpollTid,
    uringThreadsCpuNs: p.uringThreadsCpuNs,
    startNs: p.startNs,
    firstByteNs: p.firstByteNs,
    lastByteNs: p.lastByteNs
  })
}

export function wireResult(r: NativeResult): WireResult {
  return defined({
    ...wireProgress(r),
    fileBytes: r.fileBytes,
    confirmedNs: r.confirmedNs,
    peerConfirmed: r.peerConfirmed,
    crc32c: r.crc32c,
    effectiveChunkBytes: r.effectiveChunkBytes,
    uringSqpollCpuNs: r.uringSqpollCpuNs,
    uringWorkerCpuNs: r.uringWorkerCpuNs,
    localPort: r.localPort,
    peerPort: r.peerPort,
    cpusSeen: [...r.cpusSeen],
    cpuMigrations: r.cpuMigrations,
    affinityEnd: r.affinityEnd,
    pinnedCpus: r.pinnedCpus,
    counters: wireCounters(r.counters),
    tcpInfo: r.tcpInfo,
    gpu: r.gpu
  })
}
