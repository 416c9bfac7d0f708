// The line `zcprof run` prints above its progress bar after each round: every method's
// headline half-width so far, marked where it is within the precision, in the terminal's width.

import { describe, expect, it } from 'vitest'
import { roundLine } from '../../src/main/cli/run-command'
import type { RoundRow } from '../../src/shared/events'

const row = (method: RoundRow['method'], halfWidth: number | null, n = 6): RoundRow => ({
  method,
  receiverMode: 'read',
  target: 'tcp://127.0.0.1',
  fileBytes: 1,
  chunkBytes: 1,
  n,
  halfWidth,
  status: method === 'copy' ? 'baseline' : 'finding',
  headline: null,
  active: true
})

describe('the round line', () => {
  const e = {
    type: 'round-end' as const,
    round: 6,
    stop: null,
    leftMs: 1000,
    rows: [row('copy', null), row('sendfile', 0.032), row('splice', 0.061), row('mmap', null, 1)]
  }
  it('gives each method its half-width, ✓ where it is within the precision, copy left out', () => {
    expect(roundLine(e, 0.05, 80)).toBe('round 6: sendfile ±3.2✓ splice ±6.1 mmap n=1')
  })
  it('fits the terminal', () => {
    const line = roundLine(e, 0.05, 24)
    expect(line).toBe('round 6: sendfile ±3.2✓…')
    expect(line.length).toBeLessThanOrEqual(24)
  })
})

describe('the round line with several receiver modes', () => {
  it('names each row by its pair, so sendfile with read and with splice are told apart', () => {
    const rows: RoundRow[] = [
      { ...row('copy', null), receiverMode: 'read' },
      { ...row('sendfile', 0.03), receiverMode: 'read' },
      { ...row('copy', null), receiverMode: 'splice' },
      { ...row('sendfile', 0.2), receiverMode: 'splice' }
    ]
    const line = roundLine({ type: 'round-end', round: 4, rows, stop: null, leftMs: 0 }, 0.05, 200)
    expect(line).toBe('round 4: sendfile → read ±3.0✓ sendfile → splice ±20')
  })
})
