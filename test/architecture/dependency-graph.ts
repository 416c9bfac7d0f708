// The project's dependency graphs, read from the sources with no help from the code
// they describe: TypeScript's static imports between files, and which C file calls a
// function another defines.

import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'

export type Graph = Map<string, Set<string>>

function filesUnder(dir: string, ext: RegExp): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name)
    if (name === 'node_modules' || name === 'build') continue
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, ext))
    else if (ext.test(name)) out.push(p)
  }
  return out
}

/** static imports and re-exports (type-only ones too: they tangle layers as much) */
export function tsImportGraph(root: string): Graph {
  const files = filesUnder(root, /\.tsx?$/).filter((f) => !f.endsWith('.d.ts'))
  const known = new Set(files)
  const resolve = (from: string, spec: string): string | null => {
    if (!spec.startsWith('.')) return null
    const base = path.resolve(path.dirname(from), spec)
    for (const c of [base, `${base}.ts`, `${base}.tsx`, path.join(base, 'index.ts'), path.join(base, 'index.tsx')])
      if (known.has(c)) return c
    return null
  }
  const g: Graph = new Map()
  for (const f of files) {
    const text = readFileSync(f, 'utf8')
    const deps = new Set<string>()
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gms)) {
      const to = resolve(f, m[1])
      if (to) deps.add(to)
    }
    for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) {
      const to = resolve(f, m[1])
      if (to) deps.add(to)
    }
    g.set(f, deps)
  }
  return g
}

/** file A depends on file B when A calls a non-static function B defines */
export function cCallGraph(dir: string): Graph {
  const files = filesUnder(dir, /\.c$/)
  const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8')]))
  const definedIn = new Map<string, string>()
  for (const [f, t] of text)
    for (const m of t.matchAll(/^(?!static\b)[a-z_][\w\s*]*?\b(zc_\w+)\s*\([^;{]*\)\s*\{/gm)) definedIn.set(m[1], f)
  const g: Graph = new Map()
  for (const [f, t] of text) {
    const deps = new Set<string>()
    for (const m of t.matchAll(/\b(zc_\w+)\s*\(/g)) {
      const home = definedIn.get(m[1])
      if (home && home !== f) deps.add(home)
    }
    g.set(f, deps)
  }
  return g
}

/** strongly connected components of more than one file: each is a cycle */
export function cycles(g: Graph): string[][] {
  let index = 0
  const idx = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const on = new Set<string>()
  const out: string[][] = []
  const visit = (v: string) => {
    idx.set(v, index)
    low.set(v, index++)
    stack.push(v)
    on.add(v)
    for (const w of g.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w)
        low.set(v, Math.min(low.get(v)!, low.get(w)!))
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!))
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = []
      let w: string
      do {
        w = stack.pop()!
        on.delete(w)
        scc.push(w)
      } while (w !== v)
      if (scc.length > 1) out.push(scc.sort())
    }
  }
  for (const v of g.keys()) if (!idx.has(v)) visit(v)
  return out
}
