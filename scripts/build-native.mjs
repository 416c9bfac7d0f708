// Builds src/native with node-gyp against this Node's own headers: no header
// download, so it works offline and on machines that only reach the npm registry.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const nodedir = process.env.ZCPROF_NODEDIR ?? path.dirname(path.dirname(process.execPath))
if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h'))) {
  console.error(
    `zcprof: Node headers not found under ${nodedir}/include/node.\n` +
      'Install your distribution\'s Node development headers, or set ZCPROF_NODEDIR to a Node install prefix.'
  )
  process.exit(1)
}
const gyp = require.resolve('node-gyp/bin/node-gyp.js')
const cwd = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'src', 'native')
const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
  cwd,
  stdio: 'inherit'
})
process.exit(r.status ?? 1)
