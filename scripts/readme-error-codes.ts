// Writes the README's troubleshooting table from src/shared/error-codes.ts
// (test/shared/error-codes.test.ts fails when the two differ): `npx tsx scripts/readme-error-codes.ts`.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { errorCodesMarkdown } from '../src/shared/error-codes'

const readmePath = path.resolve(__dirname, '..', 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const marked = /(<!-- error-codes:start -->\n)[\s\S]*?(\n<!-- error-codes:end -->)/
if (!marked.test(readme)) {
  console.error(`${readmePath}: no <!-- error-codes:start --> … <!-- error-codes:end --> section to fill`)
  process.exit(1)
}
writeFileSync(
  readmePath,
  readme.replace(marked, (_m, a: string, b: string) => `${a}${errorCodesMarkdown()}${b}`)
)
