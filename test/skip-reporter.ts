// Prints every skipped test at the end of a run, with the reason its file gave
// (test/skips.ts); a skip without one is listed as such, so no skip is silent.

import { existsSync, readFileSync, rmSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

export default class SkipReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const log = process.env.ZCPROF_SKIP_LOG
    const reasons = new Map<string, string>()
    if (log && existsSync(log)) {
      for (const line of readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
        const r = JSON.parse(line) as { what: string; why: string }
        reasons.set(r.what, r.why)
      }
      rmSync(log, { force: true })
    }
    // grouped by reason, so "11 tests: no Chromium (install it so)" reads as one thing to fix
    const byReason = new Map<string, string[]>()
    for (const m of modules)
      for (const t of m.children.allTests('skipped')) {
        const suite = t.parent.type === 'suite' ? t.parent.name : ''
        const why = t.result().state === 'skipped' ? (t.result() as { note?: string }).note : undefined
        const reason = why ?? reasons.get(suite) ?? 'no reason given'
        const file = m.moduleId.replace(process.cwd() + '/', '')
        byReason.set(reason, [...(byReason.get(reason) ?? []), `${file} > ${t.fullName}`])
      }
    // tests left out by a name filter (-t) carry no reason: one count, not the banner
    const unexplained = byReason.get('no reason given') ?? []
    byReason.delete('no reason given')
    const total = [...byReason.values()].reduce((n, ts) => n + ts.length, 0)
    const colour = process.stdout.isTTY && !process.env.NO_COLOR
    const loud = (text: string) => (colour ? `\x1b[1;33m${text}\x1b[0m` : text)
    const lines = ['']
    if (total)
      lines.push(
        loud(`!! ${total} test(s) SKIPPED: what they check was not tested on this machine`),
        ...[...byReason.entries()].flatMap(([reason, tests]) => [
          loud(`   ${tests.length} because ${reason}`),
          ...tests.map((t) => `     - ${t}`)
        ]),
        loud('   Fix what each reason names and run the tests again to cover them.')
      )
    if (unexplained.length)
      lines.push(`${unexplained.length} test(s) not run and given no reason (left out by a filter, or skipped in code)`)
    if (lines.length === 1) return
    lines.push('')
    process.stdout.write(lines.join('\n'))
  }
}
