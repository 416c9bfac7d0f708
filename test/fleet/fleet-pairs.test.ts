// Which pairs a fleet runs: all, to one sink, or a list, each against a fixed table of
// the ordered pairs (sender → receiver) it must give, in its order.

import { describe, expect, it } from 'vitest'
import { buildPairs, parsePairsFile, type MatrixSpec } from '../../src/main/fleet/fleet-pairs'
import type { FleetNode } from '../../src/main/fleet/fleet-node'
import { refusal } from '../helpers'

const node = (name: string): FleetNode => ({ name, host: `10.0.0.${name.charCodeAt(0)}`, port: 7733, pool: null })
const NODES = ['a', 'b', 'c', 'd'].map(node)
const names = (spec: MatrixSpec, nodes = NODES) =>
  buildPairs(nodes, spec).map((p) => `${p.sender.name}>${p.receiver.name}`)

describe('fleet matrix', () => {
  it('all: every node to every other, 4 × 3 ordered pairs, none to itself', () => {
    expect(names({ kind: 'all' })).toEqual([
      'a>b',
      'a>c',
      'a>d',
      'b>a',
      'b>c',
      'b>d',
      'c>a',
      'c>b',
      'c>d',
      'd>a',
      'd>b',
      'd>c'
    ])
    expect(names({ kind: 'all' }, NODES.slice(0, 2))).toEqual(['a>b', 'b>a'])
  })

  it('to: every other node to the sink', () => {
    expect(names({ kind: 'to', sink: 'c' })).toEqual(['a>c', 'b>c', 'd>c'])
    const e = refusal(() => names({ kind: 'to', sink: 'x' }))
    expect(e.toInfo().message).toBe("--to: no node is named 'x'")
    expect(e.hint).toBe('the nodes are: a, b, c, d')
  })

  it('pairs: the list, in its order', () => {
    const text = '# sender receiver\nd a\n\nb -> c  # arrow allowed\na → d\n'
    expect(names({ kind: 'pairs', pairs: parsePairsFile(text, 'p.txt') })).toEqual(['d>a', 'b>c', 'a>d'])
  })

  it.each([
    ['a x', "p.txt:1: no node is named 'x'"],
    ['x a', "p.txt:1: no node is named 'x'"],
    ['a a', "p.txt:1: 'a' to itself is no pair"],
    ['a b\nb a\na b', 'p.txt:3: a → b is listed twice']
  ])('pairs %j is refused: %s', (text, message) => {
    expect(refusal(() => names({ kind: 'pairs', pairs: parsePairsFile(text, 'p.txt') })).toInfo().message).toBe(message)
  })

  it.each([
    ['a b c', 'p.txt:1: 3 names where a pair is 2'],
    ['a\n', 'p.txt:1: 1 name where a pair is 2'],
    ['# nothing\n', 'p.txt lists no pair']
  ])('pairs file %j is refused: %s', (text, message) => {
    expect(refusal(() => parsePairsFile(text, 'p.txt')).toInfo().message).toBe(message)
  })
})
