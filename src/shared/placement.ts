// Where a run's threads go when zcprof chooses: where they land can be a run-level factor
// (in issue 23's experiment, identical runs on 2 cores disagreed by 28 points unpinned and
// 3 pinned; docs/statistics.md measures it again), so the default pins them, as netperf
// and neper users do, and says where.

/** one CPU the host lets zcprof run on, and the physical core it belongs to */
export interface CpuCore {
  cpu: number
  /** physical package (socket) */
  packageId: number
  /** the core within its package: SMT siblings share it */
  coreId: number
}

export interface AutoPlacement {
  /** stream i's sender thread goes to senderCpus[i % length] */
  senderCpus: number[]
  /** null where the receivers are not on this host (a remote agent, a raw sink) */
  receiverCpus: number[] | null
}

/**
 * The rule: senders and receivers on separate physical cores of one package (the
 * package with the most cores zcprof may use), never sharing a core's SMT siblings;
 * with S streams, min(S, half the cores) cores for each side, senders on the lower
 * ones. Where there is one core with two threads, its two threads; with one CPU in
 * all, nothing (null). Receivers are placed only when they run on this host.
 */
export function autoPlacement(cpus: readonly CpuCore[], streams: number, receiversHere: boolean): AutoPlacement | null {
  if (cpus.length < 2) return null
  const packages = new Map<number, CpuCore[]>()
  for (const c of [...cpus].sort((a, b) => a.cpu - b.cpu))
    packages.set(c.packageId, [...(packages.get(c.packageId) ?? []), c])
  const coresOf = (list: CpuCore[]) => {
    const first = new Map<number, number>()
    for (const c of list) if (!first.has(c.coreId)) first.set(c.coreId, c.cpu)
    return [...first.values()]
  }
  // the package with the most cores; on a tie, the lower package
  const best = [...packages.values()].sort((a, b) => coresOf(b).length - coresOf(a).length)[0]
  const cores = coresOf(best)
  if (cores.length < 2) {
    // one core: its two SMT threads are still two places
    const [a, b] = best
    return b ? { senderCpus: [a.cpu], receiverCpus: receiversHere ? [b.cpu] : null } : null
  }
  if (!receiversHere) return { senderCpus: cores.slice(0, Math.min(streams, cores.length)), receiverCpus: null }
  const each = Math.max(1, Math.min(streams, Math.floor(cores.length / 2)))
  return { senderCpus: cores.slice(0, each), receiverCpus: cores.slice(each, 2 * each) }
}
