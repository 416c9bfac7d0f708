// The library's search, filters and sort, on a fixed set of entries.

import { describe, expect, it } from 'vitest'
import { ALL_ENTRIES, libraryFacets, queryLibrary, type LibraryEntry } from '../../src/shared/library'

function entry(id: string, e: Partial<LibraryEntry>): LibraryEntry {
  return {
    id,
    title: id,
    tags: [],
    host: 'h',
    timestamp: '2026-01-01T00:00:00Z',
    tool: 'zcprof 0.3.0',
    foreign: false,
    methods: ['copy'],
    headline: '',
    bytes: 1,
    schemaVersion: 3,
    problem: null,
    incomplete: false,
    revision: 'r',
    ...e
  }
}

const entries = [
  entry('a.json', {
    title: 'baseline',
    host: 'lab-a',
    tags: ['kernel-6.18'],
    timestamp: '2026-11-01T10:00:00Z',
    methods: ['copy', 'sendfile']
  }),
  entry('b.json', {
    title: 'new kernel',
    host: 'lab-b',
    tags: ['kernel-6.19', 'candidate'],
    timestamp: '2026-11-03T10:00:00Z',
    methods: ['copy', 'splice']
  }),
  entry('c.json', {
    title: 'noisy box',
    host: 'lab-c',
    tags: [],
    timestamp: '2026-11-02T10:00:00Z',
    headline: 'sendfile −35% system CPU/bit',
    methods: ['sendfile']
  }),
  entry('broken.json', {
    title: 'broken.json',
    host: '',
    methods: [],
    timestamp: '',
    problem: { code: 'ZC_REPORT_JSON', message: 'not JSON' }
  })
]
const ids = (q: Partial<typeof ALL_ENTRIES>) => queryLibrary(entries, { ...ALL_ENTRIES, ...q }).map((e) => e.id)

describe('queryLibrary', () => {
  it.each([
    ['everything, newest first, the unreadable file last', {}, ['b.json', 'c.json', 'a.json', 'broken.json']],
    ['oldest first', { sort: 'oldest' }, ['a.json', 'c.json', 'b.json', 'broken.json']],
    ['by title', { sort: 'title' }, ['a.json', 'b.json', 'c.json', 'broken.json']],
    ['search matches the title, any case', { text: 'New KERNEL' }, ['b.json']],
    [
      'search matches tags, hosts, methods and the headline, every word',
      { text: 'sendfile lab' },
      ['c.json', 'a.json']
    ],
    ['search matches a damaged file by its name', { text: 'broken' }, ['broken.json']],
    ['a tag', { tag: 'kernel-6.18' }, ['a.json']],
    ['a host', { host: 'lab-b' }, ['b.json']],
    ['a method', { method: 'sendfile' }, ['c.json', 'a.json']],
    ['filters combine', { method: 'copy', text: 'candidate' }, ['b.json']],
    ['nothing matches', { tag: 'candidate', host: 'lab-a' }, []]
  ] as [string, Partial<typeof ALL_ENTRIES>, string[]][])('%s', (_what, q, expected) => {
    expect(ids(q)).toEqual(expected)
  })

  it('offers each tag, host and method once, sorted', () => {
    expect(libraryFacets(entries)).toEqual({
      tags: ['candidate', 'kernel-6.18', 'kernel-6.19'],
      hosts: ['lab-a', 'lab-b', 'lab-c'],
      methods: ['copy', 'sendfile', 'splice']
    })
  })
})
