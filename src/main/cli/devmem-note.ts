// `zcprof run --receiver devmem`: devmem TCP (the NIC writing payloads into GPU memory)
// is not a mode zcprof runs, but a user who asks for it learns what this host lacks
// for it, target by target, and exits 2. The words come from src/shared/devmem.ts.

import { ZcprofError } from '../../shared/errors'
import { parseTarget } from '../../shared/targets'
import { devmemVerdict, type DevmemVerdict } from '../../shared/devmem'
import { probeDevmem, readDevmemFacts, type DevmemProbeOptions } from '../host/devmem-probe'
import { paragraph } from './text-table'

/** the lines `zcprof: ` is put before fit 80 columns */
const WIDTH = 72

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
  const out: string[] = []
  for (const text of targets.flatMap((t) => t.split(',')).map((t) => t.trim())) {
    const { verdict: v, remote } = verdictFor(text, opts)
    const over = v.iface === null ? text : `${text}, over ${v.iface}`
    const head = v.available
      ? `devmem: the checks pass (${over}), but zcprof has no devmem receiver yet; still to set up:`
      : `devmem: not available here (${over}):`
    out.push(...paragraph(head, WIDTH, '', '    '))
    for (const r of v.available ? v.needs : v.reasons) out.push(...paragraph(r, WIDTH, '  - ', '    '))
    if (remote !== null)
      out.push(
        ...paragraph(
          `${remote} receives, not this host: this judges this host's interface and GPU; ${remote}'s own NIC and GPU must pass the same checks`,
          WIDTH,
          '  ',
          '    '
        )
      )
  }
  out.push('What a NIC and GPU need: README, "devmem TCP into GPU memory".')
  return out.join('\n')
}

/** what `--receiver devmem` ends with: exit 2, and why */
export function refuseDevmem(targets: string[], opts: DevmemProbeOptions = {}): never {
  throw new ZcprofError({ code: 'ZC_BAD_ARGUMENT', message: devmemNote(targets, opts) })
}
