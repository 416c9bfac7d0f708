// Kubernetes discovery (issue 30 item 2) against a small API server on 127.0.0.1 that
// answers as the real one does: a PodList of agent pods in every state a DaemonSet's pods
// pass through, a NodeList with the pool labels of GKE and EKS, and the API's 403 Status
// object. The client reaches it through a kubeconfig file, as a user's would.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  clientImportError,
  discoverKubernetesNodes,
  KUBERNETES_CLIENT,
  type KubernetesDiscoveryOptions
} from '../../src/main/fleet/kubernetes-discovery'
import type { FleetNode } from '../../src/main/fleet/fleet-node'
import { discoverNodes, type FleetFlags } from '../../src/main/cli/fleet-command'
import { ZcprofError } from '../../src/shared/errors'

type Obj = Record<string, unknown>

const SELECTOR = 'app.kubernetes.io/name=zcprof,app.kubernetes.io/component=agent'
const TOKEN = 'test-bearer-token-0123456789'

const ready = (t: string) => [
  { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t },
  { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t },
  { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: t },
  { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: t },
  { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t }
]

/** an agent pod as the API lists it (kubectl get pod -o json, trimmed to what matters and a little more) */
function pod(
  name: string,
  nodeName: string,
  phase: string,
  o: { podIP?: string; hostIP: string; ready: boolean; hostNetwork?: boolean; port?: number; deleting?: boolean }
): Obj {
  const t = '2026-12-07T01:00:00Z'
  return {
    metadata: {
      name,
      generateName: 'zcprof-agent-',
      namespace: 'zcprof',
      uid: `uid-${name}`,
      resourceVersion: '4711',
      creationTimestamp: t,
      ...(o.deleting ? { deletionTimestamp: t, deletionGracePeriodSeconds: 30 } : {}),
      labels: {
        'app.kubernetes.io/name': 'zcprof',
        'app.kubernetes.io/component': 'agent',
        'controller-revision-hash': '7d9f'
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'DaemonSet',
          name: 'zcprof-agent',
          uid: 'ds',
          controller: true,
          blockOwnerDeletion: true
        }
      ]
    },
    spec: {
      containers: [
        {
          name: 'agent',
          image: 'zcprof:0.4.0',
          args: ['agent', '--listen', '0.0.0.0:7733'],
          ports: [
            {
              name: 'agent',
              containerPort: o.port ?? 7733,
              protocol: 'TCP',
              ...(o.hostNetwork ? { hostPort: o.port ?? 7733 } : {})
            }
          ]
        }
      ],
      restartPolicy: 'Always',
      serviceAccountName: 'zcprof-agent',
      ...(o.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
      ...(phase === 'Pending' && !o.podIP ? {} : { nodeName })
    },
    status: {
      phase,
      conditions: o.ready
        ? ready(t)
        : [
            {
              type: 'Ready',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: t,
              reason: 'ContainersNotReady',
              message: 'containers with unready status: [agent]'
            },
            { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t }
          ],
      hostIP: o.hostIP,
      hostIPs: [{ ip: o.hostIP }],
      ...(o.podIP ? { podIP: o.podIP, podIPs: [{ ip: o.podIP }] } : {}),
      startTime: t,
      qosClass: 'Burstable'
    }
  }
}

/** the fleet the server lists: what each pod is and what discovery must make of it */
const PODS = [
  pod('zcprof-agent-b7k2q', 'gke-perf-fast-1', 'Running', { podIP: '10.8.1.14', hostIP: '10.128.0.21', ready: true }),
  // host networking: the pod's IP is its node's
  pod('zcprof-agent-h4x9m', 'ip-10-0-3-7.ec2.internal', 'Running', {
    podIP: '10.0.3.7',
    hostIP: '10.0.3.7',
    ready: true,
    hostNetwork: true,
    port: 7800
  }),
  pod('zcprof-agent-a1c3d', 'gke-perf-slow-1', 'Running', { podIP: '10.8.2.9', hostIP: '10.128.0.22', ready: true }),
  pod('zcprof-agent-p0nd1', 'gke-perf-fast-2', 'Pending', { hostIP: '10.128.0.23', ready: false }),
  pod('zcprof-agent-n0tr3', 'gke-perf-fast-3', 'Running', { podIP: '10.8.3.3', hostIP: '10.128.0.24', ready: false }),
  pod('zcprof-agent-g0ne1', 'gke-perf-fast-4', 'Running', {
    podIP: '10.8.4.4',
    hostIP: '10.128.0.25',
    ready: true,
    deleting: true
  })
]
const EXPECTED: FleetNode[] = [
  { name: 'gke-perf-fast-1', host: '10.8.1.14', port: 7733, pool: 'fast' },
  { name: 'gke-perf-slow-1', host: '10.8.2.9', port: 7733, pool: 'slow' },
  { name: 'ip-10-0-3-7.ec2.internal', host: '10.0.3.7', port: 7800, pool: 'ng-storage' }
]

function node(name: string, labels: Record<string, string>): Obj {
  return {
    metadata: {
      name,
      uid: `n-${name}`,
      resourceVersion: '99',
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...labels }
    },
    spec: {},
    status: {
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      conditions: [{ type: 'Ready', status: 'True' }]
    }
  }
}
const NODES = [
  node('gke-perf-fast-1', { 'cloud.google.com/gke-nodepool': 'fast', rack: 'r1' }),
  node('gke-perf-slow-1', { 'cloud.google.com/gke-nodepool': 'slow', rack: 'r2' }),
  node('ip-10-0-3-7.ec2.internal', { 'eks.amazonaws.com/nodegroup': 'ng-storage' })
]

const forbidden = (message: string, kind: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason: 'Forbidden',
  details: { kind },
  code: 403
})

interface Api {
  pods: Obj[] | 'forbidden'
  nodes: Obj[] | 'forbidden'
}
let api: Api
const seen: Array<{ path: string; selector: string | null; auth: string | undefined }> = []
let server: http.Server
let port: number
let dir: string

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'zcprof-kube-'))
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    seen.push({ path: url.pathname, selector: url.searchParams.get('labelSelector'), auth: req.headers.authorization })
    const podPath = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(url.pathname)
    if (podPath) {
      if (api.pods === 'forbidden')
        return send(
          res,
          403,
          forbidden(
            `pods is forbidden: User "system:serviceaccount:${podPath[1]}:zcprof-runner" cannot list resource "pods" in API group "" in the namespace "${podPath[1]}"`,
            'pods'
          )
        )
      return send(res, 200, {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '4712' },
        items: api.pods
      })
    }
    if (url.pathname === '/api/v1/nodes') {
      if (api.nodes === 'forbidden')
        return send(
          res,
          403,
          forbidden(
            'nodes is forbidden: User "system:serviceaccount:zcprof:zcprof-runner" cannot list resource "nodes" in API group "" at the cluster scope',
            'nodes'
          )
        )
      return send(res, 200, {
        kind: 'NodeList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '100' },
        items: api.nodes
      })
    }
    send(res, 404, {
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      code: 404
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  port = (server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise((r) => server.close(r))
  rmSync(dir, { recursive: true, force: true })
})

afterEach(() => {
  seen.length = 0
})

function kubeconfig(serverPort: number, namespace = 'zcprof'): string {
  const file = path.join(dir, `config-${serverPort}-${namespace}`)
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: lab',
      '  cluster:',
      `    server: http://127.0.0.1:${serverPort}`,
      // the client refuses plain HTTP without it (kubectl proxy's address needs the same)
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: runner',
      '  user:',
      `    token: ${TOKEN}`,
      'contexts:',
      '- name: lab',
      '  context:',
      '    cluster: lab',
      '    user: runner',
      `    namespace: ${namespace}`,
      'current-context: lab',
      ''
    ].join('\n')
  )
  return file
}

async function discover(o: KubernetesDiscoveryOptions = {}) {
  const warnings: string[] = []
  const nodes = await discoverKubernetesNodes({
    kubeconfig: kubeconfig(port),
    onWarning: (w) => warnings.push(w),
    ...o
  })
  return { nodes, warnings }
}

async function failure(p: Promise<unknown>): Promise<ZcprofError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x
  )
  expect(e).toBeInstanceOf(ZcprofError)
  return e as ZcprofError
}

describe("zcprof fleet run's flags", () => {
  it('reach discovery: --kubernetes with its selector, --namespace, --kubeconfig and --pool-label', async () => {
    api = { pods: PODS, nodes: NODES }
    const nodes = await discoverNodes({
      kubernetes: 'app=zc',
      namespace: 'perf',
      kubeconfig: kubeconfig(port),
      poolLabel: 'rack'
    } as FleetFlags)
    expect(seen[0]).toMatchObject({ path: '/api/v1/namespaces/perf/pods', selector: 'app=zc' })
    expect(nodes.map((n) => [n.name, n.pool])).toEqual([
      ['gke-perf-fast-1', 'r1'],
      ['gke-perf-slow-1', 'r2'],
      ['ip-10-0-3-7.ec2.internal', null]
    ])
    // a bare --kubernetes: the DaemonSet's own labels
    seen.length = 0
    await discoverNodes({ kubernetes: true, kubeconfig: kubeconfig(port) } as FleetFlags)
    expect(seen[0]).toMatchObject({ path: '/api/v1/namespaces/zcprof/pods', selector: SELECTOR })
  })

  it('refuse two sources of nodes, and Kubernetes options without --kubernetes', async () => {
    const both = await failure(discoverNodes({ hosts: 'h', kubernetes: true } as FleetFlags))
    expect(both.toInfo().message).toBe('--hosts and --kubernetes each name the fleet: give one')
    const stray = await failure(discoverNodes({ namespace: 'perf', poolLabel: 'rack' } as FleetFlags))
    expect(stray.toInfo().message).toBe('--namespace, --pool-label go with --kubernetes')
    const none = await failure(discoverNodes({} as FleetFlags))
    expect(none.toInfo().message).toBe('no nodes: give --hosts FILE or --kubernetes [SELECTOR]')
  })
})

describe('discoverKubernetesNodes', () => {
  it('keeps the Running and Ready agents, one node each, with its address, port and pool', async () => {
    api = { pods: PODS, nodes: NODES }
    const { nodes, warnings } = await discover()
    expect(nodes).toEqual(EXPECTED)
    // asked the context's namespace for the DaemonSet's labels, with the kubeconfig's token
    expect(seen[0]).toEqual({ path: '/api/v1/namespaces/zcprof/pods', selector: SELECTOR, auth: `Bearer ${TOKEN}` })
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/passed over 3 agent pod\(s\)/)
    expect(warnings[0]).toContain('zcprof-agent-p0nd1 (Pending)')
    expect(warnings[0]).toContain('zcprof-agent-n0tr3 (Running, not Ready)')
    expect(warnings[0]).toContain('zcprof-agent-g0ne1 (terminating)')
  })

  it('takes the namespace, selector, port and pool label the user names', async () => {
    api = { pods: PODS, nodes: NODES }
    const { nodes } = await discover({ namespace: 'perf', selector: 'app=zc', port: 9000, poolLabel: 'rack' })
    expect(seen[0]).toMatchObject({ path: '/api/v1/namespaces/perf/pods', selector: 'app=zc' })
    expect(nodes.map((n) => [n.name, n.port, n.pool])).toEqual([
      ['gke-perf-fast-1', 9000, 'r1'],
      ['gke-perf-slow-1', 9000, 'r2'],
      ['ip-10-0-3-7.ec2.internal', 9000, null]
    ])
  })

  it('reads no nodes when told no pool label', async () => {
    api = { pods: PODS, nodes: NODES }
    const { nodes } = await discover({ poolLabel: null })
    expect(seen.map((s) => s.path)).toEqual(['/api/v1/namespaces/zcprof/pods'])
    expect(nodes.map((n) => n.pool)).toEqual([null, null, null])
  })

  it('leaves pools null, and says why, when RBAC refuses listing nodes', async () => {
    api = { pods: PODS, nodes: 'forbidden' }
    const { nodes, warnings } = await discover()
    expect(nodes).toEqual(EXPECTED.map((n) => ({ ...n, pool: null })))
    expect(warnings.join('\n')).toMatch(/pools unknown \(nodes may not be listed\).*--node-pools/)
  })

  it('names the missing Role when RBAC refuses listing pods', async () => {
    api = { pods: 'forbidden', nodes: NODES }
    const e = await failure(discover({ namespace: 'perf' }))
    expect(e.code).toBe('ZC_KUBE_FORBIDDEN')
    expect(e.message).toContain(
      `http://127.0.0.1:${port} refused to list pods in namespace perf (403: pods is forbidden: User "system:serviceaccount:perf:zcprof-runner"`
    )
    expect(e.hint).toContain('Role zcprof-runner (list pods) bound to it in namespace perf')
    expect(e.hint).toContain('kubectl auth can-i list pods -n perf')
  })

  it('says the selector and namespace when no pod matches', async () => {
    api = { pods: [], nodes: NODES }
    const e = await failure(discover({ namespace: 'perf', selector: 'app=zc' }))
    expect(e.code).toBe('ZC_KUBE_NO_AGENTS')
    expect(e.message).toMatch(/^no pods match label selector 'app=zc' in namespace perf \(kubeconfig .*config-/)
    expect(e.hint).toContain('kubectl -n perf get pods -l app=zc')
  })

  it('lists each pod and its state when none is Running and Ready', async () => {
    api = { pods: PODS.slice(3), nodes: NODES }
    const e = await failure(discover())
    expect(e.code).toBe('ZC_KUBE_NO_AGENTS')
    expect(e.toInfo().message).toBe(
      `3 pod(s) match label selector '${SELECTOR}' in namespace zcprof, none Running and Ready: zcprof-agent-p0nd1 (Pending), zcprof-agent-n0tr3 (Running, not Ready), zcprof-agent-g0ne1 (terminating)`
    )
  })

  it('says the API is unreachable, with its address, when nothing listens there', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const e = await failure(discoverKubernetesNodes({ kubeconfig: kubeconfig(closedPort) }))
    expect(e.code).toBe('ZC_KUBE_UNREACHABLE')
    expect(e.message).toContain(`cannot reach the Kubernetes API at http://127.0.0.1:${closedPort}`)
    expect(e.message).toContain('ECONNREFUSED')
  })

  it('says the API is unreachable when it does not answer in time', async () => {
    const silent = http.createServer(() => undefined)
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const silentPort = (silent.address() as AddressInfo).port
    try {
      const e = await failure(discoverKubernetesNodes({ kubeconfig: kubeconfig(silentPort), timeoutMs: 300 }))
      expect(e.code).toBe('ZC_KUBE_UNREACHABLE')
      expect(e.message).toContain('no answer in 0.3 s')
    } finally {
      silent.closeAllConnections()
      await new Promise((r) => silent.close(r))
    }
  })

  it('names a kubeconfig that does not exist, and says where to look when there is no configuration at all', async () => {
    const missing = path.join(dir, 'no-such-config')
    const e = await failure(discoverKubernetesNodes({ kubeconfig: missing }))
    expect(e.code).toBe('ZC_KUBE_CONFIG')
    expect(e.toInfo().message).toBe(`kubeconfig ${missing} does not exist`)

    const saved = {
      KUBECONFIG: process.env.KUBECONFIG,
      HOME: process.env.HOME,
      KUBERNETES_SERVICE_HOST: process.env.KUBERNETES_SERVICE_HOST
    }
    const home = mkdtempSync(path.join(dir, 'home-'))
    try {
      delete process.env.KUBECONFIG
      delete process.env.KUBERNETES_SERVICE_HOST
      process.env.HOME = home
      expect(readdirSync(home)).toEqual([])
      const none = await failure(discoverKubernetesNodes())
      expect(none.code).toBe('ZC_KUBE_CONFIG')
      expect(none.message).toMatch(
        /no Kubernetes cluster configuration: no kubeconfig given, \$KUBECONFIG unset, no ~\/.kube\/config, and not in a pod/
      )
      // and $KUBECONFIG is read when set
      process.env.KUBECONFIG = kubeconfig(port)
      api = { pods: PODS, nodes: NODES }
      expect(await discoverKubernetesNodes({ onWarning: () => undefined })).toEqual(EXPECTED)
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})

describe('the client library', () => {
  it('is loaded only when discovery runs: every import of it in src is a type or an import()', () => {
    const src = path.join(__dirname, '..', '..', 'src')
    const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => /\.tsx?$/.test(f))
    const uses = files.flatMap((f) =>
      [...readFileSync(path.join(src, f), 'utf8').matchAll(/^.*['"]@kubernetes\/client-node['"].*$/gm)].map(
        (m) => `${f}: ${m[0].trim()}`
      )
    )
    expect(uses.length).toBeGreaterThan(0)
    for (const u of uses) {
      // a static import would load 54 MiB of client at every start, and fail where it is not installed
      expect(u).not.toMatch(/^[^:]+: (import|export) (?!type )[^(]*from '@kubernetes\/client-node'|require\(/)
      expect(u).toMatch(/import type .* from '@kubernetes\/client-node'|import\('@kubernetes\/client-node'\)/)
    }
  })

  it('is the version package.json pins, an optional peer (agent hosts do not install it), and the image installs it', () => {
    const root = path.join(__dirname, '..', '..')
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
    const [, version] = /^@kubernetes\/client-node@(.+)$/.exec(KUBERNETES_CLIENT)!
    expect(pkg.dependencies['@kubernetes/client-node']).toBeUndefined()
    expect(pkg.peerDependencies['@kubernetes/client-node']).toBe(version)
    expect(pkg.peerDependenciesMeta['@kubernetes/client-node']).toEqual({ optional: true })
    expect(pkg.devDependencies['@kubernetes/client-node']).toBe(version)
    const dockerfile = readFileSync(path.join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8')
    expect(dockerfile).toMatch(new RegExp(`^ARG KUBERNETES_CLIENT=${version.replace(/\./g, '\\.')}$`, 'm'))
    expect(dockerfile).toMatch(/npm install --global --omit=dev [^\n]*@kubernetes\/client-node@\$\{KUBERNETES_CLIENT\}/)
  })

  it('missing, says how to install it', () => {
    let missing: unknown
    try {
      createRequire(__filename)('@kubernetes/no-such-client-zcprof')
    } catch (e) {
      missing = e
    }
    const e = clientImportError(missing)
    expect(e).toBeInstanceOf(ZcprofError)
    expect((e as ZcprofError).code).toBe('ZC_KUBE_CLIENT')
    expect((e as ZcprofError).hint).toContain(`npm install -g ${KUBERNETES_CLIENT}`)
    // anything else passes through as it was
    const other = new Error('boom')
    expect(clientImportError(other)).toBe(other)
  })
})
