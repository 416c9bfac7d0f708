// The note `zcprof run --receiver zcrx|devmem` prints before it exits 2: zcprof runs
// neither path yet, so a user who asks learns, target by target, what this host lacks
// for it and what must still be set up. One layout for both; each path's words and
// verdict come from its own rule (shared/zcrx.ts, shared/devmem.ts).

import { paragraph } from './text-table'

/** a path's verdict as both rules give it */
export interface ReceivePathVerdict {
  available: boolean
  /** what is missing, each a sentence naming the fact and the fix */
  reasons: string[]
  /** what zcprof cannot check and a user must still set up */
  needs: string[]
  /** the interface judged; null when none could be */
  iface: string | null
}

export interface ReceivePathWords {
  /** zcrx, devmem */
  name: string
  /** what this host's check covers for a remote receiver: "interface toward it" */
  judged: string
  /** what the remote receiver must pass itself: "NIC" */
  remoteNeeds: string
  /** the last line: where the README says what a user needs */
  readme: string
}

/** the lines `zcprof: ` is put before fit 80 columns */
const WIDTH = 72

/** the note for each target (repeated, or comma-separated as run takes them), wrapped */
export function receivePathNote(
  targets: string[],
  verdictFor: (target: string) => { verdict: ReceivePathVerdict; remote: string | null },
  words: ReceivePathWords
): string {
  const out: string[] = []
  for (const text of targets.flatMap((t) => t.split(',')).map((t) => t.trim())) {
    const { verdict: v, remote } = verdictFor(text)
    const over = v.iface === null ? text : `${text}, over ${v.iface}`
    const head = v.available
      ? `${words.name}: the checks pass (${over}), but zcprof has no ${words.name} receiver yet; still to set up:`
      : `${words.name}: not available here (${over}):`
    out.push(...paragraph(head, WIDTH, '', '    '))
    for (const r of v.available ? v.needs : v.reasons) out.push(...paragraph(r, WIDTH, '  - ', '    '))
    if (remote !== null)
      out.push(
        ...paragraph(
          `${remote} receives, not this host: this judges this host's ${words.judged}; ${remote}'s own ${words.remoteNeeds} must pass the same checks`,
          WIDTH,
          '  ',
          '    '
        )
      )
  }
  out.push(words.readme)
  return out.join('\n')
}
