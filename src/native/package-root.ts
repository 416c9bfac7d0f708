// Where the zcprof package is on disk: the built CLI, the renderer and the addon are
// found from it, in a checkout, an installed package and the packaged app alike.

import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

function here(): string {
  // bundled CJS has __dirname; vitest and ESM have import.meta.url
  return typeof __dirname !== 'undefined' ? __dirname : path.dirname(fileURLToPath(import.meta.url))
}

/** The zcprof package root: the nearest package.json named zcprof above this file. */
export function packageRoot(): string {
  for (let dir = here(); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json')
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'zcprof') return dir
      } catch {
        // keep walking
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`zcprof: cannot find the package root above ${here()}`)
  }
}
