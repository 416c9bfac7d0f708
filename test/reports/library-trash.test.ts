// The library's trash as listed: last removed first, whatever order the folder gives.

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { listTrash } from '../../src/main/reports/library-trash'
import { tempDir } from '../helpers'

describe('listTrash', () => {
  it('lists the last removed first, each with the time its name records', () => {
    const folder = tempDir()
    mkdirSync(path.join(folder, '.trash'))
    // made in an order that is neither the answer nor its reverse, with ids whose
    // alphabetical order is neither either, so only the removal time can sort them
    for (const name of ['1750000000000-z.json', '1800000000000-m.json', '1700000000000-a.json'])
      writeFileSync(path.join(folder, '.trash', name), '{}')
    // the times, worked out apart from zcprof (UTC)
    expect(listTrash(folder)).toEqual([
      { trashId: '1800000000000-m.json', id: 'm.json', title: 'm.json', deletedAt: '2027-01-15T08:00:00.000Z' },
      { trashId: '1750000000000-z.json', id: 'z.json', title: 'z.json', deletedAt: '2025-06-15T15:06:40.000Z' },
      { trashId: '1700000000000-a.json', id: 'a.json', title: 'a.json', deletedAt: '2023-11-14T22:13:20.000Z' }
    ])
  })
})
