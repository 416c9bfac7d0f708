// Who receives for each target: the local child agent (tcp://, unix://), a remote
// agent (agent://), or nobody of ours (raw://). Connections are made once per run;
// each trial asks its receiver for receiving threads, one per stream.

import { mkdtempSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { isGpuReceiverMode } from '../../shared/methods'
import type { Target } from '../../shared/targets'
import { sumTotals, type SideTotals } from '../../shared/trial-summary'
import { AgentClient } from '../agent/agent-client'
import type { SampleReply, TrialResult } from '../agent/protocol'
import { acceptEnvironment } from '../model/schema-validator'
import { explainError } from './explain-error'
import { gpuReceiver } from './gpu-target'
import { startLocalAgent, type LocalAgent } from './local-agent'
import { nativeTotals } from './sender'
import type { ReceiverOutcome, ReceiverSnapshot } from './trial-figures'
import type { Receiver, ReceiverRequest, ReceiverSet, ReceiverTrial } from './transport'

/** how long a prepared receiver waits for its sender to connect */
const ACCEPT_TIMEOUT_MS = 10_000
/** a sample's answer from the agent: past this, the sample goes without the receiver */
const SAMPLE_REPLY_TIMEOUT_MS = 1000

/**
 * A directory of this user's alone (0700, made by mkdtemp) for a run's unix data sockets:
 * a predictable name in a shared /tmp could be taken first by another user. Under
 * $XDG_RUNTIME_DIR when there is one (already private), else the temporary directory.
 */
export function privateSocketDir(): string {
  const runtime = process.env.XDG_RUNTIME_DIR
  let base = os.tmpdir()
  try {
    if (runtime && path.isAbsolute(runtime) && statSync(runtime).isDirectory()) base = runtime
  } catch {
    // no runtime dir after all: the temporary directory
  }
  return mkdtempSync(path.join(base, 'zcprof-'))
}

/** trial index's socket in the run's private directory (stream i > 0 adds .i) */
function unixPath(dir: string, index: number): string {
  return path.join(dir, `trial-${index}.sock`)
}

function receiverSnapshot(r: SampleReply): ReceiverSnapshot {
  const streamBytes = r.streams.map((s) => s.progress?.bytes ?? 0)
  const streamTotals = r.streams.map((s) =>
    s.counters ? nativeTotals(s.counters, s.progress ?? { syscalls: null }) : null
  )
  return {
    bytes: streamBytes.reduce((a, b) => a + b, 0),
    streamBytes,
    totals: streamTotals.length && streamTotals.every((x) => x) ? sumTotals(streamTotals as SideTotals[]) : null,
    streamTotals,
    host: r.host,
    busyNs: r.busyNs
  }
}

function receiverOutcome(r: TrialResult): ReceiverOutcome {
  return { streams: r.streams, hostStart: r.hostStart, hostEnd: r.hostEnd }
}

/** nobody of ours receives: each stream connects to the sink itself */
function rawReceiver(t: Extract<Target, { kind: 'raw' }>): Receiver {
  return {
    ours: false,
    sameHost: false,
    environment: null,
    cpus: null,
    pid: null,
    gpu: null,
    prepareTrial: async (req) => ({
      addresses: Array.from({ length: req.streams }, () => ({ family: t.family, host: t.host, port: t.port })),
      sample: async () => null,
      cancel: () => undefined,
      result: async () => null
    })
  }
}

function agentReceiver(
  agent: AgentClient,
  sameHost: boolean,
  pid: number | null = null,
  socketDir: () => string = () => {
    throw new Error('internal: a unix target needs the local agent')
  }
): Receiver {
  return {
    ours: true,
    sameHost,
    environment: acceptEnvironment(agent.hello?.environment),
    cpus: agent.hello?.cpus ?? null,
    pid,
    gpu: null,
    prepareTrial: (req) => prepareAgentTrial(agent, req, socketDir)
  }
}

async function prepareAgentTrial(
  agent: AgentClient,
  req: ReceiverRequest,
  socketDir: () => string
): Promise<ReceiverTrial> {
  const t = req.target
  if (t.kind === 'gpu') throw new Error(`internal: ${t.text} has no agent`)
  const prepared = await agent
    .request({
      type: 'prepare',
      family: t.family,
      // a remote agent listens where we reached it; only a local one takes an address
      host: t.kind === 'tcp' ? t.host : undefined,
      port: t.kind === 'tcp' ? (t.port ?? 0) : undefined,
      path: t.kind === 'unix' ? (t.path ?? unixPath(socketDir(), req.index)) : undefined,
      mode: req.mode,
      bufferBytes: req.bufferBytes,
      checksum: req.checksum,
      acceptTimeoutMs: ACCEPT_TIMEOUT_MS,
      pmu: req.pmu,
      maxBytes: req.maxBytes,
      streams: req.streams,
      cpus: req.cpus ?? undefined,
      // sent only for the mode that uses it: an agent from before io_uring takes the rest as always
      ...(req.mode === 'uring' ? { uringDepth: req.uringDepth } : {}),
      ...(isGpuReceiverMode(req.mode) ? { gpuDevice: req.gpuDevice ?? 0 } : {})
    })
    .catch((e: unknown) => {
      throw explainError(e instanceof ZcprofError ? e.toInfo() : e, { target: t.text, listening: true })
    })
  const trial = prepared.trial
  return {
    addresses: prepared.streams.map((s) =>
      t.kind === 'unix' ? { family: 'unix', path: s.path! } : { family: t.family, host: t.host, port: s.port }
    ),
    sample: (detail) =>
      agent.request({ type: 'sample', trial, detail }, SAMPLE_REPLY_TIMEOUT_MS).then(receiverSnapshot),
    cancel: () => void agent.request({ type: 'cancel', trial }).catch(() => undefined),
    result: (timeoutMs) => agent.result(trial, timeoutMs).then(receiverOutcome)
  }
}

export class Receivers implements ReceiverSet {
  private local: Promise<LocalAgent> | null = null
  private readonly remote = new Map<string, Promise<AgentClient>>()
  private readonly gpus = new Map<number, Receiver>()
  /** made at the first unix target that names no path; removed at close() */
  private socketDir: string | null = null

  constructor(private readonly opts: { token?: string; timeoutMs?: number } = {}) {}

  /**
   * Starts connecting to every receiver the plan needs, so the local agent's start-up
   * and a remote hello overlap the run's preparation. A failure is not lost: it
   * surfaces at that target's first trial, where `for` awaits the same promise.
   */
  prepare(targets: readonly Target[]): void {
    for (const t of targets) if (t.kind !== 'raw' && t.kind !== 'gpu') void this.for(t).catch(() => undefined)
  }

  async for(t: Target): Promise<Receiver> {
    if (t.kind === 'raw') return rawReceiver(t)
    if (t.kind === 'gpu') {
      let g = this.gpus.get(t.device)
      if (!g) this.gpus.set(t.device, (g = gpuReceiver(t)))
      return g
    }
    if (t.kind === 'agent') {
      const key = `${t.host}|${t.port}`
      let p = this.remote.get(key)
      if (!p) {
        p = AgentClient.connect(
          { host: t.host, port: t.port },
          { token: this.opts.token, timeoutMs: this.opts.timeoutMs }
        )
        this.remote.set(key, p)
      }
      return agentReceiver(await p, false)
    }
    this.local ??= startLocalAgent()
    const local = await this.local
    return agentReceiver(local.client, true, local.pid, () => (this.socketDir ??= privateSocketDir()))
  }

  async close(): Promise<void> {
    const local = this.local
    this.local = null
    if (local) (await local.catch(() => null))?.stop()
    for (const p of this.remote.values()) (await p.catch(() => null))?.close()
    this.remote.clear()
    if (this.socketDir) rmSync(this.socketDir, { recursive: true, force: true })
    this.socketDir = null
  }
}
