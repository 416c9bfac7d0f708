// No function in src over 120 lines (issue 27 item 6), a lint rule
// (eslint.config.mjs): a planted long function must fail it, and each named
// exception must still be over the limit, so a stale one is caught, while no
// other function of an excepted file hides behind it.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const root = path.join(__dirname, '../..')

interface Exception {
  file: string
  name: string
  why: string
}

async function config(): Promise<{ exceptions: Exception[]; limit: object }> {
  const m = (await import(path.join(root, 'eslint.config.mjs'))) as {
    FUNCTION_LENGTH_EXCEPTIONS: Exception[]
    MAX_FUNCTION_LINES: object
  }
  return { exceptions: m.FUNCTION_LENGTH_EXCEPTIONS, limit: m.MAX_FUNCTION_LINES }
}

/** max-lines-per-function's messages for `code` linted as `file` */
async function tooLong(file: string, code: string, forced?: object): Promise<string[]> {
  const eslint = new ESLint({
    cwd: root,
    // forced: the rule switched back on after the config's exceptions
    overrideConfig: forced ? [{ files: ['**/*'], rules: { 'max-lines-per-function': ['error', forced] } }] : []
  })
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) })
  return result.messages.filter((m) => m.ruleId === 'max-lines-per-function').map((m) => m.message)
}

/** a function of `n` statement lines plus its two braces */
function planted(n: number): string {
  const body = Array.from({ length: n }, (_, i) => `  total += ${i}`).join('\n')
  return `export function planted(): number {\n  let total = 0\n${body}\n  return total\n}\n`
}

describe('function length, enforced by lint', () => {
  it('a 130-line function in src/shared fails', async () => {
    const found = await tooLong('src/shared/planted.ts', planted(126))
    expect(found).toHaveLength(1)
    expect(found[0]).toMatch(/'planted' has too many lines \(130\)\. Maximum allowed is 120/)
  })

  it('a 120-line function passes, and blank lines and comments do not count', async () => {
    expect(await tooLong('src/shared/planted.ts', planted(116))).toEqual([])
    const padded = planted(116).replace(/\n {2}total \+= 5\n/, '\n  total += 5\n\n  // why\n\n')
    expect(await tooLong('src/shared/planted.ts', padded)).toEqual([])
  })

  it('every exception names its reason and a file the config exists for', async () => {
    const { exceptions } = await config()
    for (const e of exceptions) {
      expect(e.why.length, `${e.file} ${e.name}: say why`).toBeGreaterThan(0)
      expect(() => readFileSync(path.join(root, e.file)), e.file).not.toThrow()
    }
  })

  it('each excepted function is still over the limit, and no other in its file is', async () => {
    const { exceptions, limit } = await config()
    for (const file of new Set(exceptions.map((e) => e.file))) {
      const code = readFileSync(path.join(root, file), 'utf8')
      const over = (await tooLong(file, code, limit)).map((m) => /'([^']+)' has too many lines/.exec(m)?.[1])
      const named = exceptions.filter((e) => e.file === file).map((e) => e.name)
      expect(over.sort(), `${file}: remove from FUNCTION_LENGTH_EXCEPTIONS what is split`).toEqual(named.sort())
    }
  })
})
