// Writes the README's glossary from src/shared/glossary.ts (test/shared/glossary.test.ts
// fails when the two differ): `npx tsx scripts/readme-glossary.ts`.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { glossaryMarkdown } from '../src/shared/glossary'

const readmePath = path.resolve(__dirname, '..', 'README.md')
const readme = readFileSync(readmePath, 'utf8')
const marked = /(<!-- glossary:start -->\n)[\s\S]*?(\n<!-- glossary:end -->)/
if (!marked.test(readme)) {
  console.error(`${readmePath}: no <!-- glossary:start --> … <!-- glossary:end --> section to fill`)
  process.exit(1)
}
writeFileSync(readmePath, readme.replace(marked, (_m, a: string, b: string) => `${a}${glossaryMarkdown()}${b}`))
