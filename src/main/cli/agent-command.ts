// `zcprof agent`: the receiving end. Local runs spawn it with --announce.

import { randomBytes } from 'node:crypto'
import { rmSync } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { isLoopbackIp } from '../../shared/targets'
import { AgentServer, type AgentOptions } from '../agent/agent-server'
import type { SendRun } from '../agent/agent-sender'
import type { ErrorInfo } from '../../shared/errors'
import type { Report } from '../../shared/report'
import { describeAddress, type ControlAddress } from '../agent/protocol'
import { captureEnvironment } from '../host/environment'
import { TOOL_VERSION } from '../model/report-build'
import { parseSize } from '../../shared/units'

export interface AgentFlags {
  listen?: string
  announce?: boolean
  /** a run's own receiver (local-agent.ts): its parent decides when it goes */
  parentOwned?: boolean
  token?: string
  maxTrials?: string
  maxClients?: string
  maxTrialBytes?: string
  maxTrialDuration?: string
  maxTrialsPerClient?: string
  idleTimeout?: string
  maxSessionPinned?: string
  maxAgentPinned?: string
  dataIdleTimeout?: string
  maxSendJobs?: string
  /** the test files one send job may write, its sizes together */
  maxSendFileBytes?: string
}

/**
 * A send job's run (agent-sender.ts): the engine's, in this process, with this agent's
 * token. A run that stopped before any measured trial finished (the receiving agent
 * unreachable, say) is the job's error, not an empty report.
 */
export async function sendRun(run: SendRun): Promise<Report> {
  let fatal: ErrorInfo | null = null
  let done = 0
  let total = 0
  // loaded with the first job: an agent that only receives starts without the engine
  const { runPlan } = await import('../engine/run')
  const report = await runPlan({
    plan: run.plan,
    signal: run.signal,
    token: run.token,
    ...(run.reference ? {} : { reference: null }),
    onEvent: (e) => {
      if (e.type === 'error') fatal = e.error
      else if (e.type === 'run-start') total = e.trials
      else if (e.type === 'trial-start') total = Math.max(total, e.trial.total)
      else if (e.type === 'trial-end') {
        done += 1
        const t = e.trial
        run.onProgress(done, total, `${t.warmup ? 'warm-up' : `round ${t.repetition + 1}`} ${t.method}`)
      }
    }
  })
  if (fatal && !report.trials.some((t) => !t.warmup && t.summary)) throw new ZcprofError(fatal)
  return report
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: `--${flag} '${text}' must be a whole number ≥ 1` })
  }
  return Number(text)
}

function nonNegative(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) > 64)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--${flag} '${text}' must be a whole number from 0 to 64`
    })
  return Number(text)
}

/** the shortest token an agent accepts: guessing must not pay, even at a few tries a second */
export const MIN_TOKEN_CHARS = 16

/** A token a person typed: long enough, no whitespace or control characters (which shells and copies mangle). */
export function checkToken(token: string, from: string): string {
  const fix = 'use a random one, e.g. `openssl rand -base64 24`, or leave it out and the agent makes one'
  if (/[\s\p{Cc}]/u.test(token))
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `${from} contains whitespace or control characters`,
      hint: fix
    })
  if ([...token].length < MIN_TOKEN_CHARS)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `${from} is ${[...token].length} characters; an agent token needs at least ${MIN_TOKEN_CHARS}`,
      hint: fix
    })
  return token
}

/** HOST:PORT, [V6]:PORT, or unix:/path for a socket on this host. */
export function parseListen(text: string): ControlAddress {
  if (text.startsWith('unix:')) {
    const path = text.slice(5)
    if (!path.startsWith('/')) {
      throw new ZcprofError({
        code: 'ZC_BAD_ARGUMENT',
        message: `--listen '${text}' needs an absolute socket path`,
        hint: 'e.g. --listen unix:/run/zcprof.sock'
      })
    }
    return { path }
  }
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d+)$/.exec(text)
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) {
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--listen '${text}' is not HOST:PORT`,
      hint: 'e.g. --listen 127.0.0.1:7733, --listen [::1]:7733 or --listen unix:/path.sock'
    })
  }
  return { host: m[1] ?? m[2], port }
}

export async function agentCommand(flags: AgentFlags): Promise<void> {
  const address = parseListen(flags.listen ?? '127.0.0.1:7733')
  const where = describeAddress(address)
  // an empty ZCPROF_TOKEN is an unset one (`ZCPROF_TOKEN= zcprof agent`); an empty --token is refused
  const given = flags.token ?? (process.env.ZCPROF_TOKEN || undefined)
  const token = given === undefined ? null : checkToken(given, flags.token !== undefined ? '--token' : 'ZCPROF_TOKEN')
  let maxTrialBytes: number | undefined
  let maxSessionPinnedBytes: number | undefined
  let maxAgentPinnedBytes: number | undefined
  let maxSendFileBytes: number | undefined
  try {
    maxTrialBytes = flags.maxTrialBytes === undefined ? undefined : parseSize(flags.maxTrialBytes, '--max-trial-bytes')
    maxSessionPinnedBytes =
      flags.maxSessionPinned === undefined ? undefined : parseSize(flags.maxSessionPinned, '--max-session-pinned')
    maxAgentPinnedBytes =
      flags.maxAgentPinned === undefined ? undefined : parseSize(flags.maxAgentPinned, '--max-agent-pinned')
    maxSendFileBytes =
      flags.maxSendFileBytes === undefined ? undefined : parseSize(flags.maxSendFileBytes, '--max-send-file-bytes')
  } catch (e) {
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: (e as Error).message })
  }
  const options: AgentOptions = {
    address,
    token,
    toolVersion: TOOL_VERSION,
    // a run's own receiver logs nothing: its stderr is the run's error message
    log: flags.announce ? null : (line) => process.stderr.write(`zcprof agent: ${line}\n`),
    // a local agent's host is the sender's: the sender reads other processes' CPU there
    othersCpu: !flags.announce,
    limits: {
      maxTrials: positive(flags.maxTrials, 'max-trials'),
      maxClients: positive(flags.maxClients, 'max-clients'),
      maxTrialBytes,
      maxTrialDurationMs: positive(flags.maxTrialDuration, 'max-trial-duration'),
      maxTrialsPerClient: positive(flags.maxTrialsPerClient, 'max-trials-per-client'),
      idleTimeoutMs: positive(flags.idleTimeout, 'idle-timeout'),
      maxSessionPinnedBytes,
      maxAgentPinnedBytes,
      dataIdleTimeoutMs: positive(flags.dataIdleTimeout, 'data-idle-timeout'),
      maxSendJobs: nonNegative(flags.maxSendJobs, 'max-send-jobs'),
      maxSendFileBytes
    },
    sender: sendRun,
    environment: () => captureEnvironment().catch(() => null)
  }
  const server = new AgentServer(options)
  let bound: ControlAddress
  try {
    bound = await server.listen()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'ZC_AGENT',
      message: code === 'EADDRINUSE' ? `${where} is in use` : `cannot listen on ${where}: ${(e as Error).message}`,
      hint:
        code === 'EADDRINUSE'
          ? 'path' in address
            ? 'another agent holds that socket, or a stale file is left: remove it or pick another path'
            : 'pick another port with --listen, or stop what holds it'
          : undefined
    })
  }
  // the token rule looks at where we are bound: a name that resolved beyond loopback needs
  // one, so the agent makes one. No hello has been read yet (none is, before this await's
  // continuation ends), and the server reads its token at each hello.
  if ('host' in bound && !isLoopbackIp(bound.host) && !token) {
    const made = randomBytes(24).toString('base64url')
    options.token = made
    process.stderr.write(
      `zcprof agent: ${describeAddress(bound)} is beyond this host and no --token was given, so this agent made one (shown only now):\n` +
        `  ${made}\n` +
        `  give it to clients without putting it in ps: ZCPROF_TOKEN=${made} zcprof run … agent://HOST:${bound.port}\n`
    )
  }
  // a socket file is ours once bound: remove it when we go
  const cleanup = () => {
    if ('path' in bound) rmSync(bound.path, { force: true })
  }
  process.once('exit', cleanup)
  // every way to stop is in place before the address is given out: a parent that
  // stops us the moment we announce must still get a clean exit (and no stale socket)
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGTERM', stop)
  if (flags.announce) {
    // A local agent belongs to its parent: Ctrl-C reaches the whole process group,
    // and the parent, which keeps the trial in flight, decides when we stop. It
    // holds our stdin: when that closes, or on SIGTERM, we go.
    process.on('SIGINT', () => undefined)
    // an Electron utility process (the packaged app's) has no stdin: Electron ends it with its parent
    const utilityProcess = 'parentPort' in process && (process as { parentPort?: unknown }).parentPort !== undefined
    if (!utilityProcess) {
      process.stdin.on('end', stop)
      process.stdin.on('error', stop)
      process.stdin.resume()
      if (flags.parentOwned) {
        // SIGTERM or SIGHUP to the whole group (a service manager, a closed terminal)
        // is the run's to act on: it cancels the trial in flight, which needs its
        // receiver alive to say "cancelled", then closes our stdin
        process.removeListener('SIGTERM', stop)
        process.on('SIGTERM', () => undefined)
        process.on('SIGHUP', () => undefined)
      } else process.once('SIGHUP', stop)
    }
  } else {
    process.once('SIGINT', stop)
    process.once('SIGHUP', stop)
  }
  // with its process id: the run that started it counts this process's CPU as its own
  if (flags.announce) process.stdout.write(JSON.stringify({ ...bound, pid: process.pid }) + '\n')
  else process.stderr.write(`zcprof agent listening on ${describeAddress(bound)}\n`)
}
