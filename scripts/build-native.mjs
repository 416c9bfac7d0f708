// zcprof's native addon, made ready to load.
//
//   node scripts/build-native.mjs              build src/native with node-gyp (a checkout's `npm run build:native`)
//   node scripts/build-native.mjs --install    npm's install step: use the prebuilt binary the package ships
//                                              when it loads here; else build, as above
//   node scripts/build-native.mjs --prebuild   after a build: copy it to prebuilds/<platform>-<arch> (npm pack)
//
// Builds use this Node's own headers (--nodedir), never downloaded ones, so they work
// offline. Whatever is missing (a compiler, make, Python, the headers, node-gyp) is
// named with how to get it, and the script exits 1.
//
// Environment: ZCPROF_NODEDIR (a Node install prefix holding include/node),
// ZCPROF_BUILD_FROM_SOURCE=1 (skip the prebuilt binary), CC, PYTHON.

import { spawnSync } from 'node:child_process'
import { accessSync, constants, copyFileSync, existsSync, mkdirSync, renameSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const nativeDir = path.join(root, 'src', 'native')
const built = path.join(nativeDir, 'build', 'Release', 'zcprof.node')
const prebuiltDir = path.join(root, 'prebuilds', `${process.platform}-${process.arch}`)
const prebuilt = path.join(prebuiltDir, 'zcprof.node')

function say(line) {
  process.stderr.write(`zcprof: ${line}\n`)
}

function fail(lines) {
  for (const l of lines) say(l)
  process.exit(1)
}

/** loads the addon in this process: the same check the CLI's loader makes */
function loads(file) {
  try {
    require(file)
    return null
  } catch (e) {
    return String(e.message).split('\n')[0]
  }
}

/** an executable named `name` on PATH, or null */
function onPath(name) {
  if (name.includes('/')) return existsSync(name) ? name : null
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const f = path.join(dir || '.', name)
    try {
      accessSync(f, constants.X_OK)
      return f
    } catch {
      // not here
    }
  }
  return null
}

/**
 * node-gyp: the checkout's devDependency; else the one npm puts on PATH for install
 * scripts; else the copy inside the npm that came with this Node.
 */
function nodeGyp() {
  try {
    return [process.execPath, require.resolve('node-gyp/bin/node-gyp.js')]
  } catch {
    // not a checkout
  }
  const shim = onPath('node-gyp')
  if (shim) return [shim]
  const npmDirs = [
    process.env.npm_execpath && path.dirname(path.dirname(process.env.npm_execpath)),
    path.join(path.dirname(path.dirname(process.execPath)), 'lib', 'node_modules', 'npm')
  ]
  for (const npm of npmDirs.filter(Boolean)) {
    const bundled = path.join(npm, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
    if (existsSync(bundled)) return [process.execPath, bundled]
  }
  return null
}

function build() {
  const nodedir = process.env.ZCPROF_NODEDIR ?? path.dirname(path.dirname(process.execPath))
  const missing = []
  if (!existsSync(path.join(nodedir, 'include', 'node', 'node_api.h')))
    missing.push(
      `Node's headers (no ${path.join(nodedir, 'include', 'node', 'node_api.h')}): install your distribution's Node development package (Debian/Ubuntu: apt-get install libnode-dev, or use an official Node build, which carries them), or set ZCPROF_NODEDIR to a Node install prefix that has include/node`
    )
  const cc = process.env.CC ?? 'cc'
  if (!onPath(cc)) missing.push(`a C compiler (${cc} is not on PATH): apt-get install gcc (or set CC)`)
  if (!onPath('make')) missing.push('make (not on PATH): apt-get install make')
  const python = process.env.PYTHON ?? 'python3'
  if (!onPath(python)) missing.push(`Python 3, which node-gyp runs (${python} is not on PATH): apt-get install python3`)
  const gyp = nodeGyp()
  if (!gyp) missing.push("node-gyp (not on PATH, nor beside this Node's npm): npm install -g node-gyp")
  if (missing.length)
    fail([
      `cannot build the native addon (src/native), which every transfer runs in. Missing:`,
      ...missing.map((m) => `  - ${m}`)
    ])
  const r = spawnSync(gyp[0], [...gyp.slice(1), 'rebuild', `--nodedir=${nodedir}`, '--loglevel=warn'], {
    cwd: nativeDir,
    stdio: 'inherit'
  })
  if (r.status !== 0)
    fail([
      `node-gyp could not build src/native (exit ${r.status ?? r.signal}): its output is above.`,
      'Linux only: zcprof needs sendfile, splice and perf_event_open.'
    ])
  const problem = loads(built)
  if (problem) fail([`the addon was built but does not load: ${problem}`])
}

const mode = process.argv[2] ?? '--build'
if (mode === '--install') {
  if (existsSync(prebuilt) && !process.env.ZCPROF_BUILD_FROM_SOURCE) {
    const problem = loads(prebuilt)
    if (!problem) process.exit(0)
    say(`the prebuilt addon (${path.relative(root, prebuilt)}) does not load here (${problem}); building it instead`)
  }
  build()
} else if (mode === '--prebuild') {
  if (!existsSync(built)) fail([`${built} is missing: run \`npm run build:native\` first`])
  mkdirSync(prebuiltDir, { recursive: true })
  // a half-copied binary must never be the one a package ships
  copyFileSync(built, `${prebuilt}.tmp`)
  renameSync(`${prebuilt}.tmp`, prebuilt)
} else if (mode === '--build') {
  build()
} else {
  fail([`unknown option ${mode}: use --install, --prebuild, or none`])
}
