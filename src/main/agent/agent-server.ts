// The receiving end: serves control connections, runs one native receiver per trial.

import net from 'node:net'
import { rmSync } from 'node:fs'
import * as native from '../../native'
import { RECEIVER_MODES, isReceiverMode } from '../../shared/methods'
import type { Environment } from '../../shared/report'
import type { ErrorInfo } from '../../shared/errors'
import {
  FrameDecoder,
  PROTOCOL_VERSION,
  encodeFrame,
  type ControlAddress,
  type Prepare,
  type Request,
  type Reply,
  type TrialResult
} from './protocol'

export interface AgentOptions {
  address: ControlAddress
  environment?: () => Promise<Environment | null>
}

interface Trial {
  id: number
  transfer: native.Transfer
  listenFd: number
  unixPath: string | null
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

function processCpuNs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) * 1000
}

export class AgentServer {
  private readonly server: net.Server
  private nextTrial = 1
  private readonly trials = new Map<number, Trial>()

  constructor(private readonly opts: AgentOptions) {
    this.server = net.createServer((sock) => this.serve(sock))
  }

  listen(): Promise<ControlAddress> {
    const a = this.opts.address
    return new Promise((resolve, reject) => {
      this.server.once('error', reject)
      const bound = () => {
        if ('path' in a) return resolve(a)
        const got = this.server.address() as net.AddressInfo
        resolve({ host: got.address, port: got.port })
      }
      if ('path' in a) this.server.listen(a.path, bound)
      else this.server.listen(a.port, a.host, bound)
    })
  }

  close(): Promise<void> {
    for (const t of this.trials.values()) t.transfer.cancel()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private serve(sock: net.Socket): void {
    const decoder = new FrameDecoder()
    let greeted = false
    const owned = new Set<number>()
    const send = (m: Reply | TrialResult) => {
      if (!sock.destroyed) sock.write(encodeFrame(m))
    }
    sock.on('data', (chunk) => {
      let msgs: unknown[]
      try {
        msgs = decoder.push(chunk)
      } catch (e) {
        send({ type: 'error', re: 0, error: { code: 'ZC_PROTOCOL', message: (e as Error).message } })
        sock.end()
        return
      }
      for (const raw of msgs) {
        const m = raw as Request
        const re = typeof m.seq === 'number' ? m.seq : 0
        if (!greeted) {
          if (m.type !== 'hello' || m.version !== PROTOCOL_VERSION) {
            send({
              type: 'error',
              re,
              error: {
                code: 'ZC_VERSION',
                message: `agent speaks protocol ${PROTOCOL_VERSION}; the client sent ${m.type === 'hello' ? `version ${String(m.version)}` : `'${String(m.type)}' before hello`}`
              }
            })
            sock.end()
            return
          }
          greeted = true
          void this.hello(re).then(send)
          continue
        }
        if (m.type === 'prepare') send(this.prepare(m, re, owned, send))
        else if (m.type === 'sample') {
          const t0 = native.threadCpuNs()
          const t = this.trials.get(m.trial)
          const progress = t ? t.transfer.progress() : null
          const counters = t ? t.transfer.counters(false) : null
          send({ type: 'sample', re, trial: m.trial, progress, counters, busyNs: native.threadCpuNs() - t0 })
        } else if (m.type === 'cancel') {
          this.trials.get(m.trial)?.transfer.cancel()
          send({ type: 'ok', re })
        } else {
          send({
            type: 'error',
            re,
            error: { code: 'ZC_PROTOCOL', message: `unknown message type '${String((m as { type: unknown }).type)}'` }
          })
        }
      }
    })
    // a client that goes away takes its trials with it
    sock.on('close', () => {
      for (const id of owned) this.trials.get(id)?.transfer.cancel()
    })
    sock.on('error', () => sock.destroy())
  }

  private async hello(re: number): Promise<Reply> {
    return {
      type: 'hello',
      re,
      version: PROTOCOL_VERSION,
      receiverModes: [...RECEIVER_MODES],
      families: ['inet', 'inet6', 'unix'],
      environment: this.opts.environment ? await this.opts.environment() : null
    }
  }

  private prepare(m: Prepare, re: number, owned: Set<number>, send: (r: TrialResult) => void): Reply {
    if (!isReceiverMode(m.mode)) {
      return {
        type: 'error',
        re,
        error: { code: 'ZC_BAD_ARGUMENT', message: `unknown receiver mode '${String(m.mode)}'` }
      }
    }
    let listenFd = -1
    try {
      const l = native.listen({ family: m.family, host: m.host, port: m.port ?? 0, path: m.path }, 4)
      listenFd = l.fd
      const id = this.nextTrial++
      const cpuStart = processCpuNs()
      const transfer = native.startReceiver({
        mode: m.mode,
        listenFd,
        bufferBytes: m.bufferBytes,
        checksum: m.checksum,
        acceptTimeoutMs: m.acceptTimeoutMs,
        pmu: m.pmu
      })
      const trial: Trial = { id, transfer, listenFd, unixPath: m.family === 'unix' ? (m.path ?? null) : null }
      this.trials.set(id, trial)
      owned.add(id)
      const finish = (result: native.NativeResult | null, error: ErrorInfo | null) => {
        native.closeFd(listenFd)
        if (trial.unixPath) rmSync(trial.unixPath, { force: true })
        this.trials.delete(id)
        owned.delete(id)
        send({ type: 'result', trial: id, result, error, processCpuNs: processCpuNs() - cpuStart })
      }
      transfer.done.then(
        (r) => finish(r, null),
        (e: native.NativeError) => finish(e.partial ?? null, errorInfo(e))
      )
      return { type: 'prepared', re, trial: id, port: l.port, path: m.path ?? null }
    } catch (e) {
      if (listenFd >= 0) native.closeFd(listenFd)
      return { type: 'error', re, error: errorInfo(e) }
    }
  }
}
