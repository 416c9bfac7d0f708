// Renders zcprof's Kubernetes manifests (src/main/fleet/kubernetes-manifests.ts) as YAML.
//
//   npx tsx scripts/kubernetes-manifests.ts [options]            all objects on stdout
//   npx tsx scripts/kubernetes-manifests.ts --out deploy/kubernetes   the three files
//
// Options: --namespace NAME, --image REF, --token-secret NAME, --node-selector KEY=VALUE
// (repeat it; --all-nodes for none), --host-network, --io-uring, --node-pools,
// --library-size QUANTITY. With none, the output is deploy/kubernetes as committed.

import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isMap, isScalar, isSeq, Document, type Node } from 'yaml'
import {
  DEFAULT_MANIFEST_OPTIONS,
  renderManifests,
  type Manifest,
  type ManifestFiles,
  type ManifestOptions
} from '../src/main/fleet/kubernetes-manifests'

/** each file of deploy/kubernetes: what it holds and when to apply it */
export const MANIFEST_FILES: Record<keyof ManifestFiles, { file: string; header: string }> = {
  agents: {
    file: 'zcprof-agents.yaml',
    header: 'zcprof agents on the selected nodes: kubectl apply -f zcprof-agents.yaml'
  },
  tokenSecret: {
    file: 'token-secret.example.yaml',
    header: 'The token agents and the runner share. Prefer `kubectl create secret` (README "Kubernetes").'
  },
  runnerJob: {
    file: 'fleet-job.yaml',
    header: 'One fleet run in the cluster, into the zcprof-library volume: kubectl apply -f fleet-job.yaml'
  }
}

const GENERATED = 'Written by scripts/kubernetes-manifests.ts from src/main/fleet/kubernetes-manifests.ts.'

/** a JSON patch (RFC 6902) operation, as kustomize applies them */
export interface PatchOp {
  op: 'add' | 'replace'
  path: string
  value: unknown
}

/**
 * The host-network overlay (deploy/kubernetes/host-network): for those who apply with
 * `kubectl apply -k` and no Node. A test applies these to the base and checks the result
 * is what --host-network renders.
 */
export const HOST_NETWORK_PATCHES: Array<{ kind: string; name: string; ops: PatchOp[] }> = [
  {
    kind: 'Namespace',
    name: DEFAULT_MANIFEST_OPTIONS.namespace,
    ops: ['enforce', 'warn'].map((mode) => ({
      op: 'replace' as const,
      path: `/metadata/labels/pod-security.kubernetes.io~1${mode}`,
      value: 'privileged'
    }))
  },
  {
    kind: 'DaemonSet',
    name: 'zcprof-agent',
    ops: [
      { op: 'add', path: '/spec/template/spec/hostNetwork', value: true },
      { op: 'add', path: '/spec/template/spec/dnsPolicy', value: 'ClusterFirstWithHostNet' }
    ]
  }
]

/** the two kustomizations: the base (the agents) and the host-network overlay */
export function kustomizations(): { base: string; hostNetwork: string } {
  const doc = (o: unknown, comment: string) => {
    const d = new Document(o)
    d.commentBefore = ` ${comment}\n ${GENERATED}`
    return d.toString({ lineWidth: 0 })
  }
  const kind = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization' }
  return {
    base: doc({ ...kind, resources: [MANIFEST_FILES.agents.file] }, 'The agents: kubectl apply -k deploy/kubernetes'),
    hostNetwork: doc(
      {
        ...kind,
        resources: ['..'],
        patches: HOST_NETWORK_PATCHES.map((p) => ({
          target: { kind: p.kind, name: p.name },
          patch: new Document(p.ops).toString({ lineWidth: 0 })
        }))
      },
      'The agents on their nodes\' network (README "Kubernetes"): kubectl apply -k deploy/kubernetes/host-network'
    )
  }
}

/** the node a comment goes before: a map's key, or a sequence's item */
function commentTarget(doc: Document, at: Array<string | number>): Node {
  const parent = at.length > 1 ? doc.getIn(at.slice(0, -1), true) : doc.contents
  const last = at[at.length - 1]
  if (isSeq(parent) && typeof last === 'number') return parent.items[last] as Node
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last)
    if (pair && isScalar(pair.key)) return pair.key
  }
  throw new Error(`no field at ${at.join('.')} to comment`)
}

/** a file of YAML documents, each object with its comments */
export function manifestsYaml(manifests: Manifest[], header: string): string {
  return manifests
    .map((m, i) => {
      const doc = new Document(m.object, { aliasDuplicateObjects: false })
      for (const c of m.comments) commentTarget(doc, c.path).commentBefore = c.text.replace(/^/gm, ' ')
      if (i === 0) doc.commentBefore = ` ${header}\n ${GENERATED}`
      return doc.toString({ lineWidth: 0 })
    })
    .join('---\n')
}

function take(args: string[], i: number, flag: string): string {
  const v = args[i + 1]
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`)
  return v
}

export function parseManifestArgs(args: string[]): { options: ManifestOptions; out: string | null } {
  const o: ManifestOptions = { ...DEFAULT_MANIFEST_OPTIONS, nodeSelector: { ...DEFAULT_MANIFEST_OPTIONS.nodeSelector } }
  let selector: Record<string, string> | null = null
  let out: string | null = null
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--host-network') o.hostNetwork = true
    else if (a === '--io-uring') o.ioUring = true
    else if (a === '--node-pools') o.nodePools = true
    else if (a === '--all-nodes') selector = {}
    else if (a === '--node-selector') {
      const kv = take(args, i++, a)
      const m = /^([^=\s]+)=([^=\s]*)$/.exec(kv)
      if (!m) throw new Error(`--node-selector '${kv}' is not KEY=VALUE (e.g. --node-selector zcprof.dev/agent=true)`)
      selector = { ...(selector ?? {}), [m[1]]: m[2] }
    } else if (a === '--namespace') o.namespace = take(args, i++, a)
    else if (a === '--image') o.image = take(args, i++, a)
    else if (a === '--token-secret') o.tokenSecret = take(args, i++, a)
    else if (a === '--library-size') o.librarySize = take(args, i++, a)
    else if (a === '--out') out = take(args, i++, a)
    else throw new Error(`unknown option '${a}' (read the head of scripts/kubernetes-manifests.ts)`)
  }
  if (selector) o.nodeSelector = selector
  return { options: o, out }
}

function main(): void {
  const { options, out } = parseManifestArgs(process.argv.slice(2))
  const files = renderManifests(options)
  const keys = Object.keys(MANIFEST_FILES) as Array<keyof ManifestFiles>
  if (out === null) {
    process.stdout.write(keys.map((k) => manifestsYaml(files[k], MANIFEST_FILES[k].header)).join('---\n'))
    return
  }
  mkdirSync(out, { recursive: true })
  for (const k of keys)
    writeFileSync(path.join(out, MANIFEST_FILES[k].file), manifestsYaml(files[k], MANIFEST_FILES[k].header))
  // the overlay patches the defaults' namespace and names: with other values, render with --host-network
  if (options.hostNetwork || options.namespace !== DEFAULT_MANIFEST_OPTIONS.namespace) return
  const k = kustomizations()
  mkdirSync(path.join(out, 'host-network'), { recursive: true })
  writeFileSync(path.join(out, 'kustomization.yaml'), k.base)
  writeFileSync(path.join(out, 'host-network', 'kustomization.yaml'), k.hostNetwork)
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  try {
    main()
  } catch (e) {
    process.stderr.write(`kubernetes-manifests: ${(e as Error).message}\n`)
    process.exit(2)
  }
}
