// The client's side of a send job: pieces put back in order or refused, a report that
// ends short refused, progress that came before the job was watched passed on. Each
// case is a fixed sequence of pushes, as an agent (or a hostile one) could send them.
// A connection runs one job, the one its `sending` reply named: pushes for any other
// number end the connection, and pushes after the end are dropped.

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/main/agent/agent-client'
import { encodeFrame, FrameDecoder, PROTOCOL_VERSION, SEND_REPORT_PART_BYTES } from '../../src/main/agent/protocol'
import { SendJobWatch } from '../../src/main/agent/send-job-watch'
import { MAX_REPORT_BYTES } from '../../src/shared/report'
import { asyncRefusal } from '../helpers'

const piece = (part: number, parts: number, text: string, job = 1) =>
  ({ type: 'send-report', job, part, parts, data: Buffer.from(text).toString('base64') }) as const
const end = { type: 'send-end', job: 1, error: null } as const
/** a watch whose connection's `sending` named job 1 */
const started = () => {
  const w = new SendJobWatch()
  expect(w.start(1)).toBeNull()
  return w
}

describe('a send job, as its client puts it together', () => {
  it('pieces in order make the report; progress sent before the watch is passed on', async () => {
    const w = started()
    expect(w.push({ type: 'send-progress', job: 1, done: 1, total: 2, what: 'round 1 copy' })).toBeNull()
    expect(w.push(piece(0, 2, '{"a":'))).toBeNull()
    expect(w.push(piece(1, 2, '"é"}'))).toBeNull()
    expect(w.push(end)).toBeNull()
    const seen: string[] = []
    expect(await w.watch({ onProgress: (d, t, what) => seen.push(`${d}/${t} ${what}`) }, null)).toBe('{"a":"é"}')
    expect(seen).toEqual(['1/2 round 1 copy'])
  })

  it.each([
    ['a piece out of order', [piece(1, 2, 'x')], 'sent report piece 1 out of order'],
    ['a piece twice', [piece(0, 2, 'x'), piece(0, 2, 'x')], 'sent report piece 0 out of order'],
    ['a count that changes', [piece(0, 2, 'x'), piece(1, 3, 'x')], 'sent report piece 1 out of order'],
    ['more pieces than a report may have', [piece(0, 1e6, 'x')], 'sent a malformed report piece'],
    [
      'a piece of a job it never started',
      [piece(0, 1, 'x', 2)],
      "sent a send-report for job 2; this connection's job is 1"
    ],
    [
      'progress of another job',
      [{ type: 'send-progress', job: 7, done: 1, total: 1, what: '' } as const],
      "sent a send-progress for job 7; this connection's job is 1"
    ],
    ['the end of another job', [{ ...end, job: 3 }], "sent a send-end for job 3; this connection's job is 1"]
  ])('%s is a protocol error', (_what, pushes, error) => {
    const w = started()
    const errors = pushes.map((p) => w.push(p))
    expect(errors[errors.length - 1]).toBe(error)
  })

  it('a push before the job started, or a second job, is a protocol error', () => {
    const w = new SendJobWatch()
    expect(w.push(piece(0, 1, 'x'))).toBe('sent a send-report for job 1 before any job started')
    expect(w.start(1)).toBeNull()
    expect(w.start(2)).toBe('started a second send job (2) on a connection that runs one')
    expect(new SendJobWatch().start('1')).toBe('answered send with no job number')
  })

  it('pushes after the end are dropped: the report is what came before it', async () => {
    const w = started()
    w.push(piece(0, 1, '{"a":1}'))
    w.push(end)
    // a hostile agent keeps sending: none of it is kept or changes the report
    for (let i = 0; i < 3; i++) {
      expect(w.push(piece(i, 1, 'junk'))).toBeNull()
      expect(w.push({ ...end, error: { code: 'ZC_X', message: 'late' } })).toBeNull()
    }
    expect(await w.watch({}, null)).toBe('{"a":1}')
  })

  it('a report past MAX_REPORT_BYTES is refused at the piece that passes it', () => {
    const w = started()
    // pieces larger than the agent's own (a hostile agent's): the count allowed comes to more than the bound
    const data = Buffer.alloc(2 * SEND_REPORT_PART_BYTES, 0x20).toString('base64')
    const parts = Math.ceil(MAX_REPORT_BYTES / SEND_REPORT_PART_BYTES)
    const over = Math.floor(MAX_REPORT_BYTES / (2 * SEND_REPORT_PART_BYTES))
    for (let part = 0; part < over; part++)
      expect(w.push({ type: 'send-report', job: 1, part, parts, data })).toBeNull()
    expect(w.push({ type: 'send-report', job: 1, part: over, parts, data })).toBe(
      `sent a report over the ${MAX_REPORT_BYTES} bytes one may be`
    )
  })

  it('an end before every piece came is refused, not a short report', async () => {
    const w = started()
    w.push(piece(0, 2, '{"a":'))
    w.push(end)
    const e = await asyncRefusal(w.watch({}, null))
    expect(e.code).toBe('ZC_PROTOCOL')
    expect(e.message).toContain('without its whole report')
  })

  it('a connection that goes first fails the job with its error', async () => {
    const w = started()
    const p = w.watch({}, null)
    w.fail(Object.assign(new Error('the agent at x closed the control connection'), { code: 'ZC_AGENT_GONE' }))
    await expect(p).rejects.toThrow('closed the control connection')
  })
})

let servers: net.Server[] = []
afterEach(() => {
  for (const s of servers) s.close()
  servers = []
})

/** a tokenless fake agent that answers send with `sending` for job 1, and then the frames given, in one write */
async function fakeSender(after: object[]): Promise<number> {
  const server = net.createServer((sock) => {
    const decoder = new FrameDecoder()
    sock.on('data', (chunk) => {
      decoder.push(chunk)
      for (let m = decoder.next(); m; m = decoder.next()) {
        const msg = m as { type: string; seq: number }
        if (msg.type === 'hello')
          sock.write(encodeFrame({ type: 'hello', re: msg.seq, version: PROTOCOL_VERSION, limits: {}, cpus: [0] }))
        else if (msg.type === 'send')
          sock.write(
            Buffer.concat([encodeFrame({ type: 'sending', re: msg.seq, job: 1 }), ...after.map((f) => encodeFrame(f))])
          )
      }
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as net.AddressInfo).port
}

describe("a client's connection, against an agent pushing for jobs it never started", () => {
  it.each([
    ['progress', { type: 'send-progress', job: 2, done: 1, total: 1, what: 'x' }, 'send-progress for job 2'],
    ['an end', { type: 'send-end', job: 99, error: null }, 'send-end for job 99']
  ])('%s for another job number ends it with ZC_PROTOCOL', async (_what, push, named) => {
    const port = await fakeSender([push])
    const c = await AgentClient.connect({ host: '127.0.0.1', port })
    try {
      const e = await asyncRefusal(c.sendJob({}, { reference: false, timeoutMs: 5000 }))
      expect(e.code).toBe('ZC_PROTOCOL')
      expect(e.message).toContain(named)
    } finally {
      c.close()
    }
  })

  it('its own job’s pushes, in the same read as the reply, make the report', async () => {
    const port = await fakeSender([piece(0, 1, '{"ok":true}'), end])
    const c = await AgentClient.connect({ host: '127.0.0.1', port })
    try {
      expect(await c.sendJob({}, { reference: false, timeoutMs: 5000 })).toBe('{"ok":true}')
      // one job a connection
      expect((await asyncRefusal(c.sendJob({}, { reference: false, timeoutMs: 5000 }))).message).toContain(
        'a connection runs one send job'
      )
    } finally {
      c.close()
    }
  })
})
