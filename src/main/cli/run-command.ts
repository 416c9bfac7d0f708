// `zcprof run`: a progress bar while it goes, a table at the end, a JSON report.

import { mkdirSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import cliProgress from 'cli-progress'
import { cutText, printable, printableDeep } from '../../shared/printable'
import { MAX_PLAN_FILE_BYTES, mergePlans, parsePlanFile } from '../../shared/plan-file'
import { ZcprofError, type ErrorInfo } from '../../shared/errors'
import type { RunEvent } from '../../shared/events'
import {
  GPU_METHODS,
  METHODS,
  RECEIVER_MODES,
  isMethod,
  isReceiverMode,
  type MethodName,
  type ReceiverMode
} from '../../shared/methods'
import { MAX_LABEL_LENGTH, type Plan, type Report } from '../../shared/report'
import { estimateRunMs, GPU_DEFAULT_CHUNK_BYTES, PLAN_DEFAULTS, PLAN_LIMITS, trialCount } from '../../shared/plan-rules'
import { formatBytes, formatDurationMs, parseBitRateList, parseDurationMs } from '../../shared/units'
import {
  cpuListFromText,
  durationFromText,
  precisionFromText,
  sizeFromText,
  sizeListFromText,
  wholeFromText,
  type Parsed,
  type WholeField
} from '../../shared/plan-text'
import { DEFAULT_PLAN, runPlan } from '../engine/run'
import { rowLabel } from '../../shared/pair-grid'
import { checkOutput, writeReport } from '../storage/atomic-file'
import { defaultCacheDir } from '../engine/test-file'
import { JournalWriter } from '../reports/journal-writer'
import { readInputFile } from '../reports/report-loader'
import { checkPrivateFolder, cleanChanges, defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { requestedExports, writeExports, type ExportFlags } from './export-outputs'
import { renderSummary } from './summary-table'
import { wrap } from './text-table'
import { pointsText, shareText } from '../../shared/export/figures'
import { isTight } from '../../shared/statistics'
import { countDown, leftMs, type Countdown } from '../../shared/time-left'
import { colorFor, widthFor } from './terminal'

export interface RunFlags extends ExportFlags {
  title?: string
  /** what the run is of (a commit, a kernel): its name on a trend */
  label?: string
  /** false (--no-reference): measure no machine reference at the run's ends */
  reference?: boolean
  /** comma-separated */
  tag?: string
  /** every column in the final tables */
  wide?: boolean
  /** every warning in full (default: one line a kind) */
  verbose?: boolean
  methods?: string
  target?: string[]
  size?: string
  file?: string
  chunk?: string
  repeat?: string
  warmup?: string
  duration?: string
  omit?: string
  bytes?: string
  once?: boolean
  streams?: string
  cpus?: string
  receiverCpus?: string
  /** commander's --no-pin: false when given */
  pin?: boolean
  precision?: string
  maxTime?: string
  order?: string
  seed?: string
  /** a plan file (or a report, to run its plan again); flags given on the command line win */
  plan?: string
  /** the flags given on the command line (not defaults): set by cli.ts */
  given?: string[]
  lineRate?: string
  uringDepth?: string
  receiverGpu?: string
  uringSqpoll?: boolean
  gpuSpin?: boolean
  cache?: string
  receiver?: string
  verify?: boolean
  interval?: string
  pmu?: string
  json?: string
  cacheDir?: string
  progress?: boolean
  token?: string
  agentTimeout?: string
  save?: boolean
  library?: string
  /** the short options -c (chunk), -d (duration) and -j (json) had before they followed iperf3: refused */
  c?: string
  d?: string
  j?: string
}

/** a flag's value read by the shared parser (shared/plan-text.ts), or its problem as a usage error */
function parsed<T>(r: Parsed<T>, hint?: string): T {
  if (r.ok) return r.value
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: r.problem.message, hint })
}

/** a whole-number plan flag within PLAN_LIMITS; absent: the fallback */
function whole(text: string | undefined, field: WholeField, flag: string, fallback: number): number {
  if (text === undefined) return fallback
  return parsed(wholeFromText(text, field, `--${flag}`), `e.g. --${flag} ${Math.min(PLAN_LIMITS[field].max, 4)}`)
}

/** a whole number of milliseconds (not a plan field: no table range) */
function int(text: string | undefined, what: string, fallback: number): number {
  if (text === undefined) return fallback
  if (!/^\d+$/.test(text.trim()))
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--${what} '${text}' is not a whole number`,
      hint: `e.g. --${what} 5000`
    })
  return Number(text)
}

/** rounds when a precision is turned off (--precision off) and --repeat is not given */
const FIXED_REPEAT = 3

/** '5%', '5' or '0.05' is ±5 points; 'off' runs exactly --repeat rounds */
export function parsePrecision(text: string): number | null {
  if (text.trim() === 'off') return null
  return parsed(
    precisionFromText(text, '--precision'),
    "e.g. --precision 5% (each method's headline within ±5 points), or --precision off"
  )
}

/**
 * The short options that changed when zcprof took iperf3's (-t seconds, -l bytes per
 * write, -i seconds, -J JSON): a use in the old sense is refused with the new name,
 * never run with a meaning the person did not intend.
 */
function oldShortOptions(f: RunFlags): void {
  const old = (message: string, hint: string) => new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
  if (f.c !== undefined) {
    // a size (128KiB) was the old -c; anything else is a host, as iperf3's -c (192.0.2.7 too)
    const host = f.c.includes(':') && !f.c.startsWith('[') ? `[${f.c}]` : f.c
    throw sizeListFromText(f.c, 'chunkBytes', '-c').ok
      ? old(`-c '${f.c}': bytes per write is now -l, as iperf3's -l`, `e.g. -l ${f.c}`)
      : old(`-c '${f.c}': iperf3's -c (the server) is --target here`, `e.g. --target agent://${host}:7733`)
  }
  if (f.d !== undefined) throw old(`-d '${f.d}': a trial's length is now -t, as iperf3's`, `e.g. -t ${f.d}`)
  if (f.j !== undefined) throw old(`-j '${f.j}': the JSON report is now -J, as iperf3's`, `e.g. -J ${f.j}`)
  // -t was --target's: a target given to it is the old sense
  if (f.duration !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(f.duration.trim()))
    throw old(
      `-t '${f.duration}': -t is now a trial's seconds (iperf3's -t)`,
      `give targets with --target, e.g. --target ${f.duration}`
    )
}

/**
 * --interval in milliseconds: a bare number is seconds (iperf3's -i), else a duration
 * with its unit (50ms); 0 turns sampling off. An interval longer than a timed trial
 * takes no sample in it: most likely milliseconds meant in -i's old sense.
 */
function sampleIntervalMs(text: string | undefined, durationMs: number | null): number {
  if (text === undefined) return DEFAULT_PLAN.sampleIntervalMs
  let ms: number
  try {
    ms = parseDurationMs(text, '--interval')
  } catch (e) {
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: (e as Error).message,
      hint: 'e.g. -i 0.1 (seconds, as iperf3), --interval 50ms, or 0 for no sampling'
    })
  }
  if (durationMs !== null && ms > durationMs)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--interval '${text}' is ${formatDurationMs(ms)}: no sample in a ${formatDurationMs(durationMs)} trial`,
      hint: /^\d+(\.\d+)?$/.test(text.trim())
        ? `a bare number is seconds, as iperf3's -i: for ms, -i ${text.trim()}ms`
        : 'give a shorter interval or a longer trial (-t)'
    })
  return ms
}

/** every method the targets run: the socket methods, the GPU methods, or both */
function defaultMethods(targets: string[]): MethodName[] {
  const gpu = targets.map((t) => t.trim().startsWith('gpu://'))
  return [...(gpu.some((g) => !g) ? METHODS : []), ...(gpu.some((g) => g) ? GPU_METHODS : [])]
}

/** `--receiver read,splice`: each receiver mode named once, in the order given */
export function receiverModesFromFlag(text: string | undefined): ReceiverMode[] {
  if (text === undefined) return [...DEFAULT_PLAN.receiverModes]
  const names = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  const unknown = names.filter((r) => !isReceiverMode(r))
  if (unknown.length || names.length === 0)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: names.length
        ? `unknown receiver mode${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `'${r}'`).join(', ')}`
        : '--receiver names no receiver mode',
      hint: `receiver modes are: ${RECEIVER_MODES.join(', ')}; several, comma-separated, run each method with each (e.g. --receiver read,splice)`
    })
  return [...new Set(names)] as ReceiverMode[]
}

export function planFromFlags(f: RunFlags): Plan {
  const targets = f.target?.length ? f.target.flatMap((t) => t.split(',')).map((t) => t.trim()) : DEFAULT_PLAN.targets
  const allGpu = targets.every((t) => t.startsWith('gpu://'))
  const methods = f.methods
    ? f.methods
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : defaultMethods(targets)
  const unknown = methods.filter((m) => !isMethod(m))
  if (unknown.length) {
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `unknown method${unknown.length > 1 ? 's' : ''} ${unknown.map((m) => `'${m}'`).join(', ')}`,
      hint: `methods are: ${METHODS.join(', ')}; for gpu:// targets: ${GPU_METHODS.join(', ')}`
    })
  }
  const wrapSize = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (e) {
      throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: (e as Error).message })
    }
  }
  const cache = f.cache ?? 'warm'
  if (cache !== 'warm' && cache !== 'cold')
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: `--cache '${cache}' must be warm or cold` })
  const pmu = f.pmu ?? 'auto'
  if (pmu !== 'auto' && pmu !== 'off')
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: `--pmu '${pmu}' must be auto or off` })
  oldShortOptions(f)
  const bounds = [
    f.duration !== undefined && '--duration',
    f.bytes !== undefined && '--bytes',
    f.once && '--once'
  ].filter(Boolean)
  if (bounds.length > 1)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `${bounds.join(' and ')} each bound a trial: give one`,
      hint: '--duration 10s (timed, the default), --bytes 4GiB, or --once (one pass over the file)'
    })
  const durationMs =
    f.once || f.bytes !== undefined
      ? null
      : f.duration
        ? parsed(durationFromText(f.duration, 'durationMs', '--duration'))
        : DEFAULT_PLAN.durationMs
  const intervalMs = sampleIntervalMs(f.interval, durationMs)
  if (f.omit !== undefined && durationMs === null)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: "--omit leaves out a timed trial's ramp",
      hint: 'use it with --duration'
    })
  const cpus = (text: string | undefined, field: 'senderCpus' | 'receiverCpus', flag: string) =>
    text === undefined ? null : parsed(cpuListFromText(text, field, flag))
  // --repeat alone runs exactly that many rounds; else rounds go on until tight
  const precision =
    f.precision !== undefined ? parsePrecision(f.precision) : f.repeat !== undefined ? null : DEFAULT_PLAN.precision
  const chosenCpus = f.cpus !== undefined || f.receiverCpus !== undefined
  return {
    ...DEFAULT_PLAN,
    precision,
    maxTimeMs:
      f.maxTime !== undefined
        ? parsed(durationFromText(f.maxTime, 'maxTimeMs', '--max-time'))
        : precision === null
          ? null
          : DEFAULT_PLAN.maxTimeMs,
    order: f.order === undefined ? DEFAULT_PLAN.order : (f.order as Plan['order']),
    ...(f.seed !== undefined ? { seed: whole(f.seed, 'seed', 'seed', 0) } : {}),
    ...(f.receiverGpu !== undefined ? { receiverGpu: whole(f.receiverGpu, 'receiverGpu', 'receiver-gpu', 0) } : {}),
    autoPin: f.pin !== false && !chosenCpus,
    durationMs,
    omitMs: f.omit === undefined ? null : parsed(durationFromText(f.omit, 'omitMs', '--omit')),
    trialBytes: f.bytes === undefined ? null : parsed(sizeFromText(f.bytes, 'trialBytes', '--bytes')),
    streams: whole(f.streams, 'streams', 'streams', PLAN_DEFAULTS.streams),
    senderCpus: cpus(f.cpus, 'senderCpus', '--cpus'),
    receiverCpus: cpus(f.receiverCpus, 'receiverCpus', '--receiver-cpus'),
    lineRatesBitsPerSec: f.lineRate === undefined ? null : wrapSize(() => parseBitRateList(f.lineRate!, '--line-rate')),
    uringDepth: whole(f.uringDepth, 'uringDepth', 'uring-depth', PLAN_DEFAULTS.uringDepth),
    uringSqpoll: Boolean(f.uringSqpoll),
    gpuSpin: Boolean(f.gpuSpin),
    methods: methods as MethodName[],
    targets,
    fileBytes: f.size ? parsed(sizeListFromText(f.size, 'fileBytes', '--size')) : DEFAULT_PLAN.fileBytes,
    file: f.file ?? null,
    chunkBytes: f.chunk
      ? parsed(sizeListFromText(f.chunk, 'chunkBytes', '--chunk'))
      : allGpu
        ? [GPU_DEFAULT_CHUNK_BYTES]
        : DEFAULT_PLAN.chunkBytes,
    repeat: whole(f.repeat, 'repeat', 'repeat', precision === null ? FIXED_REPEAT : DEFAULT_PLAN.repeat),
    // a timed trial leaves out its own ramp; a one-pass trial is short enough to need a warm-up round
    warmup: whole(f.warmup, 'warmup', 'warmup', durationMs === null ? 1 : DEFAULT_PLAN.warmup),
    cache,
    receiverModes: receiverModesFromFlag(f.receiver),
    checksum: Boolean(f.verify),
    sampleIntervalMs: intervalMs,
    pmu
  }
}

/**
 * Progress on stderr, only on a terminal: scripts get clean output. The bar is trials
 * done (rounds and time, with a precision); the label the trial now running; with a
 * precision, the widest headline so far against the target; the time left counts
 * down from the engine's estimate and never goes up (shared/time-left.ts).
 */
function progressReporter(enabled: boolean, width: number) {
  if (!enabled) return { onEvent: (_e: RunEvent) => undefined, stop: () => undefined }
  const bar = new cliProgress.SingleBar(
    {
      format: ' {bar} {label} | {left}',
      barsize: 12,
      hideCursor: true,
      clearOnComplete: true,
      stream: process.stderr
    },
    cliProgress.Presets.shades_classic
  )
  let fileBar: cliProgress.SingleBar | null = null
  let started = false
  let stopped = false
  let done = 0
  let total = 0
  let plan: Plan | null = null
  let countdown: Countdown | null = null
  let trial = ''
  let widest = ''
  const left = () => (countdown ? `${formatDurationMs(leftMs(countdown, Date.now()))} left` : '')
  // the label, cut to the terminal: bar, separators and time take the rest
  const label = () => {
    const text = widest ? `${trial} · ${widest}` : trial
    const room = Math.max(20, width - 12 - 20)
    return cutText(text, room)
  }
  const redraw = () => bar.update(done, { label: label(), left: left() })
  const ticker = setInterval(() => started && !stopped && redraw(), 500)
  ticker.unref()
  return {
    onEvent(e: RunEvent) {
      // after Ctrl-C the bar is gone: nothing may draw over the message
      if (stopped) return
      if (e.type === 'file-progress') {
        if (!fileBar) {
          fileBar = new cliProgress.SingleBar(
            { format: ' writing {label} {bar} {percentage}%', stream: process.stderr, clearOnComplete: true },
            cliProgress.Presets.shades_classic
          )
          fileBar.start(e.totalBytes, 0, { label: e.file })
        }
        fileBar.update(e.doneBytes)
        if (e.doneBytes >= e.totalBytes) {
          fileBar.stop()
          fileBar = null
        }
      } else if (e.type === 'run-start') {
        total = e.trials
        plan = e.plan
        bar.start(e.trials, 0, { label: 'starting', left: '' })
        started = true
      } else if (e.type === 'trial-start') {
        const t = e.trial
        countdown = countDown(countdown, t.leftMs, Date.now())
        if (t.total > total) bar.setTotal((total = t.total))
        const bound = t.durationMs !== null ? formatDurationMs(t.durationMs) : formatBytes(t.fileBytes)
        const round = t.warmup ? 'warm-up' : `round ${t.repetition + 1}`
        const what = rowLabel(t, plan?.receiverModes ?? [])
        trial = `${round} ${t.inRoundIndex + 1}/${t.inRound} ${what} ${bound}${t.streams > 1 ? ` ×${t.streams}` : ''}`
        redraw()
      } else if (e.type === 'round-end') {
        countdown = countDown(countdown, e.leftMs, Date.now())
        const open = e.rows.filter((r) => r.status !== 'baseline' && r.halfWidth !== null)
        const worst = [...open].sort((a, b) => b.halfWidth! - a.halfWidth!)[0]
        if (worst && plan?.precision)
          widest = `widest ${pointsText(worst.halfWidth!)} ${rowLabel(worst, plan.receiverModes)} (≤${pointsText(plan.precision)})`
        // each method's half-width after the round, above the bar: the bar goes, the line stays
        if (plan?.precision) {
          bar.stop()
          process.stderr.write(`${roundLine(e, plan.precision, width)}\n`)
          bar.start(total, done, { label: label(), left: left() })
        } else redraw()
      } else if (e.type === 'trial-end') {
        done += 1
        redraw()
      }
    },
    stop() {
      if (stopped) return
      stopped = true
      clearInterval(ticker)
      if (started) bar.stop()
      fileBar?.stop()
    }
  }
}

/**
 * After a round, each method's headline half-width so far (✓ within the precision), in
 * the terminal's width: "round 6: mmap ±4.1✓ sendfile ±3.2✓ splice ±6.0 …"
 */
export function roundLine(e: Extract<RunEvent, { type: 'round-end' }>, precision: number, width: number): string {
  const rows = e.rows.filter((r) => r.status !== 'baseline')
  const receivers = [...new Set(e.rows.map((r) => r.receiverMode))]
  const cell = (r: (typeof rows)[number]) =>
    `${rowLabel(r, receivers)} ${r.halfWidth === null ? `n=${r.n}` : pointsText(r.halfWidth)}${isTight(r.halfWidth, precision) ? '✓' : ''}`
  const text = `round ${e.round}: ${rows.map(cell).join(' ')}`
  return cutText(text, width)
}

/** the signals that stop a run the way Ctrl-C does */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

/** a run estimated longer than this is announced before it starts */
const LONG_RUN_MS = 60_000

function fileSize(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch {
    return undefined // the engine names a missing file
  }
}

/** why a sized run is slow, when its chunks are small enough to be the reason */
function smallestChunk(plan: Plan): string {
  const chunk = Math.min(...plan.chunkBytes)
  return plan.durationMs === null && chunk < 4096 ? `; ${formatBytes(chunk)} chunks are a system call each` : ''
}

/**
 * Where a report goes when the file asked for cannot take it (a disk filled during
 * the run): this user's private cache, else the temp folder. Never a silent success:
 * the run exits 1 and says where the data is.
 */
function keepSomewhere(report: Report): string | null {
  const name = `zcprof-report-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
  for (const dir of [path.join(defaultCacheDir(), 'unsaved'), os.tmpdir()]) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
      writeReport(path.join(dir, name), report, { exclusive: true })
      return path.join(dir, name)
    } catch {
      // that disk is full too: the next
    }
  }
  return null
}

/** Saves the report; on failure says why and where the data is kept, and answers false. */
function saveReport(file: string, report: Report, journal: string | null): boolean {
  try {
    writeReport(file, report)
    return true
  } catch (e) {
    // a ZcprofError's message carries its hint
    process.stderr.write(`zcprof: ${(e as Error).message}\n`)
    const kept = journal ?? keepSomewhere(report)
    process.stderr.write(
      kept
        ? `zcprof: the run's data is kept in ${kept}${journal ? ' (the library has it)' : ''}\n`
        : 'zcprof: the run could not be kept anywhere: every disk tried is full\n'
    )
    return false
  }
}

/** the plan file's fields, read and checked; a missing, unreadable or not-regular file names itself and the fix */
function readPlanFile(file: string): Partial<Plan> {
  let text: string
  try {
    text = readInputFile(file, MAX_PLAN_FILE_BYTES, 'plan file')
  } catch (e) {
    if (!(e instanceof ZcprofError)) throw e
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--plan ${e.toInfo().message}`,
      hint: 'give a JSON file of plan fields, or a report zcprof wrote'
    })
  }
  return parsePlanFile(text, file)
}

/** the plan to run: the flags', or a plan file's with the flags given on the command line over it */
/** --label: one short line (a commit, a kernel) that names this run's point on a trend */
export function runLabel(text: string | undefined): string | null {
  if (text === undefined) return null
  const label = text.trim()
  // eslint-disable-next-line no-control-regex
  if (label.length > MAX_LABEL_LENGTH || /[\u0000-\u001f\u007f]/.test(label))
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      // quoted as JSON quotes it: a newline in it shows as \n, not as a second line
      message: `--label ${printable(JSON.stringify(label.length > 40 ? `${label.slice(0, 40)}…` : label))} is not a label: one line of ${MAX_LABEL_LENGTH} characters at most`,
      hint: 'give a commit, a kernel or a version, e.g. --label $(git rev-parse --short HEAD)'
    })
  return label || null
}

export function planOf(flags: RunFlags): Plan {
  const fromFlags = planFromFlags(flags)
  return flags.plan ? mergePlans(DEFAULT_PLAN, readPlanFile(flags.plan), fromFlags, flags.given ?? []) : fromFlags
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const plan = planOf(flags)
  const ndjson = flags.json === '-'
  // checked before the run: a bad output path, export request or label must not cost the run
  if (flags.json && !ndjson) checkOutput(flags.json, '--json')
  // a library others can write could be made to lose or replace this run: refused now, not after it
  if (flags.save) checkPrivateFolder(flags.library ?? defaultLibraryFolder())
  const exports = requestedExports(flags)
  const labels = cleanChanges({ title: flags.title ?? null, tags: flags.tag?.split(',') ?? [] })
  const meta = { title: labels.title ?? null, tags: labels.tags ?? [], label: runLabel(flags.label) }
  const estimateMs = estimateRunMs(plan, plan.file ? fileSize(plan.file) : undefined)
  // a run that will take a while says so before it starts: 1-byte chunks take hours
  if (typeof plan.precision === 'number')
    process.stderr.write(
      wrap(
        `zcprof: rounds of every method until each is within ±${shareText(plan.precision)} of copy: at least ${plan.repeat} (about ${formatDurationMs(estimateMs)})` +
          `${plan.maxTimeMs ? `, none started past ${formatDurationMs(plan.maxTimeMs)}` : ''}; Ctrl-C stops it and keeps the trials that finished`,
        widthFor(process.stderr)
      ).join('\n') + '\n'
    )
  else if (estimateMs > LONG_RUN_MS)
    process.stderr.write(
      `zcprof: this run will take about ${formatDurationMs(estimateMs)} (${trialCount(plan)} trials${smallestChunk(plan)}); Ctrl-C stops it and keeps the trials that finished\n`
    )
  const progress = progressReporter(
    flags.progress !== false && Boolean(process.stderr.isTTY) && !ndjson,
    widthFor(process.stderr)
  )
  const abort = new AbortController()
  const onSigint = () => {
    // the bar goes first, so the message has its own line and nothing draws over it
    progress.stop()
    process.stderr.write('\nzcprof: cancelling; the trials that finished are kept\n')
    abort.abort()
  }
  // Ctrl-C, a service manager's SIGTERM and a closed terminal's SIGHUP alike: stop,
  // keep what finished, print it (the local agent leaves these to us)
  for (const s of STOP_SIGNALS) process.once(s, onSigint)
  // --save journals the run into the library as it goes: a killed process keeps its finished trials
  const lib = flags.save ? new ReportLibrary(flags.library ?? defaultLibraryFolder()) : null
  const journal = lib ? new JournalWriter(lib) : null
  let saved: RunEvent | null = null
  let fatal: ErrorInfo | null = null
  let report: Report
  try {
    report = await runPlan({
      plan,
      cacheDir: flags.cacheDir,
      signal: abort.signal,
      token: flags.token ?? process.env.ZCPROF_TOKEN,
      agentTimeoutMs: int(flags.agentTimeout, 'agent-timeout', 5000),
      meta,
      // --no-reference: no machine reference at either end (null), else the engine's own
      ...(flags.reference === false ? { reference: null } : {}),
      onEvent: (e) => {
        if (e.type === 'error') fatal = e.error
        const done = journal?.on(e) ?? null
        if (done?.type === 'report-saved' || done?.type === 'report-save-failed') saved = done
        else if (done) process.stderr.write(`zcprof: ${done.type === 'warning' ? done.warning.message : done.type}\n`)
        progress.onEvent(e)
        if (ndjson) process.stdout.write(JSON.stringify(e) + '\n')
      }
    })
  } finally {
    progress.stop()
    for (const s of STOP_SIGNALS) process.removeListener(s, onSigint)
  }
  const out = ndjson ? process.stderr : process.stdout
  out.write(
    renderSummary(printableDeep(report), {
      color: colorFor(out),
      width: widthFor(out),
      wide: flags.wide,
      verbose: flags.verbose
    }) + '\n'
  )
  const last = saved as RunEvent | null
  const inLibrary = lib && last?.type === 'report-saved' ? path.join(lib.folder, last.entry.id) : null
  let writeFailed = false
  if (flags.json && !ndjson) {
    if (saveReport(flags.json, report, inLibrary)) out.write(`report: ${flags.json}\n`)
    else writeFailed = true
  }
  if (writeExports(report, exports)) writeFailed = true
  if (lib) {
    if (inLibrary) out.write(`library: ${inLibrary}\n`)
    else {
      writeFailed = true
      const why = last?.type === 'report-save-failed' ? last.error.message : 'the run ended without a report event'
      const kept = keepSomewhere(report)
      process.stderr.write(
        `zcprof: the library could not save the run: ${why}\n` +
          (kept ? `zcprof: the run's data is kept in ${kept}\n` : 'zcprof: every disk tried is full\n')
      )
    }
  }
  const failed = report.trials.some((t) => t.error && !t.warmup)
  // what stopped the run is the last thing said; with nothing measured it is bad input
  // or an unreachable host (exit 2), as a missing file is
  if (fatal) {
    const f = fatal as ErrorInfo
    process.stderr.write(`zcprof: the run stopped: ${f.message}${f.hint ? `\n  hint: ${f.hint}` : ''}\n`)
    if (!report.trials.some((t) => !t.warmup && t.summary)) return 2
  }
  // an output that could not be written is a failure, even when every trial went well
  return report.end.incomplete || failed || writeFailed ? 1 : 0
}
