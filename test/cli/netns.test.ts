// Two hosts of our own: network namespaces joined by a veth pair, the link shaped
// (netem delay + rate where the kernel has netem, else a tbf rate limit). zcprof agent
// runs in one, zcprof run in the other. Needs root; skips only where the kernel refuses.

import { spawnSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { tempDir, ZCPROF_BIN } from '../helpers'
import { makeNetnsPair, netnsRefused, startAgentIn, stopAgent, type NetnsPair } from '../netns-pair'
import { skipWhen } from '../skips'

const ADDR_B = '10.233.0.2'
const TOKEN = 'netns-token-7d21e4b8'
const RATE_BITS = 1e9

/** `zcprof ARGS…` run inside namespace A, the sending host */
function zcprofInA(args: string[], env: Record<string, string> = {}) {
  return spawnSync('ip', ['netns', 'exec', A, process.execPath, ZCPROF_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
}

function sh(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8' })
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() }
}

const refused = netnsRefused(String(process.pid))
let pair: NetnsPair
let A = ''

describe.skipIf(
  skipWhen(
    refused !== null,
    'across two network namespaces joined by veth',
    `the kernel refused a network namespace (${refused})`
  )
)('across two network namespaces joined by veth', () => {
  let agent: ChildProcess
  let shaping = ''

  beforeAll(async () => {
    pair = makeNetnsPair(String(process.pid), '10.233.0')
    A = pair.a
    const [B, VA] = [pair.b, pair.devA]
    // shape the sender's side of the link: a delay and a rate where netem exists
    const shape = (...qdisc: string[]) =>
      sh(['ip', 'netns', 'exec', A, 'tc', 'qdisc', 'add', 'dev', VA, 'root', ...qdisc])
    const netem = shape('netem', 'delay', '2ms', 'rate', '1gbit')
    if (netem.ok) shaping = 'netem delay 2ms rate 1gbit'
    else {
      console.warn(`netem unavailable (${netem.err}); shaping with tbf rate 1gbit only`)
      const tbf = shape('tbf', 'rate', '1gbit', 'burst', '256kb', 'latency', '50ms')
      shaping = tbf.ok ? 'tbf rate 1gbit' : ''
      if (!tbf.ok) console.warn(`tbf unavailable too (${tbf.err}); the link is unshaped`)
    }
    agent = await startAgentIn(B, ZCPROF_BIN, ADDR_B, TOKEN)
  })

  afterAll(() => {
    stopAgent(agent)
    pair?.remove()
  })

  it('figures from both hosts arrive, and every byte is exact', () => {
    const dir = tempDir()
    const out = path.join(dir, 'r.json')
    const args = [
      'run',
      '--target',
      `agent://${ADDR_B}:7733`,
      '--methods',
      'copy,sendfile,splice,msg-zerocopy,uring-send,uring-splice,uring-send-zc',
      '--receiver',
      'uring',
      '--size',
      '16MiB',
      '--once'
    ]
    const r = zcprofInA([...args, '--repeat', '1', '--warmup', '0', '--verify', '--json', out], {
      ZCPROF_TOKEN: TOKEN,
      XDG_CACHE_HOME: dir
    })
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    // one round, in the shuffled order it drew: each method once
    expect(report.trials.map((t) => t.method).sort()).toEqual(
      ['copy', 'sendfile', 'splice', 'msg-zerocopy', 'uring-send', 'uring-splice', 'uring-send-zc'].sort()
    )
    for (const t of report.trials) {
      const s = t.summary!
      expect(t.error, t.method).toBeNull()
      expect(s.bytes).toBe(16 * 1024 * 1024)
      expect(s.integrity).toMatchObject({ checked: true, ok: true })
      expect(s.sender.cpuNs).toBeGreaterThan(0)
      expect(s.receiver!.cpuNs).toBeGreaterThan(0)
      expect(s.receiverSystem).not.toBeNull()
      expect(s.tcpInfo!.sndMssBytes).toBeGreaterThan(0)
      // the traffic crossed the shaped link: it cannot beat the link's rate by much
      if (shaping) expect(s.throughputBitsPerSec, `${t.method} over ${shaping}`).toBeLessThan(RATE_BITS * 1.15)
    }
    // both zero-copy sends report what the kernel copied; across veth it delivers to a local
    // stack, as on loopback, and SEND_ZC's notifications say the same as MSG_ZEROCOPY's
    const zc = (m: string) => report.trials.find((t) => t.method === m)!.summary!.zeroCopy!
    for (const m of ['msg-zerocopy', 'uring-send-zc']) {
      expect(zc(m).sends, m).toBeGreaterThan(0)
      expect(zc(m).completed, m).toBe(zc(m).sends)
    }
    expect(zc('uring-send-zc').fallbackShare).toBe(zc('msg-zerocopy').fallbackShare)
    expect(report.start.environment.receivers[0]).toMatchObject({
      target: `agent://${ADDR_B}:7733`,
      environment: expect.objectContaining({ kernel: expect.any(String) })
    })
    expect(r.stdout).toMatch(/agent:\/\/10\.233\.0\.2:7733/)
  })

  it('4 streams for 3 s: each stream verified, the trial bounded in time, both hosts measured', () => {
    const dir = tempDir()
    const out = path.join(dir, 'r.json')
    const r = zcprofInA(
      [
        'run',
        '--target',
        `agent://${ADDR_B}:7733`,
        '--methods',
        'sendfile',
        '--size',
        '16MiB',
        '--streams',
        '4',
        '--duration',
        '3s',
        '--repeat',
        '1',
        '--verify',
        '--json',
        out
      ],
      { ZCPROF_TOKEN: TOKEN, XDG_CACHE_HOME: dir }
    )
    expect(r.status, r.stderr + r.stdout).toBe(0)
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report
    const t = report.trials[0]
    expect(t.error).toBeNull()
    const s = t.summary!
    expect(s.streams).toHaveLength(4)
    for (const st of s.streams) {
      expect(st.bytes, `stream ${st.index}`).toBeGreaterThan(0)
      expect(st.integrity, `stream ${st.index}`).toMatchObject({ checked: true, ok: true })
      expect(st.receiver!.cpuNs).toBeGreaterThan(0)
    }
    const ranMs = s.steady!.rampMs + s.steady!.windowMs
    expect(ranMs).toBeGreaterThan(3000 * 0.95)
    expect(ranMs).toBeLessThan(3000 * 1.05)
    expect(s.receiverSystem).not.toBeNull()
    expect(s.placement!.receivingHost!.length).toBeGreaterThan(0)
    // four flows share the link: together they cannot beat it by much
    if (shaping) expect(s.throughputBitsPerSec).toBeLessThan(RATE_BITS * 1.15)
    expect(s.fairness!.minOverMax).toBeGreaterThan(0)
  })

  it('a wrong token is refused with the fix named', () => {
    const r = zcprofInA([
      'run',
      '--target',
      `agent://${ADDR_B}:7733`,
      '--methods',
      'copy',
      '--size',
      '1MiB',
      '--token',
      'nope'
    ])
    // bad input: exit 2, and what stopped the run is the last thing said
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/the run stopped: .*refused the token: wrong token\n\s+hint: .*--token T or ZCPROF_TOKEN/)
  })
})
