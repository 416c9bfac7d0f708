// The journal writer follows a run's events into the library: a failed run keeps the
// trials that finished, a run with none leaves nothing, and a journal that cannot be
// written is a warning while the run goes on and is saved whole at its end.

import { readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { JournalWriter } from '../../src/main/reports/journal-writer'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'
import { ZcprofError } from '../../src/shared/errors'
import type { RunEvent } from '../../src/shared/events'
import { tempDir } from '../helpers'

const real = () => loadReportFile(path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')).report
const start = (): RunEvent => {
  const r = real()
  return { type: 'run-start', plan: r.start.plan, environment: r.start.environment.sender, trials: r.trials.length }
}

describe('JournalWriter', () => {
  it('a run that fails after some trials still becomes an incomplete report of them', async () => {
    const lib = new ReportLibrary(tempDir())
    const w = new JournalWriter(lib)
    expect(w.on(start())).toBeNull()
    const trials = real().trials.slice(0, 3)
    for (const trial of trials) expect(w.on({ type: 'trial-end', trial })).toBeNull()
    const saved = w.on({ type: 'run-failed', error: { code: 'ZC_X', message: 'the agent went away' } })
    expect(saved).toMatchObject({ type: 'report-saved', entry: { incomplete: true } })
    const { report } = lib.open((saved as Extract<RunEvent, { type: 'report-saved' }>).entry.id)
    expect(report.trials).toEqual(trials)
    expect(readdirSync(lib.folder).filter((n) => n.endsWith('.ndjson'))).toEqual([])
  })

  it('a run that fails before any trial leaves nothing behind', () => {
    const lib = new ReportLibrary(tempDir())
    const w = new JournalWriter(lib)
    w.on(start())
    expect(w.on({ type: 'run-failed', error: { code: 'ENOENT', message: 'no file' } })).toBeNull()
    expect(readdirSync(lib.folder).filter((n) => !n.startsWith('.'))).toEqual([])
  })

  it('a journal that cannot be written warns once; the report is still saved at the end', () => {
    const lib = new ReportLibrary(tempDir())
    lib.beginRun = () => {
      throw new ZcprofError({ code: 'ENOSPC', message: 'no space left on device' })
    }
    const w = new JournalWriter(lib)
    const warned = w.on(start())
    expect(warned).toMatchObject({
      type: 'warning',
      warning: { code: 'ENOSPC', message: expect.stringMatching(/not being journaled \(no space left/) }
    })
    const report = real()
    expect(w.on({ type: 'trial-end', trial: report.trials[0] })).toBeNull()
    expect(w.on({ type: 'run-end', report })).toMatchObject({ type: 'report-saved', entry: { incomplete: false } })
  })
})
