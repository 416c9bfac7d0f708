// Every warning and note zcprof gives, in one catalogue: a code a program can branch
// on, a message, a hint, and the scope it applies to (the run, a method, or trials).
// Tables mark the rows a warning applies to with its short mark; nothing parses text.

import type { MethodName } from './methods'
import type { Warning } from './report'

export interface WarningInfo {
  /** a few words for a table cell: the row's mark */
  mark: string
  /** what the mark means, in one line: the glossary's definition of it */
  means: string
  severity: 'info' | 'caution' | 'error'
  /** the standing advice; a warning may carry a more specific one */
  hint: string | null
}

export const WARNING_CATALOGUE = {
  CYCLES_ESTIMATED: {
    mark: 'cycles estimated',
    means: 'cycles per bit are CPU time × the clock rate, not counted by the PMU',
    severity: 'info',
    hint: 'cycles are CPU time × the clock rate; open the PMU to count them (see the reason)'
  },
  PROCESS_SCOPE: {
    mark: 'process-level',
    means: 'the figures cover the whole sending process, not its data threads',
    severity: 'info',
    hint: null
  },
  CHECKSUM_COPIES: {
    mark: 'verify copies',
    means: '--verify read every byte, so the figures include that work',
    severity: 'caution',
    hint: 'run without --verify for the receiver mode’s own figures'
  },
  UNSUPPORTED: {
    mark: 'skipped',
    means: 'the method cannot run on this machine or target, so it was left out',
    severity: 'caution',
    hint: null
  },
  SENDER_ONLY: {
    mark: 'sender only',
    means: 'only the sender was measured: the receiver is not a zcprof agent',
    severity: 'info',
    hint: 'run `zcprof agent` on the receiving host for its figures'
  },
  PIN_IGNORED: {
    mark: 'not pinned',
    means: 'the method runs on the JS thread, which --cpus does not pin',
    severity: 'caution',
    hint: 'node-stream runs on the JS thread, which zcprof does not pin'
  },
  CONTAMINATED: {
    mark: 'contaminated',
    means: "other programs used zcprof's CPUs during the trial, so it measured their work too",
    severity: 'caution',
    hint: 'close other programs, or keep them off zcprof’s CPUs (--cpus), and run again'
  },
  RECEIVER_WINDOW_LIMITED: {
    mark: 'window-limited',
    means: 'the receiver did not keep up: the sender waited on a full TCP window',
    severity: 'caution',
    hint: 'the receiver did not keep up: a cheaper receiver mode (splice, discard) or a faster receiving host shows the sender’s own limit'
  },
  SNDBUF_LIMITED: {
    mark: 'sndbuf-limited',
    means: 'the socket send buffer was full most of the time, which may cap throughput',
    severity: 'caution',
    hint: 'a larger socket send buffer (net.ipv4.tcp_wmem) may raise throughput'
  },
  ZC_COPIED: {
    mark: 'kernel copied',
    means: 'the kernel copied a zero-copy method’s data anyway (it always does on loopback)',
    severity: 'caution',
    hint: 'the kernel copied the data after all, so this zero-copy method cannot save anything here; it pays off across a real network device'
  },
  RECV_MAPPED_LOW: {
    mark: 'mostly copied',
    means: 'the mapped receiver’s kernel mapped under half of the bytes; it copied the rest (recv)',
    severity: 'caution',
    hint: 'the kernel maps only whole pages a NIC driver filled: a NIC with header/data split or a payload MTU of a page multiple (see the README: receiving by mapping)'
  },
  NOT_CONFIRMED: {
    mark: 'unconfirmed',
    means: 'the receiver did not confirm the last byte, so the time ends at the last send',
    severity: 'caution',
    hint: 'the time ends at the last send; a receiver that closes (a zcprof agent) confirms the last byte'
  },
  SHORT_TRIAL: {
    mark: 'short',
    means: 'the trial was too short for its figures to rest on enough samples',
    severity: 'caution',
    hint: 'make trials longer (--duration 10s) so their figures rest on enough samples and clock ticks'
  },
  PINNING_NOT_HELD: {
    mark: 'pin not held',
    means: 'a thread ran outside the CPUs it was pinned to',
    severity: 'caution',
    hint: 'something changed the threads’ CPU masks (cgroup cpusets, a tuning daemon): check taskset and the cgroup’s cpuset'
  },
  COST_MOVED: {
    mark: 'cost moved',
    means: 'the sender saved CPU, but the receiver paid it back: the machine did not save',
    severity: 'caution',
    hint: 'read the whole-system figure: a sender saving the receiver pays back is not a saving'
  },
  CHUNK_CAPPED: {
    mark: 'chunk capped',
    means: 'each splice moved at most the pipe’s size, less than the chunk asked for',
    severity: 'info',
    hint: 'each call moved at most the pipe’s size: raise /proc/sys/fs/pipe-max-size for larger splices'
  },
  URING_WORKERS: {
    mark: 'io_uring workers',
    means: 'io_uring kernel worker threads did part of the sending; their CPU is counted',
    severity: 'info',
    hint: 'io_uring hands what it cannot do inline (a splice) to kernel worker threads: their CPU is the sender’s, measured by their /proc schedstat'
  },
  GPU_PINNED: {
    mark: 'pinning apart',
    means: 'pinning host memory is paid once per buffer and shown apart from per-bit figures',
    severity: 'info',
    hint: 'pinning host memory (registering the file’s pages, pinned buffers) is paid once per buffer: it is measured and shown apart, not in the per-bit figures'
  },
  GPU_SPIN: {
    mark: 'GPU wait spun',
    means: 'the host spun while waiting for the GPU, so its CPU figures include the spin',
    severity: 'caution',
    hint: 'the host spun while it waited for the GPU, so its CPU figures measure a spin loop: run without --gpu-spin for blocking waits'
  },
  GPU_COMPAT: {
    mark: 'GDS compat mode',
    means: 'cuFile ran in compatibility mode: the bytes went through host memory',
    severity: 'info',
    hint: 'cuFile ran in compatibility mode (no nvidia-fs): the bytes go through host memory, not storage → GPU DMA'
  },
  GPU_PCIE_CAPPED: {
    mark: 'link downtrained',
    means: 'the GPU’s PCIe link ran below its maximum speed or width',
    severity: 'caution',
    hint: 'the GPU’s PCIe link ran below its maximum generation or width: check the slot, and power management that lowers the link when idle'
  },
  SQPOLL_CPU: {
    mark: 'sqpoll CPU',
    means: 'a kernel thread polled the io_uring submission ring; its CPU is counted',
    severity: 'info',
    hint: 'the kernel thread polling the submission ring burns its core while it waits: its CPU is the price of sending with no system call'
  },
  RETRANSMITS: {
    mark: 'retransmits',
    means: 'TCP retransmitted segments during the trial',
    severity: 'info',
    hint: null
  },
  AUTO_PINNED: {
    mark: 'pinned by zcprof',
    means: 'zcprof pinned sender and receiver threads to separate cores',
    severity: 'info',
    hint: 'where threads land changes every figure from run to run; --no-pin leaves them to the scheduler, --cpus and --receiver-cpus choose'
  },
  MACHINE_DRIFTED: {
    mark: 'machine drifted',
    means:
      "the machine's own reference (memory copy, system call, loopback copy) moved between the run's start and end",
    severity: 'caution',
    hint: 'the host changed under the run (other load, its CPU clock, a VM moved): its figures may have moved with it; run again and compare'
  },
  NOT_TIGHT: {
    mark: 'not tight',
    means: 'the interval did not reach the precision asked for in the time given',
    severity: 'caution',
    hint: 'give it more time (--max-time), a looser --precision, or a quieter machine'
  },
  NO_BASELINE: {
    mark: 'no baseline',
    means: 'copy was not run, so no method has a figure against it',
    severity: 'caution',
    hint: 'add copy (gpu-copy for a GPU) to the methods: every headline is measured against it'
  },
  FOREIGN: {
    mark: 'imported',
    means: 'imported from another tool: only the figures it measured are present',
    severity: 'info',
    hint: null
  },
  /** a note from a schema 2 report that no code above matches */
  NOTE: { mark: 'note', means: 'a note carried over from an older report', severity: 'info', hint: null },
  /** a trial or the run failed: the warning's code is the error's own (ECONNREFUSED, ZC_LIMIT, …) */
  RUN_INTERRUPTED: {
    mark: 'interrupted',
    means: 'the process running zcprof ended before the run did',
    severity: 'error',
    hint: 'the process running it ended before the run did (killed, crashed, or the machine stopped): run the rest again'
  },
  /** the trial in flight when the user stopped the run (Ctrl-C, SIGTERM, SIGHUP, Stop): not a failure */
  ZC_CANCELLED: {
    mark: 'cancelled',
    means: 'the run was stopped by the user; finished trials are kept',
    severity: 'info',
    hint: null
  },
  ERROR: { mark: 'failed', means: 'a trial or the run failed', severity: 'error', hint: null }
} as const satisfies Record<string, WarningInfo>

export type WarningCode = keyof typeof WARNING_CATALOGUE

/** the catalogue entry for any code: an error's own code reads as ERROR */
export function warningInfo(code: string): WarningInfo {
  return (WARNING_CATALOGUE as Record<string, WarningInfo>)[code] ?? WARNING_CATALOGUE.ERROR
}

type Scope =
  | { scope: 'run' }
  | { scope: 'method'; method: MethodName }
  | { scope: 'trial'; method: MethodName; trial: number }

/** a warning put where it applies: the run, a method, or one trial of it */
function placed(code: string, message: string, hint: string | null, where: Scope): Warning {
  const w: Warning = { code, message, hint, scope: where.scope }
  if (where.scope !== 'run') w.method = where.method
  if (where.scope === 'trial') w.trials = [where.trial]
  return w
}

/** A warning from the catalogue; hint defaults to the catalogue's. */
export function warning(code: WarningCode, message: string, where: Scope, hint?: string | null): Warning {
  return placed(code, message, hint === undefined ? WARNING_CATALOGUE[code].hint : hint, where)
}

/** A failure as a warning: its code stays the error's own, so a program can branch on it. */
export function errorWarning(error: { code: string; message: string; hint?: string }, where: Scope): Warning {
  return placed(error.code, error.message, error.hint ?? null, where)
}

/**
 * Adds a warning to a run's list: a trial-scoped one with the same code and method as
 * one already there joins it (its trials are added), so the list names each once.
 * Returns the warning as it stands in the list, and whether it is new.
 */
export function mergeWarning(list: Warning[], w: Warning): { warning: Warning; added: boolean } {
  const same = list.find(
    (x) =>
      x.code === w.code &&
      x.method === w.method &&
      x.scope === w.scope &&
      (w.scope === 'trial' || x.message === w.message)
  )
  if (!same) {
    const copy = { ...w, trials: w.trials ? [...w.trials] : undefined }
    if (!copy.trials) delete copy.trials
    list.push(copy)
    return { warning: copy, added: true }
  }
  for (const t of w.trials ?? []) if (!same.trials?.includes(t)) (same.trials ??= []).push(t)
  return { warning: same, added: false }
}

/** the marks for a set of notes, e.g. "contaminated 1/3; kernel copied" */
export function marksText(notes: readonly { code: string; trials: number }[], of: number): string {
  return notes
    .map((n) => {
      const m = warningInfo(n.code).mark
      return n.trials < of ? `${m} ${n.trials}/${of}` : m
    })
    .join('; ')
}

/** The warnings of one kind, for a one-line summary; the warnings themselves are details. */
export interface WarningGroup {
  /** the warnings' code; every failure's own code groups apart */
  code: string
  severity: WarningInfo['severity']
  mark: string
  /** the line to show: the mark, the methods it touched, and what it means */
  line: string
  /** the methods it touched, in the order they were first warned about */
  methods: MethodName[]
  /** the trials it touched, over every method */
  trialCount: number
  warnings: Warning[]
}

/** kinds whose own words are the reason (what was skipped and why, where a report came from, which figures of the machine moved): said as they are */
const SAID_IN_FULL = new Set<string>(['UNSUPPORTED', 'FOREIGN', 'NOTE', 'MACHINE_DRIFTED'])

const SEVERITY_ORDER: Record<WarningInfo['severity'], number> = { error: 0, caution: 1, info: 2 }

/**
 * One group per code, errors first, then cautions, then notes (in the order they came
 * within each): a run's forty warning lines become one line a kind. A failure's line
 * is its own message, since the kind ("failed") says nothing about why; so is a
 * skipped method's and an import's, whose words are the reason.
 */
export function groupWarnings(warnings: readonly Warning[]): WarningGroup[] {
  const byCode = new Map<string, Warning[]>()
  for (const w of warnings) {
    const list = byCode.get(w.code)
    if (list) list.push(w)
    else byCode.set(w.code, [w])
  }
  const groups: WarningGroup[] = []
  for (const [code, list] of byCode) {
    const info = warningInfo(code)
    const methods = [...new Set(list.flatMap((w) => (w.method ? [w.method] : [])))]
    const trialCount = list.reduce((n, w) => n + (w.trials?.length ?? 0), 0)
    const who = methods.length ? ` (${methods.join(', ')})` : ''
    const messages = [...new Set(list.map((w) => w.message))]
    const what =
      info.severity === 'error' ? `${code}: ${messages[0]}` : SAID_IN_FULL.has(code) ? messages.join('; ') : info.means
    const more = info.severity === 'error' && messages.length > 1 ? ` (and ${messages.length - 1} more)` : ''
    groups.push({
      code,
      severity: info.severity,
      mark: info.mark,
      line: `${info.mark}${who}: ${what}${more}`,
      methods,
      trialCount,
      warnings: list
    })
  }
  // a stable sort keeps arrival order within a severity
  return groups.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
}
