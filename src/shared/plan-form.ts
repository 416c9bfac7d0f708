// The run setup form: what a person types, checked field by field, into a Plan.
// Pure, so the renderer shows messages beside fields and tests check the same rules.

import { ZcprofError } from './errors'
import { METHODS, RECEIVER_MODES, type MethodName, type ReceiverMode } from './methods'
import type { CacheState, Plan } from './report'
import { parseTarget } from './targets'
import { formatBytes, parseSizeList } from './units'

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
  receiverMode: ReceiverMode
  verify: boolean
  /** for agent:// targets */
  token: string
}

export type FieldErrors = Partial<Record<keyof PlanDraft, string>>

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
    receiverMode: p.receiverMode,
    verify: p.checksum,
    token: ''
  }
}

function whole(text: string, min: number, max: number): number | null {
  if (!/^\d+$/.test(text.trim())) return null
  const n = Number(text)
  return n >= min && n <= max ? n : null
}

/** Every field's problem, and the plan when there is none. */
export function validateDraft(d: PlanDraft, base: Plan): { errors: FieldErrors; plan: Plan | null } {
  const errors: FieldErrors = {}
  if (d.methods.length === 0) errors.methods = 'pick at least one method'
  else if (d.methods.some((m) => !(METHODS as readonly string[]).includes(m))) errors.methods = 'unknown method'
  let target = null
  try {
    target = parseTarget(d.target.trim())
  } catch (e) {
    errors.target = e instanceof ZcprofError ? e.message.split('\n')[0] : String(e)
  }
  if (target?.kind === 'unix' && d.receiverMode === 'discard') {
    errors.receiverMode = 'discard needs TCP: use read or splice with a unix socket'
  }
  if (target?.kind === 'agent' && d.token.trim() === '' && !target.host.startsWith('127.')) {
    errors.token = 'an agent on another host needs the token it was started with'
  }
  let sizes: number[] = []
  if (d.fileMode === 'generate') {
    try {
      sizes = parseSizeList(d.size, 'size')
      if (sizes.length === 0) errors.size = 'give a size, e.g. 256MiB'
    } catch (e) {
      errors.size = (e as Error).message
    }
  } else if (!d.file.trim().startsWith('/')) {
    errors.file = 'give the absolute path of a file to send'
  }
  let chunks: number[] = []
  try {
    chunks = parseSizeList(d.chunks, 'chunk size')
    if (chunks.length === 0) errors.chunks = 'give a chunk size, e.g. 128KiB'
  } catch (e) {
    errors.chunks = (e as Error).message
  }
  const repeat = whole(d.repeat, 1, 1000)
  if (repeat === null) errors.repeat = 'a whole number from 1 to 1000'
  const warmup = whole(d.warmup, 0, 100)
  if (warmup === null) errors.warmup = 'a whole number from 0 to 100'
  if (!(RECEIVER_MODES as readonly string[]).includes(d.receiverMode)) errors.receiverMode = 'unknown receiver mode'
  if (Object.keys(errors).length > 0) return { errors, plan: null }
  return {
    errors,
    plan: {
      ...base,
      methods: d.methods,
      targets: [d.target.trim()],
      fileBytes: d.fileMode === 'generate' ? sizes : base.fileBytes,
      file: d.fileMode === 'file' ? d.file.trim() : null,
      chunkBytes: chunks,
      repeat: repeat!,
      warmup: warmup!,
      cache: d.cache,
      receiverMode: d.receiverMode,
      checksum: d.verify
    }
  }
}
