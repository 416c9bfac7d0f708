// The hosts file: a fixed table of lines and what each must give, a node or an error
// that names the file, the line and what is wrong.

import { describe, expect, it } from 'vitest'
import { parseHostsFile } from '../../src/main/fleet/hosts-file'
import { refusal } from '../helpers'

/** a second good line, so each case is a fleet of two */
const OTHER = 'zz 10.9.9.9'
const otherNode = { name: 'zz', host: '10.9.9.9', port: 7733, pool: null }

describe('hosts file', () => {
  it.each([
    ['node-a 10.0.0.7', { name: 'node-a', host: '10.0.0.7', port: 7733, pool: null }],
    ['node-a 10.0.0.7:9000', { name: 'node-a', host: '10.0.0.7', port: 9000, pool: null }],
    ['node-a 10.0.0.7:9000 pool-1', { name: 'node-a', host: '10.0.0.7', port: 9000, pool: 'pool-1' }],
    ['  n1\thost.example.com   rack_2  ', { name: 'n1', host: 'host.example.com', port: 7733, pool: 'rack_2' }],
    ['n1 [fd00::7]:7800 p', { name: 'n1', host: 'fd00::7', port: 7800, pool: 'p' }],
    ['n1 fd00::7', { name: 'n1', host: 'fd00::7', port: 7733, pool: null }],
    // the other node's host on another port: another agent
    ['n1 10.9.9.9:7734', { name: 'n1', host: '10.9.9.9', port: 7734, pool: null }],
    [
      'ip-10-0-0-7.ec2.internal 10.0.0.7 # the first node',
      { name: 'ip-10-0-0-7.ec2.internal', host: '10.0.0.7', port: 7733, pool: null }
    ]
  ])('%j is a node', (line, node) => {
    expect(parseHostsFile(`# fleet\n\n${line}\n${OTHER}\n`, 'hosts.txt')).toEqual([node, otherNode])
  })

  it.each([
    ['node-a', "hosts.txt:2: 'node-a' names no host"],
    ['node-a 10.0.0.7 pool extra', 'hosts.txt:2: 4 fields where at most 3 go'],
    ['node-a 10.0.0.7:0', "hosts.txt:2: '10.0.0.7:0' is not HOST[:PORT]"],
    ['node-a 10.0.0.7:65536', "hosts.txt:2: '10.0.0.7:65536' is not HOST[:PORT]"],
    ['node-a agent://10.0.0.7:7733', "hosts.txt:2: 'agent://10.0.0.7:7733' is not HOST[:PORT]"],
    ['node-a [not-v6]:7733', "hosts.txt:2: '[not-v6]:7733' is not HOST[:PORT]"],
    ['node-a host_with_underscore', "hosts.txt:2: 'host_with_underscore' is not HOST[:PORT]"],
    ['-a 10.0.0.7', "hosts.txt:2: node '-a' is not a name"],
    ['a/b 10.0.0.7', "hosts.txt:2: node 'a/b' is not a name"],
    ['a 10.0.0.7 p/q', "hosts.txt:2: pool 'p/q' is not a name"],
    [`${'n'.repeat(254)} 10.0.0.7`, "hosts.txt:2: node 'nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn' is not a name"],
    ['zz 10.0.0.8', "hosts.txt:3: node 'zz' is named again (first on line 2)"],
    // two names, one agent: a pair of them would send to itself
    ['yy 10.9.9.9', "hosts.txt:3: node 'yy' is at 10.9.9.9, the agent node 'zz' is at (line 2)"],
    ['yy 10.9.9.9:7733', "hosts.txt:3: node 'yy' is at 10.9.9.9:7733, the agent node 'zz' is at (line 2)"],
    ['yy HOST.example.com', "hosts.txt:3: node 'yy' is at HOST.example.com, the agent node 'zz' is at (line 2)"],
    ['yy [fd00:0::7]:7733', "hosts.txt:3: node 'yy' is at [fd00:0::7]:7733, the agent node 'zz' is at (line 2)"]
  ])('%j is refused: %s', (line, message) => {
    // the bad line is line 2, after a comment; a duplicate's first (zz) is line 2 too
    // zz written another way than yy's line writes the same agent
    const other = line.includes('HOST.') ? 'zz host.example.com' : line.includes('[fd00') ? 'zz fd00::7' : OTHER
    const text = /^(zz|yy) /.test(line) ? `# fleet\n${other}\n${line}\n` : `# fleet\n${line}\n${OTHER}\n`
    const e = refusal(() => parseHostsFile(text, 'hosts.txt'))
    expect(e.code).toBe('ZC_BAD_ARGUMENT')
    expect(e.message.startsWith(message), e.message).toBe(true)
  })

  it('a fleet of fewer than two nodes is refused, naming the file', () => {
    const e = refusal(() => parseHostsFile('# only one\nnode-a 10.0.0.7\n', 'fleet/hosts'))
    expect(e.message).toContain('fleet/hosts names 1 node; a fleet needs at least 2')
    expect(refusal(() => parseHostsFile('', 'empty')).message).toContain('empty names 0 nodes')
  })

  it('CRLF line ends are line ends', () => {
    expect(parseHostsFile('a 10.0.0.1\r\nb 10.0.0.2 p\r\n', 'h').map((n) => [n.name, n.host, n.pool])).toEqual([
      ['a', '10.0.0.1', null],
      ['b', '10.0.0.2', 'p']
    ])
  })
})
