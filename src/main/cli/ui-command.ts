// `zcprof ui`: the desktop UI in a browser, for headless hosts and machines without Electron.

import { spawn } from 'node:child_process'
import path from 'node:path'
import { packageRoot } from '../../native/package-root'
import { ZcprofError } from '../../shared/errors'
import { EngineApi } from '../api/engine-api'
import { parseListen } from './agent-command'
import { parseTarget } from '../../shared/targets'
import { startUiServer } from '../web/ui-server'

export interface UiFlags {
  listen?: string
  open?: boolean
  library?: string
  /** files the UI may send to agent:// and raw:// targets */
  allowFile?: string[]
  /** agent:// and raw:// targets the UI may send to */
  allowTarget?: string[]
  /** host names browsers may use to reach a UI listening beyond loopback, comma-separated */
  allowHost?: string[]
}

/** each --allow-target must be an agent:// or raw:// target as run would take it */
function allowedTargets(texts: string[] = []): string[] {
  for (const t of texts) {
    const parsed = parseTarget(t)
    if (parsed.kind !== 'agent' && parsed.kind !== 'raw')
      throw new ZcprofError({
        code: 'ZC_BAD_ARGUMENT',
        message: `--allow-target ${t}: only agent:// and raw:// targets need allowing`,
        hint: 'e.g. --allow-target raw://192.0.2.7:9000'
      })
  }
  return texts
}

export async function uiCommand(flags: UiFlags): Promise<void> {
  const address = parseListen(flags.listen ?? '127.0.0.1:0')
  if ('path' in address)
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: '--listen for the UI takes HOST:PORT' })
  let server
  try {
    server = await startUiServer({
      host: address.host,
      port: address.port,
      rendererDir: path.join(packageRoot(), 'out', 'renderer'),
      api: new EngineApi({
        libraryFolder: flags.library ? path.resolve(flags.library) : undefined,
        policy: {
          files: (flags.allowFile ?? []).map((f) => path.resolve(f)),
          targets: allowedTargets(flags.allowTarget)
        }
      }),
      allowHosts: (flags.allowHost ?? []).flatMap((h) => h.split(','))
    })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'ZC_UI',
      message: code === 'EADDRINUSE' ? `${address.host}:${address.port} is in use` : (e as Error).message,
      hint: code === 'EADDRINUSE' ? 'pick another port with --listen, or leave it out for a free one' : undefined
    })
  }
  if (!server.loopbackOnly)
    process.stderr.write(
      `zcprof: the UI listens on ${address.host}, beyond this host, over plain HTTP: the traffic is NOT encrypted, ` +
        'and anyone who can watch the network can read the pages, the results and the cookie that holds the token\n'
    )
  // each link opens once: the browser's and the printed one are two codes, and SIGUSR2 prints another
  process.stdout.write(`zcprof ui: ${server.url}\n`)
  process.stderr.write(`zcprof: the link opens once, within a minute; for another: kill -USR2 ${process.pid}\n`)
  process.on('SIGUSR2', () => process.stdout.write(`zcprof ui: ${server.newLink()}\n`))
  if (flags.open) {
    // a code, not the token, goes in the opener's arguments (which ps shows)
    const opener = spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [server.newLink()], {
      stdio: 'ignore',
      detached: true
    })
    opener.on('error', () => process.stderr.write('zcprof: could not open a browser; open the URL above\n'))
    opener.unref()
  }
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  process.once('SIGHUP', stop)
}
