// deploy/kubernetes (issue 30 item 1): the manifests, committed and rendered with a user's
// values, are valid Kubernetes objects by the API's own schemas (kubernetes-models ships
// them, compiled), hold the values the user gave, and agree with each other.

import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { DaemonSet } from 'kubernetes-models/apps/v1'
import { Job } from 'kubernetes-models/batch/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1'
import { Namespace, PersistentVolumeClaim, Secret, ServiceAccount } from 'kubernetes-models/v1'
import { kustomizations, MANIFEST_FILES, manifestsYaml } from '../../scripts/kubernetes-manifests'
import { parseSize } from '../../src/shared/units'
import {
  AGENT_PORT,
  DEFAULT_MANIFEST_OPTIONS,
  IMAGE_UID,
  renderManifests
} from '../../src/main/fleet/kubernetes-manifests'

const root = path.join(__dirname, '..', '..')
const deployDir = path.join(root, 'deploy', 'kubernetes')

type Obj = Record<string, any> // eslint-disable-line @typescript-eslint/no-explicit-any

/** each apiVersion/kind the manifests may hold, and the schema it is checked against */
const MODELS: Record<string, new (o: any) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'apps/v1/DaemonSet': DaemonSet,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy
}
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding'])

/** throws, naming the object, unless it is valid by the API's schema (and named, which the schema leaves open) */
function validate(o: Obj): void {
  const where = `${o.kind}/${o.metadata?.name}`
  const Model = MODELS[`${o.apiVersion}/${o.kind}`]
  if (!Model) throw new Error(`${where}: no schema for ${o.apiVersion} ${o.kind}`)
  new Model(o).validate()
  if (typeof o.metadata?.name !== 'string' || !o.metadata.name) throw new Error(`${where}: no metadata.name`)
  if (!CLUSTER_SCOPED.has(o.kind) && !o.metadata.namespace) throw new Error(`${where}: no metadata.namespace`)
}

function parseYaml(text: string): Obj[] {
  return parseAllDocuments(text).map((d) => {
    if (d.errors.length) throw new Error(d.errors[0].message)
    return d.toJS() as Obj
  })
}

const find = (all: Obj[], kind: string) => {
  const o = all.find((x) => x.kind === kind)
  if (!o) throw new Error(`no ${kind}`)
  return o
}
const podSpec = (o: Obj): Obj => o.spec.template.spec
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v)

/** a Kubernetes memory quantity in MiB (the forms the manifests use) */
function mib(q: string): number {
  const m = /^(\d+)(Mi|Gi)$/.exec(q)
  if (!m) throw new Error(`quantity ${q}`)
  return Number(m[1]) * (m[2] === 'Gi' ? 1024 : 1)
}

/** the user's values, as a user would type them */
const USER = {
  args: [
    '--namespace',
    'perf-lab',
    '--image',
    'registry.example.com/team/zcprof:0.4.0',
    '--token-secret',
    'team-zcprof-token',
    '--node-selector',
    'nic=cx7',
    '--node-selector',
    'zcprof.dev/agent=yes',
    '--host-network',
    '--node-pools'
  ],
  namespace: 'perf-lab',
  image: 'registry.example.com/team/zcprof:0.4.0',
  secret: 'team-zcprof-token',
  nodeSelector: { nic: 'cx7', 'zcprof.dev/agent': 'yes' }
}

function renderCli(args: string[]) {
  return spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts', 'kubernetes-manifests.ts'), ...args],
    {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000
    }
  )
}

describe('deploy/kubernetes as committed', () => {
  const files = renderManifests(DEFAULT_MANIFEST_OPTIONS)
  const keys = Object.keys(MANIFEST_FILES) as Array<keyof typeof MANIFEST_FILES>

  it('is what the render writes with the defaults (edit src/main/fleet/kubernetes-manifests.ts, then rerun the script)', () => {
    for (const k of keys) {
      const committed = readFileSync(path.join(deployDir, MANIFEST_FILES[k].file), 'utf8')
      expect(committed, MANIFEST_FILES[k].file).toBe(manifestsYaml(files[k], MANIFEST_FILES[k].header))
    }
  })

  it('holds only objects valid by the Kubernetes API schemas', () => {
    const all = keys.flatMap((k) => parseYaml(readFileSync(path.join(deployDir, MANIFEST_FILES[k].file), 'utf8')))
    expect(all.map((o) => o.kind).sort()).toEqual(
      [
        'DaemonSet',
        'Job',
        'Namespace',
        'NetworkPolicy',
        'PersistentVolumeClaim',
        'Role',
        'RoleBinding',
        'Secret',
        'ServiceAccount',
        'ServiceAccount'
      ].sort()
    )
    for (const o of all) validate(o)
  })

  it('keeps the agents tight: non-root, no capability, no privilege escalation, seccomp on, no host network', () => {
    const all = parseYaml(readFileSync(path.join(deployDir, 'zcprof-agents.yaml'), 'utf8'))
    const spec = podSpec(find(all, 'DaemonSet'))
    expect(spec.hostNetwork).toBeUndefined()
    expect(spec.automountServiceAccountToken).toBe(false)
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } })
    expect(spec.securityContext.runAsUser).toBeGreaterThan(0)
    const c = spec.containers[0]
    expect(c.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] }
    })
    // the token from the Secret, by environment: never in the arguments
    expect(c.env).toEqual([
      { name: 'ZCPROF_TOKEN', valueFrom: { secretKeyRef: { name: 'zcprof-token', key: 'ZCPROF_TOKEN' } } },
      { name: 'XDG_CACHE_HOME', value: '/cache' }
    ])
    expect(c.args.join(' ')).not.toMatch(/token/i)
    // a send job's test file goes in the cache volume, which zcprof takes only when private
    // to its user (an emptyDir is 0777): one root step with CHOWN and FOWNER alone hands it over
    expect(c.volumeMounts).toContainEqual({ name: 'cache', mountPath: '/cache' })
    expect(spec.volumes).toContainEqual({ name: 'cache', emptyDir: { sizeLimit: '2Gi' } })
    // the agent sees the node's disk, not the emptyDir's limit: its flag keeps one job's test
    // files to half the cache, so an earlier plan's files fit beside them (a pod past it is evicted)
    const flag = c.args.indexOf('--max-send-file-bytes')
    expect(flag).toBeGreaterThan(0)
    expect(c.args[flag + 1]).toBe('1GiB')
    expect(parseSize(c.args[flag + 1], 'x')).toBeLessThanOrEqual((mib('2Gi') * 1024 ** 2) / 2)
    expect(spec.initContainers).toHaveLength(1)
    const owner = spec.initContainers[0]
    expect(owner.securityContext.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN', 'FOWNER'] })
    expect(owner.volumeMounts).toEqual([{ name: 'cache', mountPath: '/cache' }])
    const uid = spec.securityContext.runAsUser
    expect(owner.command.join(' ')).toContain(`fs.chmodSync('/cache', 0o700); fs.chownSync('/cache', ${uid}, ${uid})`)
    // the runner may list pods in its namespace, nothing else
    expect(find(all, 'Role').rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }])
    expect(all.some((o) => o.kind === 'ClusterRole')).toBe(false)
  })

  it("sizes the agent's memory from its measured bound (README, npm run bench:agent-memory)", () => {
    // the README's table of the agent's memory: idle RSS and its peaks, read as printed
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8')
    const rows = [...readme.matchAll(/^\| [^|]+ a trial \| \d+ \| \d+ MiB \| (\d+) MiB \| ([\d, ]+) MiB \|$/gm)]
    expect(rows.length).toBe(2)
    const idle = Math.max(...rows.map((r) => Number(r[1])))
    const peak = Math.max(...rows.flatMap((r) => r[2].split(',').map(Number)))
    const all = parseYaml(readFileSync(path.join(deployDir, 'zcprof-agents.yaml'), 'utf8'))
    const r = podSpec(find(all, 'DaemonSet')).containers[0].resources
    expect(mib(r.requests.memory)).toBeGreaterThanOrEqual(idle)
    expect(mib(r.limits.memory)).toBeGreaterThan(peak)
    // within a quarter of it: a limit far above the bound reserves memory for nothing
    expect(mib(r.limits.memory)).toBeLessThan(peak * 1.25)
    expect(r.limits.cpu).toBeUndefined()
  })

  it("admits the runner Job's pods and the agents (a send job's control connection) to the agent port, and both to the data ports", () => {
    const agents = parseYaml(readFileSync(path.join(deployDir, 'zcprof-agents.yaml'), 'utf8'))
    const job = find(parseYaml(readFileSync(path.join(deployDir, 'fleet-job.yaml'), 'utf8')), 'Job')
    const ds = find(agents, 'DaemonSet')
    const np = find(agents, 'NetworkPolicy')
    const agentPod = ds.spec.template.metadata.labels
    const runnerPod = job.spec.template.metadata.labels
    expect(matches(np.spec.podSelector.matchLabels, agentPod)).toBe(true)
    expect(np.spec.policyTypes).toEqual(['Ingress'])
    const port = ds.spec.template.spec.containers[0].ports[0].containerPort
    const control = np.spec.ingress.filter((r: Obj) => r.ports.some((p: Obj) => p.port === port))
    expect(control).toHaveLength(1)
    expect(control[0].from).toHaveLength(2)
    expect(control[0].from.some((f: Obj) => matches(f.podSelector.matchLabels, runnerPod))).toBe(true)
    // in a send job the sending agent opens a control connection to the receiving agent's port
    expect(control[0].from.some((f: Obj) => matches(f.podSelector.matchLabels, agentPod))).toBe(true)
    // and nothing else: each source is one of the two
    for (const f of control[0].from)
      expect(matches(f.podSelector.matchLabels, runnerPod) || matches(f.podSelector.matchLabels, agentPod)).toBe(true)
    // a data port: the agent binds port 0, so the kernel's default ephemeral range
    const data = np.spec.ingress.find((r: Obj) =>
      r.ports.some((p: Obj) => p.port <= 40000 && (p.endPort ?? p.port) >= 40000)
    )
    expect(data.ports[0].port).toBeGreaterThan(port)
    expect(data.from.some((f: Obj) => matches(f.podSelector.matchLabels, agentPod))).toBe(true)
    expect(data.from.some((f: Obj) => matches(f.podSelector.matchLabels, runnerPod))).toBe(true)
    // and the runner finds the agents by the labels the DaemonSet gives them
    const selector =
      job.spec.template.spec.containers[0].args[job.spec.template.spec.containers[0].args.indexOf('--kubernetes') + 1]
    const wanted = Object.fromEntries(selector.split(',').map((kv: string) => kv.split('=')))
    expect(matches(wanted, agentPod)).toBe(true)
  })
})

describe('rendered with a user’s values', () => {
  it('validates, and holds the token Secret name, node selector, namespace, image and host network the user gave', () => {
    const r = renderCli(USER.args)
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const all = parseYaml(r.stdout)
    for (const o of all) validate(o)
    for (const o of all.filter((x) => !CLUSTER_SCOPED.has(x.kind)))
      expect(o.metadata.namespace, o.kind).toBe(USER.namespace)
    expect(find(all, 'Namespace').metadata.name).toBe(USER.namespace)
    // host networking and io_uring are past baseline: the namespace says privileged
    expect(find(all, 'Namespace').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('privileged')
    const ds = podSpec(find(all, 'DaemonSet'))
    expect(ds.nodeSelector).toEqual(USER.nodeSelector)
    expect(ds.hostNetwork).toBe(true)
    expect(ds.dnsPolicy).toBe('ClusterFirstWithHostNet')
    const job = podSpec(find(all, 'Job'))
    for (const c of [ds.containers[0], job.containers[0]]) {
      expect(c.image).toBe(USER.image)
      expect(c.env[0].valueFrom.secretKeyRef.name).toBe(USER.secret)
    }
    expect(job.initContainers[0].image).toBe(USER.image)
    expect(find(all, 'Secret').metadata.name).toBe(USER.secret)
    expect(job.containers[0].args).toContain(USER.namespace)
    // --node-pools: a ClusterRole to list nodes, bound to the runner of this namespace
    expect(find(all, 'ClusterRole').rules).toEqual([{ apiGroups: [''], resources: ['nodes'], verbs: ['list'] }])
    expect(find(all, 'ClusterRoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'zcprof-runner', namespace: USER.namespace }
    ])
  })

  it('with --io-uring lets io_uring through the seccomp profile, and only then', () => {
    const r = renderCli(['--io-uring', '--all-nodes'])
    expect(r.status).toBe(0)
    const ds = podSpec(find(parseYaml(r.stdout), 'DaemonSet'))
    expect(ds.securityContext.seccompProfile).toEqual({ type: 'Unconfined' })
    expect(ds.nodeSelector).toBeUndefined()
    const job = podSpec(find(parseYaml(r.stdout), 'Job'))
    expect(job.securityContext.seccompProfile).toEqual({ type: 'RuntimeDefault' })
  })

  it('refuses a node selector that is not KEY=VALUE, and an unknown option', () => {
    const bad = renderCli(['--node-selector', 'fast'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/--node-selector 'fast' is not KEY=VALUE/)
    const unknown = renderCli(['--hostnetwork'])
    expect(unknown.status).toBe(2)
    expect(unknown.stderr).toMatch(/unknown option '--hostnetwork'/)
  })
})

describe('the schema check', () => {
  const agents = () => structuredClone(renderManifests(DEFAULT_MANIFEST_OPTIONS).agents.map((m) => m.object)) as Obj[]

  it('refuses a field of the wrong type', () => {
    const all = agents()
    podSpec(find(all, 'DaemonSet')).containers[0].ports[0].containerPort = '7733'
    expect(() => validate(find(all, 'DaemonSet'))).toThrow(/containerPort must be integer/)
  })

  it('refuses a missing required field', () => {
    const all = agents()
    delete podSpec(find(all, 'DaemonSet')).containers
    expect(() => validate(find(all, 'DaemonSet'))).toThrow(
      /must have required property 'containers'|required property containers/
    )
    const np = find(agents(), 'NetworkPolicy')
    delete np.spec.ingress[0].ports[0].port
    np.spec.ingress[0].ports[0].endPort = 'x'
    expect(() => validate(np)).toThrow(/endPort/)
  })

  it('refuses a kind it has no schema for, and an object without a name', () => {
    expect(() => validate({ apiVersion: 'v1', kind: 'Pdo', metadata: { name: 'x' } })).toThrow(/no schema for v1 Pdo/)
    const ns = find(agents(), 'Namespace')
    delete ns.metadata.name
    expect(() => validate(ns)).toThrow(/no metadata.name/)
  })
})

describe('the image recipe (deploy/docker/Dockerfile), as far as it can be checked without building it', () => {
  const dockerfile = readFileSync(path.join(root, 'deploy', 'docker', 'Dockerfile'), 'utf8')
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))

  it('is a slim Debian image with a Node the package accepts', () => {
    const from = instructions.filter((l) => l.startsWith('FROM '))
    expect(from).toEqual(['FROM node:20-bookworm-slim'])
    // engines: >=20.19; the node:20 line is 20.19 or later since 2025
    expect(pkg.engines.node).toBe('>=20.19')
  })

  it('installs the tarball `npm pack` makes, production dependencies only, and checks the prebuilt addon loads', () => {
    expect(instructions).toContain(`ARG VERSION=${pkg.version}`)
    expect(dockerfile).toMatch(new RegExp(`COPY ${pkg.name}-\\$\\{VERSION\\}\\.tgz `))
    expect(dockerfile).toMatch(/npm install --global --omit=dev /)
    // the package ships the addon there (package.json files, scripts/build-native.mjs --prebuild)
    expect(pkg.files).toContain('prebuilds/')
    expect(dockerfile).toMatch(/require\('\$\(npm root -g\)\/zcprof\/prebuilds\/linux-x64\/zcprof\.node'\)/)
  })

  it('runs as the non-root user the manifests name, with the agent on the port they probe', () => {
    const user = instructions.find((l) => l.startsWith('USER '))
    expect(user).toBe(`USER ${IMAGE_UID}:${IMAGE_UID}`)
    expect(dockerfile).toMatch(new RegExp(`useradd --uid ${IMAGE_UID} `))
    expect(instructions).toContain('ENTRYPOINT ["zcprof"]')
    expect(instructions).toContain(`CMD ["agent", "--listen", "0.0.0.0:${AGENT_PORT}"]`)
    expect(instructions).toContain(`EXPOSE ${AGENT_PORT}`)
    const all = parseYaml(readFileSync(path.join(deployDir, 'zcprof-agents.yaml'), 'utf8'))
    const spec = podSpec(find(all, 'DaemonSet'))
    expect(spec.securityContext.runAsUser).toBe(IMAGE_UID)
    expect(spec.containers[0].args.slice(0, 3)).toEqual(['agent', '--listen', `0.0.0.0:${AGENT_PORT}`])
  })
})

describe('the host-network overlay (kubectl apply -k deploy/kubernetes/host-network)', () => {
  /** RFC 6902 add and replace, as kustomize applies them; a path that is not there fails */
  function applyPatch(target: Obj, ops: Array<{ op: string; path: string; value: unknown }>): void {
    for (const { op, path: at, value } of ops) {
      const keys = at
        .split('/')
        .slice(1)
        .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'))
      const last = keys.pop()!
      let parent: Obj = target
      for (const k of keys) {
        if (typeof parent[k] !== 'object') throw new Error(`${at}: no ${k}`)
        parent = parent[k]
      }
      if (op === 'replace' && !(last in parent)) throw new Error(`${at}: nothing to replace`)
      if (op !== 'add' && op !== 'replace') throw new Error(`op ${op}`)
      parent[last] = value
    }
  }

  it('is written by the render, and its base is the agents file', () => {
    const k = kustomizations()
    expect(readFileSync(path.join(deployDir, 'kustomization.yaml'), 'utf8')).toBe(k.base)
    expect(readFileSync(path.join(deployDir, 'host-network', 'kustomization.yaml'), 'utf8')).toBe(k.hostNetwork)
    expect(parseYaml(k.base)[0].resources).toEqual(['zcprof-agents.yaml'])
  })

  it('patched onto the base, gives what --host-network renders, and valid objects', () => {
    const overlay = parseYaml(readFileSync(path.join(deployDir, 'host-network', 'kustomization.yaml'), 'utf8'))[0]
    expect(overlay.resources).toEqual(['..'])
    const base = parseYaml(readFileSync(path.join(deployDir, 'zcprof-agents.yaml'), 'utf8'))
    for (const p of overlay.patches) {
      const targets = base.filter((o) => o.kind === p.target.kind && o.metadata.name === p.target.name)
      expect(targets, `${p.target.kind}/${p.target.name}`).toHaveLength(1)
      applyPatch(targets[0], parseYaml(p.patch)[0] as Array<{ op: string; path: string; value: unknown }>)
    }
    for (const o of base) validate(o)
    const rendered = renderManifests({ ...DEFAULT_MANIFEST_OPTIONS, hostNetwork: true }).agents.map((m) => m.object)
    expect(base).toEqual(JSON.parse(JSON.stringify(rendered)))
  })
})
