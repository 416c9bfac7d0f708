// The receiver side of a trial: a prepare checked field by field, one listener per
// stream (where a remote client reached us, or where a local one asks), one native
// receiver on each that accepts the data connection, and the trial's result sent
// unasked once they have all ended, within the agent's time and idle limits.

import { rmSync } from 'node:fs'
import net from 'node:net'
import * as native from '../../native'
import type { ErrorInfo } from '../../shared/errors'
import { RECEIVER_MODES, isGpuReceiverMode, isReceiverMode } from '../../shared/methods'
import { PLAN_LIMITS, cpuForStream } from '../../shared/plan-rules'
import { inLimits, rangeText } from '../../shared/plan-text'
import type { HostSnapshot } from '../host/system-cpu'
import { isInt, type TrialBooks } from './agent-limits'
import { plainIp, whoIs, type Client } from './agent-peer'
import type { AgentLimits, Prepare, Reply, StreamResult, TrialResult } from './protocol'
import { wireResult } from './wire'

/** a trial's listeners, stream i's at i, and how to close them all */
interface Listeners {
  all: { fd: number; port: number; path: string | null }[]
  close(): void
}

/** why this host cannot receive in a gpu-* mode (no CUDA driver, no such device), or null */
function gpuRefusal(m: Prepare): ErrorInfo | null {
  if (!isGpuReceiverMode(m.mode)) return null
  try {
    native.gpuProbe(m.gpuDevice ?? 0)
    return null
  } catch (e) {
    const err = errorInfo(e)
    return { ...err, message: `receiver mode ${m.mode}: ${err.message}` }
  }
}

function errorInfo(e: unknown): ErrorInfo {
  const err = e as Partial<native.NativeError>
  return {
    code: typeof err.code === 'string' ? err.code : 'ZC_AGENT',
    message: err.message ?? String(e),
    errno: typeof err.errno === 'number' ? err.errno : undefined,
    syscall: err.syscall || undefined
  }
}

/** starts the trials clients prepare, and ends them */
export class TrialReceivers {
  constructor(
    private readonly limits: AgentLimits,
    private readonly books: TrialBooks,
    private readonly hostSnapshot: (edge: 'start' | 'end') => HostSnapshot,
    private readonly log: (line: string) => void
  ) {}

  prepare(client: Client, m: Prepare, re: number): Reply {
    const why = this.invalid(client, m)
    if (why) return { type: 'error', re, error: { code: 'ZC_BAD_ARGUMENT', message: `prepare: ${why}` } }
    // a GPU mode where there is no CUDA, or not that device: refused, never a fallback
    const noGpu = gpuRefusal(m)
    if (noGpu) return { type: 'error', re, error: noGpu }
    const pinned = this.books.admit(client, m, re)
    if (typeof pinned !== 'number') return pinned
    const maxBytes = Math.min(m.maxBytes ?? this.limits.maxTrialBytes, this.limits.maxTrialBytes)
    const maxDurationMs = Math.min(m.maxDurationMs ?? this.limits.maxTrialDurationMs, this.limits.maxTrialDurationMs)
    // every listener first: a port in use fails the trial before any receiver starts
    let listeners: Listeners
    try {
      listeners = this.listenAll(client, m)
    } catch (e) {
      return { type: 'error', re, error: errorInfo(e) }
    }
    const closeAll = () => listeners.close()
    const id = this.books.takeId()
    const hostStart = this.hostSnapshot('start')
    const transfers: native.Transfer[] = []
    try {
      for (const [i, l] of listeners.all.entries())
        transfers.push(
          native.startReceiver({
            mode: m.mode,
            listenFd: l.fd,
            bufferBytes: m.bufferBytes,
            checksum: m.checksum,
            acceptTimeoutMs: m.acceptTimeoutMs,
            pmu: m.pmu,
            maxBytes,
            expectedPeer: client.local ? undefined : plainIp(client.sock.remoteAddress),
            cpus: cpuForStream(m.cpus ?? null, i) ?? undefined,
            uringDepth: m.uringDepth,
            gpuDevice: m.gpuDevice
          })
        )
    } catch (e) {
      for (const x of transfers) x.cancel()
      // the listeners go once the receivers that use them have ended
      void Promise.allSettled(transfers.map((x) => x.done)).then(closeAll)
      return { type: 'error', re, error: errorInfo(e) }
    }
    this.books.add(client, { id, transfers, pinnedBytes: pinned })
    const plan =
      `mode ${m.mode}, ${transfers.length} stream${transfers.length === 1 ? '' : 's'}, buffer ${m.bufferBytes} B` +
      `${m.uringDepth ? `, depth ${m.uringDepth}` : ''}, caps ${maxBytes} B / ${maxDurationMs} ms`
    this.sendResultWhenDone(client, id, transfers, maxDurationMs, hostStart, closeAll, plan)
    return { type: 'prepared', re, trial: id, streams: listeners.all.map((l) => ({ port: l.port, path: l.path })) }
  }

  /** What is wrong with a prepare request, or null. */
  private invalid(client: Client, m: Prepare): string | null {
    const L = this.limits
    if (!isReceiverMode(m.mode)) return `mode must be one of ${RECEIVER_MODES.join(', ')}`
    if (!isInt(m.bufferBytes, 1, L.maxBufferBytes))
      return `bufferBytes must be a whole number in 1..${L.maxBufferBytes}`
    if (typeof m.checksum !== 'boolean') return 'checksum must be true or false'
    if (!isInt(m.acceptTimeoutMs, 1, 120_000)) return 'acceptTimeoutMs must be a whole number in 1..120000'
    if (m.pmu !== 'auto' && m.pmu !== 'off') return "pmu must be 'auto' or 'off'"
    if (m.maxBytes !== undefined && !isInt(m.maxBytes, 1, Number.MAX_SAFE_INTEGER))
      return 'maxBytes must be a positive whole number'
    if (m.maxDurationMs !== undefined && !isInt(m.maxDurationMs, 1, Number.MAX_SAFE_INTEGER))
      return 'maxDurationMs must be a positive whole number'
    // the plan's own limits (plan-text.ts), as the CLI and the form check them
    if (m.streams !== undefined && !inLimits(m.streams, 'streams'))
      return `streams must be a whole number in ${rangeText('streams')}`
    if (m.cpus !== undefined) {
      const allowed = native.allowedCpus()
      if (!Array.isArray(m.cpus) || m.cpus.length === 0 || m.cpus.length > PLAN_LIMITS.cpu.max + 1)
        return 'cpus must be a non-empty list of CPU numbers'
      const bad = m.cpus.filter((c) => !inLimits(c, 'cpu') || !allowed.includes(c))
      if (bad.length)
        return `cpus ${bad.map((c) => String(c).slice(0, 12)).join(', ')} are not CPUs this agent may run on (it may use ${allowed.join(',')})`
    }
    if (m.uringDepth !== undefined && !inLimits(m.uringDepth, 'uringDepth'))
      return `uringDepth must be a whole number in ${rangeText('uringDepth')}`
    if (m.gpuDevice !== undefined && !inLimits(m.gpuDevice, 'receiverGpu'))
      return `gpuDevice must be a whole number in ${rangeText('receiverGpu')}`
    if (!client.local) return null // remote clients choose nothing about where we listen
    if (m.family === 'unix') {
      // stream i > 0 listens at PATH.i
      const longest = (m.streams ?? 1) > 1 ? `${m.path}.${(m.streams ?? 1) - 1}` : m.path
      if (typeof m.path !== 'string' || !m.path.startsWith('/') || Buffer.byteLength(String(longest)) > 107)
        return 'path must be an absolute unix socket path (with .N added for streams after the first: 107 bytes at most)'
      return null
    }
    if (m.family !== 'inet' && m.family !== 'inet6') return "family must be 'inet', 'inet6' or 'unix'"
    if (typeof m.host !== 'string' || net.isIP(m.host) !== (m.family === 'inet' ? 4 : 6))
      return `host must be a numeric ${m.family === 'inet' ? 'IPv4' : 'IPv6'} address`
    if (m.port !== undefined && !isInt(m.port, 0, 65535)) return 'port must be in 0..65535'
    if (m.port && m.port + (m.streams ?? 1) - 1 > 65535) return 'port + streams - 1 must be in 0..65535'
    return null
  }

  /** where stream i listens: a local client chooses (PATH.i, PORT + i); a remote one reaches us where it did */
  private streamAddress(client: Client, m: Prepare, i: number): native.NativeAddress {
    if (!client.local) {
      const local = plainIp(client.sock.localAddress)
      return { family: net.isIPv6(local) ? 'inet6' : 'inet', host: local, port: 0 }
    }
    if (m.family === 'unix') return { family: 'unix', path: i === 0 ? m.path : `${m.path}.${i}` }
    return { family: m.family, host: m.host, port: m.port ? m.port + i : 0 }
  }

  /** stream i's listener for each stream; on failure the ones already open are closed */
  private listenAll(client: Client, m: Prepare): Listeners {
    const all: Listeners['all'] = []
    const close = () => {
      for (const l of all) {
        native.closeFd(l.fd)
        // the socket file is ours: bind() refuses a path that exists, so we made it
        if (l.path) rmSync(l.path, { force: true })
      }
    }
    try {
      for (let i = 0; i < (m.streams ?? 1); i++) {
        const address = this.streamAddress(client, m, i)
        const l = native.listen(address, 4)
        all.push({ fd: l.fd, port: l.port, path: address.family === 'unix' ? (address.path ?? null) : null })
      }
    } catch (e) {
      close()
      throw e
    }
    return { all, close }
  }

  /**
   * Once every receiver of the trial has ended (or the agent's time limit cancelled
   * them), the client gets the trial's result, unasked, and the trial is forgotten.
   */
  private sendResultWhenDone(
    client: Client,
    id: number,
    transfers: native.Transfer[],
    maxDurationMs: number,
    hostStart: HostSnapshot,
    closeListeners: () => void,
    plan: string
  ): void {
    const startMs = Date.now()
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      for (const x of transfers) x.cancel()
    }, maxDurationMs)
    // an accepted data connection that sends nothing holds its buffers and the client's
    // slots: past dataIdleTimeoutMs without a byte the trial ends, not at maxDurationMs
    const idleMs = this.limits.dataIdleTimeoutMs
    let idled = false
    const seen = transfers.map(() => ({ bytes: -1, sinceMs: 0 }))
    const idleCheck = setInterval(
      () => {
        const now = Date.now()
        for (const [i, x] of transfers.entries()) {
          const p = x.progress()
          if (p.phase !== 'connected' && p.phase !== 'moving') continue
          if (p.bytes !== seen[i].bytes) seen[i] = { bytes: p.bytes, sinceMs: now }
          else if (now - seen[i].sinceMs >= idleMs && !idled) {
            idled = true
            for (const y of transfers) y.cancel()
          }
        }
      },
      Math.max(10, Math.min(1000, idleMs / 4))
    )
    const settle = (x: native.Transfer): Promise<StreamResult> =>
      x.done.then(
        (result) => ({ result: wireResult(result), error: null }),
        (e: native.NativeError) => {
          let error = errorInfo(e)
          if (timedOut && error.code === 'ZC_CANCELLED')
            error = { code: 'ZC_LIMIT', message: `the trial passed this agent's limit of ${maxDurationMs} ms` }
          else if (idled && error.code === 'ZC_CANCELLED')
            error = {
              code: 'ETIMEDOUT',
              message: `a data connection of this trial sent nothing for ${idleMs} ms (the agent's dataIdleTimeoutMs): the trial was ended`
            }
          return { result: e.partial ? wireResult(e.partial) : null, error }
        }
      )
    void Promise.all(transfers.map(settle)).then((streams) => {
      clearTimeout(timer)
      clearInterval(idleCheck)
      closeListeners()
      this.books.remove(client, id)
      const codes = [...new Set(streams.flatMap((s) => (s.error ? [s.error.code] : [])))]
      const bytes = streams.reduce((sum, s) => sum + (s.result?.bytes ?? 0), 0)
      this.log(
        `session ${whoIs(client.sock)}: trial ${id}, ${plan} → ${codes.length ? codes.join('+') : 'ok'}, ${bytes} bytes in ${Date.now() - startMs} ms`
      )
      const result: TrialResult = { type: 'result', trial: id, streams, hostStart, hostEnd: this.hostSnapshot('end') }
      client.send(result)
    })
  }
}
