/**
 * The Kubernetes objects that run zcprof agents as a DaemonSet and the fleet runner as a
 * Job (issue 30). One source: deploy/kubernetes/*.yaml are this module's output with the
 * defaults (scripts/kubernetes-manifests.ts writes them; a test checks they match), and a
 * user's own values (token Secret, node selector, host network) render through the same
 * function. Plain objects only: the YAML writer and the schema check live outside src.
 */

/** the agent's control port (README "Remote hosts") */
export const AGENT_PORT = 7733
export const DEFAULT_NAMESPACE = 'zcprof'
export const DEFAULT_TOKEN_SECRET = 'zcprof-token'
/** the key inside the token Secret: the environment variable the agent and the runner read */
export const TOKEN_KEY = 'ZCPROF_TOKEN'
/** the label a user puts on the nodes that should run an agent */
export const DEFAULT_NODE_SELECTOR: Readonly<Record<string, string>> = { 'zcprof.dev/agent': 'true' }
export const AGENT_LABELS = { 'app.kubernetes.io/name': 'zcprof', 'app.kubernetes.io/component': 'agent' }
export const RUNNER_LABELS = { 'app.kubernetes.io/name': 'zcprof', 'app.kubernetes.io/component': 'fleet-runner' }
/** the label selector the runner finds agents by */
export const AGENT_SELECTOR = Object.entries(AGENT_LABELS)
  .map(([k, v]) => `${k}=${v}`)
  .join(',')
/** the name of the agent's container port: discovery reads the port from it */
export const AGENT_PORT_NAME = 'agent'
/** where a data connection lands: the agent binds port 0 per stream, so the kernel's ephemeral range */
export const EPHEMERAL_PORTS = { first: 32768, last: 60999 }
/** the user the image runs as (deploy/docker/Dockerfile) */
export const IMAGE_UID = 10001

// Memory, from `npm run bench:agent-memory` (README "Benchmark"): an idle agent holds
// 55-56 MiB; under the worst plans its default limits allow (--max-agent-pinned 1 GiB)
// its peak was 1043 MiB (VmHWM). The request is the idle agent, the limit that peak with
// room: a limit below it would have the kernel kill the agent mid-trial.
export const AGENT_MEMORY = { request: '64Mi', limit: '1152Mi' }

/**
 * The fleet runner's command line in the Job, in one place (its flags may change when the
 * runner lands): the Job finds agents by AGENT_SELECTOR and writes into the mounted library.
 */
export function fleetRunnerArgs(selector: string, namespace: string, libraryPath: string): string[] {
  return ['fleet', 'run', '--kubernetes', selector, '--namespace', namespace, '--library', libraryPath]
}

export interface ManifestOptions {
  namespace: string
  /** the container image built from deploy/docker/Dockerfile and pushed where the cluster can pull it */
  image: string
  /** the Secret holding TOKEN_KEY: the user makes it (README "Kubernetes") */
  tokenSecret: string
  /** labels a node must have to run an agent ({} runs one on every node) */
  nodeSelector: Record<string, string>
  /** the agents share their node's network namespace: measures the host's path, not the pod network's */
  hostNetwork: boolean
  /** let io_uring through (the uring and zcrx receivers): default seccomp profiles refuse it */
  ioUring: boolean
  /** the runner may list nodes to read each node's pool label (a ClusterRole) */
  nodePools: boolean
  /** the library volume's size, a Kubernetes quantity */
  librarySize: string
}

export const DEFAULT_MANIFEST_OPTIONS: ManifestOptions = {
  namespace: DEFAULT_NAMESPACE,
  image: 'zcprof:0.4.0',
  tokenSecret: DEFAULT_TOKEN_SECRET,
  nodeSelector: { ...DEFAULT_NODE_SELECTOR },
  hostNetwork: false,
  ioUring: false,
  nodePools: false,
  librarySize: '1Gi'
}

/** a Kubernetes object: apiVersion, kind, metadata and the rest */
export interface KubernetesObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string> }
  [field: string]: unknown
}

/** one object and the comments a reader of its YAML needs, each before the field at its path */
export interface Manifest {
  object: KubernetesObject
  comments: Array<{ path: Array<string | number>; text: string }>
}

/** the files of deploy/kubernetes and what each holds */
export interface ManifestFiles {
  /** Namespace, ServiceAccounts, RBAC, the agent DaemonSet, the NetworkPolicy */
  agents: Manifest[]
  /** the token Secret, with a placeholder the agent refuses (it has spaces) */
  tokenSecret: Manifest[]
  /** the library volume and the runner Job */
  runnerJob: Manifest[]
}

/** a placeholder the agent refuses (whitespace), so a Secret applied unchanged never runs with a known token */
export const TOKEN_PLACEHOLDER = 'REPLACE ME: openssl rand -base64 24'

const tokenEnv = (o: ManifestOptions) => ({
  name: TOKEN_KEY,
  valueFrom: { secretKeyRef: { name: o.tokenSecret, key: TOKEN_KEY } }
})

/**
 * The Pod Security Standard the namespace enforces: host networking and an unconfined
 * seccomp profile need 'privileged'; else 'baseline', for the runner Job's init container,
 * and the agents' init containers, which run as root to hand the library and cache volumes to
 * the image's user (the agent and runner containers themselves meet 'restricted').
 */
export function podSecurityLevel(o: ManifestOptions): 'baseline' | 'privileged' {
  return o.hostNetwork || o.ioUring ? 'privileged' : 'baseline'
}

const containerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] }
}

const CAPABILITIES_COMMENT =
  'No capability: receiving by copy, splice, mapping (TCP_ZEROCOPY_RECEIVE) and io_uring needs none,\n' +
  'nor does pinning receivers to CPUs the pod may use. Add NET_ADMIN only for zcrx (it registers a\n' +
  "NIC queue; with hostNetwork and ioUring), PERFMON only for hardware counters where the node's\n" +
  'kernel.perf_event_paranoid is above 1. MSG_ZEROCOPY (a sender) needs none, within RLIMIT_MEMLOCK.'

function podSecurity(o: ManifestOptions) {
  return {
    runAsNonRoot: true,
    runAsUser: IMAGE_UID,
    runAsGroup: IMAGE_UID,
    seccompProfile: { type: o.ioUring ? 'Unconfined' : 'RuntimeDefault' }
  }
}

function namespace(o: ManifestOptions): Manifest {
  const level = podSecurityLevel(o)
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: o.namespace,
        labels: {
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/warn': level
        }
      }
    },
    comments: [
      {
        path: ['metadata', 'labels'],
        text:
          level === 'baseline'
            ? "baseline: the agents and the runner meet 'restricted'; their init containers run as root to hand over the cache and library volumes."
            : 'privileged: host networking or an unconfined seccomp profile (io_uring) is past baseline.'
      }
    ]
  }
}

function rbac(o: ManifestOptions): Manifest[] {
  const ns = o.namespace
  const sa = (name: string, why: string): Manifest => ({
    object: {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns },
      automountServiceAccountToken: name === 'zcprof-runner'
    },
    comments: [{ path: ['automountServiceAccountToken'], text: why }]
  })
  const out: Manifest[] = [
    sa('zcprof-agent', 'The agent never talks to the API: no token in its pods.'),
    sa('zcprof-runner', 'The runner lists agent pods through the API (Role zcprof-runner).'),
    {
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'zcprof-runner', namespace: ns },
        rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]
      },
      comments: [{ path: ['rules'], text: 'All the runner needs: list the agent pods of this namespace.' }]
    },
    {
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'zcprof-runner', namespace: ns },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'zcprof-runner' },
        subjects: [{ kind: 'ServiceAccount', name: 'zcprof-runner', namespace: ns }]
      },
      comments: []
    }
  ]
  if (o.nodePools) out.push(...nodeReader(ns))
  return out
}

/** nodes are cluster-wide: reading their pool labels takes a ClusterRole (opt-in) */
function nodeReader(ns: string): Manifest[] {
  const name = `zcprof-node-reader-${ns}`
  return [
    {
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name },
        rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }]
      },
      comments: [
        {
          path: ['rules'],
          text: "Optional: the runner reads each node's pool label (GKE, EKS, AKS, Karpenter) to mark outliers within a pool."
        }
      ]
    },
    {
      object: {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name: 'zcprof-runner', namespace: ns }]
      },
      comments: []
    }
  ]
}

/** where an agent's send jobs keep their test files: the plan's sizes fit (the default is 256 MiB) */
const AGENT_CACHE = '/cache'
const AGENT_CACHE_SIZE = '2Gi'
/**
 * what one send job may write there (--max-send-file-bytes): half the cache, so the files
 * an earlier plan left fit beside a new one's. The agent's own check sees the node's disk
 * (statfs), not the emptyDir's limit, and a pod past its sizeLimit is evicted.
 */
const AGENT_SEND_FILE_BYTES = '1GiB'

function agentContainer(o: ManifestOptions) {
  return {
    name: 'agent',
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    args: ['agent', '--listen', `0.0.0.0:${AGENT_PORT}`, '--max-send-file-bytes', AGENT_SEND_FILE_BYTES],
    // a send job (a fleet pair's sender) writes its generated test file under $XDG_CACHE_HOME/zcprof
    env: [tokenEnv(o), { name: 'XDG_CACHE_HOME', value: AGENT_CACHE }],
    ports: [{ name: AGENT_PORT_NAME, containerPort: AGENT_PORT, protocol: 'TCP' }],
    readinessProbe: { tcpSocket: { port: AGENT_PORT_NAME }, initialDelaySeconds: 2, periodSeconds: 10 },
    resources: {
      requests: { cpu: '100m', memory: AGENT_MEMORY.request },
      limits: { memory: AGENT_MEMORY.limit }
    },
    securityContext: containerSecurity,
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'cache', mountPath: AGENT_CACHE }
    ]
  }
}

function agentDaemonSet(o: ManifestOptions): Manifest {
  const c = ['spec', 'template', 'spec', 'containers', 0]
  return {
    object: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'zcprof-agent', namespace: o.namespace, labels: AGENT_LABELS },
      spec: {
        selector: { matchLabels: AGENT_LABELS },
        template: {
          metadata: { labels: AGENT_LABELS },
          spec: {
            serviceAccountName: 'zcprof-agent',
            automountServiceAccountToken: false,
            ...(Object.keys(o.nodeSelector).length ? { nodeSelector: o.nodeSelector } : {}),
            ...(o.hostNetwork ? { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' } : {}),
            securityContext: podSecurity(o),
            initContainers: [volumeOwner(o, 'cache', AGENT_CACHE)],
            containers: [agentContainer(o)],
            volumes: [
              { name: 'tmp', emptyDir: { sizeLimit: '16Mi' } },
              { name: 'cache', emptyDir: { sizeLimit: AGENT_CACHE_SIZE } }
            ]
          }
        }
      }
    },
    comments: [
      ...(Object.keys(o.nodeSelector).length
        ? [{ path: ['spec', 'template', 'spec', 'nodeSelector'], text: 'Agents run only on nodes with these labels.' }]
        : []),
      ...(o.hostNetwork
        ? [
            {
              path: ['spec', 'template', 'spec', 'hostNetwork'],
              text: "The node's own network: measures the host's path (its NIC, no overlay), the port is on the node's IP,\nand NetworkPolicies do not apply: the token alone guards it."
            }
          ]
        : []),
      {
        path: ['spec', 'template', 'spec', 'securityContext', 'seccompProfile'],
        text: o.ioUring
          ? 'Unconfined: the default profiles of containerd 2.0 and Docker 25 on refuse io_uring, which the uring and zcrx receivers use.'
          : 'RuntimeDefault refuses io_uring from containerd 2.0 and Docker 25 on (the uring and zcrx receivers): render with --io-uring for them.'
      },
      {
        path: [...c, 'args'],
        text:
          'The token comes from the Secret through ZCPROF_TOKEN, never an argument (ps shows those).\n' +
          `A send job's test files (its plan's sizes together) stay within half the ${AGENT_CACHE_SIZE} /cache.`
      },
      {
        path: [...c, 'readinessProbe'],
        text: 'A TCP connect: the agent drops a connection that says nothing (3 s), and serves only once it listens.'
      },
      {
        path: [...c, 'resources'],
        text:
          'From `npm run bench:agent-memory`: idle 56 MiB, peak 1043 MiB under the worst plans the default\n' +
          'limits allow (--max-agent-pinned 1 GiB). No CPU limit: CFS throttling would distort the figures.'
      },
      { path: [...c, 'securityContext', 'capabilities'], text: CAPABILITIES_COMMENT }
    ]
  }
}

function networkPolicy(o: ManifestOptions): Manifest {
  return {
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'zcprof-agent', namespace: o.namespace },
      spec: {
        podSelector: { matchLabels: AGENT_LABELS },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: RUNNER_LABELS } }, { podSelector: { matchLabels: AGENT_LABELS } }],
            ports: [{ protocol: 'TCP', port: AGENT_PORT }]
          },
          {
            from: [{ podSelector: { matchLabels: RUNNER_LABELS } }, { podSelector: { matchLabels: AGENT_LABELS } }],
            ports: [{ protocol: 'TCP', port: EPHEMERAL_PORTS.first, endPort: EPHEMERAL_PORTS.last }]
          }
        ]
      }
    },
    comments: [
      {
        path: ['spec', 'ingress', 0],
        text: "The control port: the runner's pods, and the other agents (a send job's sender opens its\ncontrol connection to the receiver's agent here)."
      },
      {
        path: ['spec', 'ingress', 1],
        text: "A trial's data ports (ephemeral, one per stream): from the runner or another agent asked to send."
      }
    ]
  }
}

function tokenSecret(o: ManifestOptions): Manifest {
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: o.tokenSecret, namespace: o.namespace },
      type: 'Opaque',
      stringData: { [TOKEN_KEY]: TOKEN_PLACEHOLDER }
    },
    comments: [
      {
        path: ['stringData'],
        text:
          'Replace the placeholder (the agent refuses it: it has spaces), or skip this file and run\n' +
          `kubectl -n ${o.namespace} create secret generic ${o.tokenSecret} --from-literal=${TOKEN_KEY}="$(openssl rand -base64 24)"`
      }
    ]
  }
}

/**
 * root, with CHOWN and FOWNER alone, for one chmod and one chown of a volume's root: zcprof
 * refuses a folder others can write (an emptyDir is 0777, a volume root root's), so the
 * volume is handed to the image's user, private
 */
function volumeOwner(o: ManifestOptions, volume: string, library: string) {
  return {
    name: `${volume}-owner`,
    image: o.image,
    imagePullPolicy: 'IfNotPresent',
    command: [
      'node',
      '-e',
      `const fs = require('fs'); fs.chmodSync('${library}', 0o700); fs.chownSync('${library}', ${IMAGE_UID}, ${IMAGE_UID})`
    ],
    securityContext: {
      runAsUser: 0,
      runAsNonRoot: false,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER'] }
    },
    volumeMounts: [{ name: volume, mountPath: library }]
  }
}

function runnerJob(o: ManifestOptions): Manifest[] {
  const library = '/library'
  return [
    {
      object: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'zcprof-library', namespace: o.namespace },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.librarySize } } }
      },
      comments: [{ path: ['spec'], text: 'The report library the runner writes: one report per pair.' }]
    },
    {
      object: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'zcprof-fleet', namespace: o.namespace, labels: RUNNER_LABELS },
        spec: {
          backoffLimit: 0,
          template: {
            metadata: { labels: RUNNER_LABELS },
            spec: {
              serviceAccountName: 'zcprof-runner',
              restartPolicy: 'Never',
              securityContext: podSecurity({ ...o, ioUring: false }),
              initContainers: [volumeOwner(o, 'library', library)],
              containers: [
                {
                  name: 'runner',
                  image: o.image,
                  imagePullPolicy: 'IfNotPresent',
                  args: fleetRunnerArgs(AGENT_SELECTOR, o.namespace, library),
                  env: [tokenEnv(o)],
                  resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                  securityContext: containerSecurity,
                  volumeMounts: [
                    { name: 'library', mountPath: library },
                    { name: 'tmp', mountPath: '/tmp' }
                  ]
                }
              ],
              volumes: [
                { name: 'library', persistentVolumeClaim: { claimName: 'zcprof-library' } },
                { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }
              ]
            }
          }
        }
      },
      comments: [
        {
          path: ['spec', 'template', 'spec', 'initContainers'],
          text:
            'The library must be private to the runner (README "Security": no folder others can write), and a\n' +
            "volume's root is root's, or group-writable with fsGroup: this hands it to the runner's user, mode 0700."
        },
        {
          path: ['spec', 'template', 'metadata', 'labels'],
          text: "These labels are what the agents' NetworkPolicy admits."
        }
      ]
    }
  ]
}

/** every object, by the file it goes in */
export function renderManifests(o: ManifestOptions): ManifestFiles {
  return {
    agents: [namespace(o), ...rbac(o), agentDaemonSet(o), networkPolicy(o)],
    tokenSecret: [tokenSecret(o)],
    runnerJob: runnerJob(o)
  }
}
