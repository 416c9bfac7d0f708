// A plan → interleaved trials → a report. The one entry point every front end uses.

import { aggregateTrials } from '../../shared/aggregate'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import { METHOD_INFO, METHODS, type MethodName } from '../../shared/methods'
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_DURATION_MS,
  DEFAULT_SAMPLE_INTERVAL_MS,
  DEFAULT_URING_DEPTH,
  omitMsOf,
  planProblems,
  runsOn
} from '../../shared/plan-rules'
import type {
  Environment,
  GpuEnvironment,
  MeasuredEnvironment,
  MethodAggregate,
  Plan,
  Report,
  TrialRecord,
  Warning
} from '../../shared/report'
import { parseTarget, type Target } from '../../shared/targets'
import { formatBytes } from '../../shared/units'
import { errorWarning, mergeWarning, warning } from '../../shared/warnings'
import type { RatioEstimate } from '../../shared/statistics'
import { nativeTransport } from './native-transport'
import { checkUserFile, ensureTestFile } from './test-file'
import { checkReceiverCpus, runTrial, type TrialSpec } from './trial'
import type { ReceiverSet, Transport } from './transport'
import { zcprofReport } from './version'

/**
 * Every method on loopback, 2 s timed trials (the first 10% left out as ramp), three
 * repetitions interleaved, sampled every 50 ms: about a minute here, and each measured
 * trial rests on 36 samples and over 100 clock ticks. No warm-up round: each timed
 * trial leaves its own ramp out.
 */
export const DEFAULT_PLAN: Plan = {
  methods: [...METHODS],
  targets: ['tcp://127.0.0.1'],
  fileBytes: [256 * 1024 * 1024],
  file: null,
  chunkBytes: [DEFAULT_CHUNK_BYTES],
  repeat: 3,
  warmup: 0,
  cache: 'warm',
  receiverMode: 'read',
  checksum: false,
  sampleIntervalMs: DEFAULT_SAMPLE_INTERVAL_MS,
  pmu: 'auto',
  durationMs: DEFAULT_DURATION_MS,
  omitMs: null,
  trialBytes: null,
  streams: 1,
  senderCpus: null,
  receiverCpus: null,
  lineRatesBitsPerSec: null,
  uringDepth: DEFAULT_URING_DEPTH,
  uringSqpoll: false
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
  /** the report's title and tags (checked by the caller) */
  meta?: Report['meta']
  /** what moves the data and measures it: the addon and agents unless a test says otherwise */
  transport?: Transport
}

/**
 * Checks a plan before anything runs, by the rules every front end shares
 * (shared/plan-rules.ts); each problem names the input and the fix.
 */
export function validatePlan(plan: Plan, transport: Pick<Transport, 'allowedCpus'> = nativeTransport): Target[] {
  const problems = planProblems(plan, transport.allowedCpus())
  if (problems.length) {
    const [first, ...rest] = problems
    throw new ZcprofError({
      code: 'ZC_BAD_PLAN',
      message:
        first.message + (rest.length ? ` (and ${rest.length} more: ${rest.map((p) => p.message).join('; ')})` : ''),
      hint: first.hint
    })
  }
  return plan.targets.map(parseTarget)
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
            // a socket method has nothing to do on a GPU, nor a GPU method on a socket
            if (!runsOn(method, target)) continue
            out.push({
              method,
              target,
              fileBytes,
              chunkBytes,
              durationMs: plan.durationMs,
              omitMs: plan.durationMs === null ? null : omitMsOf(plan),
              trialBytes: plan.trialBytes,
              streams: plan.streams,
              senderCpus: plan.senderCpus,
              receiverCpus: plan.receiverCpus,
              uringDepth: plan.uringDepth ?? DEFAULT_URING_DEPTH,
              uringSqpoll: plan.uringSqpoll ?? false,
              gpuSpin: plan.gpuSpin ?? false,
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
  return warning(
    'CYCLES_ESTIMATED',
    `cycles are estimated from CPU time × ${(clockHz / 1e9).toFixed(2)} GHz, not counted: ${reason ?? 'the PMU is closed'}`,
    { scope: 'run' }
  )
}

/**
 * Everything a run needs before its first trial. A user's missing file fails before
 * any receiver starts; then the receivers start, the environment is collected and the
 * test files made side by side, so a small run spends its time moving data rather
 * than waiting on each in turn. On failure the receivers are closed again.
 */
async function prepareRun(
  plan: Plan,
  targets: Target[],
  opts: RunOptions,
  transport: Transport,
  emit: (e: RunEvent) => void
): Promise<{ files: Map<number, string>; environment: MeasuredEnvironment; receivers: ReceiverSet }> {
  const files = new Map<number, string>()
  if (plan.file) files.set(checkUserFile(plan.file), plan.file)
  const generateFiles = async () => {
    for (const size of plan.file ? [] : plan.fileBytes) {
      const file = await ensureTestFile(size, opts.cacheDir, (doneBytes) =>
        emit({ type: 'file-progress', file: `generated ${formatBytes(size)}`, doneBytes, totalBytes: size })
      )
      files.set(size, file)
    }
  }
  const receivers = transport.receivers({ token: opts.token, timeoutMs: opts.agentTimeoutMs })
  receivers.prepare(targets)
  try {
    const [environment] = await Promise.all([transport.environment(plan.pmu), generateFiles()])
    return { files, environment, receivers }
  } catch (e) {
    await receivers.close()
    throw e
  }
}

/** what the plan itself means for the figures, said before the first trial */
function planWarnings(plan: Plan, environment: MeasuredEnvironment): Warning[] {
  const out: Warning[] = []
  if (!environment.pmu.available) out.push(pmuWarning(environment.pmu.reason, environment.cpuClockHz))
  if (plan.methods.includes('node-stream')) {
    out.push(
      warning(
        'PROCESS_SCOPE',
        'node-stream runs on the JS thread: its counters cover the whole sending process and its syscalls are not counted',
        { scope: 'method', method: 'node-stream' }
      )
    )
    if (plan.senderCpus)
      out.push(
        warning('PIN_IGNORED', 'node-stream is not pinned: --cpus applies to native sender threads', {
          scope: 'method',
          method: 'node-stream'
        })
      )
  }
  if (plan.checksum && plan.receiverMode !== 'read')
    out.push(
      warning(
        'CHECKSUM_COPIES',
        `--verify makes the ${plan.receiverMode} receiver copy bytes to user space to hash them: its receiver figures include that copy`,
        { scope: 'run' }
      )
    )
  return out
}

/** a sender's saving the receiver pays back is not a saving: each such method, said once */
function costMovedWarnings(aggregates: MethodAggregate[]): Warning[] {
  const out: Warning[] = []
  for (const a of aggregates) {
    const v = a.vsCopy
    if (v?.verdict !== 'cost-moved' && v?.verdict !== 'partly-moved') continue
    const pct = (r: RatioEstimate | null) => (r ? `${Math.abs((r.ratio - 1) * 100).toFixed(0)}%` : '?')
    const receiver =
      v.receiverCyclesPerBit && v.receiverCyclesPerBit.ratio > 1
        ? `the receiver pays ${pct(v.receiverCyclesPerBit)} more`
        : 'the rest of the system pays it back'
    out.push(
      warning(
        'COST_MOVED',
        v.verdict === 'cost-moved'
          ? `${a.method}: the sender saves ${pct(v.senderCyclesPerBit)} CPU per bit against copy, but ${receiver}: the whole system saves nothing clear. The cost moved; it was not saved`
          : `${a.method}: the sender saves ${pct(v.senderCyclesPerBit)} CPU per bit against copy, but ${receiver}: the whole system saves ${pct(v.systemCyclesPerBit)}`,
        { scope: 'method', method: a.method }
      )
    )
  }
  return out
}

/** every receiver before the first trial: one whose CPUs cannot be had fails the plan (exit 2) */
async function checkReceiverCpusFirst(plan: Plan, targets: Target[], receivers: ReceiverSet): Promise<void> {
  if (!plan.receiverCpus) return
  for (const t of targets) {
    if (t.kind === 'raw') continue
    try {
      checkReceiverCpus((await receivers.for(t)).cpus, plan.receiverCpus, t.text)
    } catch (e) {
      if (e instanceof ZcprofError && e.code === 'ZC_BAD_PLAN') throw e
      // an agent that cannot be reached fails its first trial, as it always has
    }
  }
}

function trialStart(spec: TrialSpec, total: number): RunEvent {
  return {
    type: 'trial-start',
    trial: {
      index: spec.index,
      total,
      method: spec.method,
      target: spec.target.text,
      fileBytes: spec.fileBytes,
      chunkBytes: spec.chunkBytes,
      durationMs: spec.durationMs,
      streams: spec.streams,
      repetition: spec.repetition,
      warmup: spec.warmup
    }
  }
}

interface RunOutcome {
  plan: Plan
  environment: MeasuredEnvironment
  receiverEnvironments: Map<string, Environment | null>
  gpuEnvironments: Map<string, GpuEnvironment>
  trials: TrialRecord[]
  started: number
  incomplete: boolean
  fatal: ErrorInfo | null
  /** every warning so far, each once: warn() merges into this list */
  warnings: Warning[]
  meta?: Report['meta']
}

/** The run's end: what failed becomes warnings, then the aggregates and the report. */
function buildReport(r: RunOutcome, warn: (w: Warning) => void, emit: (e: RunEvent) => void): Report {
  if (r.fatal) {
    warn(errorWarning(r.fatal, { scope: 'run' }))
    emit({ type: 'error', error: r.fatal })
  }
  for (const t of r.trials) {
    if (t.error && t.error.code !== 'ZC_CANCELLED')
      warn(
        errorWarning(
          { ...t.error, message: `${t.method}: ${t.error.message}` },
          { scope: 'trial', method: t.method, trial: t.index }
        )
      )
  }
  const aggregates = aggregateTrials(r.trials)
  for (const w of costMovedWarnings(aggregates)) warn(w)
  return zcprofReport(
    {
      timestamp: new Date(r.started).toISOString(),
      plan: r.plan,
      environment: {
        sender: r.environment,
        receivers: [...r.receiverEnvironments].map(([target, env]) => ({ target, environment: env })),
        ...(r.gpuEnvironments.size ? { gpus: [...r.gpuEnvironments.values()] } : {})
      }
    },
    r.trials,
    {
      timestamp: new Date().toISOString(),
      durationMs: Date.now() - r.started,
      incomplete: r.incomplete,
      aggregates,
      warnings: r.warnings
    },
    r.meta
  )
}

/**
 * What a finished trial means for the rest of the run:
 * - skip-method: the kernel refused the method; later trials of it are skipped
 * - stop-incomplete: cancelled; the report keeps what ran
 * - stop-fatal: the agent went away; nothing after it can be measured
 * - go-on: anything else, a failed trial included (its failure is a warning)
 */
export type AfterTrial = 'go-on' | 'skip-method' | 'stop-incomplete' | 'stop-fatal'

export function afterTrial(rec: Pick<TrialRecord, 'error'>, aborted: boolean): AfterTrial {
  const code = rec.error?.code
  if (code === 'ZC_UNSUPPORTED') return 'skip-method'
  if (code === 'ZC_CANCELLED' || aborted) return 'stop-incomplete'
  if (code === 'ZC_AGENT_GONE') return 'stop-fatal'
  return 'go-on'
}

export async function runPlan(opts: RunOptions): Promise<Report> {
  const { plan } = opts
  const emit = (e: RunEvent) => opts.onEvent?.(e)
  const transport = opts.transport ?? nativeTransport
  const targets = validatePlan(plan, transport)
  const started = Date.now()
  const { files, environment, receivers } = await prepareRun(plan, targets, opts, transport, emit)

  const warnings: Warning[] = []
  // each warning once: a trial's joins the one already given for its code and method
  const warn = (w: Warning) => {
    const { warning: merged, added } = mergeWarning(warnings, w)
    if (added) emit({ type: 'warning', warning: merged })
  }
  const trials: TrialRecord[] = []
  const skipped = new Set<MethodName>()
  let incomplete = false
  let fatal: ErrorInfo | null = null
  let cancelCurrent: (() => void) | null = null
  const onAbort = () => cancelCurrent?.()
  opts.signal?.addEventListener('abort', onAbort)

  const receiverEnvironments = new Map<string, Environment | null>()
  const gpuEnvironments = new Map<string, GpuEnvironment>()
  const crcs = new Map<string, number>()
  // from here the receivers are running: whatever throws, the finally below closes them
  try {
    const specs = planTrials(plan, targets, [...files.keys()])
    // a gpu:// target without a driver or that device fails the plan before any trial (exit 2)
    for (const t of targets) if (t.kind === 'gpu') gpuEnvironments.set(t.text, (await receivers.for(t)).gpu!)
    emit({
      type: 'run-start',
      plan,
      environment,
      trials: specs.length,
      ...(gpuEnvironments.size ? { gpus: [...gpuEnvironments.values()] } : {})
    })
    for (const w of planWarnings(plan, environment)) warn(w)
    if (plan.checksum) for (const f of files.values()) crcs.set(f, await transport.fileCrc32c(f))
    await checkReceiverCpusFirst(plan, targets, receivers)
    for (let i = 0; i < specs.length; i++) {
      if (opts.signal?.aborted) {
        incomplete = true
        break
      }
      const spec: TrialSpec = { ...specs[i], index: i }
      if (skipped.has(spec.method)) continue
      const unsupportedHere = METHOD_INFO[spec.method].tcpOnly && spec.target.kind === 'unix'
      if (unsupportedHere) {
        warn(
          warning('UNSUPPORTED', `${spec.method} needs TCP; skipped on ${spec.target.text}`, {
            scope: 'method',
            method: spec.method
          })
        )
        continue
      }
      const file = files.get(spec.fileBytes)!
      emit(trialStart(spec, specs.length))
      let rec: TrialRecord
      try {
        const receiver = await receivers.for(spec.target)
        if (!receiver.gpu) receiverEnvironments.set(spec.target.text, receiver.environment)
        if (!receiver.ours && !receiver.gpu) {
          warn(
            warning(
              'SENDER_ONLY',
              `${spec.target.text} is a raw sink: sender-side figures only, and its bytes are not confirmed by a receiver of ours`,
              { scope: 'run' }
            )
          )
        }
        rec = await runTrial(
          {
            transport,
            receiver,
            receiverClockHz: receiver.environment?.cpuClockHz ?? environment.cpuClockHz,
            file,
            fileCrc32c: crcs.get(file) ?? null,
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
        if (e instanceof ZcprofError && e.code === 'ZC_BAD_PLAN') throw e
        fatal =
          e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: String((e as Error).stack ?? e) }
        incomplete = true
        break
      } finally {
        cancelCurrent = null
      }
      const next = afterTrial(rec, opts.signal?.aborted ?? false)
      if (next === 'skip-method') {
        skipped.add(spec.method)
        warn(
          warning('UNSUPPORTED', `${spec.method} skipped: ${rec.error!.message}`, {
            scope: 'method',
            method: spec.method
          })
        )
        continue
      }
      trials.push(rec)
      emit({ type: 'trial-end', trial: rec })
      // what a measured trial noticed (the kernel copied, the window limited it, other
      // processes took CPU) is the run's warning too, naming the trials it applies to
      if (!rec.warmup)
        for (const note of rec.summary?.notes ?? []) warn({ ...note, message: `${rec.method}: ${note.message}` })
      if (next === 'go-on') continue
      incomplete = true
      if (next === 'stop-fatal') fatal = rec.error
      break
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    await receivers.close()
  }
  const report = buildReport(
    {
      plan,
      environment,
      receiverEnvironments,
      gpuEnvironments,
      trials,
      started,
      incomplete,
      fatal,
      warnings,
      meta: opts.meta
    },
    warn,
    emit
  )
  emit({ type: 'run-end', report })
  return report
}
