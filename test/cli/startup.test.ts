// What each command loads: `--help` must not pay for systeminformation, ajv, the UI
// server or the addon (bench/startup.ts times it; this says why it is fast, and stays
// true on a noisy machine).

import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir, ZCPROF_BIN } from '../helpers'

const HOOK = path.join(__dirname, '..', 'fixtures', 'loaded-modules.cjs')

function loadedBy(args: string[]): string[] {
  const out = path.join(tempDir(), 'loaded.json')
  const r = spawnSync(process.execPath, ['-r', HOOK, ZCPROF_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOADED_MODULES_OUT: out },
    timeout: 60_000
  })
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(readFileSync(out, 'utf8')) as string[]
}

/** the heavy parts, each named by a path fragment of what it loads */
const HEAVY = {
  systeminformation: '/node_modules/systeminformation/',
  ajv: '/node_modules/ajv/',
  'the UI server (ws)': '/node_modules/ws/',
  // src/main/cli/text-table.ts, bundled as a chunk of its own
  'table drawing (text-table)': '/chunks/text-table-',
  'progress bars (cli-progress)': '/node_modules/cli-progress/',
  'the native addon': 'zcprof.node',
  "a command's module": '-command-'
}

const loads = (modules: string[], what: keyof typeof HEAVY) => modules.some((m) => m.includes(HEAVY[what]))

describe('start-up: what each command loads', () => {
  it('--help and --version load none of the heavy parts', () => {
    for (const args of [['--help'], ['--version'], ['run', '--help']]) {
      const modules = loadedBy(args)
      expect(modules.some((m) => m.endsWith('/commander/index.js'))).toBe(true)
      for (const what of Object.keys(HEAVY) as (keyof typeof HEAVY)[])
        expect(loads(modules, what), `${args.join(' ')} loaded ${what}`).toBe(false)
    }
  })

  it('a report export loads ajv to validate, but not systeminformation, the addon or the UI server', () => {
    const file = path.join(__dirname, '..', 'fixtures', 'reports', 'machine-a.json')
    const modules = loadedBy(['report', file, '--md', path.join(tempDir(), 'r.md')])
    expect(loads(modules, 'ajv')).toBe(true)
    expect(loads(modules, 'systeminformation')).toBe(false)
    expect(loads(modules, 'the native addon')).toBe(false)
    expect(loads(modules, 'the UI server (ws)')).toBe(false)
  })

  it('an agent loads the addon and systeminformation, but not ajv, the UI server or table drawing', async () => {
    const out = path.join(tempDir(), 'loaded.json')
    const agent = spawn(process.execPath, ['-r', HOOK, ZCPROF_BIN, 'agent', '--listen', '127.0.0.1:0', '--announce'], {
      env: { ...process.env, LOADED_MODULES_OUT: out },
      stdio: ['pipe', 'pipe', 'inherit']
    })
    await new Promise((resolve) => agent.stdout.once('data', resolve))
    const exited = new Promise((resolve) => agent.once('exit', resolve))
    agent.kill('SIGTERM')
    await exited
    const modules = JSON.parse(readFileSync(out, 'utf8')) as string[]
    expect(loads(modules, 'the native addon')).toBe(true)
    expect(loads(modules, 'systeminformation')).toBe(true)
    expect(loads(modules, 'ajv')).toBe(false)
    expect(loads(modules, 'the UI server (ws)')).toBe(false)
    expect(loads(modules, 'table drawing (text-table)')).toBe(false)
  })
})
