// Packs zcprof as `npm pack` would for a release and installs the tarball the way a
// user of a bare server does: production dependencies only, into a prefix of its own.
// Shared by test/package/install.test.ts and bench/package.ts.
//
// The pack runs in a copy of the working tree (with this checkout's node_modules
// linked in for the build tools), so its prepack and prepare steps never rebuild the
// out/ and src/native/build the other tests are using.

import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs'
import path from 'node:path'

export const repoRoot = path.join(path.dirname(new URL(import.meta.url).pathname), '..')

export interface PackedFile {
  path: string
  size: number
}

export interface Packed {
  tarball: string
  /** bytes of the .tgz */
  packedBytes: number
  /** bytes of every file in it, unpacked */
  unpackedBytes: number
  files: PackedFile[]
  packMs: number
}

/** every file git would commit now: tracked, plus untracked ones it does not ignore */
function workingTreeFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
    cwd: repoRoot,
    encoding: 'utf8'
  })
  return out.split('\0').filter(Boolean)
}

export function packProject(workDir: string): Packed {
  const copy = path.join(workDir, 'checkout')
  for (const f of workingTreeFiles()) {
    const from = path.join(repoRoot, f)
    try {
      if (!statSync(from).isFile()) continue
    } catch {
      continue // deleted in the working tree, not yet in git
    }
    mkdirSync(path.dirname(path.join(copy, f)), { recursive: true })
    cpSync(from, path.join(copy, f))
  }
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(copy, 'node_modules'))
  const dest = path.join(workDir, 'pack')
  mkdirSync(dest)
  const t0 = performance.now()
  const r = spawnSync('npm', ['pack', '--json', '--pack-destination', dest], {
    cwd: copy,
    encoding: 'utf8',
    maxBuffer: 64 << 20
  })
  const packMs = performance.now() - t0
  if (r.status !== 0) throw new Error(`npm pack failed (${r.status}):\n${r.stderr.slice(-4000)}`)
  // npm prints its scripts' output to stdout too: the JSON is the last top-level array
  const json = r.stdout.slice(r.stdout.lastIndexOf('\n[\n') + 1)
  const [info] = JSON.parse(json) as {
    filename: string
    size: number
    unpackedSize: number
    files: PackedFile[]
  }[]
  return {
    tarball: path.join(dest, info.filename),
    packedBytes: info.size,
    unpackedBytes: info.unpackedSize,
    files: info.files,
    packMs
  }
}

export interface Installed {
  prefix: string
  /** the zcprof command */
  bin: string
  /** the installed package's folder */
  packageDir: string
  installMs: number
  /** bytes on disk under the prefix: zcprof and its production dependencies */
  installedBytes: number
  output: string
}

export function duBytes(dir: string): number {
  let total = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) total += duBytes(p)
    else if (e.isFile()) total += statSync(p).size
  }
  return total
}

/**
 * `npm install -g --omit=dev` of the tarball into `prefix`. --prefer-offline uses
 * what the checkout's own install put in npm's cache, and reaches the registry only
 * for what is missing there.
 */
export function installTarball(tarball: string, prefix: string, extraArgs: string[] = []): Installed {
  const t0 = performance.now()
  const r = spawnSync(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--omit=dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      ...extraArgs,
      tarball
    ],
    { encoding: 'utf8', maxBuffer: 64 << 20 }
  )
  const installMs = performance.now() - t0
  const output = `${r.stdout}\n${r.stderr}`
  if (r.status !== 0) throw new Error(`npm install of ${tarball} failed (${r.status}):\n${output.slice(-4000)}`)
  return {
    prefix,
    bin: path.join(prefix, 'bin', 'zcprof'),
    packageDir: path.join(prefix, 'lib', 'node_modules', 'zcprof'),
    installMs,
    installedBytes: duBytes(path.join(prefix, 'lib', 'node_modules')),
    output
  }
}
