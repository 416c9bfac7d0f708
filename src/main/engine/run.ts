// A plan → interleaved trials → a report. The one entry point every front end uses.

import { aggregateTrials } from '../../shared/aggregate'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import { METHODS, isMethod, isReceiverMode, type MethodName } from '../../shared/methods'
import {
  SCHEMA_VERSION,
  type Environment,
  type Plan,
  type Report,
  type TrialRecord,
  type Warning
} from '../../shared/report'
import { isLocal, isLoopback, parseTarget, type Target } from '../../shared/targets'
import { formatBytes } from '../../shared/units'
import * as native from '../../native'
import { captureEnvironment } from '../host/environment'
import { Receivers } from './receivers'
import { checkUserFile, ensureTestFile } from './test-file'
import { runTrial, type TrialSpec } from './trial'
import { TOOL_VERSION } from './version'

export const DEFAULT_PLAN: Plan = {
  methods: [...METHODS],
  targets: ['tcp://127.0.0.1'],
  fileBytes: [256 * 1024 * 1024],
  file: null,
  chunkBytes: [128 * 1024],
  repeat: 3,
  warmup: 1,
  cache: 'warm',
  receiverMode: 'read',
  checksum: false,
  sampleIntervalMs: 100,
  pmu: 'auto'
}

export interface RunOptions {
  plan: Plan
  cacheDir?: string
  onEvent?: (e: RunEvent) => void
  /** aborting stops the current trial and ends the run, keeping what was measured */
  signal?: AbortSignal
  /** for agent:// targets; kept out of the report */
  token?: string
  /** how long any agent may take to answer (default 5 s) */
  agentTimeoutMs?: number
}

/** Checks a plan before anything runs; every problem names the input and the fix. */
export function validatePlan(plan: Plan): Target[] {
  const bad = (message: string, hint: string): never => {
    throw new ZcprofError({ code: 'ZC_BAD_PLAN', message, hint })
  }
  if (plan.methods.length === 0) bad('no methods to run', `pick some of: ${METHODS.join(', ')}`)
  for (const m of plan.methods) {
    if (!isMethod(m)) bad(`unknown method '${String(m)}'`, `methods are: ${METHODS.join(', ')}`)
  }
  if (!isReceiverMode(plan.receiverMode))
    bad(`unknown receiver mode '${String(plan.receiverMode)}'`, 'receiver modes are: read, splice, discard')
  if (!Number.isInteger(plan.repeat) || plan.repeat < 1)
    bad(`repeat must be a whole number ≥ 1, not ${plan.repeat}`, 'e.g. --repeat 5')
  if (!Number.isInteger(plan.warmup) || plan.warmup < 0)
    bad(`warmup must be a whole number ≥ 0, not ${plan.warmup}`, 'e.g. --warmup 1')
  if (!(plan.sampleIntervalMs === 0 || plan.sampleIntervalMs >= 10)) {
    bad(`sample interval ${plan.sampleIntervalMs} ms is too short`, 'use 10 ms or more, or 0 to turn sampling off')
  }
  if (plan.chunkBytes.length === 0 || plan.chunkBytes.some((c) => !(c >= 1)))
    bad('chunk sizes must be positive', 'e.g. --chunk 128KiB,1MiB')
  if (!plan.file && (plan.fileBytes.length === 0 || plan.fileBytes.some((s) => !(s >= 1))))
    bad('file sizes must be positive', 'e.g. --size 256MiB')
  if (plan.targets.length === 0) bad('no targets', 'e.g. --target tcp://127.0.0.1')
  const targets = plan.targets.map(parseTarget)
  for (const t of targets) {
    if (isLocal(t) && !isLoopback(t)) {
      bad(
        `target ${t.text} is not on this host`,
        'tcp:// targets are loopback (127.0.0.0/8, ::1); for another host use agent://HOST:PORT (a zcprof agent there) or raw://HOST:PORT (any TCP sink)'
      )
    }
    if (t.kind === 'unix' && plan.receiverMode === 'discard') {
      bad(
        `receiver mode discard cannot be used with ${t.text}`,
        'MSG_TRUNC discards only on TCP: use --receiver read or splice with unix targets'
      )
    }
  }
  return targets
}

/** Interleaved: every repetition runs each method once, so drift spreads over all of them. */
export function planTrials(plan: Plan, targets: Target[], sizes: number[]): Omit<TrialSpec, 'index'>[] {
  const out: Omit<TrialSpec, 'index'>[] = []
  for (let rep = 0; rep < plan.warmup + plan.repeat; rep++) {
    const warmup = rep < plan.warmup
    for (const target of targets)
      for (const fileBytes of sizes)
        for (const chunkBytes of plan.chunkBytes)
          for (const method of plan.methods) {
            out.push({
              method,
              target,
              fileBytes,
              chunkBytes,
              repetition: warmup ? rep : rep - plan.warmup,
              warmup,
              cache: plan.cache,
              receiverMode: plan.receiverMode
            })
          }
  }
  return out
}

function pmuWarning(reason: string | null, clockHz: number): Warning {
  return {
    code: 'CYCLES_ESTIMATED',
    message: `cycles are estimated from CPU time × ${(clockHz / 1e9).toFixed(2)} GHz, not counted: ${reason ?? 'the PMU is closed'}`
  }
}

export async function runPlan(opts: RunOptions): Promise<Report> {
  const { plan } = opts
  const emit = (e: RunEvent) => opts.onEvent?.(e)
  const targets = validatePlan(plan)
  const started = Date.now()
  const environment = await captureEnvironment(plan.pmu)

  // files first: a missing file fails before any receiver starts
  const files = new Map<number, string>()
  if (plan.file) files.set(checkUserFile(plan.file), plan.file)
  else {
    for (const size of plan.fileBytes) {
      const file = await ensureTestFile(size, opts.cacheDir, (doneBytes) =>
        emit({ type: 'file-progress', file: `generated ${formatBytes(size)}`, doneBytes, totalBytes: size })
      )
      files.set(size, file)
    }
  }
  const sizes = [...files.keys()]
  const specs = planTrials(plan, targets, sizes)
  emit({ type: 'run-start', plan, environment, trials: specs.length })

  const warnings: Warning[] = []
  const warn = (w: Warning) => {
    if (warnings.some((x) => x.code === w.code && x.method === w.method && x.message === w.message)) return
    warnings.push(w)
    emit({ type: 'warning', warning: w })
  }
  if (!environment.pmu.available) warn(pmuWarning(environment.pmu.reason, environment.cpuClockHz))
  if (plan.methods.includes('node-stream')) {
    warn({
      code: 'PROCESS_SCOPE',
      method: 'node-stream',
      message:
        'node-stream runs on the JS thread: its counters cover the whole sending process and its syscalls are not counted'
    })
  }
  if (plan.checksum && plan.receiverMode !== 'read') {
    warn({
      code: 'CHECKSUM_COPIES',
      message: `--verify makes the ${plan.receiverMode} receiver copy bytes to user space to hash them: its receiver figures include that copy`
    })
  }

  const crcs = new Map<string, number>()
  if (plan.checksum) for (const f of files.values()) crcs.set(f, (await native.fileCrc32c(f)).crc32c)

  const trials: TrialRecord[] = []
  const skipped = new Set<MethodName>()
  let incomplete = false
  let fatal: ErrorInfo | null = null
  let cancelCurrent: (() => void) | null = null
  const onAbort = () => cancelCurrent?.()
  opts.signal?.addEventListener('abort', onAbort)

  const receivers = new Receivers({ token: opts.token, timeoutMs: opts.agentTimeoutMs })
  const receiverEnvironments = new Map<string, Environment | null>()
  try {
    for (let i = 0; i < specs.length; i++) {
      if (opts.signal?.aborted) {
        incomplete = true
        break
      }
      const spec: TrialSpec = { ...specs[i], index: i }
      if (skipped.has(spec.method)) continue
      const unsupportedHere = spec.method === 'msg-zerocopy' && spec.target.kind === 'unix'
      if (unsupportedHere) {
        warn({
          code: 'UNSUPPORTED',
          method: spec.method,
          message: `msg-zerocopy needs TCP; skipped on ${spec.target.text}`
        })
        continue
      }
      const file = files.get(spec.fileBytes)!
      emit({
        type: 'trial-start',
        trial: {
          index: i,
          total: specs.length,
          method: spec.method,
          target: spec.target.text,
          fileBytes: spec.fileBytes,
          chunkBytes: spec.chunkBytes,
          repetition: spec.repetition,
          warmup: spec.warmup
        }
      })
      let rec: TrialRecord
      try {
        const receiver = await receivers.for(spec.target)
        receiverEnvironments.set(spec.target.text, receiver.environment)
        if (!receiver.agent) {
          warn({
            code: 'SENDER_ONLY',
            message: `${spec.target.text} is a raw sink: sender-side figures only, and its bytes are not confirmed by a receiver of ours`
          })
        }
        rec = await runTrial(
          {
            agent: receiver.agent,
            sameHost: receiver.sameHost,
            receiverClockHz: receiver.environment?.cpuClockHz ?? environment.cpuClockHz,
            file,
            expectedCrc32c: crcs.get(file) ?? null,
            checksum: plan.checksum,
            clockHz: environment.cpuClockHz,
            sampleIntervalMs: plan.sampleIntervalMs,
            pmu: plan.pmu,
            onSample: (sample) => emit({ type: 'sample', trial: i, sample }),
            onStart: (cancel) => (cancelCurrent = cancel)
          },
          spec
        )
      } catch (e) {
        // the receiver could not be set up: this target cannot work, so stop here
        fatal =
          e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: String((e as Error).stack ?? e) }
        incomplete = true
        break
      } finally {
        cancelCurrent = null
      }
      if (rec.error?.code === 'ZC_UNSUPPORTED') {
        skipped.add(spec.method)
        warn({ code: 'UNSUPPORTED', method: spec.method, message: `${spec.method} skipped: ${rec.error.message}` })
        continue
      }
      trials.push(rec)
      emit({ type: 'trial-end', trial: rec })
      // what one trial noticed (zero-copy fell back, the window limited it) belongs in the
      // run's warnings too; contamination has its own, once
      for (const note of rec.summary?.warnings ?? []) {
        if (!note.startsWith('other processes used'))
          warn({ code: 'TRIAL_NOTE', method: rec.method, message: `${rec.method}: ${note}` })
      }
      if (rec.error?.code === 'ZC_CANCELLED' || opts.signal?.aborted) {
        incomplete = true
        break
      }
      if (rec.error?.code === 'ZC_AGENT_GONE') {
        fatal = rec.error
        incomplete = true
        break
      }
      if (rec.summary?.contaminated)
        warn({
          code: 'CONTAMINATED',
          message: 'some trials ran while other processes used significant CPU; their figures are marked'
        })
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    await receivers.close()
  }
  if (fatal) {
    warn({ code: fatal.code, message: fatal.message + (fatal.hint ? ` (${fatal.hint})` : '') })
    emit({ type: 'error', error: fatal })
  }
  for (const t of trials) {
    if (t.error && t.error.code !== 'ZC_CANCELLED')
      warn({ code: t.error.code, method: t.method, message: `${t.method}: ${t.error.message}` })
  }
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'zcprof', version: TOOL_VERSION },
    meta: { title: null, tags: [] },
    foreign: null,
    start: {
      timestamp: new Date(started).toISOString(),
      plan,
      environment: {
        sender: environment,
        receivers: [...receiverEnvironments].map(([target, env]) => ({ target, environment: env }))
      }
    },
    trials,
    end: {
      timestamp: new Date().toISOString(),
      durationMs: Date.now() - started,
      incomplete,
      aggregates: aggregateTrials(trials),
      warnings
    }
  }
  emit({ type: 'run-end', report })
  return report
}
