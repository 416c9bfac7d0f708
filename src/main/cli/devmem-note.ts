// `zcprof run --receiver devmem`: devmem TCP (the NIC writing payloads into GPU memory)
// is not a mode zcprof runs, but a user who asks for it learns what this host lacks
// for it, target by target, and exits 2. The words come from src/shared/devmem.ts.

import { ZcprofError } from '../../shared/errors'
import { parseTarget } from '../../shared/targets'
import { devmemVerdict, type DevmemVerdict } from '../../shared/devmem'
import { probeDevmem, readDevmemFacts, type DevmemProbeOptions } from '../host/devmem-probe'
import { receivePathNote } from './receive-path-note'

function verdictFor(targetText: string, opts: DevmemProbeOptions): { verdict: DevmemVerdict; remote: string | null } {
  const t = parseTarget(targetText)
  if (t.kind === 'gpu') {
    const facts = readDevmemFacts(null, opts)
    return {
      verdict: devmemVerdict({ ...facts, ifaceUnknownWhy: `${t.text} moves no bytes over a socket` }),
      remote: null
    }
  }
  if (t.kind === 'unix') return { verdict: probeDevmem(null, opts), remote: null }
  // agent:// and raw://: the receiver is there; this host's route to it, and this host's GPU, are judged
  return { verdict: probeDevmem(t.host, opts), remote: t.kind === 'tcp' ? null : t.host }
}

/** the note for each target, wrapped: a list of reasons, then what a user must still set up */
export function devmemNote(targets: string[], opts: DevmemProbeOptions = {}): string {
  return receivePathNote(targets, (t) => verdictFor(t, opts), {
    name: 'devmem',
    judged: 'interface and GPU',
    remoteNeeds: 'NIC and GPU',
    readme: 'What a NIC and GPU need: README, "devmem TCP into GPU memory".'
  })
}

/** what `--receiver devmem` ends with: exit 2, and why */
export function refuseDevmem(targets: string[], opts: DevmemProbeOptions = {}): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: devmemNote(targets, opts) })
}
