// `zcprof run --receiver zcrx`: io_uring zero-copy receive is not a mode zcprof runs
// yet, but a user who asks for it learns what this host lacks for it, target by
// target, instead of "invalid choice". The words come from src/shared/zcrx.ts.

import { ZcprofError } from '../../shared/errors'
import { parseTarget } from '../../shared/targets'
import { zcrxVerdict, type ZcrxVerdict } from '../../shared/zcrx'
import { probeZcrx, readZcrxFacts, type ZcrxProbeOptions } from '../host/zcrx-probe'
import { receivePathNote } from './receive-path-note'

function verdictFor(targetText: string, opts: ZcrxProbeOptions): { verdict: ZcrxVerdict; remote: string | null } {
  const t = parseTarget(targetText)
  if (t.kind === 'gpu') {
    // a GPU target has no socket: the kernel side is still worth saying
    const facts = readZcrxFacts(null, opts)
    const v = zcrxVerdict({ ...facts, ifaceUnknownWhy: `${t.text} moves no bytes over a socket` })
    return { verdict: v, remote: null }
  }
  if (t.kind === 'unix') return { verdict: probeZcrx(null, opts), remote: null }
  // agent:// and raw://: the receiver is there; this host's route to it is judged
  return { verdict: probeZcrx(t.host, opts), remote: t.kind === 'tcp' ? null : t.host }
}

/** the note for each target, wrapped: a list of reasons, then what a user must still set up */
export function zcrxNote(targets: string[], opts: ZcrxProbeOptions = {}): string {
  return receivePathNote(targets, (t) => verdictFor(t, opts), {
    name: 'zcrx',
    judged: 'interface toward it',
    remoteNeeds: 'NIC',
    readme: 'What a NIC needs: README, "io_uring zero-copy receive (zcrx)".'
  })
}

/** what `--receiver zcrx` ends with: exit 2, and why */
export function refuseZcrx(targets: string[], opts: ZcrxProbeOptions = {}): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: zcrxNote(targets, opts) })
}
