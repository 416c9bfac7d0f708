// `zcprof ui`: the desktop UI in a browser, for headless hosts and machines without Electron.

import { spawn } from 'node:child_process'
import path from 'node:path'
import { packageRoot } from '../../native'
import { ZcprofError } from '../../shared/errors'
import { EngineApi } from '../api/engine-api'
import { parseListen } from './agent-command'
import { startUiServer } from '../web/ui-server'

export interface UiFlags {
  listen?: string
  open?: boolean
  library?: string
}

export async function uiCommand(flags: UiFlags): Promise<void> {
  const address = parseListen(flags.listen ?? '127.0.0.1:0')
  if ('path' in address)
    throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: '--listen for the UI takes HOST:PORT' })
  const loopback = address.host.startsWith('127.') || address.host === '::1'
  let server
  try {
    server = await startUiServer({
      host: address.host,
      port: address.port,
      rendererDir: path.join(packageRoot(), 'out', 'renderer'),
      api: new EngineApi({ libraryFolder: flags.library ? path.resolve(flags.library) : undefined })
    })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new ZcprofError({
      code: code ?? 'ZC_UI',
      message: code === 'EADDRINUSE' ? `${address.host}:${address.port} is in use` : (e as Error).message,
      hint: code === 'EADDRINUSE' ? 'pick another port with --listen, or leave it out for a free one' : undefined
    })
  }
  if (!loopback)
    process.stderr.write(
      `zcprof: the UI listens on ${address.host}, beyond this host: only holders of the token can use it\n`
    )
  process.stdout.write(`zcprof ui: ${server.url}\n`)
  if (flags.open) {
    const opener = spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [server.url], {
      stdio: 'ignore',
      detached: true
    })
    opener.on('error', () => process.stderr.write('zcprof: could not open a browser; open the URL above\n'))
    opener.unref()
  }
  const stop = () => void server.close().then(() => process.exit(0))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
