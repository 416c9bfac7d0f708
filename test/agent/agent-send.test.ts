// Send jobs (protocol.ts's send): an agent runs a plan as the sender only when asked by
// a client that holds its token, only to agent:// targets, never with a file of its own
// host, at most maxSendJobs at once; a job ends with the connection that asked, and its
// report comes back whole however many frames it takes. The sender here is a stand-in
// for the engine (agent-command.ts hands the real one in; test/fleet/fleet-netns.test.ts
// runs that end to end): what is tested is the agent's side of the request.

import net from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/main/agent/agent-client'
import type { SendRun } from '../../src/main/agent/agent-sender'
import { AgentServer, type AgentOptions } from '../../src/main/agent/agent-server'
import { MAX_FRAME_BYTES, SEND_REPORT_PART_BYTES } from '../../src/main/agent/protocol'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import type { Plan, Report } from '../../src/shared/report'
import { asyncRefusal } from '../helpers'

const TOKEN = 'send-test-token-0123456789'
const plan = (p: Partial<Plan> = {}): Plan => ({ ...DEFAULT_PLAN, targets: ['agent://127.0.0.1:7733'], ...p })

let servers: AgentServer[] = []
let clients: AgentClient[] = []
afterEach(async () => {
  for (const c of clients) c.close()
  await Promise.all(servers.map((s) => s.close()))
  servers = []
  clients = []
})

/** an agent whose sender records each job and runs it as `run` says */
async function agent(opts: Partial<AgentOptions>, run: (r: SendRun) => Promise<Report>) {
  const jobs: SendRun[] = []
  const server = new AgentServer({
    address: { host: '127.0.0.1', port: 0 },
    token: TOKEN,
    sender: (r) => (jobs.push(r), run(r)),
    ...opts
  })
  servers.push(server)
  const port = ((await server.listen()) as { port: number }).port
  const connect = async (token: string | null = TOKEN) => {
    const c = await AgentClient.connect({ host: '127.0.0.1', port }, { token: token ?? undefined })
    clients.push(c)
    return c
  }
  return { jobs, connect }
}

const fakeReport = (extra: Record<string, unknown> = {}) => ({ schemaVersion: 0, ...extra }) as unknown as Report
const send = (c: AgentClient, p: unknown, onProgress?: (d: number, t: number, w: string) => void) =>
  c.sendJob(p, { reference: false, timeoutMs: 5000, onProgress })

describe('send: what an agent refuses', () => {
  it.each([
    ['tcp://127.0.0.1'],
    ['raw://10.0.0.7:5201'],
    ['unix:///tmp/x.sock'],
    ['gpu://0'],
    ['agent://127.0.0.1:7733,tcp://127.0.0.1']
  ])('a target %s that is not agent:// (ZC_BAD_TARGET), before anything runs', async (target) => {
    const a = await agent({}, async () => fakeReport())
    const c = await a.connect()
    const e = await asyncRefusal(send(c, plan({ targets: ['agent://127.0.0.1:7733', ...target.split(',')] })))
    expect(e.code).toBe('ZC_BAD_TARGET')
    expect(a.jobs).toHaveLength(0)
  })

  it('a file of the agent host (ZC_BAD_PLAN): only a generated file goes out', async () => {
    const a = await agent({}, async () => fakeReport())
    const e = await asyncRefusal(send(await a.connect(), plan({ file: '/etc/shadow' })))
    expect(e.code).toBe('ZC_BAD_PLAN')
    expect(a.jobs).toHaveLength(0)
  })

  it('a plan that is not a whole plan (ZC_BAD_PLAN)', async () => {
    const a = await agent({}, async () => fakeReport())
    const c = await a.connect()
    expect((await asyncRefusal(send(c, { targets: ['agent://127.0.0.1:7733'] }))).code).toBe('ZC_BAD_PLAN')
    expect((await asyncRefusal(send(c, { ...plan(), __proto__x: 1, extra: 2 }))).code).toBe('ZC_BAD_PLAN')
    expect(a.jobs).toHaveLength(0)
  })

  it('test files past --max-send-file-bytes, its sizes together (ZC_BAD_PLAN naming the flag); at the limit it runs', async () => {
    const MiB = 1024 ** 2
    const a = await agent({ limits: { maxSendFileBytes: 96 * MiB } }, async () => fakeReport())
    // 64 + 48 MiB: each fits, together they do not
    const e = await asyncRefusal(send(await a.connect(), plan({ fileBytes: [64 * MiB, 48 * MiB] })))
    expect(e.code).toBe('ZC_BAD_PLAN')
    expect(e.message).toContain('112MiB')
    expect(e.message).toContain('96MiB')
    expect(e.message).toContain('--max-send-file-bytes')
    expect(a.jobs).toHaveLength(0)
    // 64 + 32 MiB is the limit exactly
    await send(await a.connect(), plan({ fileBytes: [64 * MiB, 32 * MiB] }))
    expect(a.jobs).toHaveLength(1)
  })

  it('test files past 4 GiB by default', async () => {
    const a = await agent({}, async () => fakeReport())
    const e = await asyncRefusal(send(await a.connect(), plan({ fileBytes: [2 ** 50] })))
    expect(e.code).toBe('ZC_BAD_PLAN')
    expect(e.message).toContain('over the 4GiB')
    expect(a.jobs).toHaveLength(0)
  })

  it('a client with a wrong token never gets to ask', async () => {
    const a = await agent({ authFailures: { delayBaseMs: 1, delayMaxMs: 1 } }, async () => fakeReport())
    const e = await asyncRefusal(a.connect('wrong-token-wrong-token'))
    expect(e.code).toBe('ZC_AUTH')
    expect(a.jobs).toHaveLength(0)
  })

  it('an agent without a token (ZC_AUTH): it could not reach the other agents', async () => {
    const a = await agent({ token: null }, async () => fakeReport())
    const e = await asyncRefusal(send(await a.connect(null), plan()))
    expect(e.code).toBe('ZC_AUTH')
    expect(a.jobs).toHaveLength(0)
  })

  it('an agent with --max-send-jobs 0 or no sender (ZC_UNSUPPORTED)', async () => {
    const a = await agent({ limits: { maxSendJobs: 0 } }, async () => fakeReport())
    expect((await asyncRefusal(send(await a.connect(), plan()))).code).toBe('ZC_UNSUPPORTED')
    const b = await agent({ sender: null }, async () => fakeReport())
    expect((await asyncRefusal(send(await b.connect(), plan()))).code).toBe('ZC_UNSUPPORTED')
  })

  it('past maxSendJobs, from any client (ZC_BUSY); a slot freed is taken again', async () => {
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    const a = await agent({ limits: { maxSendJobs: 1 } }, async () => (await held, fakeReport({ n: 1 })))
    const first = send(await a.connect(), plan())
    await expect.poll(() => a.jobs.length).toBe(1)
    const e = await asyncRefusal(send(await a.connect(), plan()))
    expect(e.code).toBe('ZC_BUSY')
    release()
    expect(JSON.parse(await first)).toEqual({ schemaVersion: 0, n: 1 })
    await send(await a.connect(), plan())
    expect(a.jobs).toHaveLength(2)
  })
})

describe('send: a job', () => {
  it('runs with the agent’s own token and the plan as sent; progress and a report of many frames arrive whole', async () => {
    // over three pieces, and far over one frame
    const big = 'x'.repeat(3 * SEND_REPORT_PART_BYTES + 12345) + 'é'
    const a = await agent({}, async (r) => {
      r.onProgress(1, 2, 'round 1 copy')
      r.onProgress(2, 2, 'round 1 sendfile')
      return fakeReport({ big })
    })
    const progress: string[] = []
    const text = await send(await a.connect(), plan({ methods: ['copy'] }), (d, t, w) =>
      progress.push(`${d}/${t} ${w}`)
    )
    expect(text.length).toBeGreaterThan(MAX_FRAME_BYTES)
    expect(JSON.parse(text)).toEqual({ schemaVersion: 0, big })
    expect(progress).toEqual(['1/2 round 1 copy', '2/2 round 1 sendfile'])
    expect(a.jobs[0].token).toBe(TOKEN)
    expect(a.jobs[0].plan.methods).toEqual(['copy'])
    expect(a.jobs[0].reference).toBe(false)
  })

  it('keeps a client waiting on a job past the idle timeout: it is not idle', async () => {
    const idleTimeoutMs = 100
    const a = await agent({ limits: { idleTimeoutMs } }, async () => {
      // the runner says nothing while the job runs: five idle timeouts
      await new Promise((r) => setTimeout(r, 5 * idleTimeoutMs))
      return fakeReport({ n: 2 })
    })
    expect(JSON.parse(await send(await a.connect(), plan()))).toEqual({ schemaVersion: 0, n: 2 })
  })

  it("logs a client's targets printable, taken or refused: no control byte reaches the agent's terminal", async () => {
    const lines: string[] = []
    const a = await agent({ log: (l) => lines.push(l) }, async () => fakeReport())
    // a title escape and a screen clear, as a hostile runner could send them
    await send(await a.connect(), plan({ targets: ['agent://127.0.0.1:7733\u001b]0;pwned\u0007'] }))
    await asyncRefusal(send(await a.connect(), plan({ targets: ['tcp://10.0.0.1\u001b[2J'] })))
    expect(lines.some((l) => l.includes('to agent://127.0.0.1:7733]0;pwned'))).toBe(true)
    expect(lines.some((l) => l.includes("target 'tcp://10.0.0.1[2J'"))).toBe(true)
    // eslint-disable-next-line no-control-regex
    for (const l of lines) expect(l).not.toMatch(/[\u0000-\u001f\u007f]/)
  })

  it('reaching a host that is no agent tells the runner where, never what that host answered', async () => {
    // a real ZC_NOT_AGENT: what the client makes of an SSH server's banner
    const ssh = net.createServer((sock) => sock.end('SSH-2.0-OpenSSH_9.6 internal-build-7f3a\r\n'))
    await new Promise<void>((r) => ssh.listen(0, '127.0.0.1', r))
    const sshPort = (ssh.address() as net.AddressInfo).port
    try {
      const real = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port: sshPort }, { token: TOKEN }))
      expect(real.code).toBe('ZC_NOT_AGENT')
      expect(real.message).toContain('internal-build-7f3a')
      const a = await agent({}, async () => {
        throw real
      })
      const e = await asyncRefusal(send(await a.connect(), plan({ targets: [`agent://127.0.0.1:${sshPort}`] })))
      expect(e.code).toBe('ZC_NOT_AGENT')
      expect(e.message).toBe(`127.0.0.1:${sshPort} is not a zcprof agent`)
    } finally {
      ssh.close()
    }
  })

  it('a job that fails ends with its error, and no report', async () => {
    const a = await agent({}, async () => {
      throw Object.assign(new Error('cannot reach the agent at 10.77.0.9:7733'), { code: 'ECONNREFUSED' })
    })
    const e = await asyncRefusal(send(await a.connect(), plan()))
    expect(e.code).toBe('ECONNREFUSED')
    expect(e.message).toContain('10.77.0.9')
  })

  it('is cancelled when the client that asked goes away, and its slot is free again', async () => {
    let signal: AbortSignal | null = null
    const a = await agent({ limits: { maxSendJobs: 1 } }, (r) => {
      signal = r.signal
      return new Promise((resolve) => r.signal.addEventListener('abort', () => resolve(fakeReport())))
    })
    const c = await a.connect()
    void send(c, plan()).catch(() => undefined)
    await expect.poll(() => signal !== null).toBe(true)
    expect(signal!.aborted).toBe(false)
    c.close()
    await expect.poll(() => signal!.aborted).toBe(true)
    // the slot is free: a new job is taken (its reply says so; the job itself waits)
    const c2 = await a.connect()
    const accepted = () =>
      c2.request({ type: 'send', plan: plan(), reference: false }).then(
        (r) => r.type,
        (e: { code: string }) => e.code
      )
    await expect.poll(accepted).toBe('sending')
  })
})
