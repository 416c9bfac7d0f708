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
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(__filename)) {
  try {
    main()
  } catch (e) {
    process.stderr.write(`kubernetes-manifests: ${(e as Error).message}\n`)
    process.exit(2)
  }
}
