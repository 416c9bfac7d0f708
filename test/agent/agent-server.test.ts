// The agent treats every client as untrusted: tokens, versions, sizes, fields, limits.

import { existsSync } from 'node:fs'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentServer } from '../../src/main/agent/agent-server'
import { PROTOCOL_VERSION, authProof, encodeFrame, newNonce } from '../../src/main/agent/protocol'
import type { HostSnapshot } from '../../src/main/host/system-cpu'
import * as native from '../../src/native'
import { randomFile, tempDir } from '../helpers'
import { greet, prepareRequest, RawControl } from './control-client'

const TOKEN = 'correct horse battery staple'
let server: AgentServer
let port: number

beforeAll(async () => {
  server = new AgentServer({
    address: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    limits: { maxTrials: 2, maxClients: 6, maxTrialDurationMs: 1500 },
    helloTimeoutMs: 500,
    // slow on purpose: capturing an environment must not delay or reorder hello replies
    environment: () => new Promise((r) => setTimeout(() => r(null), 150))
  })
  port = ((await server.listen()) as { port: number }).port
})
afterAll(() => server.close())

const prepare = prepareRequest

async function greeted(): Promise<RawControl> {
  const c = await RawControl.connect(port)
  const hello = await greet(c, TOKEN)
  expect(hello?.type).toBe('hello')
  return c
}

/** a well-formed client still gets served: the agent survived whatever came before */
async function stillServes(): Promise<void> {
  const c = await greeted()
  c.send({ type: 'sample', seq: 2, trial: 999 })
  expect((await c.reply(2))?.type).toBe('sample')
  c.close()
}

describe('handshake', () => {
  it('answers a right token with version, capabilities and limits', async () => {
    const c = await RawControl.connect(port)
    const h = (await greet(c, TOKEN))!
    expect(h).toMatchObject({
      type: 'hello',
      version: PROTOCOL_VERSION,
      receiverModes: ['read', 'splice', 'discard', 'uring', 'mapped', 'gpu-pageable', 'gpu-pinned', 'gpu-mapped'],
      families: ['inet', 'inet6']
    })
    expect(h.limits).toMatchObject({ maxTrials: 2, maxClients: 6, maxTrialDurationMs: 1500 })
    c.close()
  })

  it.each([
    ['a hello with no nonce', { type: 'hello', seq: 1, version: PROTOCOL_VERSION }, 'ZC_AUTH', /requires a token/],
    ['another version', { type: 'hello', seq: 1, version: 99 }, 'ZC_VERSION', /protocol 4.*version 99/],
    // a zcprof 0.4 client sends its token in clear at hello: told both versions, token unread
    [
      'the previous version',
      { type: 'hello', seq: 1, version: 2, token: TOKEN },
      'ZC_VERSION',
      /protocol 4.*version 2\b/
    ],
    // a client from before send jobs (protocol 3) is told both versions too
    ['protocol 3', { type: 'hello', seq: 1, version: 3, nonce: newNonce() }, 'ZC_VERSION', /protocol 4.*version 3\b/],
    ['a request before hello', prepare(1), 'ZC_PROTOCOL', /before hello/]
  ])('refuses %s and closes', async (_what, msg, code, text) => {
    const c = await RawControl.connect(port)
    c.send(msg)
    const r = (await c.next())!
    expect(r.type).toBe('error')
    expect((r.error as { code: string }).code).toBe(code)
    expect((r.error as { message: string }).message).toMatch(text)
    expect(await c.waitClosed()).toBe(true)
    await stillServes()
  })

  it.each([
    ['no proof', undefined, /requires a token/],
    ['a proof from another token', 'correct horse battery stapler', /wrong token/],
    ['a proof of the wrong type', 42, /wrong token/]
  ])('refuses an auth with %s, and closes', async (_what, proof, text) => {
    const c = await RawControl.connect(port)
    const clientNonce = newNonce()
    c.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: clientNonce })
    const challenge = (await c.reply(1))!
    expect(challenge).toMatchObject({ type: 'challenge', version: PROTOCOL_VERSION })
    c.send({
      type: 'auth',
      seq: 2,
      proof: typeof proof === 'string' ? authProof(proof, 'client', clientNonce, challenge.nonce as string) : proof
    })
    const r = (await c.reply(2))!
    expect(r.error).toMatchObject({ code: 'ZC_AUTH', message: expect.stringMatching(text) })
    expect(await c.waitClosed()).toBe(true)
    await stillServes()
  })

  it("proves the token in turn: its hello carries the agent's proof over both nonces", async () => {
    const c = await RawControl.connect(port)
    const clientNonce = newNonce()
    c.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: clientNonce })
    const challenge = (await c.reply(1))!
    c.send({ type: 'auth', seq: 2, proof: authProof(TOKEN, 'client', clientNonce, challenge.nonce as string) })
    const h = (await c.reply(2))!
    expect(h.proof).toBe(authProof(TOKEN, 'agent', clientNonce, challenge.nonce as string))
    // each connection gets a fresh nonce: a proof seen once is worth nothing later
    const again = await RawControl.connect(port)
    again.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: clientNonce })
    expect((await again.reply(1))!.nonce).not.toBe(challenge.nonce)
    c.close()
    again.close()
  })

  it('reads no more than 4 KiB before hello', async () => {
    const c = await RawControl.connect(port)
    c.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: 'x'.repeat(5000) })
    expect(((await c.next())!.error as { message: string }).message).toMatch(/exceeds the 4096-byte limit/)
    expect(await c.waitClosed()).toBe(true)
    await stillServes()
  })

  it('takes an auth and a larger request in one write: the limit grows after auth', async () => {
    const c = await RawControl.connect(port)
    const clientNonce = newNonce()
    c.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: clientNonce })
    const challenge = (await c.reply(1))!
    const auth = encodeFrame({
      type: 'auth',
      seq: 2,
      proof: authProof(TOKEN, 'client', clientNonce, challenge.nonce as string)
    })
    const big = encodeFrame({ type: 'sample', seq: 3, trial: 1, padding: 'x'.repeat(10_000) })
    c.sock.write(Buffer.concat([auth, big]))
    for (let i = 0; i < 100 && c.messages.length < 2; i++) await new Promise((r) => setTimeout(r, 20))
    // both answered, in request order (the environment is slow to capture: it must not reorder)
    expect(c.messages.map((m) => [m.re, m.type])).toEqual([
      [2, 'hello'],
      [3, 'sample']
    ])
    c.close()
  })

  it('drops a client that never says hello', async () => {
    const c = await RawControl.connect(port)
    expect(await c.waitClosed(2000)).toBe(true)
  })

  it('after hello, answers a whole frame that is no message and keeps going', async () => {
    const c = await greeted()
    c.sock.write(Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b])) // "{{{"
    c.send({ type: 'sample', seq: 9, trial: 1 })
    expect(((await c.next((m) => m.type === 'error'))!.error as { message: string }).message).toMatch(/not valid JSON/)
    expect((await c.reply(9))?.type).toBe('sample')
    c.close()
  })

  it('refuses malformed frames', async () => {
    for (const bytes of [
      Buffer.from([0, 0, 0, 3, 0x7b, 0x7b, 0x7b]),
      Buffer.from([0, 0, 0, 2, 0x5b, 0x5d]),
      Buffer.from([0xff, 0xff, 0xff, 0xff])
    ]) {
      const c = await RawControl.connect(port)
      c.sock.write(bytes)
      const r = (await c.next())!
      expect((r.error as { code: string }).code).toBe('ZC_PROTOCOL')
      expect(await c.waitClosed()).toBe(true)
    }
    await stillServes()
  })
})

describe('requests', () => {
  it.each([
    [{ mode: 'telepathy' }, /mode must be one of/],
    [{ bufferBytes: 0 }, /bufferBytes/],
    [{ bufferBytes: 2 ** 40 }, /bufferBytes/],
    [{ checksum: 'yes' }, /checksum/],
    [{ acceptTimeoutMs: -1 }, /acceptTimeoutMs/],
    [{ pmu: 'on' }, /pmu/],
    [{ maxBytes: 1.5 }, /maxBytes/],
    [{ streams: 0 }, /streams must be a whole number in 1\.\.64/],
    [{ streams: 65 }, /streams must be a whole number in 1\.\.64/],
    [{ uringDepth: 0 }, /uringDepth must be a whole number in 1\.\.4096/],
    [{ uringDepth: 4097 }, /uringDepth must be a whole number in 1\.\.4096/],
    [{ cpus: [1024] }, /cpus 1024 are not CPUs this agent may run on/],
    [{ cpus: [0.5] }, /cpus 0\.5 are not CPUs this agent may run on/],
    [{ cpus: [] }, /cpus must be a non-empty list/],
    [{ cpus: ['0'] }, /are not CPUs this agent may run on/]
  ])('refuses a bad prepare %j and keeps the connection', async (extra, why) => {
    const c = await greeted()
    c.send(prepare(7, extra))
    const r = (await c.reply(7))!
    expect(r.type).toBe('error')
    expect((r.error as { message: string }).message).toMatch(why)
    c.send({ type: 'sample', seq: 8, trial: 1 })
    expect((await c.reply(8))?.type).toBe('sample')
    c.close()
  })

  it('a remote client chooses nothing about where the agent listens: no unix paths, no addresses', async () => {
    const path = `${tempDir()}/should-not-exist.sock`
    const c = await greeted()
    c.send(prepare(3, { family: 'unix', path, host: '0.0.0.0', port: 80 }))
    const r = (await c.reply(3))!
    expect(r).toMatchObject({ type: 'prepared', streams: [{ path: null }] })
    expect(streamPort(r)).not.toBe(80)
    expect(existsSync(path)).toBe(false)
    c.send({ type: 'cancel', seq: 4, trial: r.trial })
    expect(streamOf(await c.next((m) => m.type === 'result')).error).toMatchObject({ code: 'ZC_CANCELLED' })
    c.close()
  })

  it('cannot touch another client’s trial', async () => {
    const a = await greeted()
    const b = await greeted()
    a.send(prepare(2))
    const p = (await a.reply(2))!
    b.send({ type: 'cancel', seq: 3, trial: p.trial })
    await b.reply(3)
    b.send({ type: 'sample', seq: 4, trial: p.trial })
    expect(await b.reply(4)).toMatchObject({ streams: [], host: null })
    a.send({ type: 'sample', seq: 5, trial: p.trial })
    expect(((await a.reply(5))!.streams as { progress: unknown }[])[0].progress).not.toBeNull() // b's cancel did nothing
    a.send({ type: 'cancel', seq: 6, trial: p.trial })
    expect(streamOf(await a.next((m) => m.type === 'result')).error).toMatchObject({ code: 'ZC_CANCELLED' })
    a.close()
    b.close()
  })

  it('caps concurrent trials', async () => {
    const c = await greeted()
    c.send(prepare(2))
    c.send(prepare(3))
    c.send(prepare(4))
    expect((await c.reply(2))!.type).toBe('prepared')
    expect((await c.reply(3))!.type).toBe('prepared')
    expect(((await c.reply(4))!.error as { code: string }).code).toBe('ZC_BUSY')
    c.close()
    await new Promise((r) => setTimeout(r, 200))
  })

  it('caps clients', async () => {
    const held = await Promise.all([0, 1, 2, 3, 4, 5].map(() => RawControl.connect(port)))
    const extra = await RawControl.connect(port)
    expect(((await extra.next())!.error as { code: string }).code).toBe('ZC_BUSY')
    for (const h of held) h.close()
    await new Promise((r) => setTimeout(r, 200))
    await stillServes()
  })
})

describe('a trial', () => {
  const file = randomFile(4 * 1024 * 1024)

  async function sendTo(c: RawControl, extra: Record<string, unknown> = {}) {
    c.send(prepare(2, extra))
    const p = (await c.reply(2))!
    expect(p.type).toBe('prepared')
    const sent = native.startSender({
      method: 'sendfile',
      file,
      chunkBytes: 65536,
      target: { family: 'inet', host: '127.0.0.1', port: streamPort(p) }
    })
    // a trial the agent ends early resets the sender: that rejection is expected here
    const outcome = sent.done.catch((e: Error) => e)
    const result = (await c.next((m) => m.type === 'result'))!
    return { result, sent: await outcome }
  }

  it('returns the receiver’s figures, the host’s CPU and exact bytes', async () => {
    const c = await greeted()
    const { result } = await sendTo(c)
    expect(streamOf(result).error).toBeNull()
    const r = streamOf(result).result as native.NativeResult
    expect(r.bytes).toBe(4 * 1024 * 1024)
    expect(r.crc32c).toBe((await native.fileCrc32c(file)).crc32c)
    expect(r.counters.taskClockNs).toBeGreaterThan(0)
    const [start, end] = [result.hostStart, result.hostEnd] as HostSnapshot[]
    expect(end.busyNs).toBeGreaterThanOrEqual(start.busyNs)
    expect(end.atNs).toBeGreaterThan(start.atNs)
    expect(end.perCpu.length).toBeGreaterThan(0)
    c.close()
  })

  it('stops past its byte limit', async () => {
    const c = await greeted()
    const { result } = await sendTo(c, { maxBytes: 1024 * 1024 })
    expect(streamOf(result).error).toMatchObject({
      code: 'ZC_LIMIT',
      message: expect.stringMatching(/limit of 1048576 bytes/)
    })
    c.close()
  })

  it('stops past its duration limit', async () => {
    const c = await greeted()
    c.send(prepare(2)) // nobody connects: the agent's 1.5 s limit ends it
    await c.reply(2)
    const result = (await c.next((m) => m.type === 'result'))!
    expect(streamOf(result).error).toMatchObject({ code: 'ZC_LIMIT', message: expect.stringMatching(/1500 ms/) })
    c.close()
  })

  it('accepts the data connection only from the client’s own address', async () => {
    const c = await greeted()
    c.send(prepare(2))
    const p = (await c.reply(2))!
    // a stranger on 127.0.0.2 races for the port: accepted by the kernel, closed by the agent
    const stranger = net.connect({ host: '127.0.0.1', port: streamPort(p), localAddress: '127.0.0.2' })
    const strangerClosed = new Promise<boolean>((r) => {
      stranger.on('close', () => r(true))
      stranger.on('error', () => undefined)
    })
    expect(await strangerClosed).toBe(true)
    const sent = native.startSender({
      method: 'copy',
      file,
      chunkBytes: 65536,
      target: { family: 'inet', host: '127.0.0.1', port: streamPort(p) }
    })
    await sent.done
    const result = (await c.next((m) => m.type === 'result'))!
    expect((streamOf(result).result as native.NativeResult).bytes).toBe(4 * 1024 * 1024)
    c.close()
  })

  it('runs several streams, each on its own listener and receiver thread, pinned where asked', async () => {
    const c = await greeted()
    const cpus = native.allowedCpus()
    c.send(prepare(2, { streams: 3, cpus: [cpus.at(-1)] }))
    const p = (await c.reply(2))!
    const ports = (p.streams as { port: number }[]).map((s) => s.port)
    expect(new Set(ports).size).toBe(3)
    const sent = await Promise.all(
      ports.map(
        (port) =>
          native.startSender({
            method: 'copy',
            file,
            chunkBytes: 65536,
            target: { family: 'inet', host: '127.0.0.1', port }
          }).done
      )
    )
    const result = (await c.next((m) => m.type === 'result'))!
    const streams = result.streams as { result: native.NativeResult; error: unknown }[]
    expect(streams).toHaveLength(3)
    for (const [i, s] of streams.entries()) {
      expect(s.error).toBeNull()
      expect(s.result.bytes).toBe(4 * 1024 * 1024)
      // each receiver's connection is its own sender's: the ports pair them
      expect(s.result.peerPort).toBe(sent[i].localPort)
      expect(s.result.pinnedCpus).toEqual([cpus.at(-1)])
      expect(s.result.cpusSeen).toEqual([cpus.at(-1)])
    }
    c.close()
  })

  it('says which CPUs it may use, and refuses others before any receiver starts', async () => {
    const c = await RawControl.connect(port)
    expect((await greet(c, TOKEN))!.cpus).toEqual(native.allowedCpus())
    c.send(prepare(3, { cpus: [4000] }))
    const r = (await c.reply(3))!
    expect(r.type).toBe('error')
    expect((r.error as { message: string }).message).toMatch(/cpus 4000 are not CPUs this agent may run on/)
    c.close()
  })
})

function streamOf(m: Record<string, unknown> | null, i = 0): { result: unknown; error: unknown } {
  return (m!.streams as { result: unknown; error: unknown }[])[i]
}

function streamPort(m: Record<string, unknown>, i = 0): number {
  return (m.streams as { port: number }[])[i].port
}

describe('failed proofs, per address', () => {
  const AUTH = { delayBaseMs: 100, delayMaxMs: 400 }

  async function guarded(logIntervalMs: number) {
    const lines: string[] = []
    const s = new AgentServer({
      address: { host: '127.0.0.1', port: 0 },
      token: TOKEN,
      authFailures: { ...AUTH, logIntervalMs },
      log: (l) => lines.push(l)
    })
    const p = ((await s.listen()) as { port: number }).port
    return { s, p, lines }
  }

  /** one wrong guess from localAddress: how long the refusal took, from the auth sent */
  async function guess(p: number, localAddress = '127.0.0.1'): Promise<number> {
    const c = await RawControl.connect(p, localAddress)
    const clientNonce = newNonce()
    c.send({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce: clientNonce })
    const challenge = (await c.reply(1))!
    const t0 = performance.now()
    c.send({
      type: 'auth',
      seq: 2,
      proof: authProof('not the token at all', 'client', clientNonce, challenge.nonce as string)
    })
    const r = (await c.reply(2))!
    const waitedMs = performance.now() - t0
    expect(r.error).toMatchObject({ code: 'ZC_AUTH', message: 'wrong token' })
    c.close()
    return waitedMs
  }

  it('a refused guesser that never closes its side gives its slot back: the address is not locked out', async () => {
    const { s, p } = await guarded(60_000)
    // four peers (the per-address allowance) that guess wrong and then keep their half open
    const peers = await Promise.all(
      [0, 1, 2, 3].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const sock = net.connect({ host: '127.0.0.1', port: p, allowHalfOpen: true })
            sock.on('error', () => undefined)
            const nonce = newNonce()
            sock.once('connect', () =>
              sock.write(encodeFrame({ type: 'hello', seq: 1, version: PROTOCOL_VERSION, nonce }))
            )
            let got = ''
            sock.on('data', (d) => {
              got += d.toString('latin1')
              const m = /"nonce":"([^"]+)"/.exec(got)
              if (m && !got.includes('auth-sent')) {
                got += 'auth-sent'
                sock.write(
                  encodeFrame({ type: 'auth', seq: 2, proof: authProof('not the token at all', 'client', nonce, m[1]) })
                )
                resolve(sock)
              }
            })
          })
      )
    )
    // the refusals wait up to 400 ms here, then linger a second for the peer to read them
    await new Promise((r) => setTimeout(r, 2500))
    const c = await RawControl.connect(p)
    expect(await greet(c, TOKEN)).toMatchObject({ type: 'hello' })
    c.close()
    for (const peer of peers) peer.destroy()
    await s.close()
  })

  it('each refusal waits longer, doubling up to the cap; another address starts afresh', async () => {
    const { s, p } = await guarded(60_000)
    const waited: number[] = []
    for (let i = 0; i < 5; i++) waited.push(await guess(p))
    // lower bounds only (timers never fire early): 100, 200, 400, then the 400 cap
    for (const [i, floorMs] of [100, 200, 400, 400, 400].entries())
      expect(waited[i]).toBeGreaterThanOrEqual(floorMs - 2)
    // the cap holds: uncapped, the fifth would wait 1600 ms
    expect(waited[4]).toBeLessThan(1200)
    // 127.0.0.2's first guess is not charged with 127.0.0.1's
    expect(await guess(p, '127.0.0.2')).toBeLessThan(400)
    await s.close()
  })

  it('logs a failed guess with its address, at most one line per interval per address', async () => {
    const quiet = await guarded(60_000)
    for (let i = 0; i < 3; i++) await guess(quiet.p)
    expect(quiet.lines).toHaveLength(1)
    expect(quiet.lines[0]).toMatch(/^auth failed from 127\.0\.0\.1:\d+: wrong token \(1 in a row from 127\.0\.0\.1/)
    await quiet.s.close()

    const chatty = await guarded(0)
    for (let i = 0; i < 3; i++) await guess(chatty.p)
    expect(chatty.lines.map((l) => /\((\d+) in a row/.exec(l)?.[1])).toEqual(['1', '2', '3'])
    await chatty.s.close()
  })
})

describe('the session log', () => {
  it('says in one line who ran what plan and how it ended', async () => {
    const lines: string[] = []
    const s = new AgentServer({
      address: { host: '127.0.0.1', port: 0 },
      token: TOKEN,
      limits: { maxTrialDurationMs: 5000 },
      log: (l) => lines.push(l)
    })
    const p = ((await s.listen()) as { port: number }).port
    const c = await RawControl.connect(p)
    await greet(c, TOKEN)
    c.send(prepare(3, { maxBytes: 8 * 1024 * 1024 }))
    const prepared = (await c.reply(3))!
    const bytes = 1024 * 1024 + 7
    const sender = native.startSender({
      method: 'sendfile',
      file: randomFile(bytes),
      chunkBytes: 65536,
      target: { family: 'inet', host: '127.0.0.1', port: streamPort(prepared) }
    })
    expect((await sender.done).bytes).toBe(bytes)
    await c.next((m) => m.type === 'result')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      new RegExp(
        `^session 127\\.0\\.0\\.1:${c.sock.localPort}: trial ${String(prepared.trial)}, mode read, 1 stream, ` +
          `buffer 65536 B, caps 8388608 B / 5000 ms → ok, ${bytes} bytes in \\d+ ms$`
      )
    )
    c.send(prepare(4, { bufferBytes: 0 }))
    await c.reply(4)
    expect(lines[1]).toMatch(/^session 127\.0\.0\.1:\d+: prepare refused: ZC_BAD_ARGUMENT prepare: bufferBytes/)
    c.close()
    await s.close()
  })
})
