// A plan as a file: each field checked for its kind, a report's plan taken whole, and the
// flags given on the command line over the file's fields.

import { describe, expect, it } from 'vitest'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { mergePlans, parsePlanFile } from '../../src/shared/plan-file'

describe('a plan file', () => {
  it('takes the plan fields it names, and nothing else', () => {
    expect(parsePlanFile('{"methods": ["copy", "sendfile"], "precision": 0.03, "durationMs": null}', 'p.json')).toEqual(
      { methods: ['copy', 'sendfile'], precision: 0.03, durationMs: null }
    )
  })
  it.each([
    ['{"methods": "copy"}', /p\.json: 'methods' must be a list \(at most 64\) of: copy, mmap, .*, not "copy"/],
    ['{"repeat": "5"}', /p\.json: 'repeat' must be a whole number from 0, not "5"/],
    ['{"streams": null}', /p\.json: 'streams' must be a whole number from 0, not null/],
    ['{"presicion": 0.05}', /p\.json: 'presicion' is not a plan field/],
    ['[1, 2]', /p\.json: it is not a JSON object/],
    ['{"methods": [', /p\.json: it is not JSON/],
    ['{"schemaVersion": 3, "start": {}}', /p\.json: it is a report with no plan in it/]
  ])('%s is refused, naming the file and the field', (text, message) => {
    expect(() => parsePlanFile(text, 'p.json')).toThrow(message)
  })
  it('a report: its plan, seed and all, to run again', () => {
    const report = { schemaVersion: 3, start: { plan: { methods: ['splice'], seed: 42, order: 'shuffled' } } }
    expect(parsePlanFile(JSON.stringify(report), 'r.json')).toEqual({
      methods: ['splice'],
      seed: 42,
      order: 'shuffled'
    })
  })
  it('flags given on the command line win over the file; the rest of the file stands', () => {
    const file = { methods: ['copy', 'sendfile'] as const, repeat: 7, precision: null }
    const fromFlags = { ...DEFAULT_PLAN, methods: ['splice' as const], repeat: 3 }
    const plan = mergePlans(DEFAULT_PLAN, { ...file, methods: [...file.methods] }, fromFlags, ['methods'])
    expect(plan.methods).toEqual(['splice'])
    expect(plan.repeat).toBe(7)
    expect(plan.precision).toBeNull()
    // a flag that was not given takes nothing from the flags' plan
    expect(mergePlans(DEFAULT_PLAN, { repeat: 7 }, fromFlags, []).repeat).toBe(7)
  })
})
