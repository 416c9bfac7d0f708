// The Electron shell: a thin, locked-down door into the engine.

import { app, BrowserWindow, session } from 'electron'
import path from 'node:path'
import { EngineApi } from './api/engine-api'
import { registerIpc } from './ipc/register-ipc'

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"

let win: BrowserWindow | null = null

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
  if (process.env.ELECTRON_RENDERER_URL) void win.loadURL(process.env.ELECTRON_RENDERER_URL)
  else void win.loadFile(path.join(__dirname, '../renderer/index.html'))
  win.on('closed', () => (win = null))
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false))
  // the engine runs trials on native threads and a child agent: the main thread only relays
  const userData = app.getPath('userData')
  registerIpc(
    new EngineApi({
      settingsFile: path.join(userData, 'settings.json'),
      defaultLibraryFolder: process.env.ZCPROF_LIBRARY ?? path.join(userData, 'reports')
    }),
    () => win
  )
  createWindow()
})

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault())
})
app.on('window-all-closed', () => app.quit())
