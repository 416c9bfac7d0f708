// Two "hosts" of our own: network namespaces joined by a veth pair, each end up with an
// address. Used by the netns test and by the bench's veth section (both need root).

import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process'

export interface NetnsPair {
  /** the sending namespace and its end of the link */
  a: string
  devA: string
  addrA: string
  /** the receiving namespace */
  b: string
  devB: string
  addrB: string
  /** removes both namespaces (and so the link) */
  remove(): void
}

/** makes the pair; names carry a tag (the pid) so runs side by side do not collide */
export function makeNetnsPair(tag: string, subnet: string): NetnsPair {
  const pair = {
    a: `zcA${tag}`,
    b: `zcB${tag}`,
    devA: `zva${tag}`.slice(0, 15),
    devB: `zvb${tag}`.slice(0, 15),
    addrA: `${subnet}.1`,
    addrB: `${subnet}.2`,
    remove() {
      spawnSync('ip', ['netns', 'del', pair.a], { stdio: 'ignore' })
      spawnSync('ip', ['netns', 'del', pair.b], { stdio: 'ignore' })
    }
  }
  const run = (args: string[]) => execFileSync(args[0], args.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] })
  try {
    run(['ip', 'netns', 'add', pair.a])
    run(['ip', 'netns', 'add', pair.b])
    run(['ip', 'link', 'add', pair.devA, 'netns', pair.a, 'type', 'veth', 'peer', 'name', pair.devB, 'netns', pair.b])
    run(['ip', '-n', pair.a, 'addr', 'add', `${pair.addrA}/30`, 'dev', pair.devA])
    run(['ip', '-n', pair.b, 'addr', 'add', `${pair.addrB}/30`, 'dev', pair.devB])
    for (const [ns, dev] of [
      [pair.a, pair.devA],
      [pair.b, pair.devB]
    ]) {
      run(['ip', '-n', ns, 'link', 'set', dev, 'up'])
      run(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
    }
  } catch (e) {
    pair.remove()
    throw e
  }
  return pair
}

/** can this kernel give us namespaces? null when it can, else why not */
export function netnsRefused(tag: string): string | null {
  const name = `zcprobe${tag}`
  const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' })
  if (r.status === 0) {
    spawnSync('ip', ['netns', 'del', name], { stdio: 'ignore' })
    return null
  }
  return (r.stderr || r.error?.message || 'ip netns add failed').trim()
}

/** `zcprof agent` in namespace ns on ADDRESS:7733 with a token; resolves once it listens */
export async function startAgentIn(
  ns: string,
  zcprofBin: string,
  address: string,
  token: string
): Promise<ChildProcess> {
  const agent = spawn(
    'ip',
    [
      'netns',
      'exec',
      ns,
      process.execPath,
      zcprofBin,
      'agent',
      '--listen',
      `${address}:7733`,
      '--token',
      token,
      '--announce'
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] }
  )
  await new Promise<void>((resolve, reject) => {
    agent.stdout!.once('data', () => resolve())
    agent.once('exit', (c) => reject(new Error(`agent exited ${c}`)))
  })
  return agent
}

/** ends an agent startAgentIn started */
export function stopAgent(agent: ChildProcess | undefined): void {
  agent?.stdin?.end()
  agent?.kill('SIGTERM')
}
