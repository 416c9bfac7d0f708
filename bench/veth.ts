// Bench section 7: across a veth pair between two network namespaces of our own, the
// nearest this VM has to a second host (needs root). The agent runs in one namespace,
// zcprof in the other; the table is each method's sender and whole-system CPU per bit
// against copy, with intervals, and MSG_ZEROCOPY's copied share.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { changeWithInterval } from '../src/shared/export/figures'
import type { Report } from '../src/shared/report'
import { makeNetnsPair, netnsRefused, startAgentIn, stopAgent } from '../test/netns-pair'

const TOKEN = 'bench-veth-3c8e1f0a'

export async function vethSection(binPath: string, repeat: number): Promise<void> {
  const tag = String(process.pid % 100000)
  const refused = netnsRefused(tag)
  if (refused) {
    console.log(`skipped: this machine refused a network namespace (${refused}); it needs root and ip netns`)
    return
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-veth-'))
  const pair = makeNetnsPair(tag, '10.234.0')
  const [A, B, ADDR_B] = [pair.a, pair.b, pair.addrB]
  try {
    const agent = await startAgentIn(B, binPath, ADDR_B, TOKEN)
    try {
      const out = path.join(dir, 'veth.json')
      const r = spawnSync(
        'ip',
        [
          'netns',
          'exec',
          A,
          process.execPath,
          binPath,
          'run',
          '--target',
          `agent://${ADDR_B}:7733`,
          '--methods',
          'copy,sendfile,splice,msg-zerocopy',
          '--size',
          '256MiB',
          '--chunk',
          '128KiB',
          '--repeat',
          String(repeat),
          '--warmup',
          '1',
          '--json',
          out
        ],
        { env: { ...process.env, ZCPROF_TOKEN: TOKEN }, encoding: 'utf8', timeout: 20 * 60_000 }
      )
      if (r.status !== 0 && r.status !== 1) throw new Error(`zcprof run in the namespace failed: ${r.stderr}`)
      const report = JSON.parse(readFileSync(out, 'utf8')) as Report
      console.log(
        `method         Gbit/s   sender CPU/bit vs copy      system CPU/bit vs copy (both hosts)   kernel copied`
      )
      for (const a of report.end.aggregates) {
        const v = a.vsCopy
        console.log(
          `${a.method.padEnd(14)} ${((a.throughputBitsPerSec?.median ?? 0) / 1e9).toFixed(2).padStart(6)}   ` +
            `${(v ? changeWithInterval(v.senderCyclesPerBit) : 'baseline').padEnd(27)} ` +
            `${(v ? changeWithInterval(v.systemCyclesPerBit) : 'baseline').padEnd(37)} ` +
            `${a.zeroCopyFallbackShare === null ? '' : `${(a.zeroCopyFallbackShare * 100).toFixed(0)}%`}`
        )
      }
      console.log(
        `(${repeat} timed 2 s trials per method after a warm-up, 256 MiB file, 128 KiB chunks; veth delivers locally, so MSG_ZEROCOPY's pages are copied as on loopback)`
      )
    } finally {
      stopAgent(agent)
    }
  } finally {
    pair.remove()
    rmSync(dir, { recursive: true, force: true })
  }
}
