// A run being written into the library as it goes: the report at the start, then each
// trial and warning, appended and synced, so a run the process dies in is recovered
// by the next listing (journal-recovery.ts) instead of lost.

import { closeSync, constants, fdatasyncSync, fstatSync, lstatSync, openSync, rmSync, writeSync } from 'node:fs'
import type net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { ZcprofError } from '../../shared/errors'
import type { LibraryEntry } from '../../shared/library'
import type { Report } from '../../shared/report'
import type { JournalLine } from '../../shared/run-journal'
import { ownNetns, takeLock } from './journal-lock'
import { activeJournals, JOURNAL_SUFFIX, type RecoveringLibrary } from './journal-recovery'
import { numberedStem } from './library-ids'

const { O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL, O_APPEND } = constants

/** A run being written into the library: each finished trial is on disk before the next starts. */
export interface RunJournal {
  readonly file: string
  /** appends and syncs; after a write fails (a full disk) it writes nothing more, so the journal stays whole up to there */
  trial(trial: Report['trials'][number]): void
  warning(w: Report['end']['warnings'][number]): void
  /**
   * the run ended: its report replaces the journal. The journal goes only once the
   * report is saved; if the save fails it stays, unlocked, and the next listing makes
   * it the run's one entry (so never two)
   */
  finish(report: Report): LibraryEntry
  /** the run left nothing worth keeping */
  discard(): void
}

/**
 * Starts writing a run into library's folder (made and checked already) as stem's
 * journal, or the next free name's: the report as it stands at the start, then each
 * trial and warning as it comes. If the process dies, the next listing turns the
 * journal into an incomplete report.
 */
export function beginRunJournal(
  library: Pick<RecoveringLibrary, 'folder' | 'saveNew'>,
  stem: string,
  started: Report
): RunJournal {
  const { folder } = library
  let fd = -1
  let file = ''
  let lock: net.Server | null = null
  let unlocked = 0
  for (let i = 1; fd < 0 && i < 10_000; i++) {
    const name = numberedStem(stem, i)
    file = path.join(folder, name + JOURNAL_SUFFIX)
    try {
      lstatSync(path.join(folder, `${name}.json`))
      continue // a report has this name
    } catch {
      // free
    }
    try {
      fd = openSync(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_APPEND, 0o644)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      continue
    }
    // locked before its first line: a listing meanwhile finds it empty and locked, and leaves it
    lock = takeLock(fstatSync(fd))
    if (!lock && process.platform === 'linux') {
      // someone holds this inode's name already: a journal nobody can tell is running is no journal
      closeSync(fd)
      rmSync(file, { force: true })
      fd = -1
      if (++unlocked === 3)
        throw new ZcprofError({
          code: 'ZC_JOURNAL_LOCK',
          message: `cannot lock a journal in ${folder}: another program holds zcprof's lock names`,
          hint: 'the run is saved when it ends; a crash before then would lose it'
        })
    }
  }
  if (fd < 0) throw new ZcprofError({ code: 'ZC_LIBRARY_FULL', message: `no free name for ${stem} in ${folder}` })
  let broken = false
  const append = (line: JournalLine) => {
    if (broken) return
    broken = true // until the whole line is down: what follows a torn line is never written
    const buf = Buffer.from(JSON.stringify(line) + '\n')
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off)
    fdatasyncSync(fd)
    broken = false
  }
  const release = () => {
    try {
      closeSync(fd)
    } catch {
      // every line was synced as it was written
    }
    lock?.close()
    activeJournals.delete(file)
  }
  activeJournals.add(file)
  try {
    append({ kind: 'start', pid: process.pid, host: os.hostname(), netns: ownNetns(), report: started })
  } catch (e) {
    release()
    rmSync(file, { force: true })
    throw e
  }
  const name = path.basename(file).slice(0, -JOURNAL_SUFFIX.length)
  return {
    file,
    trial: (trial) => append({ kind: 'trial', trial }),
    warning: (w) => append({ kind: 'warning', warning: w }),
    finish: (report) => {
      try {
        const entry = library.saveNew(report, name)
        rmSync(file, { force: true })
        return entry
      } finally {
        // unlocked after the journal is gone; or, when the save failed, left for the next listing
        release()
      }
    },
    discard: () => {
      rmSync(file, { force: true })
      release()
    }
  }
}
