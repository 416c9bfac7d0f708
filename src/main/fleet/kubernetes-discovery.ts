/**
 * Finds a fleet's agents through the Kubernetes API (issue 30 item 2): the pods of the
 * agent DaemonSet (deploy/kubernetes) that are Running and Ready, one FleetNode each.
 *
 * Configuration, as kubectl looks for it: a kubeconfig file named in the options, else
 * $KUBECONFIG (its first file), else ~/.kube/config, else the pod's own service account
 * (in-cluster). Pools come from the node objects' labels, which takes listing nodes, a
 * cluster-wide permission the default manifests do not grant (render with --node-pools):
 * where it is refused, every pool is null and a warning says why.
 *
 * The client library (@kubernetes/client-node, 54 MiB installed) is an optional peer
 * dependency: agent hosts never need it and do not install it; the image and a user who
 * runs the fleet runner outside the cluster do. It is loaded only here, so the CLI's
 * start-up pays nothing for it.
 */

import { existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { CoreV1Api, KubeConfig, V1Pod } from '@kubernetes/client-node'
import { ZcprofError } from '../../shared/errors'
import type { FleetNode } from './fleet-node'
import { AGENT_PORT, AGENT_PORT_NAME, AGENT_SELECTOR, DEFAULT_NAMESPACE } from './kubernetes-manifests'

/** node labels that name a node's pool, in the order they are tried */
export const POOL_LABELS = [
  'cloud.google.com/gke-nodepool',
  'eks.amazonaws.com/nodegroup',
  'kubernetes.azure.com/agentpool',
  'agentpool',
  'karpenter.sh/nodepool'
]

export interface KubernetesDiscoveryOptions {
  /** a kubeconfig file; else $KUBECONFIG, ~/.kube/config, then in-cluster */
  kubeconfig?: string
  /** else the context's namespace, else DEFAULT_NAMESPACE */
  namespace?: string
  /** a label selector; default the agent DaemonSet's pods */
  selector?: string
  /** else each pod's container port named 'agent', else AGENT_PORT */
  port?: number
  /** the node label that names a pool; undefined: POOL_LABELS; null: read no nodes */
  poolLabel?: string | null
  /** how long each API call may take */
  timeoutMs?: number
  /** what discovery passed over (pods not ready, pools unknown), a line each */
  onWarning?: (line: string) => void
}

interface Cluster {
  kc: KubeConfig
  /** where the configuration came from, for messages */
  from: string
}

/** the client library's version, as package.json's peerDependencies pins it */
export const KUBERNETES_CLIENT = '@kubernetes/client-node@1.4.0'

/** a failed import of the client library, as the error that says how to install it */
export function clientImportError(e: unknown): Error {
  const code = (e as { code?: string }).code
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return e as Error
  return new ZcprofError({
    code: 'ZC_KUBE_CLIENT',
    message: 'Kubernetes discovery needs the Kubernetes client library, which is not installed',
    hint: `npm install -g ${KUBERNETES_CLIENT} beside zcprof (the image built from deploy/docker/Dockerfile has it)`
  })
}

function client(): Promise<typeof import('@kubernetes/client-node')> {
  return import('@kubernetes/client-node').catch((e: unknown) => {
    throw clientImportError(e)
  })
}

const configError = (message: string, hint: string) => new ZcprofError({ code: 'ZC_KUBE_CONFIG', message, hint })

async function loadCluster(o: KubernetesDiscoveryOptions): Promise<Cluster> {
  const { KubeConfig } = await client()
  const kc = new KubeConfig()
  const envFile = process.env.KUBECONFIG?.split(path.delimiter).find((f) => f)
  const homeFile = path.join(os.homedir(), '.kube', 'config')
  const file = o.kubeconfig ?? envFile ?? (existsSync(homeFile) ? homeFile : undefined)
  const tokenFile = '/var/run/secrets/kubernetes.io/serviceaccount/token'
  let from: string
  if (file !== undefined) {
    from = `kubeconfig ${file}${o.kubeconfig === undefined && file === envFile ? ' ($KUBECONFIG)' : ''}`
    if (!existsSync(file))
      throw configError(
        `${from} does not exist`,
        'name a kubeconfig file that exists (kubectl config view --raw > FILE)'
      )
    try {
      kc.loadFromFile(file)
    } catch (e) {
      throw configError(
        `${from} cannot be read: ${(e as Error).message.split('\n')[0]}`,
        'check it with `kubectl --kubeconfig FILE get pods`'
      )
    }
  } else if (process.env.KUBERNETES_SERVICE_HOST && existsSync(tokenFile)) {
    from = "the pod's service account (in-cluster)"
    kc.loadFromCluster()
  } else {
    throw configError(
      'no Kubernetes cluster configuration: no kubeconfig given, $KUBECONFIG unset, no ~/.kube/config, and not in a pod',
      'pass a kubeconfig file, set KUBECONFIG, or run inside the cluster (deploy/kubernetes/fleet-job.yaml)'
    )
  }
  const cluster = kc.getCurrentCluster()
  if (!cluster)
    throw configError(
      `${from} has no current context naming a cluster (context '${kc.getCurrentContext() || 'none'}')`,
      'kubectl config use-context NAME'
    )
  return { kc, from }
}

/** the error's status code and message when the API answered; null when it did not */
function apiAnswer(e: unknown): { status: number; message: string } | null {
  const status = (e as { code?: unknown }).code
  if (typeof status !== 'number') return null
  let body = (e as { body?: unknown }).body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      // a body that is not a Status object: its text is the message
    }
  }
  const message = typeof body === 'object' && body && 'message' in body ? String(body.message) : String(body ?? '')
  return { status, message }
}

/** one API call, with a time limit, its failures as ZcprofErrors that say what to do */
async function call<T>(c: Cluster, what: string, rbacHint: string, timeoutMs: number, f: () => Promise<T>): Promise<T> {
  const server = c.kc.getCurrentCluster()?.server ?? '?'
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${timeoutMs / 1000} s`)), timeoutMs)
  })
  try {
    return await Promise.race([f(), late])
  } catch (e) {
    const answer = apiAnswer(e)
    if (answer && (answer.status === 401 || answer.status === 403))
      throw new ZcprofError({
        code: 'ZC_KUBE_FORBIDDEN',
        message: `the Kubernetes API at ${server} refused to ${what} (${answer.status}${answer.message ? `: ${answer.message}` : ''}), with the credentials of ${c.from}`,
        hint: answer.status === 401 ? 'the credentials are not valid (expired?): log in to the cluster again' : rbacHint
      })
    if (answer)
      throw new ZcprofError({
        code: 'ZC_KUBE_UNREACHABLE',
        message: `the Kubernetes API at ${server} could not ${what}: HTTP ${answer.status}${answer.message ? `: ${answer.message}` : ''}`,
        hint: 'check the cluster with `kubectl get pods`'
      })
    const cause = e as { code?: string; message?: string; cause?: { code?: string } }
    const code = cause.code ?? cause.cause?.code
    throw new ZcprofError({
      code: 'ZC_KUBE_UNREACHABLE',
      message: `cannot reach the Kubernetes API at ${server} (${c.from}) to ${what}: ${code ? `${code}: ` : ''}${String(cause.message ?? e).split('\n')[0]}`,
      hint: 'check the address and your network to the cluster, e.g. `kubectl cluster-info`'
    })
  } finally {
    clearTimeout(timer)
  }
}

/** why a pod is passed over, or null for a Running, Ready agent with an address */
function notReady(p: V1Pod): string | null {
  if (p.metadata?.deletionTimestamp) return 'terminating'
  const phase = p.status?.phase ?? 'no phase'
  if (phase !== 'Running') return phase
  if (!p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return 'Running, not Ready'
  if (!p.spec?.nodeName) return 'on no node'
  if (!(p.spec.hostNetwork ? p.status.hostIP : p.status.podIP)) return 'no IP address'
  return null
}

function portOf(p: V1Pod, o: KubernetesDiscoveryOptions): number {
  if (o.port !== undefined) return o.port
  for (const c of p.spec?.containers ?? [])
    for (const port of c.ports ?? []) if (port.name === AGENT_PORT_NAME) return port.containerPort
  return AGENT_PORT
}

/** each node's pool by its labels; every one null when nodes cannot be listed */
async function pools(c: Cluster, api: CoreV1Api, o: KubernetesDiscoveryOptions, timeoutMs: number) {
  const byNode = new Map<string, string | null>()
  if (o.poolLabel === null) return byNode
  try {
    const nodes = await call(c, 'list nodes', '', timeoutMs, () => api.listNode())
    for (const n of nodes.items) {
      const labels = n.metadata?.labels ?? {}
      const key = o.poolLabel ?? POOL_LABELS.find((l) => labels[l] !== undefined)
      byNode.set(n.metadata?.name ?? '', key === undefined ? null : (labels[key] ?? null))
    }
  } catch (e) {
    const why =
      e instanceof ZcprofError && e.code === 'ZC_KUBE_FORBIDDEN'
        ? 'nodes may not be listed'
        : (e as Error).message.split('\n')[0]
    o.onWarning?.(
      `pools unknown (${why}): render the manifests with --node-pools for the ClusterRole that lists nodes, or give no pool label`
    )
  }
  return byNode
}

export async function discoverKubernetesNodes(o: KubernetesDiscoveryOptions = {}): Promise<FleetNode[]> {
  const c = await loadCluster(o)
  const { CoreV1Api } = await client()
  const api = c.kc.makeApiClient(CoreV1Api)
  const timeoutMs = o.timeoutMs ?? 15_000
  const namespace = o.namespace ?? c.kc.getContextObject(c.kc.getCurrentContext())?.namespace ?? DEFAULT_NAMESPACE
  const selector = o.selector ?? AGENT_SELECTOR
  const list = await call(
    c,
    `list pods in namespace ${namespace}`,
    `the runner needs the Role zcprof-runner (list pods) bound to it in namespace ${namespace}: kubectl apply -f deploy/kubernetes/zcprof-agents.yaml; check with \`kubectl auth can-i list pods -n ${namespace}\``,
    timeoutMs,
    () => api.listNamespacedPod({ namespace, labelSelector: selector })
  )
  const where = `label selector '${selector}' in namespace ${namespace}`
  if (list.items.length === 0)
    throw new ZcprofError({
      code: 'ZC_KUBE_NO_AGENTS',
      message: `no pods match ${where} (${c.from})`,
      hint: `deploy the agents (kubectl apply -f deploy/kubernetes/zcprof-agents.yaml) and label their nodes; see them with kubectl -n ${namespace} get pods -l ${selector}`
    })
  const passed = list.items.map((p) => ({ p, why: notReady(p) }))
  const skipped = passed.filter((x) => x.why !== null).map((x) => `${x.p.metadata?.name} (${x.why})`)
  const ready = passed.filter((x) => x.why === null).map((x) => x.p)
  if (ready.length === 0)
    throw new ZcprofError({
      code: 'ZC_KUBE_NO_AGENTS',
      message: `${list.items.length} pod(s) match ${where}, none Running and Ready: ${skipped.join(', ')}`,
      hint: `kubectl -n ${namespace} describe pods -l ${selector} says why`
    })
  if (skipped.length)
    o.onWarning?.(`passed over ${skipped.length} agent pod(s) not Running and Ready: ${skipped.join(', ')}`)
  const poolOf = await pools(c, api, o, timeoutMs)
  const nodes = new Map<string, FleetNode>()
  for (const p of ready) {
    const name = p.spec!.nodeName!
    if (nodes.has(name)) {
      o.onWarning?.(`node ${name} has two agent pods; kept one (${p.metadata?.name} passed over)`)
      continue
    }
    const host = (p.spec!.hostNetwork ? p.status!.hostIP : p.status!.podIP)!
    nodes.set(name, { name, host, port: portOf(p, o), pool: poolOf.get(name) ?? null })
  }
  return [...nodes.values()].sort((a, b) => a.name.localeCompare(b.name))
}
