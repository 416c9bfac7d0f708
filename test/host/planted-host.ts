// A planted host for the receive-path probes (zcrx, devmem): /proc, /boot and
// /sys/class/net under a temp root, and a fake ip and ethtool answering by their
// arguments. Shared by zcrx-probe.test.ts and devmem-probe.test.ts.

import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import type { CommandRunner } from '../../src/main/host/zcrx-probe'
import { tempDir } from '../helpers'

export interface NicPlan {
  name: string
  /** hex, as /sys prints it */
  flags: string
  mtu: number
  rxQueues: number
  /** a device with this driver; undefined: no device (virtual) */
  driver?: string
}

/** a root with /proc, optionally /boot, and /sys/class/net for the NICs given */
export function plantRoot(o: {
  release: string
  boot?: string
  configGz?: string
  ioUringDisabled?: string
  nics: NicPlan[]
}): string {
  const root = tempDir('zcprof-zcrx-root-')
  mkdirSync(path.join(root, 'proc/sys/kernel'), { recursive: true })
  writeFileSync(path.join(root, 'proc/sys/kernel/osrelease'), `${o.release}\n`)
  if (o.ioUringDisabled !== undefined)
    writeFileSync(path.join(root, 'proc/sys/kernel/io_uring_disabled'), `${o.ioUringDisabled}\n`)
  if (o.boot !== undefined) {
    mkdirSync(path.join(root, 'boot'))
    writeFileSync(path.join(root, 'boot', `config-${o.release}`), o.boot)
  }
  if (o.configGz !== undefined) writeFileSync(path.join(root, 'proc/config.gz'), gzipSync(o.configGz))
  for (const n of o.nics) {
    const dir = path.join(root, 'sys/class/net', n.name)
    mkdirSync(path.join(dir, 'queues'), { recursive: true })
    writeFileSync(path.join(dir, 'flags'), `${n.flags}\n`)
    writeFileSync(path.join(dir, 'mtu'), `${n.mtu}\n`)
    for (let q = 0; q < n.rxQueues; q++) mkdirSync(path.join(dir, 'queues', `rx-${q}`))
    mkdirSync(path.join(dir, 'queues', 'tx-0'))
    if (n.driver !== undefined) {
      // as sysfs has it: device/driver a link to the driver's folder, named after it
      const drv = path.join(root, 'sys/bus/pci/drivers', n.driver)
      mkdirSync(drv, { recursive: true })
      mkdirSync(path.join(dir, 'device'))
      symlinkSync(drv, path.join(dir, 'device/driver'))
    }
  }
  return root
}

/** a fake ip and ethtool: answers by their arguments; anything else is absent */
export function fakeTools(answers: Record<string, string>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = []
  return {
    calls,
    run: (command, args) => {
      const key = [command, ...args].join(' ')
      calls.push(key)
      return answers[key] ?? null
    }
  }
}
