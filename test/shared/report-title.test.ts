// Default titles tell runs apart: what ran, where, how long, host and minute (a fixed table).

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { reportTitle } from '../../src/shared/report-title'
import type { Plan, Report } from '../../src/shared/report'

const base = loadReportFile(path.join(__dirname, '..', 'fixtures', 'reports', 'real-loopback-v2.json')).report
function titled(plan: Partial<Plan>, title: string | null = null): string {
  const r: Report = structuredClone(base)
  r.meta.title = title
  r.start.environment.sender.hostname = 'lab-a'
  r.start.timestamp = '2026-11-27T17:32:05.000Z'
  r.start.plan = { ...r.start.plan, ...plan }
  return reportTitle(r)
}
const every = [
  'copy',
  'mmap',
  'sendfile',
  'splice',
  'msg-zerocopy',
  'uring-send',
  'uring-splice',
  'uring-send-zc',
  'node-stream'
] as Plan['methods']

describe('reportTitle', () => {
  it.each([
    [
      { methods: every, targets: ['tcp://127.0.0.1'], durationMs: 2000, trialBytes: null },
      'every method → tcp://127.0.0.1 · 2.0 s trials · lab-a · 2026-11-27 17:32'
    ],
    [
      { methods: ['copy', 'sendfile'], targets: ['unix://'], durationMs: null, trialBytes: 4 * 2 ** 30 },
      'copy, sendfile → unix:// · 4GiB trials · lab-a · 2026-11-27 17:32'
    ],
    [
      {
        methods: ['splice'],
        targets: ['agent://10.0.0.2:7733'],
        durationMs: null,
        trialBytes: null,
        file: null,
        fileBytes: [16 << 20]
      },
      'splice → agent://10.0.0.2:7733 · 16MiB once · lab-a · 2026-11-27 17:32'
    ],
    [
      { methods: ['copy'], targets: ['tcp://127.0.0.1'], durationMs: null, trialBytes: null, file: '/data/x.bin' },
      'copy → tcp://127.0.0.1 · one pass over a file · lab-a · 2026-11-27 17:32'
    ]
  ] as [Partial<Plan>, string][])('%j', (plan, expected) => {
    expect(titled(plan)).toBe(expected)
  })

  it('a title given is the title', () => {
    expect(titled({}, 'kernel 6.19 on lab-b')).toBe('kernel 6.19 on lab-b')
  })
})
