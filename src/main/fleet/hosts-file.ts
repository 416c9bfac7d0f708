// A fleet from a plain hosts file, where there is no cluster to ask: one node a line,
//   name host[:port] [pool]
// with # comments and blank lines. Each problem names the file, the line and the fix.

import net from 'node:net'
import { ZcprofError } from '../../shared/errors'
import { MAX_FLEET_NAME_LENGTH } from '../../shared/report'
import type { FleetNode } from './fleet-node'

/** where `zcprof agent` listens unless told otherwise */
export const DEFAULT_AGENT_PORT = 7733
/** a hosts file is a list a person writes: far below this */
export const MAX_HOSTS_FILE_BYTES = 1024 * 1024
/** node and pool names: a Kubernetes name's characters (DNS labels, dots), or a rack's */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
/** a host name's characters (an IPv4 address is one too) */
const HOST_NAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/

const FORM = 'each line is `NAME HOST[:PORT] [POOL]`, e.g. `node-a 10.0.0.7:7733 pool-1`'

/** host[:port], [v6]:port, or a bare IPv6 address; null when it is none of these */
export function parseHostPort(text: string): { host: string; port: number } | null {
  let host: string
  let portText: string | undefined
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text)
  if (bracketed) {
    host = bracketed[1]
    portText = bracketed[2]
    if (!net.isIPv6(host)) return null
  } else if (net.isIPv6(text)) {
    host = text
  } else {
    const m = /^([^:]+)(?::(\d+))?$/.exec(text)
    if (!m) return null
    host = m[1]
    portText = m[2]
    if (!HOST_NAME.test(host) || host.length > 253) return null
  }
  const port = portText === undefined ? DEFAULT_AGENT_PORT : Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65535) return null
  return { host, port }
}

/** one agent's address however it is written: host names in any case, IPv6 in any of its forms */
function agentKey(at: { host: string; port: number }): string {
  const host = net.isIPv6(at.host) ? new URL(`http://[${at.host}]/`).hostname : at.host.toLowerCase()
  return `${host}|${at.port}`
}

function lineError(file: string, line: number, message: string, hint = FORM): ZcprofError {
  return new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: `${file}:${line}: ${message}`, hint })
}

function checkName(text: string, what: string, file: string, line: number): string {
  if (text.length > MAX_FLEET_NAME_LENGTH || !NAME.test(text))
    throw lineError(
      file,
      line,
      `${what} '${text.slice(0, 40)}' is not a name: letters, digits, '.', '_' and '-', at most ${MAX_FLEET_NAME_LENGTH}`
    )
  return text
}

/** the nodes a hosts file names, in its order; the first problem throws, naming file and line */
export function parseHostsFile(text: string, file: string): FleetNode[] {
  const nodes: FleetNode[] = []
  const seen = new Map<string, number>()
  /** each agent's HOST:PORT, with the node and line that named it first */
  const agents = new Map<string, { name: string; line: number }>()
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    const fields = lines[i].replace(/#.*/, '').trim().split(/\s+/).filter(Boolean)
    if (fields.length === 0) continue
    if (fields.length < 2) throw lineError(file, n, `'${fields[0].slice(0, 40)}' names no host`)
    if (fields.length > 3)
      throw lineError(file, n, `${fields.length} fields where at most 3 go (a comment starts with #)`)
    const name = checkName(fields[0], 'node', file, n)
    const at = parseHostPort(fields[1])
    if (!at)
      throw lineError(
        file,
        n,
        `'${fields[1].slice(0, 60)}' is not HOST[:PORT]`,
        'give an address or host name, with :PORT when the agent is not on 7733 ([V6]:PORT for IPv6)'
      )
    const pool = fields[2] === undefined ? null : checkName(fields[2], 'pool', file, n)
    const before = seen.get(name)
    if (before !== undefined)
      throw lineError(file, n, `node '${name}' is named again (first on line ${before})`, 'give each node its own name')
    seen.set(name, n)
    const where = agentKey(at)
    const same = agents.get(where)
    if (same)
      throw lineError(
        file,
        n,
        `node '${name}' is at ${fields[1].slice(0, 60)}, the agent node '${same.name}' is at (line ${same.line}): a pair of the two would send to itself`,
        'give each node its own agent: another host, or another port'
      )
    agents.set(where, { name, line: n })
    nodes.push({ name, host: at.host, port: at.port, pool })
  }
  if (nodes.length < 2)
    throw new ZcprofError({
      code: 'ZC_BAD_ARGUMENT',
      message: `${file} names ${nodes.length} node${nodes.length === 1 ? '' : 's'}; a fleet needs at least 2`,
      hint: FORM
    })
  return nodes
}
