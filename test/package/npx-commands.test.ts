// Issue 26 item 2: a bare `npx zcprof` runs this package only inside its checkout; on
// any other host npx asks the public registry, where a different package could answer
// to that name. So the commands we show must name this package wherever they may run
// off the checkout. The rule, for a bare npx (npx or `npm exec`/`npm x` with no
// --package/-p naming the tarball):
// - README.md and docs/*.md: never for `agent` (an agent runs on a receiving host),
//   never with a remote target (agent:// or raw://, a second host), and never under
//   the Install or Remote hosts headings (commands for servers and other hosts);
//   `npx zcprof run` in the checkout (Develop, the run sample) stays.
// - the CLI (src/main and the built out/main bundle): never at all, since the CLI
//   cannot tell whether it runs in a checkout and its hints are read on any host.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from '../package-install'

/** npx / npm exec / npm x, its options, then the zcprof command */
const NPX = /\b(?:npx|npm\s+(?:exec|x))((?:\s+-{1,2}[\w-]+(?:[=\s]\S+)?)*?)\s+zcprof(?![\w.-])(?:@\S*)?(\s+\S+)?/g

interface NpxUse {
  bare: boolean
  subcommand: string
}

function npxUses(text: string): NpxUse[] {
  return [...text.matchAll(NPX)].map((m) => ({
    // --package/-p names what npx installs, so the tarball (or a path) decides, not the registry
    bare: !/(^|\s)(--package|-p)([=\s]|$)/.test(m[1]),
    subcommand: (m[2] ?? '').trim()
  }))
}

const REMOTE_HEADINGS = /^#+\s+(Install|Remote hosts)\b/
const REMOTE_TARGET = /\b(agent|raw):\/\//

/** the lines of a Markdown file that break the rule, as `file:line: text` */
function markdownViolations(file: string, text: string): string[] {
  const found: string[] = []
  let remoteSection = false
  text.split('\n').forEach((line, i) => {
    if (/^#+\s/.test(line)) remoteSection = REMOTE_HEADINGS.test(line)
    const bad = npxUses(line).some(
      (u) => u.bare && (u.subcommand === 'agent' || remoteSection || REMOTE_TARGET.test(line))
    )
    if (bad) found.push(`${file}:${i + 1}: ${line.trim()}`)
  })
  return found
}

function filesUnder(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && ext.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
}

describe('the rule itself', () => {
  // a fixed table of lines and verdicts, so the detector is checked apart from the docs
  const cases: [string, boolean][] = [
    ['npx zcprof agent --listen 0.0.0.0:7733', true],
    ['$ npx -y zcprof agent', true],
    ['npm exec -- zcprof agent', true],
    ['npx zcprof@latest agent', true],
    ['ZCPROF_TOKEN=x npx zcprof run --target agent://192.0.2.10:7733', true],
    ['npx zcprof run --target raw://192.0.2.10:9', true],
    ['npx --package ./zcprof-0.4.0.tgz zcprof agent …', false],
    ['npx -p ./zcprof-0.4.0.tgz zcprof run --target agent://h:7733', false],
    ['zcprof agent --listen 0.0.0.0:7733', false],
    ['npm install && npx zcprof run', false],
    ['npx zcprof-other agent', false]
  ]
  it.each(cases)('%s → flagged: %s', (line, flagged) => {
    expect(markdownViolations('x.md', line).length > 0).toBe(flagged)
  })

  it('flags any bare npx zcprof under the Install and Remote hosts headings only', () => {
    const md = '## Develop\nnpx zcprof run\n## Remote hosts\nnpx zcprof run\n## Install\nnpx zcprof report r.json\n'
    expect(markdownViolations('x.md', md)).toEqual(['x.md:4: npx zcprof run', 'x.md:6: npx zcprof report r.json'])
  })
})

describe('commands shown to users run this package, not whatever the registry has', () => {
  it('README.md and docs/*.md show no bare npx zcprof where it may run off the checkout', () => {
    const files = [path.join(repoRoot, 'README.md'), ...filesUnder(path.join(repoRoot, 'docs'), /\.md$/)]
    const found = files.flatMap((f) => markdownViolations(path.relative(repoRoot, f), readFileSync(f, 'utf8')))
    expect(found, 'name the tarball (npx --package ./zcprof-X.tgz zcprof …) or the global install (zcprof …)').toEqual(
      []
    )
  })

  it('the README still shows both ways to run it on another host', () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
    expect(readme).toMatch(/npm install -g \.\/zcprof-[\d.]+\.tgz/)
    expect(readme).toMatch(/npx --package \.\/zcprof-[\d.]+\.tgz zcprof agent/)
  })

  it('the CLI, in source and as built, never tells anyone to run npx zcprof', () => {
    const out = path.join(repoRoot, 'out', 'main')
    expect(existsSync(path.join(out, 'cli.js')), `${out}/cli.js is missing: run npx electron-vite build`).toBe(true)
    const files = [...filesUnder(path.join(repoRoot, 'src', 'main'), /\.ts$/), ...filesUnder(out, /\.js$/)]
    const found = files.filter((f) => npxUses(readFileSync(f, 'utf8')).some((u) => u.bare))
    expect(
      found.map((f) => path.relative(repoRoot, f)),
      'a hint says `zcprof …` (installed), not `npx zcprof`'
    ).toEqual([])
  })
})
