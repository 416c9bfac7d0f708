// Where a run's unix data sockets live: a private directory, not a name another user
// can guess and take first (issue 25 item 6). Runs the built local agent (out/main/cli.js).

import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { Receivers } from '../../src/main/engine/receivers'
import { parseTarget } from '../../src/shared/targets'

// the name a run used before: what a squatter would pre-create
const oldName = (index: number) => `${os.tmpdir()}/zcprof-${process.pid}-${index}.sock`
const squatted: string[] = []
afterAll(() => {
  for (const p of squatted) rmSync(p, { recursive: true, force: true })
})

describe('unix:// data sockets', () => {
  it('are made in a fresh 0700 directory of this user, whatever sits at the old predictable name, and it goes at close', async () => {
    // another user's squat: a directory at the predictable name makes bind() fail there
    mkdirSync(oldName(0), { recursive: true })
    squatted.push(oldName(0))
    const receivers = new Receivers()
    const target = parseTarget('unix://')
    const receiver = await receivers.for(target)
    const trial = await receiver.prepareTrial({
      target,
      index: 0,
      streams: 2,
      mode: 'read',
      bufferBytes: 65536,
      checksum: false,
      pmu: 'off',
      cpus: null,
      uringDepth: 32
    })
    const paths = trial.addresses.map((a) => (a as { path: string }).path)
    const dir = path.dirname(paths[0])
    expect(path.dirname(paths[1])).toBe(dir)
    expect(paths).not.toContain(oldName(0))
    const st = statSync(dir)
    expect(st.isDirectory()).toBe(true)
    expect(st.mode & 0o777).toBe(0o700)
    expect(st.uid).toBe(process.getuid!())
    for (const p of paths) expect(statSync(p).isSocket()).toBe(true)
    trial.cancel()
    await trial.result(5000).catch(() => null)
    await receivers.close()
    expect(existsSync(dir)).toBe(false)
  })
})
