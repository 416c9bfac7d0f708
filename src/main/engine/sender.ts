// One interface over the two kinds of sender: a native loop on its own thread,
// or the node-stream baseline on the JS thread with process-level counters.

import { createReadStream } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import type { NativeMethod } from '../../shared/methods'
import { diffTotals, type SideTotals } from '../../shared/trial-summary'
import type { TcpInfo } from '../../shared/report'
import type { ErrorInfo } from '../../shared/errors'
import { explainError } from './explain-error'

export interface SenderOutcome {
  bytes: number
  firstByteNs: number
  lastByteNs: number
  /** receiver closed after our EOF: last byte confirmed, on the same clock */
  confirmedNs: number | null
  totals: SideTotals
  zeroCopy: { sends: number; completed: number; copied: number } | null
  tcpInfo: TcpInfo | null
  error: ErrorInfo | null
}

export interface SenderRun {
  /** live, cheap: bytes so far and cumulative counters */
  snapshot(): { bytes: number; totals: SideTotals | null }
  done: Promise<SenderOutcome>
  cancel(): void
}

export interface SenderSpec {
  method: NativeMethod | 'node-stream'
  file: string
  chunkBytes: number
  address: native.NativeAddress
  targetText: string
  pmu: 'auto' | 'off'
  /** how long to wait for the receiver's close after our EOF */
  confirmTimeoutMs?: number
}

export function nativeTotals(c: native.NativeCounters, syscalls: Record<string, number> | null): SideTotals {
  return {
    scope: 'thread',
    cpuNs: c.taskClockNs,
    cycles: c.cycles ?? null,
    instructions: c.instructions ?? null,
    contextSwitches: c.contextSwitches,
    contextSwitchesVoluntary: c.contextSwitchesVoluntary,
    contextSwitchesInvoluntary: c.contextSwitchesInvoluntary,
    pageFaults: c.pageFaults,
    syscalls,
    sources: {
      taskClock: c.sources.taskClock,
      contextSwitches: c.sources.contextSwitches,
      pageFaults: c.sources.pageFaults,
      contextSwitchSplit: c.sources.split,
      syscalls: 'counted-by-loop'
    }
  }
}

function startNative(spec: SenderSpec & { method: NativeMethod }): SenderRun {
  const t = native.startSender({
    method: spec.method,
    file: spec.file,
    chunkBytes: spec.chunkBytes,
    target: spec.address,
    pmu: spec.pmu,
    confirmTimeoutMs: spec.confirmTimeoutMs
  })
  const outcome = (r: native.NativeResult, error: ErrorInfo | null): SenderOutcome => ({
    bytes: r.bytes,
    firstByteNs: r.firstByteNs,
    lastByteNs: r.lastByteNs,
    confirmedNs: r.peerConfirmed ? r.confirmedNs : null,
    totals: nativeTotals(r.counters, r.syscalls),
    zeroCopy:
      spec.method === 'msg-zerocopy'
        ? { sends: r.zeroCopySends, completed: r.zeroCopyCompleted, copied: r.zeroCopyCopied }
        : null,
    tcpInfo: r.tcpInfo ?? null,
    error
  })
  return {
    snapshot() {
      const p = t.progress()
      const c = t.counters(false)
      return { bytes: p.bytes, totals: c ? nativeTotals(c, p.syscalls) : null }
    },
    done: t.done.then(
      (r) => outcome(r, null),
      (e: native.NativeError) => {
        if (!e.partial) throw explainError(e, { target: spec.targetText, file: spec.file })
        return outcome(e.partial, explainError(e, { target: spec.targetText, file: spec.file }).toInfo())
      }
    ),
    cancel: () => t.cancel()
  }
}

function processTotals(): SideTotals {
  const u = process.cpuUsage()
  const r = process.resourceUsage()
  return {
    scope: 'process',
    cpuNs: (u.user + u.system) * 1000,
    cycles: null,
    instructions: null,
    contextSwitches: r.voluntaryContextSwitches + r.involuntaryContextSwitches,
    contextSwitchesVoluntary: r.voluntaryContextSwitches,
    contextSwitchesInvoluntary: r.involuntaryContextSwitches,
    pageFaults: r.minorPageFault + r.majorPageFault,
    syscalls: null,
    sources: {
      taskClock: 'rusage-process',
      contextSwitches: 'rusage-process',
      pageFaults: 'rusage-process',
      syscalls: 'not-counted'
    }
  }
}

/** fs.createReadStream(file).pipe(socket): what a Node developer would write. */
function startNodeStream(spec: SenderSpec): SenderRun {
  const base = processTotals()
  let sock: net.Socket | null = null
  let firstByteNs = 0
  let lastByteNs = 0
  const done = new Promise<SenderOutcome>((resolve) => {
    let settled = false
    const finish = (confirmedNs: number | null, error: ErrorInfo | null) => {
      if (settled) return
      settled = true
      if (!lastByteNs) lastByteNs = native.nowNs()
      resolve({
        bytes: sock?.bytesWritten ?? 0,
        firstByteNs,
        lastByteNs,
        confirmedNs,
        totals: diffTotals(processTotals(), base),
        zeroCopy: null,
        tcpInfo: null,
        error
      })
    }
    const a = spec.address
    sock =
      a.family === 'unix'
        ? net.connect({ path: a.path!, allowHalfOpen: true })
        : net.connect({ host: a.host!, port: a.port!, allowHalfOpen: true })
    sock.on('connect', () => {
      firstByteNs = native.nowNs()
      const rs = createReadStream(spec.file, { highWaterMark: spec.chunkBytes })
      rs.on('error', (e) => {
        finish(null, explainError(e, { file: spec.file }).toInfo())
        sock?.destroy()
      })
      rs.pipe(sock!)
    })
    sock.on('finish', () => {
      lastByteNs = native.nowNs()
      // a sink that never closes leaves the last send as the end, as native senders do
      setTimeout(() => {
        finish(null, null)
        sock?.destroy()
      }, spec.confirmTimeoutMs ?? 10_000).unref()
    })
    sock.resume() // the receiver sends nothing; reading lets us see its close
    sock.on('end', () => {
      finish(native.nowNs(), null)
      sock?.destroy()
    })
    sock.on('error', (e) => finish(null, explainError(e, { target: spec.targetText, file: spec.file }).toInfo()))
    sock.on('close', () =>
      finish(null, { code: 'ZC_CANCELLED', message: 'the connection closed before the receiver confirmed' })
    )
  })
  return {
    snapshot: () => ({ bytes: sock?.bytesWritten ?? 0, totals: diffTotals(processTotals(), base) }),
    done,
    cancel: () => sock?.destroy()
  }
}

export function startSender(spec: SenderSpec): SenderRun {
  return spec.method === 'node-stream'
    ? startNodeStream(spec)
    : startNative(spec as SenderSpec & { method: NativeMethod })
}
