// One check of a plan's shape, in the same words wherever a plan comes in: the engine
// (what the app's run call and the CLI go through), a plan file, and a report's load.
// And the promise it exists for: a plan that passes before a run, loads after it.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN, validatePlan } from '../../src/main/engine/run'
import { parseReport } from '../../src/main/reports/report-loader'
import { ZcprofError } from '../../src/shared/errors'
import { parsePlanFile } from '../../src/shared/plan-file'
import { planProblems } from '../../src/shared/plan-rules'
import { seededRandom } from '../../src/shared/random'
import type { Plan } from '../../src/shared/report'

const machineA = readFileSync(path.join(__dirname, '../fixtures/reports/machine-a.json'), 'utf8')
const report = parseReport(machineA, 'machine-a.json').report
const CPUS = Array.from({ length: 64 }, (_, i) => i)
const host = { allowedCpus: () => CPUS }

/** a report of machine A's trials whose plan is the plan text given (JSON, so __proto__ stays a key) */
const reportWithPlan = (planJson: string) =>
  JSON.stringify({ ...report, start: { ...report.start, plan: 0 } }).replace('"plan":0', `"plan":${planJson}`)

function thrown(f: () => unknown): ZcprofError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(ZcprofError)
    return e as ZcprofError
  }
  throw new Error('expected a refusal')
}

// each a field's value of the wrong kind, over the default plan; the words expected are
// fixed here, not read from the code under test
const BAD_TYPES: [string, string][] = [
  ['{"cache": "hot"}', `'cache' must be one of: warm, cold, not "hot"`],
  ['{"pmu": "on"}', `'pmu' must be one of: auto, off, not "on"`],
  ['{"file": 123}', `'file' must be a string or null, not 123`],
  ['{"checksum": "yes"}', `'checksum' must be a boolean, not "yes"`],
  ['{"receiverModes": ["fast"]}', `unknown receiver mode 'fast'`],
  [
    '{"receiverModes": "read"}',
    `'receiverModes' must be a list (at most 16) of: read, splice, discard, uring, mapped, gpu-pageable, gpu-pinned, gpu-mapped, not "read"`
  ],
  ['{"streams": 1.5}', `'streams' must be a whole number from 0, not 1.5`],
  ['{"targets": "tcp://127.0.0.1"}', `'targets' must be a list (at most 1024) of strings, not "tcp://127.0.0.1"`],
  // a file plan's sizes are not range-checked (the file's size is used): its kind still is
  [
    '{"file": "/tmp/x", "fileBytes": [1e308]}',
    `'fileBytes' must be a list (at most 1024) of finite numbers, not [1e+308]`
  ],
  [
    '{"lineRatesBitsPerSec": "100G"}',
    `'lineRatesBitsPerSec' must be a list (at most 16) of finite numbers or null, not "100G"`
  ],
  ['{"order": 1}', `'order' must be one of: shuffled, fixed, not 1`]
]

describe('a plan of the wrong kind is refused at every entry, in the same words', () => {
  it.each(BAD_TYPES)('%s', (fields, words) => {
    const plan = { ...DEFAULT_PLAN, ...JSON.parse(fields) } as Plan
    // the rules every front end shares (the setup form reads these)
    expect(planProblems(plan, CPUS).map((p) => p.message)).toContain(words)
    // the engine's check before a run: the app's run call (engine-api) and the CLI
    expect(thrown(() => validatePlan(plan, host)).message).toContain(words)
    // a plan file
    expect(thrown(() => parsePlanFile(fields, 'plan.json')).message).toContain(`plan.json: ${words}`)
    // a report holding it
    const loaded = thrown(() => parseReport(reportWithPlan(JSON.stringify(plan)), 'r.json'))
    expect(loaded.code).toBe('ZC_REPORT_SCHEMA')
    expect(loaded.message).toContain(words)
  })

  it.each(['__proto__', 'constructor', 'prototype'])('a key named %s is never run, so never saved', (key) => {
    const json = JSON.stringify(DEFAULT_PLAN).replace('{', `{"${key}": {"polluted": true},`)
    const plan = JSON.parse(json) as Plan
    expect(Object.keys(plan)).toContain(key)
    const words = `the plan has a key named "${key}"`
    expect(thrown(() => validatePlan(plan, host)).message).toContain(words)
    expect(thrown(() => parsePlanFile(json, 'plan.json')).message).toContain(`plan.json: ${words}`)
    // and the loader, which refuses such a key anywhere, names it too
    expect(thrown(() => parseReport(reportWithPlan(json), 'r.json')).message).toContain(`"${key}"`)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('a field this build does not know is not run (it would be saved); a report may hold a newer build’s', () => {
    const plan = { ...DEFAULT_PLAN, turbo: true } as Plan
    expect(thrown(() => validatePlan(plan, host)).message).toContain(`'turbo' is not a plan field`)
    expect(() => parseReport(reportWithPlan(JSON.stringify(plan)), 'r.json')).not.toThrow()
  })
})

describe('what passes before a run loads after it', () => {
  // values of every kind, good and bad, for any field
  const ODD: unknown[] = [
    'hot',
    'on',
    'warm',
    'cold',
    'auto',
    'off',
    'fixed',
    'read',
    '',
    '/tmp/f',
    123,
    0,
    1,
    5,
    1000,
    0.05,
    -1,
    1.5,
    2 ** 53,
    1e308,
    -1e308,
    null,
    true,
    false,
    [],
    ['copy'],
    ['tcp://127.0.0.1'],
    [0, 1],
    [4096],
    [1.5],
    ['x'],
    [1e308],
    [-1],
    {}
  ]
  it('3000 plans, each the default with one or two fields set to odd values: none passes the rules and fails the load', () => {
    const random = seededRandom(24)
    const fields = Object.keys(DEFAULT_PLAN).concat(['seed', 'gpuSpin', 'precision'])
    let passed = 0
    for (let i = 0; i < 3000; i++) {
      const plan: Record<string, unknown> = { ...DEFAULT_PLAN, methods: ['copy', 'sendfile'] }
      for (let k = random() < 0.5 ? 1 : 2; k > 0; k--)
        plan[fields[Math.floor(random() * fields.length)]] = ODD[Math.floor(random() * ODD.length)]
      if (planProblems(plan as unknown as Plan, CPUS).length > 0) continue
      passed++
      expect(() => parseReport(reportWithPlan(JSON.stringify(plan)), 'r.json'), JSON.stringify(plan)).not.toThrow()
    }
    // enough of them passed for the property to mean something
    expect(passed).toBeGreaterThan(100)
  })
})
