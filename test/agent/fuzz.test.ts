// 100,000 random and mutated control messages against a live agent process. It must
// never crash, and must still serve a well-formed client afterwards.

import { spawn, type ChildProcess } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION, REQUEST_MAX_FRAME_BYTES, encodeFrame } from '../../src/main/agent/protocol'
import { DEFAULT_PLAN, runPlan } from '../../src/main/engine/run'
import { randomFile, ZCPROF_BIN } from '../helpers'
import { RawControl, greet } from './control-client'

const TOKEN = 'fuzz-token-0f3a9c2e'
const TOTAL = 100_000
const PER_SESSION = 500

// a seeded generator: a failure can be replayed
let seed = 0x9e3779b9
function rand(): number {
  seed ^= seed << 13
  seed ^= seed >>> 17
  seed ^= seed << 5
  return (seed >>> 0) / 2 ** 32
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]

const NASTY: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 53,
  -(2 ** 63),
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'x'.repeat(3000),
  '../../etc/passwd',
  '/tmp/zcprof-fuzz.sock',
  64,
  65,
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
  [1023, -1],
  [0.5],
  '\u0000',
  '💥',
  'NaN',
  'Infinity',
  [],
  [1, 2, 3],
  {},
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } }
]

function randomValue(depth = 0): unknown {
  const r = rand()
  if (depth > 4 || r < 0.5) return pick(NASTY)
  if (r < 0.75) return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(depth + 1))
  const o: Record<string, unknown> = {}
  for (let i = 0; i < rand() * 5; i++)
    o[
      pick([
        'type',
        'seq',
        'trial',
        'mode',
        'family',
        'path',
        'port',
        'streams',
        'cpus',
        'detail',
        '__proto__',
        'constructor',
        'k' + i
      ])
    ] = randomValue(depth + 1)
  return o
}

const PREPARE = {
  type: 'prepare',
  seq: 1,
  family: 'inet',
  mode: 'read',
  bufferBytes: 4096,
  checksum: false,
  acceptTimeoutMs: 50,
  pmu: 'auto'
}

const VALID = [
  { type: 'sample', seq: 1, trial: 1 },
  // protocol 2: a detailed sample (the ramp's mark), and a prepare with streams and pinned receivers
  { type: 'sample', seq: 1, trial: 1, detail: true },
  { ...PREPARE, streams: 3, cpus: [0] },
  { type: 'cancel', seq: 1, trial: 1 },
  // protocol 3: the handshake's hello and auth (a proof that is no proof)
  { type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: 'n'.repeat(43) },
  { type: 'auth', seq: 2, proof: 'p'.repeat(43) },
  PREPARE
]

function mutated(): unknown {
  const m: Record<string, unknown> = { ...pick(VALID) }
  const keys = Object.keys(m)
  for (let i = 0; i < 1 + rand() * 3; i++) {
    const op = rand()
    if (op < 0.5) m[pick(keys)] = randomValue()
    else if (op < 0.7) delete m[pick(keys)]
    else if (op < 0.85)
      m.type = pick([
        'prepare',
        'sample',
        'cancel',
        'hello',
        'auth',
        'challenge',
        'result',
        'error',
        'ok',
        'PREPARE',
        ''
      ])
    else m[pick(['__proto__', 'constructor', 'prototype', 'extra'])] = randomValue()
  }
  return m
}

/** 1 in 200 sessions ends with a broken frame, which must close only that connection */
function brokenFrame(): Buffer {
  const r = rand()
  if (r < 0.33) return Buffer.from([0xff, 0xff, 0xff, 0xff]) // oversized length
  if (r < 0.66) {
    const body = Buffer.from('{"type":"sample",', 'utf8') // truncated JSON
    const head = Buffer.alloc(4)
    head.writeUInt32BE(body.length)
    return Buffer.concat([head, body])
  }
  return encodeFrame(pick(['"just a string"', 42, null, [1, 2]]))
}

let agent: ChildProcess
let port = 0

beforeAll(async () => {
  agent = spawn(
    process.execPath,
    [ZCPROF_BIN, 'agent', '--listen', '127.0.0.1:0', '--token', TOKEN, '--announce', '--max-clients', '64'],
    {
      stdio: ['pipe', 'pipe', 'inherit']
    }
  )
  port = await new Promise<number>((resolve, reject) => {
    agent.stdout!.once('data', (d: Buffer) => resolve((JSON.parse(d.toString()) as { port: number }).port))
    agent.once('exit', (c) => reject(new Error(`agent exited: ${c}`)))
  })
})
afterAll(() => agent.stdin?.end())

describe('fuzzing the control protocol', () => {
  it(`survives ${TOTAL.toLocaleString()} random and mutated messages, then serves a real trial`, async () => {
    let sent = 0
    let sessions = 0
    let replies = 0
    while (sent < TOTAL) {
      const c = await RawControl.connect(port)
      sessions++
      const greeted = rand() < 0.97
      if (greeted) expect((await greet(c, TOKEN))?.type).toBe('hello')
      const chunks: Buffer[] = []
      for (let i = 0; i < PER_SESSION && sent < TOTAL; i++, sent++) {
        // well-framed garbage stays under the request limit; oversized frames are the broken ones below
        let frame = encodeFrame(rand() < 0.5 ? mutated() : randomValue())
        while (frame.length > REQUEST_MAX_FRAME_BYTES) frame = encodeFrame(mutated())
        chunks.push(frame)
      }
      const breakIt = rand() < 0.005
      if (breakIt) chunks.push(brokenFrame())
      c.sock.write(Buffer.concat(chunks))
      if (greeted && !breakIt) {
        // the connection survived garbage: a well-formed request still gets its answer
        c.send({ type: 'sample', seq: 424242, trial: 1 })
        const r = await c.next((m) => m.re === 424242, 20_000)
        const said = c.messages.filter((m) => m.type === 'error').slice(-1)
        expect(r?.type, `session ${sessions} closed; the agent last said ${JSON.stringify(said)}`).toBe('sample')
      } else {
        await c.waitClosed(10_000)
      }
      replies += c.messages.length
      c.close()
      expect(agent.exitCode, 'the agent died').toBeNull()
    }
    expect(sent).toBe(TOTAL)
    expect(sessions).toBeGreaterThanOrEqual(TOTAL / PER_SESSION)
    expect(replies).toBeGreaterThan(0)
    expect(Object.prototype).not.toHaveProperty('polluted')

    // and it still runs a real trial for a well-formed client
    const file = randomFile(8 * 1024 * 1024)
    const report = await runPlan({
      plan: {
        ...DEFAULT_PLAN,
        file,
        targets: [`agent://127.0.0.1:${port}`],
        methods: ['sendfile'],
        repeat: 1,
        precision: null,
        warmup: 0,
        checksum: true
      },
      token: TOKEN
    })
    expect(report.trials[0].error).toBeNull()
    expect(report.trials[0].summary!.integrity).toMatchObject({ checked: true, ok: true })
    expect(report.trials[0].summary!.receiver!.cpuNs).toBeGreaterThan(0)
    expect(agent.exitCode).toBeNull()
  }, 240_000)
})
