// The run setup form: what a person types, checked field by field, into a Plan.
// Pure, so the renderer shows messages beside fields and tests check the same rules.

import { ZcprofError } from './errors'
import { isGpuReceiverMode, isMethod, RECEIVER_MODES, type MethodName, type ReceiverMode } from './methods'
import { PLAN_DEFAULTS, planProblems, trialMode, type TrialMode } from './plan-rules'
import { MAX_TAG_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH, type CacheState, type Plan, type ReportMeta } from './report'
import { parseTarget } from './targets'
import { formatBytes, formatCpuList, formatDurationMs } from './units'
import {
  cpuListFromText,
  durationFromText,
  precisionFromText,
  sizeFromText,
  sizeListFromText,
  wholeFromText,
  type Parsed,
  type TextProblem
} from './plan-text'

/** the form's words for a precision it cannot take, with the range the CLI names too */
const precisionSaid = (p: TextProblem) =>
  `a percentage, e.g. 5%, from ${p.range!.min * 100}% to ${p.range!.max * 100}%; empty: exactly the repetitions given`

export interface PlanDraft {
  methods: MethodName[]
  target: string
  fileMode: 'generate' | 'file'
  size: string
  file: string
  chunks: string
  repeat: string
  warmup: string
  cache: CacheState
  /** one or more: each method runs with each (a pair each) */
  receiverModes: ReceiverMode[]
  verify: boolean
  /** for agent:// targets */
  token: string
  /** the report's title (empty: the default, which says what ran) and comma-separated tags */
  title: string
  tags: string
  /** what bounds a trial: a duration, a byte count, or one pass over the file */
  trialMode: TrialMode
  duration: string
  bytes: string
  streams: string
  /** repeat until tight: the half-width aimed at, e.g. 5%; empty or off: exactly `repeat` rounds */
  precision: string
  /** with a precision: the run's time budget, e.g. 2m */
  maxTime: string
  /** zcprof pins the threads where the CPU lists are empty */
  autoPin: boolean
  /** CPU lists, e.g. 0,2 or 4-7; empty: zcprof's choice (autoPin), else not pinned */
  senderCpus: string
  receiverCpus: string
  /** the io_uring methods and receiver: SQEs per batch, and SQ polling */
  uringDepth: string
  uringSqpoll: boolean
  /** the gpu-* receiver modes: the CUDA device that receives */
  receiverGpu: string
}

export type FieldErrors = Partial<Record<keyof PlanDraft, string>>

/** the report's title and tags as the form has them: trimmed, empty tags dropped, each once */
export function metaFromDraft(d: Pick<PlanDraft, 'title' | 'tags'>): ReportMeta {
  const title = d.title.trim()
  return {
    title: title || null,
    tags: [
      ...new Set(
        d.tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      )
    ]
  }
}

/** the draft repeats rounds until tight: a precision is given (not empty, not "off") */
export function precisionOn(d: Pick<PlanDraft, 'precision'>): boolean {
  const t = d.precision.trim()
  return t !== '' && t !== 'off'
}

export function draftFromPlan(p: Plan): PlanDraft {
  return {
    methods: [...p.methods],
    target: p.targets[0] ?? 'tcp://127.0.0.1',
    fileMode: p.file ? 'file' : 'generate',
    size: p.fileBytes.map(formatBytes).join(','),
    file: p.file ?? '',
    chunks: p.chunkBytes.map(formatBytes).join(','),
    repeat: String(p.repeat),
    warmup: String(p.warmup),
    cache: p.cache,
    receiverModes: [...p.receiverModes],
    verify: p.checksum,
    token: '',
    title: '',
    tags: '',
    trialMode: trialMode(p),
    duration: formatDurationMs(p.durationMs ?? PLAN_DEFAULTS.durationMs).replace(' ', ''),
    bytes: p.trialBytes === null ? '1GiB' : formatBytes(p.trialBytes),
    streams: String(p.streams),
    precision: typeof p.precision === 'number' ? `${+(p.precision * 100).toPrecision(3)}%` : '',
    maxTime: formatDurationMs(p.maxTimeMs ?? PLAN_DEFAULTS.maxTimeMs).replace(' ', ''),
    autoPin: p.autoPin ?? false,
    // zcprof's own choice is made again on the host that runs: only a user's CPUs are kept
    senderCpus: p.senderCpus && !p.autoPin ? formatCpuList(p.senderCpus) : '',
    receiverCpus: p.receiverCpus && !p.autoPin ? formatCpuList(p.receiverCpus) : '',
    uringDepth: String(p.uringDepth ?? PLAN_DEFAULTS.uringDepth),
    uringSqpoll: p.uringSqpoll ?? false,
    receiverGpu: String(p.receiverGpu ?? 0)
  }
}

/** the plan field a rule names → the form field that shows it */
const FIELD_OF: Partial<Record<keyof Plan, keyof PlanDraft>> = {
  methods: 'methods',
  targets: 'target',
  fileBytes: 'size',
  chunkBytes: 'chunks',
  repeat: 'repeat',
  warmup: 'warmup',
  receiverModes: 'receiverModes',
  durationMs: 'duration',
  omitMs: 'duration',
  trialBytes: 'bytes',
  streams: 'streams',
  senderCpus: 'senderCpus',
  receiverCpus: 'receiverCpus',
  uringDepth: 'uringDepth',
  receiverGpu: 'receiverGpu',
  precision: 'precision',
  maxTimeMs: 'maxTime'
}

/** the methods to run and where to: the target, and what it asks of the receiver and the token */
function checkMethodsAndTarget(d: PlanDraft, errors: FieldErrors): void {
  if (d.methods.length === 0) errors.methods = 'pick at least one method'
  else if (d.methods.some((m) => !isMethod(m))) errors.methods = 'unknown method'
  let target = null
  try {
    target = parseTarget(d.target.trim())
  } catch (e) {
    errors.target = e instanceof ZcprofError ? e.message.split('\n')[0] : String(e)
  }
  const tcpOnly = d.receiverModes.find((r) => r === 'discard' || r === 'mapped')
  if (target?.kind === 'unix' && tcpOnly) {
    errors.receiverModes = `${tcpOnly} needs TCP: use read or splice with a unix socket`
  }
  if (target?.kind === 'agent' && d.token.trim() === '' && !target.host.startsWith('127.')) {
    errors.token = 'an agent on another host needs the token it was started with'
  }
}

/** the run's title and tags, within what the library keeps */
function checkMeta(d: PlanDraft, errors: FieldErrors): void {
  const meta = metaFromDraft(d)
  if (meta.title !== null && meta.title.length > MAX_TITLE_LENGTH)
    errors.title = `${MAX_TITLE_LENGTH} characters at most`
  const longTag = meta.tags.find((t) => t.length > MAX_TAG_LENGTH)
  if (longTag) errors.tags = `the tag "${longTag.slice(0, 20)}…" is over ${MAX_TAG_LENGTH} characters`
  else if (meta.tags.length > MAX_TAGS) errors.tags = `${MAX_TAGS} tags at most`
}

/**
 * Every field's problem, and the plan when there is none. The form's own parsing
 * comes first; then the rules every front end shares (plan-rules.ts), shown beside
 * the field they name. allowedCpus: where this host lets threads run, when known.
 */
export function validateDraft(
  d: PlanDraft,
  base: Plan,
  allowedCpus?: readonly number[]
): { errors: FieldErrors; plan: Plan | null } {
  const errors: FieldErrors = {}
  checkMethodsAndTarget(d, errors)
  checkMeta(d, errors)
  // each field by the parser the CLI's flags use (plan-text.ts); the form says what
  // the field must be beside it, where the CLI names the flag
  const read = <T>(field: keyof PlanDraft, r: Parsed<T>, say = (p: TextProblem) => p.expected): T | null => {
    if (r.ok) return r.value
    errors[field] = say(r.problem)
    return null
  }
  let sizes: number[] = []
  if (d.fileMode === 'generate') {
    sizes = read('size', sizeListFromText(d.size, 'fileBytes', 'size')) ?? []
    if (sizes.length === 0) errors.size ??= 'give a size, e.g. 256MiB'
  } else if (!d.file.trim().startsWith('/')) {
    errors.file = 'give the absolute path of a file to send'
  }
  const chunks = read('chunks', sizeListFromText(d.chunks, 'chunkBytes', 'chunk size')) ?? []
  if (chunks.length === 0) errors.chunks ??= 'give a chunk size, e.g. 128KiB'
  const repeat = read('repeat', wholeFromText(d.repeat, 'repeat'))
  const warmup = read('warmup', wholeFromText(d.warmup, 'warmup'))
  if (d.receiverModes.length === 0) errors.receiverModes = 'pick at least one receiver mode'
  else if (d.receiverModes.some((r) => !(RECEIVER_MODES as readonly string[]).includes(r)))
    errors.receiverModes = 'unknown receiver mode'
  const streams = read('streams', wholeFromText(d.streams, 'streams'))
  const uringDepth = read('uringDepth', wholeFromText(d.uringDepth, 'uringDepth'))
  const gpu = d.receiverModes.some(isGpuReceiverMode)
    ? read('receiverGpu', wholeFromText(d.receiverGpu, 'receiverGpu'))
    : null
  let durationMs: number | null = null
  let trialBytes: number | null = null
  if (d.trialMode === 'timed') durationMs = read('duration', durationFromText(d.duration, 'durationMs', 'duration'))
  else if (d.trialMode === 'bytes') trialBytes = read('bytes', sizeFromText(d.bytes, 'trialBytes', 'bytes per trial'))
  const cpuList = (text: string, field: 'senderCpus' | 'receiverCpus'): number[] | null =>
    text.trim() === '' ? null : read(field, cpuListFromText(text, field, 'CPU list'))
  const senderCpus = cpuList(d.senderCpus, 'senderCpus')
  const receiverCpus = cpuList(d.receiverCpus, 'receiverCpus')
  const precision = precisionOn(d) ? read('precision', precisionFromText(d.precision), precisionSaid) : null
  const maxTimeMs = precision !== null ? read('maxTime', durationFromText(d.maxTime, 'maxTimeMs', 'time budget')) : null
  if (Object.keys(errors).length > 0) return { errors, plan: null }
  const plan: Plan = {
    ...base,
    methods: d.methods,
    targets: [d.target.trim()],
    fileBytes: d.fileMode === 'generate' ? sizes : base.fileBytes,
    file: d.fileMode === 'file' ? d.file.trim() : null,
    chunkBytes: chunks,
    repeat: repeat!,
    warmup: warmup!,
    cache: d.cache,
    receiverModes: d.receiverModes,
    checksum: d.verify,
    durationMs,
    // the ramp rule, unless the plan asked for its own
    omitMs: durationMs === null ? null : base.durationMs === durationMs ? base.omitMs : null,
    trialBytes,
    streams: streams!,
    senderCpus,
    receiverCpus,
    // CPUs a person names are theirs; else zcprof places the threads, when asked to
    autoPin: d.autoPin && senderCpus === null && receiverCpus === null,
    precision,
    maxTimeMs,
    uringDepth: uringDepth!,
    uringSqpoll: d.uringSqpoll,
    ...(gpu !== null ? { receiverGpu: gpu } : {})
  }
  // the rules every front end shares, beside the field each names
  for (const p of planProblems(plan, allowedCpus)) {
    const field = (p.field === 'plan' ? undefined : FIELD_OF[p.field]) ?? 'methods'
    errors[field] ??= p.message
  }
  return Object.keys(errors).length > 0 ? { errors, plan: null } : { errors, plan }
}
