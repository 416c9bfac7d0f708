// A plan → interleaved trials → a report. The one entry point every front end uses.

import { aggregateTrials, analysisOf } from '../../shared/aggregate'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import { baselineMethod, isGpuReceiverMode, METHOD_INFO, METHODS, type MethodName } from '../../shared/methods'
import { PLAN_DEFAULTS, planProblems } from '../../shared/plan-rules'
import type {
  Environment,
  GpuEnvironment,
  MachineReference,
  MeasuredEnvironment,
  MethodAggregate,
  Plan,
  Report,
  TrialRecord,
  Warning
} from '../../shared/report'
import { isLocal, parseTarget, type Target } from '../../shared/targets'
import { formatBytes, formatDurationMs } from '../../shared/units'
import { autoPlacement } from '../../shared/placement'
import { newSeed, seededRandom } from '../../shared/random'
import { mergeWarning, warning } from '../../shared/warnings'
import { isTight } from '../../shared/statistics'
import { nativeTransport } from './native-transport'
import { checkUnchanged, holdFile, releaseFile, type HeldFile } from './held-file'
import { ensureTestFile } from './test-file'
import { probeReceivingGpu } from './gpu-target'
import { checkReceiverCpus, runTrial, type TrialSpec } from './trial'
import type { ReceiverSet, Transport } from './transport'
import { rowLabel } from '../../shared/pair-grid'
import { afterRound, planRows, roundSpecs, rowId, TrialClock, type RoundDecision, type Row } from './rounds'
import { zcprofReport } from '../model/report-build'
import { finishReport } from '../../shared/finish-report'
import { driftedText, referenceDrift } from '../../shared/machine-reference'
import { measureMachineReference } from '../host/machine-reference'

/**
 * Every method on loopback in timed trials (the first 10% left out as ramp), sampled
 * every 50 ms, in rounds: each round runs every method once in a shuffled order, and
 * rounds go on until every method's headline is within ±5 points of copy (at least
 * five rounds, at most two minutes). The threads are pinned: senders and receivers on
 * separate cores. No warm-up round: each timed trial leaves its own ramp out.
 * docs/statistics.md measures this design against the others.
 */
/** the plan with nothing asked: its numbers are PLAN_DEFAULTS, beside the limits */
export const DEFAULT_PLAN: Plan = {
  methods: [...METHODS],
  targets: ['tcp://127.0.0.1'],
  fileBytes: [PLAN_DEFAULTS.fileBytes],
  file: null,
  chunkBytes: [PLAN_DEFAULTS.chunkBytes],
  repeat: PLAN_DEFAULTS.repeat,
  warmup: PLAN_DEFAULTS.warmup,
  cache: 'warm',
  receiverModes: ['read'],
  checksum: false,
  sampleIntervalMs: PLAN_DEFAULTS.sampleIntervalMs,
  pmu: 'auto',
  durationMs: PLAN_DEFAULTS.durationMs,
  omitMs: null,
  trialBytes: null,
  streams: PLAN_DEFAULTS.streams,
  senderCpus: null,
  receiverCpus: null,
  lineRatesBitsPerSec: null,
  uringDepth: PLAN_DEFAULTS.uringDepth,
  uringSqpoll: false,
  precision: PLAN_DEFAULTS.precision,
  maxTimeMs: PLAN_DEFAULTS.maxTimeMs,
  order: 'shuffled',
  autoPin: true
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
  /**
   * the machine reference, taken as the run starts and as it ends (shared/machine-reference.ts);
   * null: none. Unset: measured with the real transport, none with a test's own.
   */
  reference?: (() => Promise<MachineReference>) | null
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

/**
 * Every trial of a plan that runs exactly its rounds (no precision): each round every
 * row once, warm-up rounds first, in the plan's order or shuffled by `random`.
 */
export function planTrials(
  plan: Plan,
  targets: Target[],
  sizes: number[],
  random: () => number = seededRandom(plan.seed ?? 0)
): Omit<TrialSpec, 'index'>[] {
  const rows = planRows(plan, targets, sizes)
  const out: Omit<TrialSpec, 'index'>[] = []
  for (let round = 0; round < plan.warmup + plan.repeat; round++) out.push(...roundSpecs(plan, rows, round, random))
  return out
}

/**
 * The plan as it runs: a shuffled plan without a seed draws one, and automatic
 * placement becomes the CPUs it chose (placement.ts's rule), so the report says both.
 */
export function resolvePlan(plan: Plan, targets: readonly Target[], transport: Pick<Transport, 'cpuCores'>): Plan {
  const out: Plan = { ...plan }
  if (plan.order === 'shuffled' && plan.seed === undefined) out.seed = newSeed()
  if (plan.autoPin) {
    // receivers are ours to place when they run on this host (a gpu:// target has none)
    const here = targets.every((t) => t.kind === 'gpu' || isLocal(t))
    const chosen = autoPlacement(transport.cpuCores(), plan.streams, here)
    out.senderCpus = chosen?.senderCpus ?? null
    out.receiverCpus = chosen?.receiverCpus ?? null
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
): Promise<{ files: Map<number, HeldFile>; environment: MeasuredEnvironment; receivers: ReceiverSet }> {
  const files = new Map<number, HeldFile>()
  if (plan.file) {
    const held = holdFile(plan.file)
    files.set(held.bytes, held)
  }
  const generateFiles = async () => {
    for (const size of plan.file ? [] : plan.fileBytes) {
      const file = await ensureTestFile(size, opts.cacheDir, (doneBytes) =>
        emit({ type: 'file-progress', file: `generated ${formatBytes(size)}`, doneBytes, totalBytes: size })
      )
      files.set(size, holdFile(file, false))
    }
  }
  const receivers = transport.receivers({ token: opts.token, timeoutMs: opts.agentTimeoutMs })
  receivers.prepare(targets)
  try {
    const [environment] = await Promise.all([transport.environment(plan.pmu), generateFiles()])
    return { files, environment, receivers }
  } catch (e) {
    for (const f of files.values()) releaseFile(f)
    await receivers.close()
    throw e
  }
}

/** what the plan itself means for the figures, said before the first trial */
function planWarnings(plan: Plan, environment: MeasuredEnvironment, rows: readonly Row[]): Warning[] {
  const out: Warning[] = []
  if (plan.autoPin) {
    const cpus = (c: number[] | null) => (c ? `CPU${c.length > 1 ? 's' : ''} ${c.join(',')}` : null)
    const where = plan.senderCpus
      ? `sender threads on ${cpus(plan.senderCpus)}` +
        (plan.receiverCpus
          ? `, receiver threads on ${cpus(plan.receiverCpus)}`
          : ', receivers not pinned (not on this host)')
      : null
    out.push(
      warning(
        'AUTO_PINNED',
        where
          ? `zcprof pinned the threads: ${where}, on separate cores`
          : 'this host lets zcprof run on one CPU only: nothing is pinned',
        { scope: 'run' }
      )
    )
  }
  // every headline is against a baseline run beside it
  for (const r of rows)
    if (
      !rows.some(
        (b) =>
          b.method === baselineMethod(r.method) && b.target.text === r.target.text && b.receiverMode === r.receiverMode
      )
    ) {
      out.push(
        warning('NO_BASELINE', `${baselineMethod(r.method)} is not in the plan: ${r.method} has no headline`, {
          scope: 'method',
          method: r.method
        })
      )
    }
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
  // per receiver mode that runs: each pair with it pays the copy
  const modes = new Set(rows.filter((r) => r.target.kind !== 'gpu').map((r) => r.receiverMode))
  if (plan.checksum)
    for (const mode of modes)
      if (mode !== 'read')
        out.push(
          warning(
            'CHECKSUM_COPIES',
            isGpuReceiverMode(mode)
              ? `--verify makes the ${mode} receiver copy every chunk back from the GPU to hash it: its receiver figures include that copy`
              : `--verify makes the ${mode} receiver copy bytes to user space to hash them: its receiver figures include that copy`,
            { scope: 'run' }
          )
        )
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

function trialStart(
  spec: TrialSpec,
  total: number,
  place: { inRoundIndex: number; inRound: number; leftMs: number }
): RunEvent {
  return {
    type: 'trial-start',
    trial: {
      index: spec.index,
      total,
      ...place,
      method: spec.method,
      receiverMode: spec.receiverMode,
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
  /** the measured rounds, and why they ended (absent when the run was stopped) */
  rounds?: NonNullable<Report['end']['rounds']>
  /** the machine reference at the run's start and end, where taken */
  references: { start?: MachineReference; end?: MachineReference }
}

/** The run's end: its report, finished as a recovered one is (finishReport), its new warnings streamed. */
function buildReport(r: RunOutcome, emit: (e: RunEvent) => void): Report {
  const begun = zcprofReport(
    {
      timestamp: new Date(r.started).toISOString(),
      plan: r.plan,
      environment: {
        sender: r.environment,
        receivers: [...r.receiverEnvironments].map(([target, env]) => ({ target, environment: env })),
        ...(r.gpuEnvironments.size ? { gpus: [...r.gpuEnvironments.values()] } : {})
      },
      ...(r.references.start ? { reference: r.references.start } : {})
    },
    [],
    { timestamp: '', durationMs: 0, incomplete: r.incomplete, aggregates: [], warnings: [] },
    r.meta
  )
  const report = finishReport(
    begun,
    r.trials,
    r.warnings,
    { endMs: Date.now(), incomplete: r.incomplete, fatal: r.fatal, rounds: r.rounds },
    (w) => emit({ type: 'warning', warning: w })
  )
  // after its warning, as before the end was shared with recovery: the warning, then the error
  if (r.fatal) emit({ type: 'error', error: r.fatal })
  return r.references.end ? { ...report, end: { ...report.end, reference: r.references.end } } : report
}

/** the machine reference, or none: it describes the run and never fails it */
async function takeReference(measure: (() => Promise<MachineReference>) | null): Promise<MachineReference | undefined> {
  if (!measure) return undefined
  let timer: NodeJS.Timeout | undefined
  try {
    // a reference that hangs (a loopback connect nobody answers) is dropped, not waited for
    const late = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), REFERENCE_DEADLINE_MS)))
    return await Promise.race([measure(), late])
  } catch {
    return undefined
  } finally {
    clearTimeout(timer)
  }
}

/** the longest a machine reference may hold a run's start or end */
export const REFERENCE_DEADLINE_MS = 10_000

/** the machine moved under the run: its reference at the end is not the one at the start (the rule's words) */
function driftWarning(references: RunOutcome['references']): Warning | null {
  if (!references.start || !references.end) return null
  const moved = driftedText(referenceDrift(references.start, references.end))
  return moved ? warning('MACHINE_DRIFTED', `${moved}, from the run's start to its end`, { scope: 'run' }) : null
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

/**
 * The run's time left as a trial starts, that trial included: the rest of this round at
 * the pace its rows have had, then the rounds still to come. Without a precision those
 * are the plan's; with one, the fewest rounds still owed, or the most any active row
 * needs to reach the precision if its spread holds, within what the budget allows.
 */
export function timeLeftMs(s: {
  plan: Plan
  clock: TrialClock
  restOfRound: readonly Row[]
  active: readonly Row[]
  /** the round running now (0-based, warm-ups included) */
  round: number
  aggregates: readonly MethodAggregate[]
  elapsedMs: number
}): number {
  const { plan, clock } = s
  const rest = clock.roundMs(s.restOfRound, plan)
  const roundMs = clock.roundMs(s.active, plan)
  const after = Math.max(0, plan.warmup + plan.repeat - (s.round + 1))
  if (plan.precision === null || plan.precision === undefined) return rest + after * roundMs
  const measured = Math.max(0, s.round + 1 - plan.warmup)
  const activeIds = new Set(s.active.map(rowId))
  let more = after
  for (const a of s.aggregates) {
    const h = a.headline
    if (!activeIds.has(rowId(a)) || !h || h.status === 'baseline') continue
    if (h.repetitionsNeeded === null) continue
    more = Math.max(more, h.repetitionsNeeded - measured)
  }
  const projected = rest + more * roundMs
  if (plan.maxTimeMs === null || plan.maxTimeMs === undefined) return projected
  // the budget starts no round it cannot finish: at most the whole rounds that fit, the owed ones always
  const fit = roundMs > 0 ? Math.floor(Math.max(0, plan.maxTimeMs - s.elapsedMs - rest) / roundMs) : 0
  return rest + Math.min(more, Math.max(after, fit)) * roundMs
}

/** each row the rounds left wider than the plan's precision, said once per method */
function notTightWarnings(plan: Plan, decision: RoundDecision, warn: (w: Warning) => void): void {
  const why =
    decision.stop === 'budget'
      ? `the time budget (${formatDurationMs(plan.maxTimeMs ?? 0)}) was spent`
      : 'the trial limit was reached'
  for (const r of decision.rows) {
    if (r.status === 'baseline' || isTight(r.halfWidth, plan.precision)) continue
    const width = r.halfWidth === null ? 'no interval' : `±${(r.halfWidth * 100).toFixed(1)} points`
    warn(
      warning(
        'NOT_TIGHT',
        `${rowLabel(r, plan.receiverModes)}: ${width} after ${r.n} repetition${r.n === 1 ? '' : 's'}, not the ±${((plan.precision ?? 0) * 100).toFixed(1)} asked for: ${why}`,
        { scope: 'method', method: r.method }
      )
    )
  }
}

/** what a run's parts share: the resolved plan, its receivers and files, and where its events and warnings go */
interface RunContext {
  opts: RunOptions
  plan: Plan
  targets: Target[]
  transport: Transport
  environment: MeasuredEnvironment
  receivers: ReceiverSet
  files: Map<number, HeldFile>
  emit: (e: RunEvent) => void
  warn: (w: Warning) => void
  /** the held files' checksums, by the path they are read at */
  crcs: Map<string, number>
  receiverEnvironments: Map<string, Environment | null>
  gpuEnvironments: Map<string, GpuEnvironment>
}

/** before the first trial: the GPUs, the run-start event, the plan's warnings, the checksums, the receivers' CPUs */
async function beforeRounds(ctx: RunContext, rows: readonly Row[], fixedTrials: number): Promise<void> {
  const { plan, targets, receivers, environment, gpuEnvironments, files, crcs, transport, emit, warn } = ctx
  // a gpu:// target without a driver or that device fails the plan before any trial (exit 2)
  for (const t of targets) if (t.kind === 'gpu') gpuEnvironments.set(t.text, (await receivers.for(t)).gpu!)
  // a GPU receiver mode on this host's own receiver: no CUDA, no such GPU fails the plan likewise
  const gpuMode = plan.receiverModes.find(isGpuReceiverMode)
  if (gpuMode && targets.some((t) => t.kind === 'tcp' || t.kind === 'unix'))
    probeReceivingGpu(gpuMode, plan.receiverGpu ?? 0)
  emit({
    type: 'run-start',
    plan,
    environment,
    // with a precision, the fewest: more rounds follow while rows are not tight
    trials: fixedTrials,
    ...(gpuEnvironments.size ? { gpus: [...gpuEnvironments.values()] } : {})
  })
  for (const w of planWarnings(plan, environment, rows)) warn(w)
  // the checksum is of the held file: what every trial sends, whatever happens at its path
  if (plan.checksum) for (const f of files.values()) crcs.set(f.readPath, await transport.fileCrc32c(f.readPath))
  await checkReceiverCpusFirst(plan, targets, receivers)
}

/** a method that needs TCP on a unix target is skipped there, with a warning */
function unsupportedHere(spec: TrialSpec, warn: (w: Warning) => void): boolean {
  if (!(METHOD_INFO[spec.method].tcpOnly && spec.target.kind === 'unix')) return false
  warn(
    warning('UNSUPPORTED', `${spec.method} needs TCP; skipped on ${spec.target.text}`, {
      scope: 'method',
      method: spec.method
    })
  )
  return true
}

/** one trial on its target's receiver; onStart hands over how to cancel it */
async function trialOnReceiver(
  ctx: RunContext,
  spec: TrialSpec,
  file: HeldFile,
  onStart: (cancel: () => void) => void
): Promise<TrialRecord> {
  const { plan, transport, receivers, environment, crcs, receiverEnvironments, emit, warn } = ctx
  // a file swapped at its path since the checks: stop, rather than measure what was not named
  checkUnchanged(file)
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
  return runTrial(
    {
      transport,
      receiver,
      receiverClockHz: receiver.environment?.cpuClockHz ?? environment.cpuClockHz,
      file: file.readPath,
      fileName: file.name,
      fileCrc32c: crcs.get(file.readPath) ?? null,
      checksum: plan.checksum,
      clockHz: environment.cpuClockHz,
      sampleIntervalMs: plan.sampleIntervalMs,
      pmu: plan.pmu,
      onSample: (sample) => emit({ type: 'sample', trial: spec.index, sample }),
      onStart
    },
    spec
  )
}

/** a measured round ended: how precise is each row now, and is another round due? */
function endOfRound(
  ctx: RunContext,
  s: {
    rows: Row[]
    trials: readonly TrialRecord[]
    analysis: ReturnType<typeof analysisOf>
    round: number
    clock: TrialClock
    started: number
  }
): { aggregates: MethodAggregate[]; active: Row[]; decision: RoundDecision; measured: number } {
  const { plan, emit } = ctx
  const { rows: rowsNow, trials, analysis, round, clock, started } = s
  const aggregates = aggregateTrials(trials, analysis)
  const measured = round - plan.warmup + 1
  const decision = afterRound(plan, rowsNow, aggregates, measured, {
    elapsedMs: Date.now() - started,
    nextRoundMs: (a) => clock.roundMs(a, plan)
  })
  const active = rowsNow.filter((_, i) => decision.rows[i].active)
  emit({
    type: 'round-end',
    round: measured,
    rows: decision.rows,
    stop: decision.stop,
    leftMs: decision.stop
      ? 0
      : timeLeftMs({ plan, clock, restOfRound: [], active, round, aggregates, elapsedMs: Date.now() - started })
  })
  return { aggregates, active, decision, measured }
}

/** what the rounds leave for the report, filled in as they go */
interface RunState {
  trials: TrialRecord[]
  incomplete: boolean
  fatal: ErrorInfo | null
  rounds?: RunOutcome['rounds']
  /** cancels the trial under way, if any: an abort calls it */
  cancelCurrent: (() => void) | null
}

/**
 * the rounds: each runs its rows' trials, then (once measured) says whether another is
 * due; a method the kernel refuses is skipped from then on
 */
async function runRounds(ctx: RunContext, state: RunState, started: number): Promise<void> {
  const { opts, plan, targets, files, emit, warn } = ctx
  const skipped = new Set<MethodName>()
  const rows = planRows(plan, targets, [...files.keys()])
  const random = seededRandom(plan.seed ?? 0)
  const precise = plan.precision !== null && plan.precision !== undefined
  const fixedTrials = (plan.warmup + plan.repeat) * rows.length
  await beforeRounds(ctx, rows, fixedTrials)
  const clock = new TrialClock()
  const analysis = analysisOf(plan)
  let active: Row[] = rows
  let aggregates: MethodAggregate[] = []
  let index = 0
  let stopped = false
  // a method the kernel refused leaves every later round
  const runnable = (r: Row) => !skipped.has(r.method)
  for (let round = 0; !stopped; round++) {
    const specs = roundSpecs(plan, active.filter(runnable), round, random)
    for (let k = 0; k < specs.length; k++) {
      if (opts.signal?.aborted) {
        state.incomplete = true
        stopped = true
        break
      }
      const spec: TrialSpec = { ...specs[k], index: index++ }
      if (skipped.has(spec.method)) continue
      if (unsupportedHere(spec, warn)) continue
      const file = files.get(spec.fileBytes)!
      const leftMs = timeLeftMs({
        plan,
        clock,
        restOfRound: specs.slice(k),
        active: active.filter(runnable),
        round,
        aggregates,
        elapsedMs: Date.now() - started
      })
      emit(
        trialStart(spec, precise ? Math.max(index + specs.length - k - 1, fixedTrials) : fixedTrials, {
          inRoundIndex: k,
          inRound: specs.length,
          leftMs
        })
      )
      const trialStartedMs = Date.now()
      let rec: TrialRecord
      try {
        rec = await trialOnReceiver(ctx, spec, file, (cancel) => (state.cancelCurrent = cancel))
      } catch (e) {
        // the receiver could not be set up: this target cannot work, so stop here
        if (e instanceof ZcprofError && e.code === 'ZC_BAD_PLAN') throw e
        state.fatal =
          e instanceof ZcprofError ? e.toInfo() : { code: 'ZC_INTERNAL', message: String((e as Error).stack ?? e) }
        state.incomplete = true
        stopped = true
        break
      } finally {
        state.cancelCurrent = null
      }
      clock.record(spec, plan, Date.now() - trialStartedMs)
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
      state.trials.push(rec)
      emit({ type: 'trial-end', trial: rec })
      // what a measured trial noticed (the kernel copied, the window limited it, other
      // processes took CPU) is the run's warning too, naming the trials it applies to
      if (!rec.warmup)
        for (const note of rec.summary?.notes ?? []) warn({ ...note, message: `${rec.method}: ${note.message}` })
      if (next === 'go-on') continue
      state.incomplete = true
      stopped = true
      if (next === 'stop-fatal') state.fatal = rec.error
      break
    }
    if (stopped) break
    if (round < plan.warmup) continue
    const end = endOfRound(ctx, { rows: rows.filter(runnable), trials: state.trials, analysis, round, clock, started })
    aggregates = end.aggregates
    active = end.active
    if (end.decision.stop === null) continue
    state.rounds = { measured: end.measured, stop: end.decision.stop }
    stopped = true
    if (precise && end.decision.stop !== 'tight') notTightWarnings(plan, end.decision, warn)
  }
}

export async function runPlan(opts: RunOptions): Promise<Report> {
  const emit = (e: RunEvent) => opts.onEvent?.(e)
  const transport = opts.transport ?? nativeTransport
  const targets = validatePlan(opts.plan, transport)
  const plan = resolvePlan(opts.plan, targets, transport)
  const started = Date.now()
  const measureReference =
    opts.reference !== undefined ? opts.reference : transport === nativeTransport ? measureMachineReference : null
  // before any receiver or agent starts: the machine with nothing of ours running
  const references: RunOutcome['references'] = { start: await takeReference(measureReference) }
  const { files, environment, receivers } = await prepareRun(plan, targets, opts, transport, emit)

  const warnings: Warning[] = []
  // each warning once: a trial's joins the one already given for its code and method
  const warn = (w: Warning) => {
    const { warning: merged, added } = mergeWarning(warnings, w)
    if (added) emit({ type: 'warning', warning: merged })
  }
  const state: RunState = { trials: [], incomplete: false, fatal: null, cancelCurrent: null }
  const onAbort = () => state.cancelCurrent?.()
  opts.signal?.addEventListener('abort', onAbort)

  const ctx: RunContext = {
    opts,
    plan,
    targets,
    transport,
    environment,
    receivers,
    files,
    emit,
    warn,
    crcs: new Map(),
    receiverEnvironments: new Map(),
    gpuEnvironments: new Map()
  }
  // from here the receivers are running: whatever throws, the finally below closes them
  try {
    await runRounds(ctx, state, started)
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    for (const f of files.values()) releaseFile(f)
    await receivers.close()
  }
  // a stopped run ends now, without another measurement
  if (!opts.signal?.aborted) references.end = await takeReference(measureReference)
  const drift = driftWarning(references)
  if (drift) warn(drift)
  const report = buildReport(
    {
      plan,
      environment,
      receiverEnvironments: ctx.receiverEnvironments,
      gpuEnvironments: ctx.gpuEnvironments,
      trials: state.trials,
      started,
      incomplete: state.incomplete,
      fatal: state.fatal,
      warnings,
      meta: opts.meta,
      rounds: state.rounds,
      references
    },
    emit
  )
  emit({ type: 'run-end', report })
  return report
}
