// `zcprof run --help` states the ranges and defaults of the plan's table (PLAN_LIMITS,
// PLAN_DEFAULTS), not copies of them: the built CLI's help is read as a person sees it.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { GPU_DEFAULT_CHUNK_BYTES, PLAN_DEFAULTS, PLAN_LIMITS } from '../../src/shared/plan-rules'
import { runZcprof } from '../helpers'

/** the help with commander's wrapping undone: one option's text on one line */
function helpText(): string {
  const r = runZcprof(['run', '--help'])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.replace(/\n\s{10,}/g, ' ')
}

/** an option's line of help: from its flag to the next option */
function optionHelp(help: string, flag: string): string {
  const line = help.split('\n').find((l) => l.includes(`${flag} `))
  expect(line, `help has ${flag}`).toBeDefined()
  return line!
}

describe('zcprof run --help', () => {
  let help = ''
  beforeAll(() => {
    help = helpText()
  })

  it.each([
    ['--streams', 'streams'],
    ['--uring-depth', 'uringDepth']
  ] as const)('%s shows the range PLAN_LIMITS holds, and its default', (flag, field) => {
    const { min, max } = PLAN_LIMITS[field]
    const text = optionHelp(help, flag)
    expect(text).toContain(`(${min}..${max})`)
    expect(text).toContain(`(default: "${PLAN_DEFAULTS[field]}")`)
  })

  it('shows the ranges as stated, so the table itself cannot drift unseen', () => {
    expect(optionHelp(help, '--streams')).toContain('(1..64)')
    expect(optionHelp(help, '--uring-depth')).toContain('(1..4096)')
  })

  it.each([
    ['--duration', `(default ${PLAN_DEFAULTS.durationMs / 1000}s)`],
    ['--repeat', `(default ${PLAN_DEFAULTS.repeat})`],
    ['--precision', `(default ${PLAN_DEFAULTS.precision * 100}%)`],
    ['--max-time', `(default ${PLAN_DEFAULTS.maxTimeMs / 60_000}m)`],
    ['--warmup', `(default ${PLAN_DEFAULTS.warmup} for timed trials`],
    ['--chunk', `(default ${PLAN_DEFAULTS.chunkBytes / 1024}KiB; ${GPU_DEFAULT_CHUNK_BYTES / 1024 ** 2}MiB when`],
    ['--size', `(default: "${PLAN_DEFAULTS.fileBytes / 1024 ** 2}MiB")`],
    ['--interval', `(default: "${PLAN_DEFAULTS.sampleIntervalMs}ms")`]
  ])('%s shows the default PLAN_DEFAULTS holds', (flag, shown) => {
    expect(optionHelp(help, flag)).toContain(shown)
  })

  it('cli.ts writes no range or default of the table by hand: the help takes them from it', () => {
    const source = readFileSync(path.join(__dirname, '..', '..', 'src', 'main', 'cli.ts'), 'utf8')
    expect(source.match(/\(\d+\.\.\d+\)/g) ?? []).toEqual([])
    expect(source.match(/\(default \d[^)]*\)/g) ?? []).toEqual([])
    expect(source.match(/\d+[KMG]iB when/g) ?? []).toEqual([])
  })
})
