// The facts zcrx needs (src/shared/zcrx.ts), read from this host: the kernel from
// /proc and its config, the interface from /sys/class/net, which interface from
// `ip route get`, header/data split from `ethtool -g`. Every file is read under a
// root folder, so a test can plant a fake /proc and /sys; commands go through a
// runner a test can replace. Nothing here changes the host.

import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { isLoopbackIp } from '../../shared/targets'
import { zcrxVerdict, type ZcrxFacts, type ZcrxInterfaceFacts, type ZcrxVerdict } from '../../shared/zcrx'

/** a command's stdout, or null when it is absent, fails or runs past its time */
export type CommandRunner = (command: string, args: string[]) => string | null

// ip and ethtool live in sbin, which a user's PATH may leave out
const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin']

export const runCommand: CommandRunner = (command, args) => {
  const r = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: 2000,
    env: { ...process.env, PATH: [process.env.PATH, ...SBIN].filter(Boolean).join(':'), LC_ALL: 'C' }
  })
  return r.error || r.status !== 0 ? null : r.stdout
}

export interface ZcrxProbeOptions {
  /** where / is: a temp tree in tests */
  root?: string
  run?: CommandRunner
}

/** "TCP data split:" of `ethtool -g`: on, off, or null (n/a, unknown, absent) */
export function parseTcpDataSplit(ethtoolRings: string): boolean | null {
  const m = /^TCP data split:\s*(\S+)/im.exec(ethtoolRings)
  if (!m) return null
  const v = m[1].toLowerCase()
  return v === 'on' ? true : v === 'off' ? false : null
}

/** "driver:" of `ethtool -i` */
export function parseEthtoolDriver(ethtoolInfo: string): string | null {
  return /^driver:\s*(\S+)/m.exec(ethtoolInfo)?.[1] ?? null
}

/** the interface of `ip route get ADDR`: "... dev eth0 src ..." */
export function parseRouteDev(ipRouteGet: string): string | null {
  return /\bdev\s+(\S+)/.exec(ipRouteGet)?.[1] ?? null
}

/** CONFIG_IO_URING_ZCRX in a kernel config's text */
export function configHasZcrx(config: string): boolean {
  return /^CONFIG_IO_URING_ZCRX=[ym]\s*$/m.test(config)
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return null
  }
}

function readNumber(file: string): number | null {
  const t = readText(file)?.trim()
  if (t === undefined || t === '') return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

/** the kernel's config: /boot/config-RELEASE, else /proc/config.gz; null when neither is there */
export function kernelConfigText(root: string, release: string | null): string | null {
  const boot = release === null ? null : readText(path.join(root, 'boot', `config-${release}`))
  if (boot !== null) return boot
  try {
    return gunzipSync(readFileSync(path.join(root, 'proc/config.gz'))).toString('utf8')
  } catch {
    return null
  }
}

function kernelConfig(root: string, release: string | null): boolean | null {
  const text = kernelConfigText(root, release)
  return text === null ? null : configHasZcrx(text)
}

const IFF_LOOPBACK = 0x8

export function readInterface(name: string, opts: ZcrxProbeOptions = {}): ZcrxInterfaceFacts | null {
  const root = opts.root ?? '/'
  const run = opts.run ?? runCommand
  const dir = path.join(root, 'sys/class/net', name)
  if (!existsSync(dir)) return null
  const flags = readText(path.join(dir, 'flags'))
  const loopback = flags !== null && (parseInt(flags.trim(), 16) & IFF_LOOPBACK) !== 0
  // loopback has no driver nor rings to ask ethtool about (and the app asks at start)
  const ask: CommandRunner = (command, args) => (loopback ? null : run(command, args))
  let driver: string | null = null
  try {
    driver = path.basename(readlinkSync(path.join(dir, 'device/driver')))
  } catch {
    // no device (veth, bridges): ethtool names the driver
    const info = ask('ethtool', ['-i', name])
    driver = info === null ? null : parseEthtoolDriver(info)
  }
  let rxQueues: number | null = null
  try {
    rxQueues = readdirSync(path.join(dir, 'queues')).filter((q) => /^rx-\d+$/.test(q)).length
  } catch {
    rxQueues = null
  }
  const rings = ask('ethtool', ['-g', name])
  return {
    name,
    driver,
    loopback,
    virtual: !existsSync(path.join(dir, 'device')),
    rxQueues,
    headerDataSplit: rings === null ? null : parseTcpDataSplit(rings),
    mtu: readNumber(path.join(dir, 'mtu'))
  }
}

/**
 * The facts for a flow that reaches this host from ADDR (a numeric address), or
 * over loopback when ADDR is one; null: a unix socket, no interface at all.
 */
export function readZcrxFacts(address: string | null, opts: ZcrxProbeOptions = {}): ZcrxFacts {
  const root = opts.root ?? '/'
  const run = opts.run ?? runCommand
  const release = readText(path.join(root, 'proc/sys/kernel/osrelease'))?.trim() || null
  const facts: ZcrxFacts = {
    kernelRelease: release,
    kernelConfig: kernelConfig(root, release),
    ioUringDisabled: readNumber(path.join(root, 'proc/sys/kernel/io_uring_disabled')),
    iface: null
  }
  if (address === null) return { ...facts, ifaceUnknownWhy: 'a unix socket crosses no interface' }
  let name: string | null
  if (isLoopbackIp(address)) name = 'lo'
  else {
    const route = run('ip', ['route', 'get', address])
    if (route === null) return { ...facts, ifaceUnknownWhy: `no answer from ip route get ${address}` }
    name = parseRouteDev(route)
  }
  if (name === null) return { ...facts, ifaceUnknownWhy: `ip route get ${address} named no interface` }
  const iface = readInterface(name, opts)
  return iface === null ? { ...facts, ifaceUnknownWhy: `${name} is not in /sys/class/net` } : { ...facts, iface }
}

export function probeZcrx(address: string | null, opts: ZcrxProbeOptions = {}): ZcrxVerdict {
  return zcrxVerdict(readZcrxFacts(address, opts))
}
