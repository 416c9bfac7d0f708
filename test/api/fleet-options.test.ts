// fleet(): the API call's arguments checked in main, and the matrix it answers from a
// planted library (fixtures/reports/fleet.ts). A page is not trusted to send what its
// types say: each wrong argument comes back as data, naming what was wrong.

import { chmodSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineApi } from '../../src/main/api/engine-api'
import { checkFleetOptions } from '../../src/main/api/fleet-options'
import { FOUR_NODES, writeFleetRun } from '../fixtures/reports/fleet'
import { tempDir } from '../helpers'

describe('checkFleetOptions', () => {
  it('takes a fleet id, or nothing for the newest', () => {
    expect(checkFleetOptions({ fleet: 'night-7f3a' })).toEqual({ fleet: 'night-7f3a' })
    expect(checkFleetOptions({})).toEqual({ fleet: null })
    expect(checkFleetOptions(undefined)).toEqual({ fleet: null })
    expect(checkFleetOptions({ fleet: null })).toEqual({ fleet: null })
    expect(checkFleetOptions({ fleet: '' })).toEqual({ fleet: null })
  })

  it.each([
    ['a list', ['night'], /the fleet options \["night"\] are not an object/],
    ['text', 'night', /the fleet options 'night' are not an object/],
    ['an option it does not take', { fleet: 'x', method: 'copy' }, /fleet option method is not one fleet takes/],
    ['a number for the id', { fleet: 7 }, /fleet option fleet 7 is not text/],
    ['an id too long', { fleet: 'x'.repeat(254) }, /fleet option fleet is 254 characters long/]
  ])('refuses %s, naming it', (_what, sent, message) => {
    expect(() => checkFleetOptions(sent)).toThrow(message)
  })
})

describe('EngineApi fleet', () => {
  const planted = () => {
    const folder = tempDir()
    chmodSync(folder, 0o755)
    writeFleetRun(folder, { fleetId: 'night-7f3a', nodes: FOUR_NODES, start: Date.UTC(2026, 11, 1) })
    writeFleetRun(folder, { fleetId: 'night-91bc', nodes: FOUR_NODES.slice(0, 3), start: Date.UTC(2026, 11, 2) })
    return new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), libraryFolder: folder })
  }

  it('answers the newest fleet by default, or the one asked for, with every fleet to pick from', async () => {
    const api = planted()
    const newest = await api.fleet({})
    if (!newest.ok) throw new Error(newest.error.message)
    expect(newest.value.fleet.fleetId).toBe('night-91bc')
    expect(newest.value.fleets.map((f) => f.fleetId)).toEqual(['night-91bc', 'night-7f3a'])
    const asked = await api.fleet({ fleet: 'night-7' })
    if (!asked.ok) throw new Error(asked.error.message)
    expect(asked.value.nodes.map((n) => n.name)).toEqual(['n1', 'n2', 'n3', 'n4'])
    expect(asked.value.matrices[0].cells[3][0].cpu!.mean).toBeCloseTo(0.35, 10)
  })

  it('says as data what was wrong: a bad option, an unknown fleet, a library without one', async () => {
    const api = planted()
    expect(await api.fleet({ fleet: 7 } as never)).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_ARGUMENT', message: expect.stringMatching(/fleet 7 is not text/) }
    })
    expect(await api.fleet({ fleet: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'ZC_BAD_ARGUMENT', message: expect.stringMatching(/no fleet run 'nope'/) }
    })
    const empty = new EngineApi({ settingsFile: path.join(tempDir(), 's.json'), libraryFolder: tempDir() })
    expect(await empty.fleet({})).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/holds no fleet run/) }
    })
  })
})
