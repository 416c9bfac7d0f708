// Every report that comes in (a file, an import, a library entry) passes through
// here: size cap, nesting cap, no prototype keys, JSON, version, migration, then
// the schema. Each refusal is a ZcprofError naming the input and what to do.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { cpuClockHz } from '../host/clock'
import {
  headLooksLikeIperf3,
  importIperf3,
  Iperf3ImportError,
  IPERF3_TOO_LARGE_HINT,
  looksLikeIperf3,
  MAX_IPERF3_IMPORT_BYTES,
  type Iperf3ImportOptions
} from '../../shared/iperf3-import'
import { MAX_REPORT_BYTES, OLDEST_SCHEMA_VERSION, SCHEMA_VERSION, type Report } from '../../shared/report'
import { migrateReport, READABLE_VERSIONS } from '../../shared/report-migrate'
import { planShapeProblems } from '../../shared/plan-schema'
import { withHeadlines } from '../../shared/aggregate'
import { REPORT_SCHEMA } from '../../shared/report-schema'
import { schemaErrors, validatorFor } from '../model/schema-validator'
import { formatBytes } from '../../shared/units'

/** a report nests about 8 deep; anything near this is not one */
export const MAX_REPORT_DEPTH = 64
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

export interface LoadedReport {
  report: Report
  /** the schema the input was written in (before migration); 0 for foreign imports */
  fromVersion: number
  /** where it came from, for messages */
  source: string
}

function refuse(code: string, source: string, message: string, hint: string): never {
  throw new ZcprofError({ code, message: `${source}: ${message}`, hint })
}

/** Depth first, in one pass, so a deeply nested file never reaches the recursive parser. */
function checkDepth(text: string, source: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped char
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_REPORT_DEPTH)
        refuse(
          'ZC_REPORT_TOO_DEEP',
          source,
          `nested more than ${MAX_REPORT_DEPTH} levels deep (at byte ${i}); a zcprof report nests under 10`,
          'this is not a zcprof or iperf3 report: check which file you chose'
        )
    } else if (c === 0x7d || c === 0x5d) depth--
  }
}

/** the first key anywhere in the tree that could reach a prototype; iterative, so no depth can overflow it */
function unsafeKey(root: unknown): string | null {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const v = stack.pop()
    if (typeof v !== 'object' || v === null) continue
    if (Array.isArray(v)) {
      for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x)
      continue
    }
    for (const k in v) {
      if (UNSAFE_KEYS.has(k)) return k
      const x = (v as Record<string, unknown>)[k]
      if (typeof x === 'object' && x !== null) stack.push(x)
    }
  }
  return null
}

/** an iperf3 file over its bound, in words: the file, its size, the bound and what to run instead */
function iperf3TooLarge(source: string, bytes: number): never {
  return refuse(
    'ZC_REPORT_TOO_LARGE',
    source,
    `it is iperf3 -J output of ${bytes} bytes (${formatBytes(bytes)}), over the ${MAX_IPERF3_IMPORT_BYTES} bytes (${formatBytes(MAX_IPERF3_IMPORT_BYTES)}) an iperf3 import may be`,
    IPERF3_TOO_LARGE_HINT
  )
}

/** iperf3 text over its bound is refused (its UTF-8 bytes counted only when its length could pass) */
function checkIperf3Text(text: string, source: string): void {
  if (text.length <= MAX_IPERF3_IMPORT_BYTES) return
  const bytes = Buffer.byteLength(text)
  if (bytes > MAX_IPERF3_IMPORT_BYTES) iperf3TooLarge(source, bytes)
}

/**
 * The checks and the parse, as steps: parseReport runs them at once, parseReportInSteps
 * lets the event loop run between them, so one import never holds it for the whole file.
 */
function* parseSteps(text: string, source: string): Generator<void, unknown> {
  if (/^\s*$/.test(text)) refuse('ZC_REPORT_EMPTY', source, 'the file is empty', 'save the report again from its run')
  checkDepth(text, source)
  yield
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (e) {
    const message = (e as Error).message
    const first = text.trimStart()[0]
    if (first !== '{' && first !== '[')
      refuse(
        'ZC_REPORT_NOT_JSON',
        source,
        `it is not JSON (it starts with ${JSON.stringify(text.trimStart().slice(0, 16))})`,
        'zcprof reads its own JSON reports (zcprof run --json FILE) and iperf3 -J output'
      )
    // the parser gives up exactly where the text ends when the file was cut short
    const at = /at position (\d+)/.exec(message)
    const atEnd = /end of JSON input/.test(message) || (at !== null && Number(at[1]) >= text.trimEnd().length)
    if (atEnd)
      refuse(
        'ZC_REPORT_TRUNCATED',
        source,
        `it ends mid-document (${formatBytes(Buffer.byteLength(text))} read): the file is truncated`,
        'copy it again in full; zcprof writes reports atomically, so a cut file comes from a copy or a download'
      )
    refuse('ZC_REPORT_NOT_JSON', source, `it is not valid JSON: ${message}`, 'the file was damaged or edited by hand')
  }
  yield
  // JSON.parse makes "__proto__" an own key (escaped spellings too), harmless until a
  // spread or merge turns it into a prototype: refuse such files outright. One
  // iterative walk after parsing costs a sixth of what a reviver does.
  const key = unsafeKey(doc)
  if (key)
    refuse(
      'ZC_REPORT_UNSAFE_KEY',
      source,
      `it has a key named "${key}", which no report has and which could alter objects that read it`,
      'the file was edited or crafted: use the original report'
    )
  // iperf3 output whose first key is not "start" passed the check before parsing: the same bound after
  if (looksLikeIperf3(doc)) checkIperf3Text(text, source)
  yield
  return doc
}

/** A parsed document of any supported kind, as a current report. */
export function reportFromDocument(doc: unknown, source: string, options: Iperf3ImportOptions = {}): LoadedReport {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    refuse('ZC_REPORT_FOREIGN', source, 'it is JSON but not an object, so not a report', 'choose a zcprof report')
  if (looksLikeIperf3(doc)) {
    try {
      // iperf3 records no clock: this host's turns its CPU time into a labelled estimate
      const report = importIperf3(doc as Record<string, unknown>, { clockHz: cpuClockHz(), ...options })
      return check(report, 0, source)
    } catch (e) {
      if (e instanceof Iperf3ImportError)
        refuse(
          'ZC_REPORT_IPERF3',
          source,
          `cannot import this iperf3 output: ${e.message}`,
          'run iperf3 -c HOST -J and import what it prints'
        )
      throw e
    }
  }
  const d = doc as Record<string, unknown>
  const tool = typeof d.tool === 'object' && d.tool !== null ? (d.tool as Record<string, unknown>) : null
  if (typeof d.schemaVersion !== 'number' || !Number.isInteger(d.schemaVersion))
    refuse(
      'ZC_REPORT_FOREIGN',
      source,
      'it is not a zcprof report (it has no schemaVersion) nor iperf3 -J output',
      `this build reads zcprof reports of schema ${READABLE_VERSIONS} and iperf3 -J output`
    )
  const version = d.schemaVersion as number
  const writer = tool && typeof tool.version === 'string' ? ` by ${String(tool.name)} ${tool.version}` : ''
  if (version > SCHEMA_VERSION)
    refuse(
      'ZC_REPORT_NEWER',
      source,
      `it was written in report schema ${version}${writer}; this build (schema ${SCHEMA_VERSION}) reads schemas ${READABLE_VERSIONS}`,
      'update zcprof to read it'
    )
  if (version < OLDEST_SCHEMA_VERSION)
    refuse(
      'ZC_REPORT_OLD',
      source,
      `it was written in report schema ${version}${writer}; this build reads schemas ${READABLE_VERSIONS}`,
      'open it with the zcprof version that wrote it and export it again'
    )
  if (tool && tool.name !== 'zcprof' && tool.name !== 'iperf3')
    refuse(
      'ZC_REPORT_FOREIGN',
      source,
      `it was written by "${String(tool.name)}", not zcprof`,
      'choose a zcprof report'
    )
  const zero = negativeZero(d)
  if (zero !== null)
    refuse(
      'ZC_REPORT_SCHEMA',
      source,
      `it holds -0 at ${zero}, which zcprof never writes (JSON.stringify writes 0)`,
      'the file was edited or crafted: use the original report'
    )
  const { doc: migrated, fromVersion } = migrateReport(d, version)
  return check(migrated, fromVersion, source)
}

/** where the first -0 is (a JSON pointer), or null: JSON.stringify never writes one, so a file holding it was made by hand */
function negativeZero(root: unknown): string | null {
  const stack: [unknown, string][] = [[root, '']]
  while (stack.length > 0) {
    const [v, at] = stack.pop()!
    if (Object.is(v, -0)) return at || '/'
    if (typeof v !== 'object' || v === null) continue
    for (const [k, x] of Object.entries(v)) if (typeof x === 'object' || Object.is(x, -0)) stack.push([x, `${at}/${k}`])
  }
  return null
}

function check(doc: unknown, fromVersion: number, source: string): LoadedReport {
  // the plan by the check a run makes before it starts, in its words: what ran, loads
  const start = (doc as { start?: unknown }).start
  if (typeof start === 'object' && start !== null && 'plan' in start) {
    const [problem] = planShapeProblems((start as { plan: unknown }).plan, { allowUnknown: true })
    if (problem)
      refuse(
        'ZC_REPORT_SCHEMA',
        source,
        `its plan is not one zcprof runs: ${problem.message}`,
        'the file was edited or damaged: use the original, or run the trials again'
      )
  }
  const validate = validatorFor(REPORT_SCHEMA)
  if (!validate(doc))
    refuse(
      'ZC_REPORT_SCHEMA',
      source,
      `it does not match report schema ${SCHEMA_VERSION}${fromVersion && fromVersion !== SCHEMA_VERSION ? ` (after migrating from ${fromVersion})` : ''}: ${schemaErrors(validate)}`,
      'the file was edited or damaged: use the original, or run the trials again'
    )
  // one field every view reads: a report from before it gets it from its trials
  return { report: withHeadlines(doc as Report), fromVersion, source }
}

function checkTextSize(text: string, source: string): void {
  if (text.length > MAX_REPORT_BYTES)
    refuse(
      'ZC_REPORT_TOO_LARGE',
      source,
      `it is over ${formatBytes(MAX_REPORT_BYTES)}`,
      'no report is that big: check which file you chose, or lower the sampling rate'
    )
  // iperf3 output (the app sends it as text) is refused before it is parsed
  if (headLooksLikeIperf3(text.slice(0, 64))) checkIperf3Text(text, source)
}

export function parseReport(text: string, source: string, options: Iperf3ImportOptions = {}): LoadedReport {
  checkTextSize(text, source)
  const steps = parseSteps(text, source)
  let step = steps.next()
  while (!step.done) step = steps.next()
  return reportFromDocument(step.value, source, options)
}

/** parseReport, letting the event loop run between its steps (checks, parse, import) */
export async function parseReportInSteps(
  text: string,
  source: string,
  options: Iperf3ImportOptions = {}
): Promise<LoadedReport> {
  checkTextSize(text, source)
  const steps = parseSteps(text, source)
  let step = steps.next()
  while (!step.done) {
    await new Promise<void>((resolve) => setImmediate(resolve))
    step = steps.next()
  }
  await new Promise<void>((resolve) => setImmediate(resolve))
  return reportFromDocument(step.value, source, options)
}

/** what a path that is not a regular file is, in words */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder'
  if (st.isFIFO()) return 'a named pipe (FIFO)'
  if (st.isCharacterDevice()) return 'a character device'
  if (st.isBlockDevice()) return 'a block device'
  if (st.isSocket()) return 'a socket'
  return 'not a regular file'
}

/**
 * A file the user named (a report, an import, a plan file), read safely: opened
 * non-blocking (a FIFO would otherwise hang the open), checked on the descriptor it is
 * read from (no swap between check and read), refused unless a regular file, and read
 * no further than maxBytes (/proc files say size 0; a growing file may pass fstat).
 * Links are followed: a link to a report is a fine thing to pass on the command line.
 * `what` names the input in messages ("report", "plan file").
 */
export function readInputFile(file: string, maxBytes = MAX_REPORT_BYTES, what = 'report'): string {
  const tooLarge = (size: string): never =>
    refuse(
      'ZC_REPORT_TOO_LARGE',
      file,
      `it is ${size}, over the ${maxBytes} bytes (${formatBytes(maxBytes)}) a ${what} may be`,
      `no ${what} is that big: check which file you chose${what === 'report' ? ', or lower the sampling rate of the run' : ''}`
    )
  let fd = -1
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY)
    const st = fstatSync(fd)
    if (!st.isFile())
      refuse(
        'ZC_REPORT_NOT_FILE',
        file,
        `it is ${kindOf(st)}, not a file, so it was not read`,
        `give the path of a ${what} file (a regular file, e.g. one zcprof run --json FILE wrote)`
      )
    // refuse a huge file before reading it: reading 10 GB to say "too big" would be its own bug
    if (st.size > maxBytes) tooLarge(`${st.size} bytes (${formatBytes(st.size)})`)
    // iperf3 output has a lower bound: its first bytes (read in place) say whether it is one
    if (what === 'report' && st.size > MAX_IPERF3_IMPORT_BYTES) {
      const head = Buffer.alloc(64)
      const n = readSync(fd, head, 0, head.length, 0)
      if (headLooksLikeIperf3(head.subarray(0, n).toString('utf8'))) iperf3TooLarge(file, st.size)
    }
    // one byte past the bound tells a file that grew past it from one that fits
    const buf = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(st.size, 64 * 1024)) + 1)
    const chunks: Buffer[] = []
    let total = 0
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null)
      if (n === 0) break
      total += n
      if (total > maxBytes) tooLarge(`over ${maxBytes} bytes (it grew while being read)`)
      chunks.push(Buffer.from(buf.subarray(0, n)))
    }
    return Buffer.concat(chunks, total).toString('utf8')
  } catch (e) {
    if (e instanceof ZcprofError) throw e
    const code = (e as NodeJS.ErrnoException).code
    return refuse(
      code === 'ENOENT' ? 'ZC_REPORT_NOT_FOUND' : 'ZC_REPORT_UNREADABLE',
      file,
      code === 'ENOENT' ? 'no such file' : (e as Error).message,
      code === 'ENOENT'
        ? `check the path${what === 'report' ? '; reports are written by zcprof run --json FILE' : ''}`
        : 'check its permissions'
    )
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

/**
 * A report made or changed here, checked as a file of it would be read back (its JSON
 * against the schema): so what is saved always loads. Throws ZC_REPORT_SCHEMA.
 */
export function checkReport(report: Report, source: string): Report {
  return check(JSON.parse(JSON.stringify(report)) as unknown, 0, source).report
}

export function loadReportFile(file: string, options: Iperf3ImportOptions = {}): LoadedReport {
  return parseReport(readInputFile(file), file, options)
}
