// `zcprof ui` as a person starts it (the built bundle): the token never reaches a
// process argument, each printed or opened link is a one-time code, SIGUSR2 prints a
// new one, and listening beyond loopback needs --allow-host and says it is not encrypted.

import { spawn, type ChildProcess } from 'node:child_process'
import http from 'node:http'
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runZcprof, tempDir, ZCPROF_BIN } from '../helpers'

const running: ChildProcess[] = []
afterEach(() => {
  for (const p of running.splice(0)) p.kill('SIGTERM')
})

/** `zcprof ui ARGS` in the background; lines(n) resolves with its first n stdout lines */
function ui(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [ZCPROF_BIN, 'ui', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CACHE_HOME: tempDir(), XDG_DATA_HOME: tempDir(), ...env }
  })
  running.push(child)
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()))
  const until = async (ok: () => boolean, what: string) => {
    for (let i = 0; i < 300 && !ok(); i++) await new Promise((r) => setTimeout(r, 20))
    if (!ok()) throw new Error(`zcprof ui never printed ${what}; stdout: ${out}; stderr: ${err}`)
  }
  const links = () => [...out.matchAll(/^zcprof ui: (\S+)$/gm)].map((m) => m[1])
  return {
    child,
    stderr: () => err,
    links: async (n: number) => (await until(() => links().length >= n, `${n} link(s)`), links())
  }
}

/** swaps a link's code for the cookie the way a browser does; null when refused */
async function exchange(link: string): Promise<string | null> {
  const r = await fetch(link, { redirect: 'manual' })
  if (r.status !== 303) return null
  return /=([^;]+)/.exec(r.headers.get('set-cookie') ?? '')![1]
}

describe('zcprof ui --open', () => {
  it('the opener’s arguments hold a one-time code, not the token; the printed link is another code', async () => {
    // a stand-in for xdg-open that records its own command line as ps would show it
    const bin = tempDir()
    const seen = path.join(bin, 'argv')
    writeFileSync(
      path.join(bin, 'xdg-open'),
      `#!/bin/sh\ntr '\\000' ' ' < /proc/$$/cmdline > '${seen}.tmp' && mv '${seen}.tmp' '${seen}'\n`
    )
    chmodSync(path.join(bin, 'xdg-open'), 0o755)
    const u = ui(['--open'], { PATH: `${bin}:${process.env.PATH}` })
    const [printed] = await u.links(1)
    for (let i = 0; i < 250 && !existsSync(seen); i++) await new Promise((r) => setTimeout(r, 20))
    const argv = readFileSync(seen, 'utf8')
    const opened = /http:\/\/\S+/.exec(argv)![0]
    expect(opened).toMatch(/\/\?code=/)
    expect(opened).not.toBe(printed)
    const token = await exchange(opened)
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/)
    expect(argv).not.toContain(token!)
    expect(printed).not.toContain(token!)
    expect(readFileSync(`/proc/${u.child.pid}/cmdline`, 'utf8')).not.toContain(token!)
    // each code opens once
    expect(await exchange(opened)).toBeNull()
    expect(await exchange(printed)).toBe(token)
  })

  it('SIGUSR2 prints a fresh link that works once', async () => {
    const u = ui([])
    const [first] = await u.links(1)
    expect(await exchange(first)).not.toBeNull()
    u.child.kill('SIGUSR2')
    const [, second] = await u.links(2)
    expect(second).not.toBe(first)
    expect(await exchange(second)).not.toBeNull()
    expect(await exchange(second)).toBeNull()
  })
})

describe('zcprof ui beyond loopback', () => {
  it('without --allow-host is refused, naming the flag', () => {
    const r = runZcprof(['ui', '--listen', '0.0.0.0:0'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/beyond this host.*--allow-host/)
  })
  it('with --allow-host serves, and says plainly the traffic is not encrypted', async () => {
    const u = ui(['--listen', '0.0.0.0:0', '--allow-host', 'zcprof-test.example,other.example'])
    const [link] = await u.links(1)
    expect(link).toMatch(/^http:\/\/zcprof-test\.example:\d+\/\?code=/)
    expect(u.stderr()).toMatch(/NOT encrypted/)
    // the allowed names work (over loopback, with the Host a browser there would send); others get 421
    const port = Number(new URL(link).port)
    const status = (host: string, target = '/') =>
      new Promise<number>((resolve, reject) =>
        http
          .get({ host: '127.0.0.1', port, path: target, headers: { Host: host } }, (res) => {
            res.resume()
            resolve(res.statusCode ?? 0)
          })
          .on('error', reject)
      )
    expect(await status(`other.example:${port}`, `/${new URL(link).search}`)).toBe(303)
    expect(await status(`elsewhere.example:${port}`)).toBe(421)
  })
})
