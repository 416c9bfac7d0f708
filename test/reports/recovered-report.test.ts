// A run whose process dies after its last trial is recovered from its journal: the
// report recovered then must say what the live report said (one finishReport builds
// both): the same trials, aggregates and warnings, failed trials and moved costs
// included, and only "the run did not end" besides.

import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { JournalWriter } from '../../src/main/reports/journal-writer'
import { ReportLibrary } from '../../src/main/reports/report-library'
import type { Warning } from '../../src/shared/report'
import { reportFromJournal } from '../../src/shared/run-journal'
import { randomFile, tempDir } from '../helpers'
import { runOnFake } from '../engine/fake-run'

vi.mock('../../src/native', async (importOriginal) =>
  (await import('../engine/no-addon')).addonThatThrows(await importOriginal<Record<string, unknown>>())
)
afterEach(() => {
  vi.useRealTimers()
})

const GiB = 1024 ** 3
const key = (w: Warning) => `${w.code} ${w.method ?? ''} ${w.message}`

describe('a recovered report equals the live one', () => {
  it('trials, aggregates and warnings (a failed trial, a moved cost) alike', async () => {
    // sendfile's sender pays half copy's, its receiver twice: the whole system pays the same (1.5 ns a byte)
    const { report: live, events } = await runOnFake(
      randomFile(64 * 1024),
      { methods: ['copy', 'sendfile'], trialBytes: GiB, repeat: 6 },
      {
        methods: {
          copy: { bytesPerSec: 1.25e9, senderNsPerByte: 1, receiverNsPerByte: 0.5 },
          sendfile: { bytesPerSec: 1.25e9, senderNsPerByte: 0.5, receiverNsPerByte: 1, jitter: [1, 1.2, 0.8, 1.1, 0.9, 1] }
        },
        faults: { 3: { senderFails: { atShare: 0.5, error: { code: 'ECONNRESET', message: 'reset by peer' } } } }
      }
    )
    vi.useRealTimers()
    // the live report has what the recovered one must not lose
    expect(live.end.warnings.map((w) => w.code)).toEqual(expect.arrayContaining(['ECONNRESET', 'COST_MOVED']))

    // the journal of the same run, its process gone after its last trial, before the end
    const lib = new ReportLibrary(tempDir())
    const writer = new JournalWriter(lib)
    const lastTrial = events.findLastIndex((e) => e.type === 'trial-end')
    for (const e of events.slice(0, lastTrial + 1)) writer.on(e)
    const journal = readdirSync(lib.folder).find((n) => n.endsWith('.ndjson'))!
    expect(journal).toBeDefined()
    const { report: recovered } = reportFromJournal(readFileSync(path.join(lib.folder, journal), 'utf8'), Date.now())

    expect(recovered.trials).toEqual(live.trials)
    expect(recovered.end.aggregates).toEqual(live.end.aggregates)
    const recoveredWarnings = recovered.end.warnings.filter((w) => w.code !== 'RUN_INTERRUPTED')
    expect(recoveredWarnings.map(key).sort()).toEqual(live.end.warnings.map(key).sort())
    expect(recovered.end.warnings.find((w) => w.code === 'ECONNRESET')).toEqual(
      live.end.warnings.find((w) => w.code === 'ECONNRESET')
    )
    expect(recovered.end.incomplete).toBe(true)
  })
})
