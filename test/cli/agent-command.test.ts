// `zcprof agent` and its token: weak ones refused before anything listens, and one made
// (and shown once) when the agent listens beyond loopback without one.

import { spawn, spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { AgentClient } from '../../src/main/agent/agent-client'
import { ZCPROF_BIN, asyncRefusal } from '../helpers'

/** `zcprof agent ARGS`, stopped after 15 s: an agent that accepted its token would run on */
function agentRun(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [ZCPROF_BIN, 'agent', '--listen', '127.0.0.1:0', ...args], {
    encoding: 'utf8',
    env: { ...process.env, ZCPROF_TOKEN: '', ...env },
    timeout: 15_000
  })
  return { code: r.status, stderr: r.stderr }
}

describe('zcprof agent refuses a weak token', () => {
  it.each([
    ['a blank', ['--token', ' '], {}, /--token contains whitespace or control characters/],
    ['a short one', ['--token', 'hunter2'], {}, /--token is 7 characters; an agent token needs at least 16/],
    ['one with spaces', ['--token', 'correct horse battery'], {}, /--token contains whitespace/],
    ['one with a control character', ['--token', 'abcdefgh\u0007ijklmnopq'], {}, /--token contains .*control/],
    ['a short ZCPROF_TOKEN', [], { ZCPROF_TOKEN: 'guessable' }, /ZCPROF_TOKEN is 9 characters/]
  ])('%s: exit 2, the flag and the fix named, nothing listens', (_what, args, env, text) => {
    const r = agentRun(args, env)
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(text)
    expect(r.stderr).toMatch(/openssl rand -base64 24/)
    expect(r.stderr).not.toMatch(/listening on/)
  })
})

describe('beyond loopback with no token', () => {
  it('makes a strong one, shows it once, and serves only clients that prove it', async () => {
    const child = spawn(process.execPath, [ZCPROF_BIN, 'agent', '--listen', '0.0.0.0:0'], {
      env: { ...process.env, ZCPROF_TOKEN: '' },
      stdio: ['ignore', 'ignore', 'pipe']
    })
    let stderr = ''
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString()
          if (/listening on/.test(stderr)) resolve()
        })
        child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${stderr}`)))
      })
      const port = Number(/listening on 0\.0\.0\.0:(\d+)/.exec(stderr)![1])
      const token = /made one \(shown only now\):\n {2}(\S+)\n/.exec(stderr)![1]
      // 24 random bytes as base64url
      expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/)
      expect(stderr).toMatch(new RegExp(`ZCPROF_TOKEN=${token} zcprof run`))

      const client = await AgentClient.connect({ host: '127.0.0.1', port }, { token })
      expect(client.hello?.proof).toBeDefined()
      client.close()
      const e = await asyncRefusal(AgentClient.connect({ host: '127.0.0.1', port }))
      expect(e).toMatchObject({ code: 'ZC_AUTH', message: expect.stringMatching(/requires a token/) })
      // shown once: no line after the first carries it
      expect(stderr.split(token).length - 1).toBe(2)
    } finally {
      child.kill('SIGTERM')
    }
  })
})
