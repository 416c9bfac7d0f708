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
    const skipped: string[] = []
    for (const m of modules)
      for (const t of m.children.allTests('skipped')) {
        const suite = t.parent.type === 'suite' ? t.parent.name : ''
        const why = t.result().state === 'skipped' ? (t.result() as { note?: string }).note : undefined
        skipped.push(
          `  ${m.moduleId.replace(process.cwd() + '/', '')} > ${t.fullName}: ${why ?? reasons.get(suite) ?? 'no reason given'}`
        )
      }
    if (skipped.length) process.stdout.write(`\nSkipped ${skipped.length} test(s):\n${skipped.join('\n')}\n`)
  }
}
