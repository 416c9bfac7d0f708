// The Electron shell: a thin, locked-down door into the engine. The page is served
// from an app:// scheme main controls (not file://, which would let the page read any
// file), with a CSP on every response; permissions are all refused; and what the page
// may make main do is the UI policy (ui-policy.ts), whose questions main asks in
// native dialogs the page cannot answer for the user.

import { app, BrowserWindow, dialog, net, protocol, session, utilityProcess } from 'electron'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { APP_CSP } from '../shared/csp'
import { EngineApi } from './api/engine-api'
import { useNodeSpawner } from './engine/local-agent'
import { registerIpc } from './ipc/register-ipc'

const SCHEME = 'app'
const RENDERER_DIR = path.join(__dirname, '../renderer')

// before ready: app:// behaves as a standard, secure origin (its own 'self' for the CSP)
protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true } }])

let win: BrowserWindow | null = null

/** app://zcprof/<path> → a file inside the built renderer, and nothing outside it */
function serveRenderer(request: Request): Promise<Response> | Response {
  const url = new URL(request.url)
  const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)
  const file = path.resolve(RENDERER_DIR, '.' + rel)
  if (url.host !== 'zcprof' || !file.startsWith(RENDERER_DIR + path.sep))
    return new Response('not found', { status: 404 })
  return net.fetch(pathToFileURL(file).toString())
}

async function confirm(question: string, detail: string): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    message: question,
    detail,
    buttons: ['Cancel', 'Allow'],
    defaultId: 0,
    cancelId: 0
  }
  const { response } = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options)
  return response === 1
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1360,
    height: 900,
    title: 'zcprof',
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true
    }
  })
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  // the dev server only in development: a packaged app never loads a URL from its environment
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined
  void win.loadURL(devUrl ?? `${SCHEME}://zcprof/index.html`)
  win.on('closed', () => (win = null))
}

app.whenReady().then(() => {
  protocol.handle(SCHEME, serveRenderer)
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } })
  })
  // nothing is granted, and nothing is reported as granted
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  // the local receiver runs in a utility process: the packaged app's RunAsNode fuse is
  // off, so this binary cannot be started as plain Node (electron-builder.json)
  useNodeSpawner((entry, args, env) =>
    utilityProcess.fork(entry, args, { stdio: 'pipe', env, serviceName: 'zcprof receiver' })
  )
  // the engine runs trials on native threads and a child agent: the main thread only relays
  const userData = app.getPath('userData')
  registerIpc(
    new EngineApi({
      settingsFile: path.join(userData, 'settings.json'),
      defaultLibraryFolder: process.env.ZCPROF_LIBRARY ?? path.join(userData, 'reports'),
      policy: { files: [], targets: [], confirm }
    }),
    () => win
  )
  createWindow()
})

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault())
})
app.on('window-all-closed', () => app.quit())
