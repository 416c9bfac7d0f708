// The agent's memory under the worst plans its default limits allow (issue 25 item 1):
// `npm run bench:agent-memory`. A real agent (the built CLI, `zcprof agent --announce`)
// runs in a child process; two clients fill its pinned-bytes bound with uring receivers
// and send enough data through every stream that each provided buffer is written, and
// the agent's peak resident memory (VmHWM of /proc/PID/status) is read before the
// trials end. Each plan runs in a fresh agent.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { AgentClient } from '../src/main/agent/agent-client'
import { DEFAULT_LIMITS, pinnedBytesOf } from '../src/main/agent/agent-server'
import * as native from '../src/native'
import { printTable } from './print-table'

const here = path.dirname(new URL(import.meta.url).pathname)
const MiB = 1024 * 1024

interface Plan {
  name: string
  clients: number
  trialsPerClient: number
  streams: number
  uringDepth: number
  bufferBytes: number
}

const L = DEFAULT_LIMITS
// every plan fills each client's maxSessionPinnedBytes and, with two clients, the agent's maxAgentPinnedBytes
const PLANS: Plan[] = [
  // the most receiver threads: 2 clients × 2 trials × 64 streams, each ring 4096 deep
  fill('most streams', 64),
  // the biggest buffers: 2 clients × 2 trials × 1 stream, each ring 4096 deep
  fill('biggest ring', 1)
]

/** the largest buffer that keeps 2 trials of this many streams, ring 4096, within a client's bound */
function fill(what: string, streams: number): Plan {
  const per = pinnedBytesOf({ mode: 'uring', streams, uringDepth: 4096, bufferBytes: 1 })
  const bufferBytes = Math.floor(L.maxSessionPinnedBytes / 2 / per)
  return {
    name: `${what} (${streams} × 4096 × ${bufferBytes} B)`,
    clients: 2,
    trialsPerClient: 2,
    streams,
    uringDepth: 4096,
    bufferBytes
  }
}

function status(pid: number): { hwmBytes: number; rssBytes: number } {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024
  return { hwmBytes: kib('VmHWM'), rssBytes: kib('VmRSS') }
}

async function startAgent(): Promise<{ port: number; pid: number; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [path.join(here, '..', 'bin', 'zcprof.js'), 'agent', '--listen', '127.0.0.1:0', '--announce'],
    {
      stdio: ['pipe', 'pipe', 'inherit']
    }
  )
  const line = await new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString()
      if (out.includes('\n')) resolve(out.split('\n')[0])
    })
    child.once('exit', (code) => reject(new Error(`agent exited with ${code} before announcing`)))
  })
  const a = JSON.parse(line) as { port: number; pid: number }
  return { port: a.port, pid: a.pid, stop: () => child.stdin.end() }
}

async function measure(plan: Plan, file: string) {
  const pinned = pinnedBytesOf({ mode: 'uring', ...plan }) * plan.trialsPerClient
  if (pinned > L.maxSessionPinnedBytes || pinned * plan.clients > L.maxAgentPinnedBytes)
    throw new Error(`${plan.name} is past the default limits: fix the plan`)
  const agent = await startAgent()
  const idle = status(agent.pid)
  const clients = await Promise.all(
    Array.from({ length: plan.clients }, () => AgentClient.connect({ host: '127.0.0.1', port: agent.port }))
  )
  const senders: Promise<unknown>[] = []
  const results: Promise<unknown>[] = []
  // enough through each stream to write every buffer of its ring twice
  const perStreamBytes = 2 * plan.uringDepth * plan.bufferBytes
  for (const c of clients)
    for (let t = 0; t < plan.trialsPerClient; t++) {
      const p = await c.request({
        type: 'prepare',
        family: 'inet',
        mode: 'uring',
        bufferBytes: plan.bufferBytes,
        uringDepth: plan.uringDepth,
        streams: plan.streams,
        checksum: false,
        acceptTimeoutMs: 60_000,
        pmu: 'off'
      })
      results.push(c.result(p.trial, 300_000))
      for (const s of p.streams)
        senders.push(
          native.startSender({
            method: 'copy',
            file,
            chunkBytes: 64 * 1024,
            target: { family: 'inet', host: '127.0.0.1', port: s.port },
            pmu: 'off',
            loop: true,
            limitBytes: perStreamBytes
          }).done
        )
    }
  await Promise.all(senders)
  await Promise.all(results)
  // the peak: the agent's resident high-water mark, taken while every ring was held
  const after = status(agent.pid)
  for (const c of clients) c.close()
  agent.stop()
  return { pinned: pinned * plan.clients, idle, after }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-agent-memory-'))
  const file = path.join(dir, 'data')
  writeFileSync(file, randomBytes(4 * MiB))
  const rows: string[][] = []
  try {
    for (const plan of PLANS) {
      const m = await measure(plan, file)
      const mib = (b: number) => (b / MiB).toFixed(0)
      rows.push([
        plan.name,
        String(plan.clients * plan.trialsPerClient * plan.streams),
        mib(m.pinned),
        mib(m.idle.rssBytes),
        mib(m.after.hwmBytes)
      ])
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  console.log(
    `agent memory under the worst plans the default limits allow (maxSessionPinnedBytes ${L.maxSessionPinnedBytes / MiB} MiB, maxAgentPinnedBytes ${L.maxAgentPinnedBytes / MiB} MiB, two clients):`
  )
  printTable([['plan', 'receiver threads', 'pinned bound MiB', 'idle RSS MiB', 'peak RSS (VmHWM) MiB'], ...rows])
}

void main().catch((e: unknown) => {
  console.error(e)
  process.exit(1)
})
