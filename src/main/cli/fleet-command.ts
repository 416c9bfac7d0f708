// `zcprof fleet run`: the same plan between every pair of a fleet's agents, one report
// per pair into the library. Nodes come from a discovery source (a hosts file today);
// each pair's sending side runs on the sender's own agent (a send job), so what a
// report measures is the sender node's CPU and the receiver node's, over their path.

import { ZcprofError } from '../../shared/errors'
import { planProblems } from '../../shared/plan-rules'
import { cutText, printable } from '../../shared/printable'
import { formatDurationMs } from '../../shared/units'
import { buildPairs, parsePairsFile, type FleetPairNodes, type MatrixSpec } from '../fleet/fleet-pairs'
import { discoverKubernetesNodes } from '../fleet/kubernetes-discovery'
import type { FleetNode } from '../fleet/fleet-node'
import { agentTarget, newFleetId, runFleet, type PairEvent, type PairOutcome } from '../fleet/fleet-runner'
import { MAX_HOSTS_FILE_BYTES, parseHostsFile } from '../fleet/hosts-file'
import { readInputFile } from '../reports/report-loader'
import { checkOutput, writeFileAtomic } from '../storage/atomic-file'
import { checkPrivateFolder, cleanChanges, defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { planOf, runLabel, type RunFlags } from './run-command'
import { widthFor } from './terminal'

export interface FleetFlags extends RunFlags {
  /** a hosts file: `NAME HOST[:PORT] [POOL]` a line */
  hosts?: string
  /** all (every node to every other) */
  matrix?: string
  /** every node to this one */
  to?: string
  /** a file of `SENDER RECEIVER` lines */
  pairs?: string
  parallel?: string
  /** the outcome as JSON on stdout, in place of the lines */
  json?: string
  /** the fleet from the Kubernetes API: the agents' pods by this label selector (true: the DaemonSet's) */
  kubernetes?: string | true
  /** the agents' namespace (else the kubeconfig context's, else zcprof) */
  namespace?: string
  /** a kubeconfig file (else $KUBECONFIG, ~/.kube/config, then the pod's service account) */
  kubeconfig?: string
  /** the node label naming a node's pool (else the clouds' usual ones) */
  poolLabel?: string
}

/** the signals that stop a fleet run, keeping the pairs that finished */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
/** pairs at once: more would only queue on the nodes they share */
const MAX_PARALLEL = 64

function usage(message: string, hint?: string): ZcprofError {
  return new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message, hint })
}

function readListFile(file: string, flag: string): string {
  try {
    return readInputFile(file, MAX_HOSTS_FILE_BYTES, `${flag} file`)
  } catch (e) {
    if (!(e instanceof ZcprofError)) throw e
    throw usage(`${flag} ${e.toInfo().message}`, e.toInfo().hint)
  }
}

/**
 * The fleet's nodes, from the source the flags name: a hosts file, or the Kubernetes
 * API (the agent DaemonSet's ready pods, deploy/kubernetes).
 */
export async function discoverNodes(flags: FleetFlags): Promise<FleetNode[]> {
  if (flags.hosts !== undefined && flags.kubernetes !== undefined)
    throw usage('--hosts and --kubernetes each name the fleet: give one')
  if (flags.hosts !== undefined) return parseHostsFile(readListFile(flags.hosts, '--hosts'), flags.hosts)
  if (flags.kubernetes !== undefined)
    return discoverKubernetesNodes({
      selector: flags.kubernetes === true ? undefined : flags.kubernetes,
      namespace: flags.namespace,
      kubeconfig: flags.kubeconfig,
      poolLabel: flags.poolLabel,
      onWarning: (w) => process.stderr.write(`zcprof: ${printable(w)}\n`)
    })
  const k8sOnly = [
    flags.namespace && '--namespace',
    flags.kubeconfig && '--kubeconfig',
    flags.poolLabel && '--pool-label'
  ]
  const stray = k8sOnly.filter(Boolean)
  if (stray.length) throw usage(`${stray.join(', ')} go with --kubernetes`, 'add --kubernetes [SELECTOR]')
  throw usage(
    'no nodes: give --hosts FILE or --kubernetes [SELECTOR]',
    "a hosts file has one node a line: `NAME HOST[:PORT] [POOL]`; --kubernetes finds the agent DaemonSet's pods"
  )
}

/** which pairs the flags ask for: --matrix all (the default), --to NODE, or --pairs FILE */
export function matrixSpec(flags: Pick<FleetFlags, 'matrix' | 'to' | 'pairs'>): MatrixSpec {
  const given = [
    flags.matrix !== undefined && '--matrix',
    flags.to !== undefined && '--to',
    flags.pairs !== undefined && '--pairs'
  ].filter(Boolean)
  if (given.length > 1) throw usage(`${given.join(' and ')} each choose the pairs: give one`)
  if (flags.to !== undefined) return { kind: 'to', sink: flags.to }
  if (flags.pairs !== undefined)
    return { kind: 'pairs', pairs: parsePairsFile(readListFile(flags.pairs, '--pairs'), flags.pairs) }
  if (flags.matrix !== undefined && flags.matrix !== 'all')
    throw usage(
      `--matrix '${flags.matrix}' is not a matrix`,
      '--matrix all (every node to every other), or --to NODE, or --pairs FILE'
    )
  return { kind: 'all' }
}

function parallelOf(text: string | undefined): number {
  if (text === undefined) return 1
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1 || Number(text) > MAX_PARALLEL)
    throw usage(
      `--parallel '${text}' must be a whole number from 1 to ${MAX_PARALLEL}`,
      'e.g. --parallel 2 (default 1: pairs do not disturb each other)'
    )
  return Number(text)
}

function agentTimeoutMs(text: string | undefined): number {
  if (text === undefined) return 5000
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw usage(`--agent-timeout '${text}' is not a whole number of milliseconds`, 'e.g. --agent-timeout 5000')
  return Number(text)
}

/** one pair's line when it ends: "[ 3/12] a → b  done  8.1 s  <report id or why not>" */
export function pairLine(outcome: PairOutcome, index: number, count: number, width: number): string {
  const n = String(index + 1).padStart(String(count).length)
  const what = outcome.entryId ?? (outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : '')
  return cutText(
    `[${n}/${count}] ${outcome.sender} → ${outcome.receiver}  ${outcome.status}  ${formatDurationMs(outcome.durationMs)}  ${what}`,
    width
  )
}

/**
 * Progress on stderr: a line per pair as it starts and as it ends; on a terminal, the
 * running pair's trial count on a line of its own that the next line replaces.
 */
function reporter(pairs: readonly FleetPairNodes[], quiet: boolean) {
  const tty = Boolean(process.stderr.isTTY)
  const width = widthFor(process.stderr)
  let live = false
  const clear = () => {
    if (live) process.stderr.write('\r\x1b[K')
    live = false
  }
  return {
    onPair(e: PairEvent) {
      if (quiet) return
      if (e.type === 'pair-progress') {
        if (!tty) return
        const p = pairs[e.index]
        clear()
        process.stderr.write(
          cutText(`  ${p.sender.name} → ${p.receiver.name}: trial ${e.done}/${e.total} ${e.what}`, width)
        )
        live = true
        return
      }
      clear()
      if (e.type === 'pair-start') {
        const p = e.pair
        if (!tty)
          process.stderr.write(
            cutText(
              `start ${p.sender.name} → ${p.receiver.name} (${agentTarget(p.sender)} to ${agentTarget(p.receiver)})`,
              width
            ) + '\n'
          )
      } else process.stderr.write(pairLine(e.outcome, e.index, pairs.length, width) + '\n')
    },
    stop: clear
  }
}

export async function fleetCommand(flags: FleetFlags): Promise<number> {
  const nodes = await discoverNodes(flags)
  const pairs = buildPairs(nodes, matrixSpec(flags))
  const parallel = parallelOf(flags.parallel)
  const timeoutMs = agentTimeoutMs(flags.agentTimeout)
  const token = flags.token ?? (process.env.ZCPROF_TOKEN || undefined)
  if (!token)
    throw usage(
      "no token: a fleet is reached with its agents' token",
      'give ZCPROF_TOKEN=T (kept out of ps) or --token T, the token every agent was started with'
    )
  // the plan run's flags make, with the first pair's target: each pair gets its own
  const plan = {
    ...planOf({ ...flags, target: [agentTarget(pairs[0].receiver)] }),
    targets: [agentTarget(pairs[0].receiver)]
  }
  if (plan.file !== null)
    throw usage(
      'a fleet sends a generated file: a plan file\'s "file" cannot travel to the senders',
      'leave "file" out; --size sets the generated file'
    )
  const problems = planProblems(plan)
  if (problems.length)
    throw new ZcprofError({ code: 'ZC_BAD_PLAN', message: problems[0].message, hint: problems[0].hint })
  const toFile = flags.json !== undefined && flags.json !== '-'
  if (toFile) checkOutput(flags.json!, '--json')
  const folder = flags.library ?? defaultLibraryFolder()
  checkPrivateFolder(folder)
  const library = new ReportLibrary(folder)
  const labels = cleanChanges({ title: flags.title ?? null, tags: [...(flags.tag?.split(',') ?? []), 'fleet'] })
  const fleetId = newFleetId()
  const json = flags.json !== undefined
  const progress = reporter(pairs, flags.progress === false)
  if (!json)
    process.stderr.write(`zcprof fleet ${fleetId}: ${nodes.length} nodes, ${pairs.length} pairs, ${parallel} at once\n`)
  const abort = new AbortController()
  const onStop = () => {
    progress.stop()
    process.stderr.write('\nzcprof: stopping; the pairs that finished are kept\n')
    abort.abort()
  }
  for (const s of STOP_SIGNALS) process.once(s, onStop)
  let outcomes: PairOutcome[]
  try {
    outcomes = await runFleet({
      pairs,
      plan,
      token,
      parallel,
      library,
      reference: flags.reference !== false,
      agentTimeoutMs: timeoutMs,
      meta: { title: labels.title ?? null, tags: labels.tags ?? [], label: runLabel(flags.label) },
      fleetId,
      signal: abort.signal,
      onPair: (e) => progress.onPair(e)
    })
  } finally {
    progress.stop()
    for (const s of STOP_SIGNALS) process.removeListener(s, onStop)
  }
  const count = (s: PairOutcome['status']) => outcomes.filter((o) => o.status === s).length
  const summary = { fleetId, library: library.folder, pairs: outcomes }
  if (json) {
    const text = JSON.stringify(summary, null, 2) + '\n'
    if (toFile) writeFileAtomic(flags.json!, text)
    else process.stdout.write(text)
  }
  if (!json || toFile)
    process.stdout.write(
      `fleet ${fleetId}: ${count('done')} done, ${count('failed')} failed, ${count('stopped') + count('not run')} not finished; reports in ${library.folder}\n` +
        (count('done') ? `the matrix: zcprof fleet show ${fleetId}${flags.library ? ' --library DIR' : ''}\n` : '')
    )
  return outcomes.every((o) => o.status === 'done') ? 0 : 1
}
