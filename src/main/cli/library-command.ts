// `zcprof library [list] | search [WORDS…] | show ID… | tag ID TAG… | import FILE|DIR… |
// rm ID… | restore TRASH-ID…`: the app's report library from a terminal (the same
// folder, the same rules, the same query model as the app's filters). An ID is a
// report's file name, with or without ".json", or the unique beginning of one.

import { lstatSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import { minuteText } from '../../shared/units'
import { headline } from '../../shared/export/library-entry'
import { ALL_ENTRIES, queryLibrary, type LibraryEntry, type LibraryQuery } from '../../shared/library'
import { ALL_METHODS, isMethod } from '../../shared/methods'
import { cutText, printable, printableDeep } from '../../shared/printable'
import type { Report } from '../../shared/report'
import { parseReport, readInputFile } from '../reports/report-loader'
import { defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { renderSummary } from './summary-table'
import { colorFor, widthFor } from './terminal'
import { drawTable, wrap } from './text-table'

export interface LibraryFlags {
  library?: string
  /** import: the method an iperf3 file ran; search: reports that ran it */
  method?: string
  host?: string
  tag?: string
  since?: string
  until?: string
  /** tag: take the tags off */
  remove?: boolean
  /** list, search, show: every column, nothing cut */
  wide?: boolean
  /** every warning in full (default: one line a kind) */
  verbose?: boolean
}

const USAGE =
  'zcprof library [list | search [WORDS…] | show ID… | tag ID TAG… [--remove] | import FILE|DIR… | rm ID… | restore TRASH-ID…]'

/** an import of more files than this says only what failed, and a count */
const IMPORT_LINES = 20
/** the narrowest terminal the list is laid out for */
const MIN_WIDTH = 80
/** the host column's widest, before --wide */
const HOST_WIDTH = 12
/** "2026-12-06 20:59": the date column */
const DATE_WIDTH = 16
const GUTTER = 2

function bad(message: string, hint = USAGE): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

/** a line in pieces of at most n characters: a path longer than the line is broken, not let run past it */
function pieces(line: string, n: number): string[] {
  const chars = [...line]
  const out: string[] = []
  for (let i = 0; i < chars.length; i += n) out.push(chars.slice(i, i + n).join(''))
  return out.length ? out : ['']
}

const dateOf = (e: LibraryEntry) => minuteText(e.timestamp)
const problemText = (e: LibraryEntry) =>
  `unreadable: ${e.problem!.message}${e.problem!.hint ? ` (${e.problem!.hint})` : ''}`
const titleOf = (e: LibraryEntry) => `${e.incomplete ? 'INCOMPLETE · ' : ''}${e.title}`

/** every column in full, a line an entry, however wide that is (--wide) */
function wideList(entries: LibraryEntry[], color: boolean): string {
  const rows = entries.map((e) =>
    e.problem
      ? [e.id, problemText(e), '', dateOf(e), '', '', '']
      : [e.id, titleOf(e), e.host, dateOf(e), e.methods.join(', '), e.headline, e.tags.join(', ')]
  )
  return drawTable(['id', 'title', 'host', 'date', 'methods', 'headline', 'tags'], rows, { color })
}

/**
 * Within width: a line of the id and of as many of date, host and tags as fit beside it
 * (host and tags cut), and under it what did not fit, then the title and the headline (on
 * one line when both fit, else a line each, cut). The id is never cut: it is what the
 * other actions take. Why a file cannot be read is wrapped, not cut.
 */
function narrowList(entries: LibraryEntry[], width: number, color: boolean): string {
  const idWidth = Math.max(2, ...entries.map((e) => e.id.length))
  const hostWidth = Math.min(HOST_WIDTH, Math.max(4, ...entries.map((e) => e.host.length)))
  const tagsOf = (e: LibraryEntry) => e.tags.join(', ')
  // the columns beside the id, the most that fit (tags take what is left, at least 4)
  const beside = [
    { head: 'date', width: DATE_WIDTH, cell: dateOf },
    { head: 'host', width: hostWidth, cell: (e: LibraryEntry) => e.host },
    { head: 'tags', width: 4, cell: tagsOf }
  ]
  let shown = beside.length
  const need = (k: number) => beside.slice(0, k).reduce((sum, c) => sum + GUTTER + c.width, idWidth)
  while (shown > 0 && need(shown) > width) shown--
  const tagsWidth = width - need(2) - GUTTER
  const cellOf = (e: LibraryEntry, c: number) =>
    c === 1 ? cutText(e.host, hostWidth) : c === 2 ? cutText(tagsOf(e), tagsWidth) : beside[c].cell(e)
  const rows = entries.map((e) => [e.id, ...beside.slice(0, shown).map((_, c) => cellOf(e, c))])
  const head = ['id', ...beside.slice(0, shown).map((c) => c.head)]
  const [top, rule, ...lines] = drawTable(head, rows, { color }).split('\n')
  const indent = ' '.repeat(GUTTER)
  const room = width - indent.length
  const out = [top, rule]
  entries.forEach((e, i) => {
    out.push(lines[i])
    const rest = beside
      .slice(shown)
      .map((c) => c.cell(e))
      .filter(Boolean)
    if (rest.length) out.push(indent + cutText(rest.join(' · '), room))
    if (e.problem) for (const l of wrap(problemText(e), room).flatMap((l) => pieces(l, room))) out.push(indent + l)
    else {
      const both = `${titleOf(e)} · ${e.headline}`
      const detail = [...both].length <= room ? [both] : [cutText(titleOf(e), room), cutText(e.headline, room)]
      for (const l of detail) out.push(indent + l)
    }
  })
  return out.join('\n')
}

function printEntries(entries: LibraryEntry[], flags: LibraryFlags): void {
  const color = colorFor(process.stdout)
  process.stdout.write(
    (flags.wide
      ? wideList(entries, color)
      : narrowList(entries, Math.max(MIN_WIDTH, widthFor(process.stdout)), color)) + '\n'
  )
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?Z?$/

/**
 * --since and --until, in UTC as the list shows dates: the instant a date (or a minute,
 * or a second) begins; for --until, the instant it ends, so the day named is in.
 */
export function parseDateBound(text: string, flag: '--since' | '--until'): string {
  const m = DATE.exec(text.trim())
  const [y, mo, d, h = 0, mi = 0, s = 0] = (m?.slice(1) ?? []).map((x) => (x === undefined ? undefined : Number(x)))
  const at = m ? Date.UTC(y!, mo! - 1, d!, h, mi, s) : NaN
  const back = new Date(at)
  // Date.UTC rolls 2026-02-30 into March: a date that does not read back is no date
  if (!m || back.getUTCDate() !== d || back.getUTCMonth() !== mo! - 1 || h > 23 || mi > 59 || s > 59)
    bad(`${flag} '${text}' is not a date`, `e.g. ${flag} 2026-12-06, or 2026-12-06T20:59 (UTC, as the list shows)`)
  if (flag === '--since') return back.toISOString()
  const step = m[6] !== undefined ? 1000 : m[4] !== undefined ? 60_000 : 86_400_000
  return new Date(at + step).toISOString()
}

/** the search flags as the app's query: the same rules as its filters (shared/library.ts) */
export function searchQuery(words: string[], flags: LibraryFlags): LibraryQuery {
  if (flags.method !== undefined && !isMethod(flags.method))
    bad(`--method '${flags.method}' is not a method`, `methods are: ${ALL_METHODS.join(', ')}`)
  return {
    ...ALL_ENTRIES,
    text: words.join(' '),
    host: flags.host ?? null,
    method: flags.method ?? null,
    tag: flags.tag ?? null,
    since: flags.since === undefined ? null : parseDateBound(flags.since, '--since'),
    until: flags.until === undefined ? null : parseDateBound(flags.until, '--until')
  }
}

/** flags that only search takes, given to another action: refused, not ignored */
function searchOnly(action: string, flags: LibraryFlags): void {
  const given = (['host', 'tag', 'since', 'until'] as const).filter((k) => flags[k] !== undefined)
  if (action !== 'search' && given.length)
    bad(`--${given[0]} narrows a search, not ${action}`, `zcprof library search --${given[0]} …`)
  if (flags.method !== undefined && action !== 'search' && action !== 'import')
    bad(`--method is for search and import, not ${action}`, `zcprof library search --method ${flags.method}`)
}

/**
 * what makes two files the same run: imported twice (a colleague's folder again), it is
 * kept once. Its start, host, tool and methods, and its figures in a line: two iperf3 runs
 * started in the same second (or with no time at all) still differ in what they measured
 */
const runIdentity = (e: Pick<LibraryEntry, 'timestamp' | 'host' | 'tool' | 'methods' | 'headline'>) =>
  `${e.timestamp}|${e.host}|${e.tool}|${e.methods.join(',')}|${e.headline}`

const reportIdentity = (r: Report) =>
  runIdentity({
    timestamp: r.start.timestamp,
    host: r.start.environment.sender.hostname,
    tool: `${r.tool.name} ${r.tool.version}`,
    methods: [...new Set(r.end.aggregates.map((a) => a.method))],
    headline: headline(r)
  })

/** each argument as files: a folder is its *.json files (not its subfolders), in name order */
function importList(args: readonly string[]): string[] {
  return args.flatMap((arg) => {
    let st
    try {
      st = statSync(arg)
    } catch {
      return [arg] // importFile names it and the fix
    }
    if (!st.isDirectory()) return [arg]
    const names = readdirSync(arg)
      .filter((n) => n.endsWith('.json'))
      .sort()
    if (!names.length) bad(`${arg} holds no .json files`, 'give the folder the reports are in, or the files')
    return names.map((n) => path.join(arg, n))
  })
}

/** a file in an imported folder that is a link (not followed, as the library lists none) */
function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

/**
 * `library import FILE… DIR…`: every file tried, whatever one does; a run the library
 * already holds is skipped, not copied again; each failure named with its reason, and
 * the exit status says whether any failed (2) after all were tried
 */
async function importReports(
  lib: ReportLibrary,
  args: readonly string[],
  method: 'copy' | 'sendfile' | undefined
): Promise<number> {
  const files = importList(args)
  const held = new Map((await lib.list()).entries.filter((e) => !e.problem).map((e) => [runIdentity(e), e.id]))
  const quiet = files.length > IMPORT_LINES
  let imported = 0
  let skipped = 0
  let failed = 0
  for (const [i, f] of files.entries()) {
    try {
      // a link in a folder is not followed (the library lists none either): named, not imported
      if (!args.includes(f) && isLink(f))
        throw new ZcprofError({
          code: 'ZC_LIBRARY_LINK',
          message: `${f} is a link, which an import from a folder does not follow`,
          hint: 'import the file it points to by name'
        })
      // only a regular file, and no more of it than a report may be: a FIFO or /dev/zero is refused unread
      const { report } = parseReport(readInputFile(f), f, { method })
      const identity = reportIdentity(report)
      const was = held.get(identity)
      if (was !== undefined) {
        skipped++
        if (!quiet) process.stdout.write(printable(`skipped ${f}: already in the library as ${was}\n`))
        continue
      }
      const entry = lib.save(report, f)
      held.set(identity, entry.id)
      imported++
      if (!quiet) process.stdout.write(printable(`imported ${f} as ${entry.id}\n`))
    } catch (e) {
      if (!(e instanceof ZcprofError)) throw e
      failed++
      process.stderr.write(printable(`zcprof: not imported: ${e.message}\n`))
    }
    if (quiet && process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${files.length} files`)
  }
  if (quiet && process.stderr.isTTY) process.stderr.write('\n')
  process.stdout.write(
    `${imported} imported, ${skipped} already in the library${failed ? `, ${failed} not imported (above)` : ''}\n`
  )
  return failed ? 2 : 0
}

export async function libraryCommand(action: string | undefined, args: string[], flags: LibraryFlags): Promise<number> {
  const lib = new ReportLibrary(flags.library ?? defaultLibraryFolder())
  const act = action ?? 'list'
  searchOnly(act, flags)
  switch (act) {
    case 'list':
    case 'search': {
      if (act === 'list' && args.length) bad(`list takes no arguments: '${args[0]}'`, 'zcprof library search WORDS…')
      const query = act === 'search' ? searchQuery(args, flags) : ALL_ENTRIES
      // names and titles come from files anyone with the folder may have written
      const { folder, entries, trash } = printableDeep(await lib.list())
      const shown = queryLibrary(entries, query)
      process.stdout.write(`${folder}\n`)
      if (shown.length) printEntries(shown, flags)
      if (act === 'search') process.stdout.write(`${shown.length} of ${entries.length} reports match\n`)
      else if (!entries.length) process.stdout.write('no reports yet (zcprof run --save, or zcprof library import)\n')
      if (act === 'list' && trash.length)
        process.stdout.write(
          `${trash.length} in the trash (zcprof library restore ID): ${trash.map((t) => t.trashId).join(', ')}\n`
        )
      return 0
    }
    case 'show': {
      if (!args.length) bad('show needs a report id', 'zcprof library show ID… (zcprof library list shows them)')
      const color = colorFor(process.stdout)
      const width = widthFor(process.stdout)
      args.forEach((arg, i) => {
        const id = lib.idOf(arg)
        const { report } = lib.open(id)
        // the summary `zcprof report FILE` prints, under the id it was found by
        process.stdout.write(
          `${i ? '\n' : ''}${printable(id)}\n` +
            renderSummary(printableDeep(report), { color, width, wide: flags.wide, verbose: flags.verbose }) +
            '\n'
        )
      })
      return 0
    }
    case 'tag': {
      const [arg, ...given] = args
      const tags = given.flatMap((t) => t.split(',')).filter((t) => t.trim())
      if (!arg || !tags.length)
        bad('tag needs a report id and at least one tag', 'zcprof library tag ID TAG… [--remove]')
      const id = lib.idOf(arg)
      const { report, revision } = lib.open(id)
      const had = report.meta.tags
      const wanted = new Set(tags.map((t) => t.trim()))
      const absent = flags.remove ? [...wanted].filter((t) => !had.includes(t)) : []
      if (absent.length) process.stderr.write(printable(`note: ${id} had no tag ${absent.join(', ')}\n`))
      // the library's own write: atomic, and refused if the file changed since it was read
      const entry = lib.update(id, {
        tags: flags.remove ? had.filter((t) => !wanted.has(t)) : [...had, ...wanted],
        revision
      })
      process.stdout.write(printable(`${entry.id}: ${entry.tags.length ? entry.tags.join(', ') : 'no tags'}\n`))
      return 0
    }
    case 'import':
      if (flags.method !== undefined && flags.method !== 'copy' && flags.method !== 'sendfile')
        bad(`--method '${flags.method}': an iperf3 import ran copy or sendfile (iperf3 -Z)`, 'e.g. --method sendfile')
      if (!args.length) bad('import needs files or folders', 'zcprof library import FILE|DIR…')
      return importReports(lib, args, flags.method as 'copy' | 'sendfile' | undefined)
    case 'rm':
      for (const arg of args) {
        const id = lib.idOf(arg)
        process.stdout.write(printable(`moved ${id} to the trash as ${lib.remove(id).trashId}\n`))
      }
      return 0
    case 'restore':
      for (const id of args) process.stdout.write(printable(`restored ${id} as ${lib.restore(id).id}\n`))
      return 0
    default:
      return bad(`unknown library action '${action}'`)
  }
}
