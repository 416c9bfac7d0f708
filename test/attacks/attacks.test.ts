// Every local attack in this folder, run as the next audit would run it: each script
// attacks the built CLI and exits non-zero when an attack gets through (README.md here).

import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { skipWhen } from '../skips'

const root = process.getuid?.() === 0
const scripts = readdirSync(__dirname)
  .filter((f) => f.endsWith('.sh') && f !== 'common.sh')
  .sort()

describe.skipIf(skipWhen(!root, 'attack scripts', 'they make devices, mount tmpfs and chown to another user: root'))(
  'attack scripts',
  () => {
    it('there are attacks to run, each listed in the README', () => {
      expect(scripts.length).toBeGreaterThanOrEqual(12)
      const readme = readFileSync(path.join(__dirname, 'README.md'), 'utf8')
      for (const s of scripts) expect(readme, s).toContain(`test/attacks/${s}`)
    })
    it.each(scripts)(
      '%s is refused',
      (script) => {
        const r = spawnSync('bash', [path.join(__dirname, script)], { encoding: 'utf8', timeout: 240_000 })
        expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0)
        expect(r.stdout).not.toMatch(/^FAIL/m)
        expect(r.stdout).toMatch(/^ok /m)
      },
      300_000
    )
  }
)
