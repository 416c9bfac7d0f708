// A receiver on this host runs as a child process: sender and receiver costs stay
// apart, and it speaks the same protocol a remote agent does.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { packageRoot } from '../../native/package-root'
import { ZcprofError } from '../../shared/errors'
import { AgentClient } from '../agent/agent-client'

export interface LocalAgent {
  client: AgentClient
  child: NodeChild
  /** its process id, as it announced it (null from an agent that did not): its CPU is the run's own */
  pid: number | null
  stop(): void
}

/**
 * A Node process running zcprof's CLI. Under plain Node (CLI, browser mode) it is a
 * child process; the packaged desktop app, whose RunAsNode fuse is off, forks an
 * Electron utility process instead (src/main/index.ts installs that spawner).
 */
export interface NodeChild {
  readonly stdout: NodeJS.ReadableStream | null
  readonly stderr: NodeJS.ReadableStream | null
  once(event: 'exit', listener: (code: number | null, signal?: NodeJS.Signals | null) => void): unknown
  removeAllListeners(event: 'exit'): unknown
  /** the agent closes its trials and goes */
  kill(): boolean
}
export type NodeSpawner = (entry: string, args: string[], env: NodeJS.ProcessEnv) => NodeChild

/**
 * plain Node: the agent watches its stdin, so it also goes when this process dies.
 * It ignores the signals a process group gets (SIGINT, SIGTERM, SIGHUP): this process
 * acts on them and then ends its stdin, which is how kill() asks it to go.
 */
const spawnNode: NodeSpawner = (entry, args, env) => {
  const child = spawn(process.execPath, [entry, ...args, '--parent-owned'], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...env, ELECTRON_RUN_AS_NODE: '1' }
  })
  return {
    stdout: child.stdout,
    stderr: child.stderr,
    once: (event, listener) => child.once(event, listener),
    removeAllListeners: (event) => child.removeAllListeners(event),
    kill() {
      child.stdin.end()
      // one that does not go within seconds (stuck in a trial) is stopped hard
      const hard = setTimeout(() => child.kill('SIGKILL'), 5000)
      hard.unref()
      child.once('exit', () => clearTimeout(hard))
      return true
    }
  }
}

let spawner: NodeSpawner = spawnNode

/** how local agents are started from now on (the desktop app's utility processes) */
export function useNodeSpawner(s: NodeSpawner): void {
  spawner = s
}

/** an hour plus the slack a trial's set-up and drain need */
const LOCAL_MAX_TRIAL_MS = 2 * 60 * 60_000

export function cliEntry(): string {
  return path.join(packageRoot(), 'out', 'main', 'cli.js')
}

/** an agent started ahead of the run that will take it (prewarmLocalAgent) */
interface Spare {
  agent: Promise<LocalAgent>
  exited: boolean
}
let spare: Spare | null = null

/**
 * Starts a local agent now for the next run to take. A front end that stays up (the
 * app, `zcprof ui`) calls this when it opens and after each run, so pressing Run does
 * not wait the ~0.5 s an agent takes to start (Node, the CLI, its environment). The
 * spare dies with this process, as every local agent does.
 */
export function prewarmLocalAgent(): void {
  if (spare) return
  const s: Spare = { agent: launchLocalAgent(), exited: false }
  spare = s
  s.agent.then(
    (a) => a.child.once('exit', () => (s.exited = true)),
    () => {
      if (spare === s) spare = null
    }
  )
}

/** the spare agent if one is up and alive, else a new one */
export async function startLocalAgent(timeoutMs = 15000): Promise<LocalAgent> {
  const s = spare
  spare = null
  if (s) {
    try {
      const agent = await s.agent
      if (!s.exited) return agent
    } catch {
      // it failed to start: start one the ordinary way, which says why if it fails again
    }
  }
  return launchLocalAgent(timeoutMs)
}

async function launchLocalAgent(timeoutMs = 15000): Promise<LocalAgent> {
  const entry = cliEntry()
  if (!existsSync(entry)) {
    throw new ZcprofError({ code: 'ZC_NOT_BUILT', message: `${entry} is missing`, hint: 'run `npm run build`' })
  }
  // control over a private unix socket: TCP control messages on loopback would run
  // the data flow's pending softirq work on the sampler's thread and bill it there
  const control = path.join(os.tmpdir(), `zcprof-agent-${process.pid}-${randomBytes(4).toString('hex')}.sock`)
  // the agent is ours: the caps that guard a remote agent from strangers would only cut long timed trials short
  const args = ['agent', '--listen', `unix:${control}`, '--announce', '--max-trial-bytes', '4096TiB']
  // a ZCPROF_TOKEN exported for remote agents is not this one's: it answers only our private socket
  const { ZCPROF_TOKEN: _remoteToken, ...env } = process.env
  const child = spawner(entry, [...args, '--max-trial-duration', String(LOCAL_MAX_TRIAL_MS)], env)
  let stderr = ''
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  let pid: number | null = null
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs)
    const fail = (why: string) => {
      clearTimeout(timer)
      child.kill()
      reject(
        new ZcprofError({
          code: 'ZC_AGENT_START',
          message: `the local receiver ${why}${stderr ? `:\n${stderr.trim()}` : ''}`
        })
      )
    }
    child.once('exit', (code, signal) => fail(`exited early (${signal ?? `code ${code}`})`))
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      try {
        const said = JSON.parse(out.slice(0, nl)) as { path?: string; pid?: unknown }
        if (said.path !== control) throw new Error()
        pid = typeof said.pid === 'number' && Number.isInteger(said.pid) ? said.pid : null
        resolve()
      } catch {
        fail(`printed '${out.slice(0, nl)}' instead of its address`)
      }
    })
  })
  const client = await AgentClient.connect({ path: control })
  return {
    client,
    child,
    pid,
    stop() {
      client.close()
      child.kill()
    }
  }
}
