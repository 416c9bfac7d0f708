// `zcprof agent`: the receiving end. Local runs spawn it with --announce.

import { ZcprofError } from '../../shared/errors'
import { AgentServer } from '../agent/agent-server'
import { captureEnvironment } from '../engine/environment'

export interface AgentFlags {
  listen?: string
  announce?: boolean
}

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:]+)):(\d+)$/.exec(text)
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) {
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `--listen '${text}' is not HOST:PORT`,
      hint: 'e.g. --listen 127.0.0.1:7733 or --listen [::1]:7733'
    })
  }
  return { host: m[1] ?? m[2], port }
}

export async function agentCommand(flags: AgentFlags): Promise<void> {
  const { host, port } = parseListen(flags.listen ?? '127.0.0.1:7733')
  const loopback = host.startsWith('127.') || host === '::1' || host === 'localhost'
  if (!loopback) {
    throw new ZcprofError({
      code: 'ZC_NEEDS_TOKEN',
      message: `listening on ${host} exposes the agent beyond this host`,
      hint: 'bind to 127.0.0.1 for now; token-protected remote agents come with the remote-sockets work'
    })
  }
  const server = new AgentServer({ host, port, environment: () => captureEnvironment().catch(() => null) })
  let bound
  try {
    bound = await server.listen()
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'ZC_AGENT',
      message:
        code === 'EADDRINUSE'
          ? `port ${port} on ${host} is in use`
          : `cannot listen on ${host}:${port}: ${(e as Error).message}`,
      hint: code === 'EADDRINUSE' ? 'pick another port with --listen, or stop what holds it' : undefined
    })
  }
  if (flags.announce) process.stdout.write(JSON.stringify(bound) + '\n')
  else process.stderr.write(`zcprof agent listening on ${bound.host}:${bound.port}\n`)
  // a local agent dies with its parent: stdin closing or SIGTERM
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGTERM', stop)
  process.once('SIGINT', stop)
  if (flags.announce) {
    // the parent holds our stdin: when it goes, so do we
    process.stdin.on('end', stop)
    process.stdin.on('error', stop)
    process.stdin.resume()
  }
}
