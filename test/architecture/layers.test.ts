// The layers inside src/main and src/shared are lint rules (eslint.config.mjs): a
// planted upward import must fail them, a downward one must pass, and the table of
// layers must name every folder of src/main, so a new folder cannot slip past it.

import { readdirSync } from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = path.join(__dirname, '../..')

async function problems(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root })
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`)
}

describe('layers, enforced by lint', () => {
  it.each([
    ['src/main/host/planted.ts', "import { runPlan } from '../engine/run'"],
    ['src/main/storage/planted.ts', "import { ReportLibrary } from '../reports/report-library'"],
    ['src/main/engine/planted.ts', "import { loadReportFile } from '../reports/report-loader'"],
    ['src/main/agent/planted.ts', "import { runPlan } from '../engine/run'"],
    ['src/main/reports/planted.ts', "import { EngineApi } from '../api/engine-api'"],
    ['src/main/api/planted.ts', "import { runCommand } from '../cli/run-command'"],
    ['src/main/cli/planted.ts', "import { main } from '../cli'"],
    ['src/main/web/planted.ts', "import { registerIpc } from '../ipc/register-ipc'"],
    ['src/main/settings.ts', "import { runCommand } from './cli/run-command'"],
    ['src/shared/planted.ts', "import { reportHtml } from './export/html'"]
  ])('%s: an upward import (%s) fails', async (file, code) => {
    const found = await problems(file, `${code}\nexport const x = 1\n`)
    expect(
      found.some((p) => p.startsWith('no-restricted-imports') && /sits (below|above)/.test(p)),
      found.join('\n')
    ).toBe(true)
  })

  it.each([
    ['src/main/engine/planted.ts', "import { cpuClockHz } from '../host/clock'"],
    ['src/main/reports/planted.ts', "import { runPlan } from '../engine/run'"],
    ['src/main/cli/planted.ts', "import { EngineApi } from '../api/engine-api'"],
    ['src/main/engine/planted.ts', "import { zcprofReport } from '../model/report-build'"],
    ['src/shared/export/planted.ts', "import { reportTitle } from '../report-title'"]
  ])('%s: a downward import (%s) passes', async (file, code) => {
    expect(await problems(file, `${code}\nexport const x = 1\n`)).toEqual([])
  })

  it('every folder of src/main is in the table of layers', async () => {
    const { MAIN_LAYERS } = (await import(path.join(root, 'eslint.config.mjs'))) as {
      MAIN_LAYERS: { dirs: string[]; modules: string[] }[]
    }
    const named = new Set(MAIN_LAYERS.flatMap((l) => [...l.dirs, ...l.modules]))
    const folders = readdirSync(path.join(root, 'src/main'), { withFileTypes: true })
    for (const f of folders) {
      const name = f.isDirectory() ? f.name : f.name.replace(/\.ts$/, '')
      expect(named.has(name), `src/main/${f.name} is in no layer of eslint.config.mjs`).toBe(true)
    }
  })
})
