// `zcprof agent`: the receiving end. Local runs spawn it with --announce.

import { rmSync } from 'node:fs'
import { ZcprofError } from '../../shared/errors'
import { isLoopbackIp } from '../../shared/targets'
import { AgentServer } from '../agent/agent-server'
import { describeAddress, type ControlAddress } from '../agent/protocol'
import { captureEnvironment } from '../host/environment'
import { TOOL_VERSION } from '../engine/version'
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
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1) {
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: `--${flag} '${text}' must be a whole number ≥ 1` })
  }
  return Number(text)
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
  const token = flags.token ?? process.env.ZCPROF_TOKEN ?? null
  let maxTrialBytes: number | undefined
  try {
    maxTrialBytes = flags.maxTrialBytes === undefined ? undefined : parseSize(flags.maxTrialBytes, '--max-trial-bytes')
  } catch (e) {
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: (e as Error).message })
  }
  const server = new AgentServer({
    address,
    token,
    toolVersion: TOOL_VERSION,
    // a local agent's host is the sender's: the sender reads other processes' CPU there
    othersCpu: !flags.announce,
    limits: {
      maxTrials: positive(flags.maxTrials, 'max-trials'),
      maxClients: positive(flags.maxClients, 'max-clients'),
      maxTrialBytes,
      maxTrialDurationMs: positive(flags.maxTrialDuration, 'max-trial-duration'),
      maxTrialsPerClient: positive(flags.maxTrialsPerClient, 'max-trials-per-client'),
      idleTimeoutMs: positive(flags.idleTimeout, 'idle-timeout')
    },
    environment: () => captureEnvironment().catch(() => null)
  })
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
  // the token rule looks at where we are bound: a name that resolved beyond loopback needs one
  if ('host' in bound && !isLoopbackIp(bound.host) && !token) {
    await server.close()
    throw new ZcprofError({
      code: 'ZC_NEEDS_TOKEN',
      message: `--listen ${'host' in address ? address.host : ''} bound ${bound.host}, beyond this host, so the agent needs a token`,
      hint: 'add --token SECRET (or set ZCPROF_TOKEN) and give clients the same token; or listen on 127.0.0.1'
    })
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
