// The client's side of a send job: pieces put back in order or refused, a report that
// ends short refused, progress that came before the job was watched passed on. Each
// case is a fixed sequence of pushes, as an agent (or a hostile one) could send them.

import { describe, expect, it } from 'vitest'
import { SendJobWatch } from '../../src/main/agent/send-job-watch'
import { asyncRefusal } from '../helpers'

const piece = (part: number, parts: number, text: string) =>
  ({ type: 'send-report', job: 1, part, parts, data: Buffer.from(text).toString('base64') }) as const
const end = { type: 'send-end', job: 1, error: null } as const

describe('a send job, as its client puts it together', () => {
  it('pieces in order make the report; progress sent before the watch is passed on', async () => {
    const w = new SendJobWatch()
    expect(w.push({ type: 'send-progress', job: 1, done: 1, total: 2, what: 'round 1 copy' })).toBeNull()
    expect(w.push(piece(0, 2, '{"a":'))).toBeNull()
    expect(w.push(piece(1, 2, '"é"}'))).toBeNull()
    expect(w.push(end)).toBeNull()
    const seen: string[] = []
    expect(await w.watch(1, { onProgress: (d, t, what) => seen.push(`${d}/${t} ${what}`) }, null)).toBe('{"a":"é"}')
    expect(seen).toEqual(['1/2 round 1 copy'])
  })

  it.each([
    ['a piece out of order', [piece(1, 2, 'x')], 'sent report piece 1 out of order'],
    ['a piece twice', [piece(0, 2, 'x'), piece(0, 2, 'x')], 'sent report piece 0 out of order'],
    ['a count that changes', [piece(0, 2, 'x'), piece(1, 3, 'x')], 'sent report piece 1 out of order'],
    ['more pieces than a report may have', [piece(0, 1e6, 'x')], 'sent a malformed report piece']
  ])('%s is a protocol error', (_what, pushes, error) => {
    const w = new SendJobWatch()
    const errors = pushes.map((p) => w.push(p))
    expect(errors[errors.length - 1]).toBe(error)
  })

  it('an end before every piece came is refused, not a short report', async () => {
    const w = new SendJobWatch()
    w.push(piece(0, 2, '{"a":'))
    w.push(end)
    const e = await asyncRefusal(w.watch(1, {}, null))
    expect(e.code).toBe('ZC_PROTOCOL')
    expect(e.message).toContain('without its whole report')
  })

  it('a connection that goes first fails the job with its error', async () => {
    const w = new SendJobWatch()
    const p = w.watch(1, {}, null)
    w.fail(Object.assign(new Error('the agent at x closed the control connection'), { code: 'ZC_AGENT_GONE' }))
    await expect(p).rejects.toThrow('closed the control connection')
  })
})
