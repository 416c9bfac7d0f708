// The Electron shell: a thin, locked-down door into the engine.

import { app, BrowserWindow, ipcMain, session, type IpcMainInvokeEvent } from 'electron'
import path from 'node:path'
import { API_CHANNELS, type Capabilities } from '../shared/api'
import { METHOD_INFO } from '../shared/methods'
import { captureEnvironment } from './host/environment'
import { TOOL_VERSION } from './engine/version'

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"

let win: BrowserWindow | null = null

/** Only our own window's top frame may call the API. */
function checkSender(e: IpcMainInvokeEvent): void {
  if (!win || e.sender !== win.webContents || e.senderFrame !== win.webContents.mainFrame) {
    throw new Error('zcprof: IPC from an unknown sender refused')
  }
}

function registerIpc(): void {
  ipcMain.handle(API_CHANNELS.capabilities, (e): Capabilities => {
    checkSender(e)
    return { version: TOOL_VERSION, methods: Object.values(METHOD_INFO) }
  })
  ipcMain.handle(API_CHANNELS.environment, (e) => {
    checkSender(e)
    return captureEnvironment()
  })
}

function createWindow(): void {
  win = new BrowserWindow({
    width: 1280,
    height: 860,
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
  registerIpc()
  createWindow()
})

app.on('window-all-closed', () => app.quit())
