// `zcprof run --receiver zcrx`: not a mode yet, so it says, target by target, what
// this host lacks for io_uring zero-copy receive, in lines that fit 80 columns, and
// exits 2. The note on a planted host (a bnxt_en NIC, loopback, a GPU, a unix
// socket), then the built CLI on this one, whose loopback never carries zcrx.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { refuseZcrx, zcrxNote } from '../../src/main/cli/zcrx-note'
import type { CommandRunner } from '../../src/main/host/zcrx-probe'
import { runZcprof, tempDir, unwrapHangingIndent } from '../helpers'

/** /proc of a 6.18 kernel with zcrx built in; lo and a bnxt_en NIC with 8 queues */
function plantedHost(): string {
  const root = tempDir('zcprof-zcrx-cli-')
  mkdirSync(path.join(root, 'proc/sys/kernel'), { recursive: true })
  writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), '6.18.2\n')
  writeFileSync(path.join(root, 'proc/sys/kernel/io_uring_disabled'), '0\n')
  mkdirSync(path.join(root, 'boot'))
  writeFileSync(path.join(root, 'boot/config-6.18.2'), 'CONFIG_IO_URING_ZCRX=y\n')
  for (const [name, flags, queues] of [
    ['lo', '0x9', 1],
    ['ens1f0np0', '0x1003', 8]
  ] as const) {
    const dir = path.join(root, 'sys/class/net', name)
    mkdirSync(path.join(dir, 'queues'), { recursive: true })
    writeFileSync(path.join(dir, 'flags'), `${flags}\n`)
    writeFileSync(path.join(dir, 'mtu'), '9000\n')
    for (let q = 0; q < queues; q++) mkdirSync(path.join(dir, 'queues', `rx-${q}`))
  }
  const drv = path.join(root, 'sys/bus/pci/drivers/bnxt_en')
  mkdirSync(drv, { recursive: true })
  mkdirSync(path.join(root, 'sys/class/net/ens1f0np0/device'))
  symlinkSync(drv, path.join(root, 'sys/class/net/ens1f0np0/device/driver'))
  return root
}

const tools =
  (hds: 'on' | 'off'): CommandRunner =>
  (command, args) => {
    const key = [command, ...args].join(' ')
    if (key === 'ip route get 10.1.0.7') return '10.1.0.7 dev ens1f0np0 src 10.1.0.2 uid 0 \n'
    if (key === 'ethtool -g ens1f0np0') return `Ring parameters for ens1f0np0:\nTCP data split:\t${hds}\n`
    return null
  }

const fits = (text: string) => text.split('\n').every((l) => `zcprof: ${l}`.length <= 80)

describe('zcrxNote on a planted host', () => {
  const root = plantedHost()

  it('loopback and an agent over a NIC with HDS off: each target its own verdict, wrapped', () => {
    const note = zcrxNote(['tcp://127.0.0.1', 'agent://10.1.0.7:7733'], { root, run: tools('off') })
    expect(fits(note), note).toBe(true)
    const lines = unwrapHangingIndent(note).split('\n')
    expect(lines[0]).toBe('zcrx: not available here (tcp://127.0.0.1, over lo):')
    expect(lines[1]).toMatch(/^ {2}- lo is the loopback interface: zcrx needs a NIC's hardware RX queue/)
    expect(lines[2]).toBe('zcrx: not available here (agent://10.1.0.7:7733, over ens1f0np0):')
    expect(lines[3]).toBe('  - header/data split is off on ens1f0np0: ethtool -G ens1f0np0 tcp-data-split on')
    expect(lines[4]).toBe(
      "  10.1.0.7 receives, not this host: this judges this host's interface toward it; 10.1.0.7's own NIC must pass the same checks"
    )
    expect(lines.at(-1)).toBe('What a NIC needs: README, "io_uring zero-copy receive (zcrx)".')
  })

  it('comma-separated targets are split as run splits them', () => {
    const note = zcrxNote(['tcp://127.0.0.1,unix://'], { root, run: tools('off') })
    expect(note).toContain('zcrx: not available here (tcp://127.0.0.1, over lo):')
    expect(note).toContain('zcrx: not available here (unix://):')
    expect(unwrapHangingIndent(note)).toContain('a unix socket crosses no interface')
  })

  it('HDS on: the checks pass, and it still says zcprof has no zcrx receiver and what is left to set up', () => {
    const note = zcrxNote(['raw://10.1.0.7:5201'], { root, run: tools('on') })
    expect(fits(note), note).toBe(true)
    const flat = unwrapHangingIndent(note)
    expect(flat).toContain(
      'zcrx: the checks pass (raw://10.1.0.7:5201, over ens1f0np0), but zcprof has no zcrx receiver yet; still to set up:'
    )
    expect(flat).toContain('ethtool -N ens1f0np0 flow-type tcp6 dst-port PORT action 1')
  })

  it('a GPU target: no socket, said so', () => {
    const note = unwrapHangingIndent(zcrxNote(['gpu://0'], { root, run: tools('on') }))
    expect(note).toContain('gpu://0 moves no bytes over a socket')
  })

  it('refuseZcrx throws a usage error (ZC_BAD_ARGUMENT: exit 2) carrying the note', () => {
    expect(() => refuseZcrx(['tcp://127.0.0.1'], { root, run: tools('on') })).toThrow(
      expect.objectContaining({ code: 'ZC_BAD_ARGUMENT', message: expect.stringMatching(/^zcrx: not available here/) })
    )
  })
})

describe('the built CLI on this host', () => {
  it('run --receiver zcrx: exit 2, loopback named, no trial run, 80 columns', () => {
    const r = runZcprof(['run', '--receiver', 'zcrx'])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.split('\n')[0]).toBe('zcprof: zcrx: not available here (tcp://127.0.0.1, over lo):')
    expect(unwrapHangingIndent(r.stderr)).toContain('- lo is the loopback interface')
    expect(
      r.stderr
        .trimEnd()
        .split('\n')
        .every((l) => l.length <= 80),
      r.stderr
    ).toBe(true)
  })

  it('run --help lists the receiver modes, zcrx beside them, and says it is not a mode yet', () => {
    const r = runZcprof(['run', '--help'])
    expect(r.code).toBe(0)
    const help = r.stdout.replace(/\s+/g, ' ')
    expect(help).toContain('zcrx (io_uring zero-copy receive) is not a mode yet')
    expect(help).toMatch(/comma-separated \(read, splice, discard, uring(, [a-z-]+)*\)/)
  })
})

describe('the README section the note points to', () => {
  const readme = readFileSync(path.join(__dirname, '../../README.md'), 'utf8')
  const section = /\n## io_uring zero-copy receive \(zcrx\)\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? ''

  it('exists under the name the note gives', () => {
    expect(zcrxNote(['unix://'])).toContain('README, "io_uring zero-copy receive (zcrx)"')
    expect(section).not.toBe('')
  })

  it('shows the commands the reasons and needs name, for one interface', () => {
    for (const command of [
      'ethtool -L eth0 combined 2',
      'ethtool -G eth0 tcp-data-split on',
      'ethtool -X eth0 equal 1',
      'ethtool -N eth0 flow-type tcp6 dst-port 7734 action 1',
      'sysctl kernel.io_uring_disabled',
      'CAP_NET_ADMIN',
      '6.15'
    ])
      expect(section).toContain(command)
  })
})
