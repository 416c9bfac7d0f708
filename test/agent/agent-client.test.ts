// The client's side of the handshake: the token never travels, the agent must prove it
// too, and a peer that is no agent is called that, with what it looks like (HTTP, TLS,
// SSH, a text banner, bytes), not misread as a huge frame.

import { randomBytes } from 'node:crypto'
import http from 'node:http'
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/main/agent/agent-client'
import { AgentServer } from '../../src/main/agent/agent-server'
import { FrameDecoder, encodeFrame } from '../../src/main/agent/protocol'
import { asyncRefusal } from '../helpers'

const TOKEN = 'tiger-lily-4471-quartz-meadow'

/** every form the token could take on the wire */
const TOKEN_FORMS = [
  Buffer.from(TOKEN, 'utf8'),
  Buffer.from(Buffer.from(TOKEN).toString('base64')),
  Buffer.from(Buffer.from(TOKEN).toString('base64url')),
  Buffer.from(Buffer.from(TOKEN).toString('hex'))
]
const carriesToken = (bytes: Buffer) => TOKEN_FORMS.some((form) => bytes.includes(form))

async function listening(server: net.Server | http.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return (server.address() as net.AddressInfo).port
}

/**
 * A fake agent: answers hello with a challenge (its version given), then any auth with a
 * hello whose proof is made up. It keeps every byte the client sent.
 */
function fakeAgent(version = 4): { server: net.Server; received: Buffer[] } {
  const received: Buffer[] = []
  const server = net.createServer((sock) => {
    const decoder = new FrameDecoder()
    sock.on('data', (chunk) => {
      received.push(chunk)
      decoder.push(chunk)
      for (let m = decoder.next(); m; m = decoder.next()) {
        const msg = m as { type: string; seq: number }
        if (msg.type === 'hello')
          sock.write(encodeFrame({ type: 'challenge', re: msg.seq, version, nonce: 'A'.repeat(43) }))
        else
          sock.write(
            encodeFrame({
              type: 'hello',
              re: msg.seq,
              version,
              tool: { name: 'zcprof', version: 'x' },
              receiverModes: ['read'],
              families: ['inet'],
              limits: {},
              environment: null,
              cpus: [0],
              proof: 'B'.repeat(43)
            })
          )
      }
    })
    sock.on('error', () => undefined)
  })
  return { server, received }
}

describe('the token never travels', () => {
  let agent: AgentServer
  let agentPort: number
  beforeAll(async () => {
    agent = new AgentServer({ address: { host: '127.0.0.1', port: 0 }, token: TOKEN })
    agentPort = ((await agent.listen()) as { port: number }).port
  })
  afterAll(() => agent.close())

  it('a whole handshake with the real agent, recorded both ways by a relay, holds no form of it', async () => {
    const upstream: Buffer[] = []
    const downstream: Buffer[] = []
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(agentPort, '127.0.0.1')
      inbound.on('data', (b) => (upstream.push(b), outbound.write(b)))
      outbound.on('data', (b) => (downstream.push(b), inbound.write(b)))
      inbound.on('close', () => outbound.destroy())
      outbound.on('close', () => inbound.destroy())
      inbound.on('error', () => undefined)
      outbound.on('error', () => undefined)
    })
    const port = await listening(relay)
    const client = await AgentClient.connect({ host: '127.0.0.1', port }, { token: TOKEN })
    expect(client.hello?.version).toBe(4)
    client.close()
    relay.close()
    expect(Buffer.concat(upstream).length).toBeGreaterThan(0)
    expect(carriesToken(Buffer.concat(upstream))).toBe(false)
    expect(carriesToken(Buffer.concat(downstream))).toBe(false)
  })

  it('a fake agent learns nothing: no token in what it got, and its made-up proof is refused', async () => {
    const fake = fakeAgent()
    const port = await listening(fake.server)
    const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port }, { token: TOKEN }))
    expect(e.code).toBe('ZC_AUTH')
    expect(e.message).toMatch(/could not prove it holds the token/)
    expect(carriesToken(Buffer.concat(fake.received))).toBe(false)
    fake.server.close()
  })

  it('a peer that asks for no token is not trusted with a client that has one', async () => {
    const open = new AgentServer({ address: { host: '127.0.0.1', port: 0 } })
    const port = ((await open.listen()) as { port: number }).port
    const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port }, { token: TOKEN }))
    expect(e).toMatchObject({ code: 'ZC_AUTH', message: expect.stringMatching(/asks for no token/) })
    // without a token, a tokenless loopback agent serves as before
    const client = await AgentClient.connect({ host: '127.0.0.1', port })
    expect(client.hello?.proof).toBeUndefined()
    client.close()
    await open.close()
  })

  it('a client without a token is told the agent needs one', async () => {
    const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port: agentPort }))
    expect(e).toMatchObject({ code: 'ZC_AUTH', message: expect.stringMatching(/requires a token/) })
    expect(e.hint).toMatch(/--token T or ZCPROF_TOKEN=T/)
  })

  it('a wrong token is refused by the agent, in words', async () => {
    const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port: agentPort }, { token: `${TOKEN}x` }))
    expect(e).toMatchObject({ code: 'ZC_AUTH', message: expect.stringMatching(/refused the token: wrong token/) })
  })

  it('a challenge of another version is named as one', async () => {
    const fake = fakeAgent(5)
    const port = await listening(fake.server)
    const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port }, { token: TOKEN }))
    expect(e).toMatchObject({ code: 'ZC_VERSION', message: expect.stringMatching(/protocol 5; this zcprof speaks 4/) })
    fake.server.close()
  })
})

/** a loopback server that does `serve` with each connection, swallowing socket errors */
async function peer(serve: (sock: net.Socket) => void): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((sock) => {
    sock.on('error', () => undefined)
    serve(sock)
  })
  return { port: await listening(server), server }
}

/** connects as zcprof would and answers the refusal's first line and hint */
async function refusalFrom(port: number, timeoutMs = 5000) {
  const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port }, { token: TOKEN, timeoutMs }))
  return { code: e.code, line: e.message.split('\n')[0], hint: e.hint }
}

describe('a peer that is no zcprof agent is named, with what it looks like', () => {
  const FIX = /^check the port, or start `zcprof agent` there \(or use raw:\/\/HOST:PORT\)$/

  it('an HTTP server: it answers the binary hello with a 400, quoted', async () => {
    const web = http.createServer((_req, res) => res.end('hi'))
    const port = await listening(web)
    const r = await refusalFrom(port)
    expect(r.code).toBe('ZC_NOT_AGENT')
    expect(r.line).toBe(`127.0.0.1:${port} is not a zcprof agent: an HTTP server answered "HTTP/1.1 400 Bad Request"`)
    expect(r.hint).toMatch(FIX)
    web.close()
  })

  it('an SSH server: its banner, sent before the client speaks', async () => {
    const { port, server } = await peer((sock) => sock.write('SSH-2.0-OpenSSH_9.6\r\n'))
    const r = await refusalFrom(port)
    expect(r).toMatchObject({ code: 'ZC_NOT_AGENT', hint: expect.stringMatching(FIX) })
    expect(r.line).toBe(`127.0.0.1:${port} is not a zcprof agent: an SSH server answered "SSH-2.0-OpenSSH_9.6"`)
    server.close()
  })

  it('a TLS server: a fatal alert (decode_error) after the hello, then a close', async () => {
    // record type 21 (alert), TLS 1.2, length 2, level 2 (fatal), description 50 (decode_error)
    const alert = Buffer.from([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32])
    const { port, server } = await peer((sock) => sock.once('data', () => sock.end(alert)))
    const r = await refusalFrom(port)
    expect(r.code).toBe('ZC_NOT_AGENT')
    expect(r.line).toBe(
      `127.0.0.1:${port} is not a zcprof agent: a TLS server answered a TLS alert (bytes 15030300020232)`
    )
    server.close()
  })

  it('a TLS server: a handshake record', async () => {
    // record type 22 (handshake), TLS 1.0 record version, length 0x0031, ServerHello (2)
    const hello = Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x31, 0x02]), Buffer.alloc(0x30, 0x41)])
    const { port, server } = await peer((sock) => sock.write(hello))
    const r = await refusalFrom(port)
    expect(r.line).toBe(
      `127.0.0.1:${port} is not a zcprof agent: a TLS server answered a TLS handshake (bytes 1603010031024141)`
    )
    server.close()
  })

  it('a text banner (SMTP), sent in pieces: the whole first line is quoted', async () => {
    const { port, server } = await peer((sock) => {
      sock.write('220 mail.example')
      setTimeout(() => sock.write('.com ESMTP Postfix\r\n250 more\r\n'), 60)
    })
    const r = await refusalFrom(port)
    expect(r.line).toBe(
      `127.0.0.1:${port} is not a zcprof agent: a text server (SMTP, FTP, …) answered "220 mail.example.com ESMTP Postfix"`
    )
    server.close()
  })

  it('a long text line is cut to 60 characters', async () => {
    const banner = `220-${'x'.repeat(100)}`
    const { port, server } = await peer((sock) => sock.write(`${banner}\r\n`))
    const r = await refusalFrom(port)
    // 59 characters of the banner and an ellipsis: 60 in all
    expect(r.line).toBe(
      `127.0.0.1:${port} is not a zcprof agent: a text server (SMTP, FTP, …) answered "220-${'x'.repeat(55)}…"`
    )
    server.close()
  })

  it('a peer that closes at once, without a word', async () => {
    const { port, server } = await peer((sock) => sock.end())
    const r = await refusalFrom(port)
    expect(r).toMatchObject({ code: 'ZC_NOT_AGENT', hint: expect.stringMatching(FIX) })
    expect(r.line).toBe(`127.0.0.1:${port} is not a zcprof agent: it closed the connection without a word`)
    server.close()
  })

  it('random bytes: the first eight in hex', async () => {
    // 0xfe first: no TLS record, no text, no frame (an agent's first byte is 0)
    const bytes = randomBytes(64)
    bytes[0] = 0xfe
    const { port, server } = await peer((sock) => sock.write(bytes))
    const r = await refusalFrom(port)
    expect(r.line).toBe(
      `127.0.0.1:${port} is not a zcprof agent: an unknown server answered bytes ${bytes.subarray(0, 8).toString('hex')}`
    )
    server.close()
  })

  it('a binary peer whose first length is absurd (over 1 MiB) is called that too', async () => {
    const { port, server } = await peer((sock) => sock.end(Buffer.from([0x00, 0xff, 0xff, 0xff, 1, 2, 3, 4])))
    const r = await refusalFrom(port)
    expect(r.line).toBe(`127.0.0.1:${port} is not a zcprof agent: an unknown server answered bytes 00ffffff01020304`)
    server.close()
  })

  it('a peer that takes the hello and says nothing is asked about', async () => {
    const { port, server } = await peer(() => undefined)
    const r = await refusalFrom(port, 300)
    expect(r.code).toBe('ETIMEDOUT')
    expect(r.line).toBe(`agent at 127.0.0.1:${port} did not answer 'hello' within 300 ms: is it a zcprof agent?`)
    expect(r.hint).toMatch(FIX)
    server.close()
  })
})
