// Which ordered pairs of a fleet run: every node to every other (all), every node to
// one sink (to), or a list a person wrote (pairs). A pair is sender → receiver: the
// sender's agent runs the sending side, the receiver's agent receives.

import { ZcprofError } from '../../shared/errors'
import type { FleetNode } from './fleet-node'

export type MatrixSpec = { kind: 'all' } | { kind: 'to'; sink: string } | { kind: 'pairs'; pairs: PairLine[] }

/** one line of a pairs file: two node names, and where it came from for messages */
export interface PairLine {
  sender: string
  receiver: string
  /** "FILE:LINE" */
  where: string
}

export interface FleetPairNodes {
  sender: FleetNode
  receiver: FleetNode
}

/** a pairs file: `SENDER RECEIVER` a line (or `SENDER -> RECEIVER`), # comments */
export function parsePairsFile(text: string, file: string): PairLine[] {
  const out: PairLine[] = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]
      .replace(/#.*/, '')
      .trim()
      .split(/\s+/)
      .filter((f) => f && f !== '->' && f !== '→')
    if (fields.length === 0) continue
    if (fields.length !== 2)
      throw new ZcprofError({
        code: 'ZC_BAD_ARGUMENT',
        message: `${file}:${i + 1}: ${fields.length} name${fields.length === 1 ? '' : 's'} where a pair is 2`,
        hint: 'each line is `SENDER RECEIVER`, two node names of the hosts file'
      })
    out.push({ sender: fields[0], receiver: fields[1], where: `${file}:${i + 1}` })
  }
  if (out.length === 0)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `${file} lists no pair`,
      hint: 'each line is `SENDER RECEIVER`, two node names of the hosts file'
    })
  return out
}

function unknownNode(name: string, where: string, nodes: readonly FleetNode[]): ZcprofError {
  const known = nodes.map((n) => n.name)
  return new ZcprofError({
    code: 'ZC_BAD_ARGUMENT',
    message: `${where}: no node is named '${name.slice(0, 60)}'`,
    hint: `the nodes are: ${known.slice(0, 12).join(', ')}${known.length > 12 ? `, … (${known.length})` : ''}`
  })
}

/** the ordered pairs to run, in a fixed order (the nodes' order, sender first) */
export function buildPairs(nodes: readonly FleetNode[], spec: MatrixSpec): FleetPairNodes[] {
  const byName = new Map(nodes.map((n) => [n.name, n]))
  switch (spec.kind) {
    case 'all':
      return nodes.flatMap((s) => nodes.filter((r) => r !== s).map((r) => ({ sender: s, receiver: r })))
    case 'to': {
      const sink = byName.get(spec.sink)
      if (!sink) throw unknownNode(spec.sink, '--to', nodes)
      return nodes.filter((s) => s !== sink).map((s) => ({ sender: s, receiver: sink }))
    }
    case 'pairs': {
      const seen = new Set<string>()
      return spec.pairs.map((p) => {
        const sender = byName.get(p.sender)
        if (!sender) throw unknownNode(p.sender, p.where, nodes)
        const receiver = byName.get(p.receiver)
        if (!receiver) throw unknownNode(p.receiver, p.where, nodes)
        if (sender === receiver)
          throw new ZcprofError({
            code: 'ZC_BAD_ARGUMENT',
            message: `${p.where}: '${p.sender}' to itself is no pair`,
            hint: 'a pair is two nodes; a node alone is `zcprof run` on it'
          })
        const key = `${sender.name}\0${receiver.name}`
        if (seen.has(key))
          throw new ZcprofError({
            code: 'ZC_BAD_ARGUMENT',
            message: `${p.where}: ${p.sender} → ${p.receiver} is listed twice`,
            hint: 'list each pair once'
          })
        seen.add(key)
        return { sender, receiver }
      })
    }
  }
}
