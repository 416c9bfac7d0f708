// What reaches a terminal: printable text only (a report's title, a host name, an error
// quoting a file), and a reader that goes away ends the command quietly.

import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { printable } from '../../src/shared/printable'
import { randomFile, runZcprof, tempDir } from '../helpers'

const fixtures = path.join(__dirname, '../fixtures/reports')
const ESC = '\u001b'
const hostile = `${ESC}]0;pwned\u0007${ESC}[2J\u009b31m\u202eevil`

describe('printable', () => {
  it('keeps text, tabs and newlines; drops C0, C1, DEL and bidi overrides', () => {
    expect(printable(`a\tb\nc${hostile}d\u007f`)).toBe('a\tb\nc]0;pwned[2J31mevild')
  })
})

describe('the CLI prints no control characters from data', () => {
  const report = () => {
    const r = loadReportFile(path.join(fixtures, 'machine-a.json')).report
    r.meta.title = `title ${hostile}`
    r.meta.tags = [`tag${ESC}]8;;http://x${ESC}\\`]
    r.start.environment.sender.hostname = `host${hostile}`
    r.end.warnings[0] = { ...r.end.warnings[0], message: `warn ${hostile}` }
    const file = path.join(tempDir(), 'evil.json')
    writeFileSync(file, JSON.stringify(r))
    return file
  }
  it.each([
    // --verbose: a warning's own words are printed in full there
    ['report (the summary table)', (f: string) => ['report', f, '--verbose'], /warn \]0;pwned/],
    ['report --md -', (f: string) => ['report', f, '--md', '-'], /title \\\]0;pwned/],
    ['compare', (f: string) => ['compare', path.join(fixtures, 'machine-a.json'), f], /title \]0;pwned/]
  ])('%s', (_what, args, shown) => {
    const r = runZcprof(args(report()))
    expect(r.stdout.length).toBeGreaterThan(100)
    expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/)
    expect(r.stdout).toMatch(shown) // the text is there, harmless
  })
  it('library list', () => {
    const folder = tempDir()
    writeFileSync(path.join(folder, 'evil.json'), readFileSync(report()))
    const r = runZcprof(['library', 'list', '--library', folder])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/title \]0;pwned/)
    expect(r.stdout + r.stderr).not.toContain(ESC)
  })
  it('an error quoting a file name', () => {
    const r = runZcprof(['report', path.join(tempDir(), `missing${ESC}]0;pwned\u0007.json`)])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/missing\]0;pwned/)
    expect(r.stderr).not.toContain(ESC)
  })
})

describe('a closed pipe', () => {
  it('`zcprof run --json - | head -1` exits quietly, with no stack trace', () => {
    const file = randomFile(2 * 1024 * 1024)
    const bin = path.join(__dirname, '../../bin/zcprof.js')
    const r = spawnSync(
      'bash',
      [
        '-o',
        'pipefail',
        '-c',
        `"${process.execPath}" "${bin}" run --file "${file}" --methods copy,sendfile --once --repeat 3 --json - | head -1`
      ],
      { encoding: 'utf8', timeout: 120_000 }
    )
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1)
    expect(r.stderr).not.toMatch(/EPIPE|Error:|at /)
    expect(r.status).toBe(0)
  })
})

/** a command under a pseudo-terminal (util-linux `script`), as a person at a terminal runs it */
function inTerminal(command: string, env: Record<string, string> = {}) {
  const r = spawnSync('script', ['-qec', command, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
  return { code: r.status, out: r.stdout }
}
const zcprofCommand = (args: string) => `"${process.execPath}" "${path.join(__dirname, '../../bin/zcprof.js')}" ${args}`
/** characters per line, as a terminal shows them (colour codes take no room) */
const widths = (text: string) =>
  text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split(/\r?\n/)
    .map((l) => l.length)

describe('tables fit the terminal', () => {
  const reports = ['machine-a.json', 'machine-c-noisy.json', 'real-loopback-v2.json', 'iperf3-loopback.json']

  it.each(reports)('%s: the default fits 100 columns, with no rule between rows', (name) => {
    const r = runZcprof(['report', path.join(fixtures, name)])
    expect(r.code).toBe(0)
    expect(Math.max(...widths(r.stdout))).toBeLessThanOrEqual(100)
    // the rows follow one another: a rule only under each head
    const lines = r.stdout.split('\n')
    const rules = lines.filter((l) => /^─+(  ─+)*$/.test(l))
    const heads = lines.filter((l) => l.startsWith('method '))
    expect(rules.length).toBe(heads.length)
  })

  it('--wide has every column; the default has the headline and no empty notes column', () => {
    const file = path.join(fixtures, 'machine-a.json')
    const wide = runZcprof(['report', file, '--wide']).stdout
    for (const head of ['cyc/bit* send', 'cyc/bit* recv', 'ctxsw/GiB', 'syscalls/GiB', 'receiver CPU/bit', 'per core'])
      expect(wide).toContain(head)
    const narrow = runZcprof(['report', file]).stdout
    expect(narrow).toContain('system CPU/bit vs copy [95% CI]')
    // the headline first, the whole system's: sendfile's planted 0.220 against copy's 0.301 (make-two-machines.ts)
    expect(narrow).toMatch(
      /\nsendfile +−27\.0% \[−28\.0, −25\.9\] +0\.220 +20\.10 ±0\.30\n +saves CPU; part moved to the receiver/
    )
    expect(narrow).toMatch(/^sendfile is the cheapest for the whole machine: −27\.0% \[−28\.0, −25\.9\]/)
    expect(narrow).not.toContain('ctxsw/GiB')
    // the notes column only where a row has notes: copy vs copy has none
    const onlyCopy = loadReportFile(file).report
    onlyCopy.end.aggregates = onlyCopy.end.aggregates.filter((x) => x.method === 'copy')
    const f = path.join(tempDir(), 'copy-only.json')
    writeFileSync(f, JSON.stringify(onlyCopy))
    expect(runZcprof(['report', f]).stdout).not.toMatch(/\bnotes\b/)
  })

  it('a terminal 72 columns wide: every line fits, the notes going under the table', () => {
    const r = inTerminal(zcprofCommand(`report ${path.join(fixtures, 'machine-a.json')}`), { COLUMNS: '72' })
    expect(r.code).toBe(0)
    expect(Math.max(...widths(r.out))).toBeLessThanOrEqual(72)
    expect(r.out).toMatch(/\n {2}sendfile: cost moved/)
  })
})

describe('colour', () => {
  const folder = () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'a.json'), readFileSync(path.join(fixtures, 'machine-a.json')))
    return dir
  }
  it('a terminal gets colour, in CI too; NO_COLOR, TERM=dumb, a pipe or a file get none', () => {
    const dir = folder()
    const a = path.join(fixtures, 'machine-a.json')
    const b = path.join(fixtures, 'machine-b.json')
    for (const args of [`library list --library ${dir}`, `report ${a}`, `compare ${a} ${b}`]) {
      // CI consoles set $CI, and some leave $TERM unset: a table library with
      // colour rules of its own dropped colour there, on a terminal
      expect(inTerminal(zcprofCommand(args), { CI: '1', TERM: 'xterm' }).out, args).toContain(`${ESC}[`)
      expect(inTerminal(zcprofCommand(args), { NO_COLOR: '1', TERM: 'xterm' }).out, args).not.toContain(ESC)
      expect(inTerminal(zcprofCommand(args), { TERM: 'dumb' }).out, args).not.toContain(ESC)
      expect(inTerminal(`${zcprofCommand(args)} | cat`, { TERM: 'xterm' }).out, args).not.toContain(ESC)
    }
  })
})

describe('Ctrl-C', () => {
  it('the message has its own line, and the progress bar never draws over it', () => {
    // 1-byte chunks: a run long enough to interrupt, announced before it starts
    const r = inTerminal(
      `timeout --foreground -s INT 3 ${zcprofCommand('run -m copy --chunk 1 --once -s 64MiB -r 1 -w 0 --cache-dir ' + tempDir())}`
    )
    expect(r.out).toMatch(/this run will take about .* 1B chunks are a system call each/)
    const at = r.out.indexOf('zcprof: cancelling')
    expect(at, r.out.slice(-2000)).toBeGreaterThan(0)
    // what came before it ends a line; nothing after it is the bar or moves the cursor back
    expect(r.out.slice(0, at)).toMatch(/\n$/)
    const after = r.out.slice(at)
    expect(after).not.toMatch(/trials \|/)
    expect(after).not.toMatch(/\r(?!\n)|\u001b\[\d*[GK]/)
    expect(after).toMatch(/\r?\nwarnings\b/)
  })
})
