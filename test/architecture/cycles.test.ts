// No dependency cycles: between TypeScript files (static imports), and between the
// native core's C files (a call into a function another file defines). Layers import
// only downward; inside a layer, files still form a tree that can be read bottom-up.

import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { cCallGraph, cycles, tsImportGraph, type Graph } from './dependency-graph'

const root = path.join(__dirname, '../..')
const named = (cs: string[][]) => cs.map((c) => c.map((f) => path.relative(root, f)).join(' → '))

describe('dependency cycles', () => {
  it('none among the TypeScript sources', () => {
    const g = tsImportGraph(path.join(root, 'src'))
    // read for real: every source file, and the edges a reader would name
    expect(g.size).toBeGreaterThan(80)
    const deps = (from: string) => [...g.get(path.join(root, 'src', from))!].map((f) => path.relative(root, f))
    expect(deps('main/engine/run.ts')).toEqual(
      expect.arrayContaining(['src/main/engine/trial.ts', 'src/shared/report.ts'])
    )
    expect(named(cycles(g))).toEqual([])
  })

  it('none among the native core’s C files', () => {
    const g = cCallGraph(path.join(root, 'src/native'))
    // the graph is read for real: the lifecycle starts both loops, the glue calls the lifecycle
    const deps = (from: string) => [...g.get(path.join(root, 'src/native', from))!].map((f) => path.basename(f))
    expect(deps('zc-transfer.c')).toEqual(expect.arrayContaining(['zc-send.c', 'zc-recv.c']))
    expect(deps('napi-glue.c')).toContain('zc-transfer.c')
    expect(named(cycles(g))).toEqual([])
  })

  it('the cycle finder finds a planted cycle', () => {
    const g: Graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])]
    ])
    expect(cycles(g)).toEqual([['a', 'b', 'c']])
  })
})
