// `zcprof run --receiver zcrx`: io_uring zero-copy receive is not a mode zcprof runs
// yet, but a user who asks for it learns what this host lacks for it, target by
// target, instead of "invalid choice". The words come from src/shared/zcrx.ts.

import { ZcprofError } from '../../shared/errors'
import { parseTarget } from '../../shared/targets'
import { zcrxVerdict, type ZcrxVerdict } from '../../shared/zcrx'
import { probeZcrx, readZcrxFacts, type ZcrxProbeOptions } from '../host/zcrx-probe'
import { paragraph } from './text-table'

/** the lines `zcprof: ` is put before fit 80 columns */
const WIDTH = 72

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
  const out: string[] = []
  // as run takes them: repeated, or comma-separated
  for (const text of targets.flatMap((t) => t.split(',')).map((t) => t.trim())) {
    const { verdict: v, remote } = verdictFor(text, opts)
    const over = v.iface === null ? text : `${text}, over ${v.iface}`
    const head = v.available
      ? `zcrx: the checks pass (${over}), but zcprof has no zcrx receiver yet; still to set up:`
      : `zcrx: not available here (${over}):`
    out.push(...paragraph(head, WIDTH, '', '    '))
    for (const r of v.available ? v.needs : v.reasons) out.push(...paragraph(r, WIDTH, '  - ', '    '))
    if (remote !== null)
      out.push(
        ...paragraph(
          `${remote} receives, not this host: this judges this host's interface toward it; ${remote}'s own NIC must pass the same checks`,
          WIDTH,
          '  ',
          '    '
        )
      )
  }
  out.push('What a NIC needs: README, "io_uring zero-copy receive (zcrx)".')
  return out.join('\n')
}

/** what `--receiver zcrx` ends with: exit 2, and why */
export function refuseZcrx(targets: string[], opts: ZcrxProbeOptions = {}): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: zcrxNote(targets, opts) })
}
