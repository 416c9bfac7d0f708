// A run that is still going: begins a run's journal in the library folder given, writes
// TRIALS trials of the fixture report into it, prints "ready FILE", and waits to be killed.
// Used by test/reports/library-attacks.test.ts and journal-live-writer.sh.
// npx tsx test/attacks/hold-journal.ts FOLDER [TRIALS]

import path from 'node:path'
import { ReportLibrary } from '../../src/main/reports/report-library'
import { loadReportFile } from '../../src/main/reports/report-loader'

const [folder, count = '2'] = process.argv.slice(2)
const report = loadReportFile(path.join(__dirname, '../fixtures/reports/real-loopback-v2.json')).report
const journal = new ReportLibrary(folder).beginRun({ ...report, trials: [] })
for (const trial of report.trials.slice(0, Number(count))) journal.trial(trial)
process.stdout.write(`ready ${journal.file}\n`)
setInterval(() => {}, 60_000) // alive until killed: the lock is held as long as this process is
