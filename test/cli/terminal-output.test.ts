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
    ['report (the summary table)', (f: string) => ['report', f], /warn \]0;pwned/],
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
