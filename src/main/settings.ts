// The few choices the app remembers between launches (the library folder), in one
// small JSON file written atomically. A damaged file falls back to the defaults. A
// library folder other users could tamper with is never remembered; one that became
// so since is still read back, and the library refuses it when used (ZC_UNSAFE_FOLDER,
// naming the folder and the fix) rather than the app quietly using another.

import { mkdirSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { checkPrivateFolder } from './reports/report-library'
import { writeFileAtomic } from './storage/atomic-file'

export interface Settings {
  libraryFolder?: string
}

/** $XDG_CONFIG_HOME/zcprof/settings.json (Electron passes its userData folder instead) */
export function defaultSettingsFile(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(config, 'zcprof', 'settings.json')
}

export function readSettings(file: string): Settings {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as unknown
    if (typeof s !== 'object' || s === null) return {}
    const folder = (s as Record<string, unknown>).libraryFolder
    return typeof folder === 'string' && path.isAbsolute(folder) ? { libraryFolder: folder } : {}
  } catch {
    return {} // none yet, or damaged: the defaults
  }
}

export function writeSettings(file: string, settings: Settings): void {
  if (settings.libraryFolder !== undefined) checkPrivateFolder(settings.libraryFolder)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileAtomic(file, JSON.stringify(settings, null, 1) + '\n')
}
