// The error-code table (src/shared/error-codes.ts) against what it describes: the codes
// the sources raise (read here as text, not through the table), the README's
// troubleshooting section, and the exit statuses the built CLI ends with.
// Needs `npx electron-vite build` first (the CLI cases run out/main/cli.js).

import { spawn } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES, errorCodesMarkdown, thrownExitStatus, type ZcCode } from '../../src/shared/error-codes'
import { runZcprof, tempDir, ZCPROF_BIN } from '../helpers'

const root = path.resolve(__dirname, '../..')
const src = path.join(root, 'src')
const TABLE_FILE = path.join(src, 'shared', 'error-codes.ts')

function filesUnder(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name))
    .filter(keep)
}

/** each ZC_* code the sources name as a string: '…' in TypeScript, "…" in the C addon */
function codesInSources(): Map<string, string> {
  const found = new Map<string, string>()
  const scan = (files: string[], literal: RegExp) => {
    for (const f of files)
      for (const m of readFileSync(f, 'utf8').matchAll(literal))
        if (!found.has(m[1])) found.set(m[1], path.relative(root, f))
  }
  scan(
    filesUnder(src, (f) => /\.tsx?$/.test(f) && f !== TABLE_FILE && !f.includes(`${path.sep}node_modules${path.sep}`)),
    /'(ZC_[A-Z0-9_]+)'/g
  )
  scan(
    filesUnder(path.join(src, 'native'), (f) => /\.[ch]$/.test(f) && !f.includes(`${path.sep}build${path.sep}`)),
    /"(ZC_[A-Z0-9_]+)"/g
  )
  return found
}

const entry = (code: ZcCode) => ERROR_CODES[code] as { exit: number | null; stopsRun?: true }

describe('the error-code table', () => {
  it('lists every ZC_* code the sources raise, and only those', () => {
    const found = codesInSources()
    // ~60 codes: a scan that found few has stopped reading the sources
    expect(found.size).toBeGreaterThan(50)
    const table = Object.keys(ERROR_CODES)
    const missing = [...found].filter(([c]) => !table.includes(c)).map(([c, f]) => `${c} (${f})`)
    expect(missing, 'codes raised in src but not in src/shared/error-codes.ts').toEqual([])
    const unused = table.filter((c) => !found.has(c))
    expect(unused, 'codes in the table that no source raises').toEqual([])
  })

  it('gives each code a meaning and a fix of one short line', () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      for (const text of [info.meaning, info.fix]) {
        expect(text.length, code).toBeGreaterThan(8)
        expect(text.length, code).toBeLessThanOrEqual(90)
        expect(text, code).not.toMatch(/\n/)
      }
      // a code that stops a run: 2 before any trial finished (1 after is the run's rule)
      if ('stopsRun' in info) expect(info.exit, code).toBe(2)
    }
  })

  it("a thrown error exits 2, or 70 where its code is a bug's; a code not in the table is a type error", () => {
    // the README's "Exit codes": 2 bad input, 70 a bug; a trial's code thrown out of a
    // command stopped it before it measured, so 2 as well
    expect(thrownExitStatus('ZC_BAD_ARGUMENT')).toBe(2)
    expect(thrownExitStatus('ZC_INTERNAL')).toBe(70)
    expect(thrownExitStatus('ZC_NAPI')).toBe(70)
    expect(thrownExitStatus('ZC_CANCELLED')).toBe(2)
    expect(thrownExitStatus('ECONNREFUSED')).toBe(2)
    // @ts-expect-error ZC_NO_SUCH_CODE is in no table: tsc fails if this line stops being an error
    const unknown: ZcCode = 'ZC_NO_SUCH_CODE'
    expect(Object.hasOwn(ERROR_CODES, unknown)).toBe(false)
  })

  it("the README's troubleshooting table is the code's, word for word", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const section = /<!-- error-codes:start -->\n([\s\S]*?)\n<!-- error-codes:end -->/.exec(readme)
    expect(
      section,
      'README.md has a table between <!-- error-codes:start --> and <!-- error-codes:end -->'
    ).not.toBeNull()
    expect(section![1], 'run `npx tsx scripts/readme-error-codes.ts`').toBe(errorCodesMarkdown())
    expect(readme.indexOf('## Troubleshooting')).toBeLessThan(readme.indexOf('<!-- error-codes:start -->'))
  })
})

/** the parts of `--json -` events these tests read */
interface RunEvent {
  type: string
  error?: { code: string }
  trial?: { error: { code: string } | null }
}

/** `zcprof ARGS…` without blocking this process (a server in it must answer) */
function runAsync(
  args: string[],
  onStdoutLine?: (line: string, kill: (signal: NodeJS.Signals) => void) => void
): Promise<{ code: number | null; events: RunEvent[]; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [ZCPROF_BIN, ...args], {
      env: { ...process.env, XDG_CACHE_HOME: tempDir('zcprof-ec-cache-') }
    })
    let out = ''
    let err = ''
    let pending = ''
    child.stdout.on('data', (d: Buffer) => {
      out += d
      pending += d
      const lines = pending.split('\n')
      pending = lines.pop()!
      for (const l of lines) onStdoutLine?.(l, (s) => child.kill(s))
    })
    child.stderr.on('data', (d: Buffer) => (err += d))
    child.on('close', (code) =>
      resolve({
        code,
        events: out
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as RunEvent),
        stderr: err
      })
    )
  })
}

describe("the built CLI's exit statuses are the table's", () => {
  const dir = tempDir('zcprof-ec-')
  const notJson = path.join(dir, 'not-json.json')
  writeFileSync(notJson, 'nope\n')
  const badPlan = path.join(dir, 'bad-plan.json')
  writeFileSync(badPlan, '{"repeat": "x"}\n')
  const reports = path.join(root, 'test', 'fixtures', 'reports')

  // each input raises the code named, as its throw site's message shows
  it.each<[ZcCode, string[], RegExp]>([
    [
      'ZC_BAD_ARGUMENT',
      ['run', '--plan', path.join(dir, 'no-such-plan.json')],
      /--plan .*no-such-plan\.json: no such file/
    ],
    ['ZC_BAD_PLAN', ['run', '--plan', badPlan], /bad-plan\.json: 'repeat' must be a whole number/],
    ['ZC_BAD_TARGET', ['run', '--target', 'bogus', '-m', 'copy'], /target 'bogus' has no scheme/],
    ['ZC_REPORT_NOT_JSON', ['report', notJson], /not-json\.json: it is not JSON/],
    [
      'ZC_NOTHING_ALIGNED',
      ['compare', path.join(reports, 'machine-a.json'), path.join(reports, 'iperf3-loopback.json')],
      /share no row to compare/
    ]
  ])("%s ends the command with the table's exit status", (code, args, stderr) => {
    const r = runZcprof(args, { XDG_CACHE_HOME: tempDir('zcprof-ec-cache-') })
    expect(r.stderr).toMatch(stderr)
    expect(r.code, r.stderr).toBe(entry(code).exit)
  })

  it('a code that stops a run before any trial finished: its exit status, and the event names the code', async () => {
    // a port that answers as an SSH server does, not as an agent
    const server = net.createServer((s) => s.end('SSH-2.0-OpenSSH_9.6\r\n')).listen(0, '127.0.0.1')
    await new Promise((r) => server.once('listening', r))
    try {
      const { port } = server.address() as net.AddressInfo
      const r = await runAsync([
        'run',
        '--target',
        `agent://127.0.0.1:${port}`,
        '-m',
        'copy',
        '-s',
        '1MiB',
        '--json',
        '-'
      ])
      const error = r.events.find((e) => e.type === 'error')
      expect(error?.error?.code, r.stderr).toBe('ZC_NOT_AGENT')
      expect(entry('ZC_NOT_AGENT').stopsRun).toBe(true)
      expect(r.code, r.stderr).toBe(entry('ZC_NOT_AGENT').exit)
    } finally {
      server.close()
    }
  })

  it("a trial's code: Ctrl-C cancels the trial running (ZC_CANCELLED) and the run exits the table's status", async () => {
    let sent = false
    const r = await runAsync(
      'run -m copy -b 60GiB -s 1MiB --warmup 0 --repeat 1 --json - --no-progress'.split(' '),
      (line, kill) => {
        // cancelled once the trial moves data; 60 GiB (a minute or more) cannot end first,
        // as a timed trial could when a loaded machine delays the first sample
        if (!sent && line.includes('"type":"sample"')) {
          sent = true
          kill('SIGINT')
        }
      }
    )
    const ends = r.events.filter((e) => e.type === 'trial-end')
    expect(
      ends.map((e) => e.trial?.error?.code),
      r.stderr
    ).toEqual(['ZC_CANCELLED'])
    expect(r.code, r.stderr).toBe(entry('ZC_CANCELLED').exit)
  }, 150_000)
})
