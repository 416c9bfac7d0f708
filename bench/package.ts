// The npm package: what it weighs and how long it takes to install, as a user of a
// bare server gets it (`npm pack`, then `npm install -g --omit=dev` of the tarball).
// Section 9 of `npm run bench`; also `npm run bench:package`.
//
// Installs use npm's cache (--prefer-offline, as the checkout's own install filled
// it), so the time is npm's work and the addon's install step, not the network. The
// time with a cold cache is the same plus downloading the production dependencies.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import os from 'node:os'
import path from 'node:path'
import { duBytes, installTarball, packProject } from '../test/package-install'
import { median } from '../src/shared/statistics'

const reps = Number(process.env.BENCH_INSTALL_REPS ?? 3)
const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`

export function packageSection(): void {
  const work = mkdtempSync(path.join(os.tmpdir(), 'zcprof-bench-package-'))
  try {
    const packed = packProject(work)
    const byTop = new Map<string, number>()
    for (const f of packed.files) {
      const top = f.path
        .split('/')
        .slice(0, f.path.startsWith('out/') ? 2 : 1)
        .join('/')
      byTop.set(top, (byTop.get(top) ?? 0) + f.size)
    }
    console.log(
      `the tarball: ${packed.files.length} files, ${kib(packed.packedBytes)} packed, ${kib(packed.unpackedBytes)} unpacked (npm pack took ${(packed.packMs / 1000).toFixed(1)} s, building included)`
    )
    console.log(
      '  ' +
        [...byTop.entries()]
          .sort((a, b) => b[1] - a[1])
          .map(([k, v]) => `${k} ${kib(v)}`)
          .join(', ')
    )
    const times: number[] = []
    let installed = 0
    for (let i = 0; i < reps; i++) {
      const r = installTarball(packed.tarball, path.join(work, `prefix-${i}`))
      times.push(r.installMs)
      installed = r.installedBytes
    }
    console.log(
      `installed with production dependencies only: ${mib(installed)} on disk; npm install -g --omit=dev took ${(median(times) / 1000).toFixed(1)} s (median of ${reps}: ${times.map((t) => (t / 1000).toFixed(1)).join(', ')} s, npm's cache warm, the prebuilt addon used)`
    )
    // the browser UI's scripts: what a page downloads first, and the views loaded when opened
    const assets = path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'out', 'renderer', 'assets')
    const scripts = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((f) => {
        const bytes = readFileSync(path.join(assets, f))
        return `${f.replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js')} ${kib(bytes.length)} (${kib(gzipSync(bytes).length)} gzipped)`
      })
    console.log(`the UI's scripts (minified): ${scripts.join('; ')}`)
    const checkoutModules = duBytes(path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'node_modules'))
    console.log(`for comparison, a checkout's node_modules (every devDependency): ${mib(checkoutModules)}`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname))
  packageSection()
