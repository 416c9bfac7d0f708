// The npm package as a user of a bare server gets it: packed for release, installed
// with production dependencies only, then every command run from that install.

import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '../../src/shared/report'
import { tempDir } from '../helpers'
import { installTarball, packProject, repoRoot, type Installed, type Packed } from '../package-install'

const work = tempDir('zcprof-package-')
const cacheDir = path.join(work, 'cache')
const library = path.join(work, 'library')
let packed: Packed
let installed: Installed

/** the installed `zcprof`, run as its bin link runs it (its shebang picks node from PATH) */
function zcprof(args: string[]) {
  const r = spawnSync(installed.bin, args, {
    encoding: 'utf8',
    cwd: work,
    env: { ...process.env, ZCPROF_LIBRARY: library },
    timeout: 120_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** starts a long-running installed command; resolves with it and the first stdout line */
function startCommand(args: string[]): Promise<{ child: ReturnType<typeof spawn>; line: string }> {
  const child = spawn(installed.bin, args, { cwd: work, stdio: ['pipe', 'pipe', 'pipe'] })
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl >= 0) resolve({ child, line: out.slice(0, nl) })
    })
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)))
  })
}

const report = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report

beforeAll(() => {
  packed = packProject(work)
  installed = installTarball(packed.tarball, path.join(work, 'prefix'))
  console.log(
    `package: ${packed.files.length} files, ${(packed.packedBytes / 1024).toFixed(0)} KiB packed, ${(packed.unpackedBytes / 1024).toFixed(0)} KiB unpacked; ` +
      `installed with production dependencies in ${(installed.installMs / 1000).toFixed(1)} s, ${(installed.installedBytes / 1024 / 1024).toFixed(1)} MiB`
  )
}, 600_000)

describe('the npm package', () => {
  it('holds what runs and nothing else', () => {
    const files = packed.files.map((f) => f.path)
    // what the commands need, from the fixed list of what each one loads
    for (const need of [
      'bin/zcprof.js',
      'out/main/cli.js',
      'out/renderer/index.html',
      'prebuilds/linux-x64/zcprof.node',
      'scripts/build-native.mjs',
      'src/native/binding.gyp',
      'src/native/zc.h',
      'src/native/napi-glue.c',
      'LICENSE',
      'README.md'
    ])
      expect(files).toContain(need)
    expect(files.some((f) => f.startsWith('out/main/chunks/run-command-'))).toBe(true)
    expect(files.some((f) => f.startsWith('out/renderer/assets/') && f.endsWith('.js'))).toBe(true)
    // what only a checkout needs
    const unwanted = files.filter(
      (f) =>
        /^(test|bench|docs|\.ci|src\/(main|renderer|shared|preload))\//.test(f) ||
        /\.(ts|tsx|map|tgz)$/.test(f) ||
        /^(tsconfig|electron\.vite|electron-builder|vitest)/.test(f) ||
        f.startsWith('out/preload/') ||
        f.includes('/build/')
    )
    expect(unwanted).toEqual([])
  })

  it('installs production dependencies only', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>
      devDependencies: Record<string, string>
    }
    const modules = path.join(installed.packageDir, 'node_modules')
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(path.join(modules, dep)), dep).toBe(true)
    for (const dev of Object.keys(pkg.devDependencies))
      expect(existsSync(path.join(modules, dev)), `devDependency ${dev} installed`).toBe(false)
  })

  it('runs copy and sendfile from the install, with the prebuilt addon', () => {
    expect(existsSync(path.join(installed.packageDir, 'src', 'native', 'build'))).toBe(false)
    const out = path.join(work, 'local.json')
    const r = zcprof([
      'run',
      ...['--methods', 'copy,sendfile', '--size', '16MiB', '--repeat', '1'],
      ...['--cache-dir', cacheDir, '--no-progress', '--json', out]
    ])
    expect(r.code, r.stderr).toBe(0)
    const rep = report(out)
    // one round, in the order it drew
    expect(rep.trials.map((t) => t.method).sort()).toEqual(['copy', 'sendfile'])
    for (const t of rep.trials) {
      expect(t.error).toBeNull()
      expect(t.summary!.bytes).toBeGreaterThan(0)
      expect(t.summary!.receiver).not.toBeNull()
    }
  })

  it('runs an agent, and a run against it', async () => {
    const { child, line } = await startCommand(['agent', '--listen', '127.0.0.1:0', '--announce'])
    try {
      const { port } = JSON.parse(line) as { port: number }
      const out = path.join(work, 'agent.json')
      const r = zcprof([
        'run',
        ...['--target', `agent://127.0.0.1:${port}`, '--methods', 'copy', '--size', '16MiB', '--repeat', '1'],
        ...['--cache-dir', cacheDir, '--no-progress', '--verify', '--json', out]
      ])
      expect(r.code, r.stderr).toBe(0)
      const [t] = report(out).trials
      expect(t.target).toBe(`agent://127.0.0.1:${port}`)
      expect(t.summary!.receiver).not.toBeNull()
      expect(t.summary!.streams[0].integrity).toMatchObject({ checked: true, ok: true })
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('serves the browser UI from the package', async () => {
    const { child, line } = await startCommand(['ui', '--listen', '127.0.0.1:0'])
    try {
      const url = line.replace(/^zcprof ui: /, '')
      // the link's one-time code is swapped for the cookie, then the bare address
      const link = await fetch(url, { redirect: 'manual' })
      expect(link.status).toBe(303)
      const cookie = link.headers.get('set-cookie')!.split(';')[0]
      const page = await fetch(new URL('/', url), { headers: { cookie } })
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('<div id="root">')
      const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]
      // the cookie carries the token to the page's assets
      const asset = await fetch(new URL(script, url), { headers: { cookie } })
      expect(asset.status).toBe(200)
      expect((await asset.text()).length).toBeGreaterThan(100_000)
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('exports, compares and keeps a library from the install', () => {
    const local = path.join(work, 'local.json')
    const md = zcprof(['report', local, '--md'])
    expect(md.code, md.stderr).toBe(0)
    expect(md.stdout).toContain('sendfile')
    // one repetition a side can show no change at all: the gate says it cannot decide
    const cmp = zcprof(['compare', local, local])
    expect(cmp.code, cmp.stderr).toBe(3)
    expect(cmp.stdout).toMatch(/^inconclusive: /m)
    const imp = zcprof(['library', 'import', local])
    expect(imp.code, imp.stderr).toBe(0)
    const list = zcprof(['library', 'list'])
    expect(list.code, list.stderr).toBe(0)
    expect(list.stdout).toContain('copy, sendfile')
  })

  it('runs with npx from the tarball', () => {
    const r = spawnSync(
      'npx',
      ['--yes', '--prefer-offline', '--package', packed.tarball, 'zcprof', 'run', '--methods', 'sendfile'].concat([
        '--size',
        '4MiB',
        '--once',
        '-r',
        '1',
        '-w',
        '0',
        '--cache-dir',
        cacheDir,
        '--json',
        path.join(work, 'npx.json')
      ]),
      { encoding: 'utf8', cwd: work, timeout: 120_000 }
    )
    expect(r.status, r.stderr).toBe(0)
    expect(report(path.join(work, 'npx.json')).trials[0]).toMatchObject({ method: 'sendfile', error: null })
  })

  it('builds the addon at install when the prebuilt one does not load here', () => {
    // the same package, but its prebuilt binary is for another machine: not a loadable ELF here
    const unpacked = path.join(work, 'unpacked')
    mkdirSync(unpacked)
    execFileSync('tar', ['xzf', packed.tarball, '-C', unpacked])
    writeFileSync(path.join(unpacked, 'package', 'prebuilds', 'linux-x64', 'zcprof.node'), 'not an ELF file')
    const foreign = path.join(work, 'foreign-prebuilt.tgz')
    execFileSync('tar', ['czf', foreign, '-C', unpacked, 'package'])
    // the install step's own output shows only with --foreground-scripts
    const other = installTarball(foreign, path.join(work, 'prefix-built'), ['--foreground-scripts'])
    expect(other.output).toContain('does not load here')
    expect(existsSync(path.join(other.packageDir, 'src', 'native', 'build', 'Release', 'zcprof.node'))).toBe(true)
    const r = spawnSync(
      other.bin,
      ['run', '--methods', 'splice', '--size', '4MiB', '--once', '-r', '1', '-w', '0', '--cache-dir', cacheDir],
      {
        encoding: 'utf8',
        timeout: 120_000
      }
    )
    expect(r.status, r.stderr).toBe(0)
  }, 300_000)

  it('names each missing build tool and how to get it', () => {
    // no compiler, make or Python on PATH, and no headers (node itself by absolute path;
    // node-gyp is still found in the npm beside it)
    const env: Record<string, string> = {
      PATH: path.join(work, 'empty-path'),
      ZCPROF_NODEDIR: path.join(work, 'no-node')
    }
    const r = spawnSync(process.execPath, [path.join(installed.packageDir, 'scripts', 'build-native.mjs')], {
      encoding: 'utf8',
      env
    })
    expect(r.status).toBe(1)
    for (const named of [
      /Node's headers .*no-node\/include\/node\/node_api\.h/,
      /a C compiler \(cc is not on PATH\): apt-get install gcc/,
      /make \(not on PATH\): apt-get install make/,
      /Python 3.*apt-get install python3/
    ])
      expect(r.stderr).toMatch(named)
  })

  it('says how to build the addon when there is none', () => {
    rmSync(path.join(installed.packageDir, 'prebuilds'), { recursive: true })
    rmSync(path.join(installed.packageDir, 'src', 'native', 'build'), { recursive: true, force: true })
    const r = zcprof(['run', '--methods', 'copy', '--size', '1MiB', '--once', '--repeat', '1', '--cache-dir', cacheDir])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("zcprof's native addon is not built")
    // the command that builds it, for this install
    expect(r.stderr).toContain(`node ${path.join(installed.packageDir, 'scripts', 'build-native.mjs')}`)
  })
})
