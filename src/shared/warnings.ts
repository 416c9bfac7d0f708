// Every warning and note zcprof gives, in one catalogue: a code a program can branch
// on, a message, a hint, and the scope it applies to (the run, a method, or trials).
// Tables mark the rows a warning applies to with its short mark; nothing parses text.

import type { MethodName } from './methods'
import type { Warning } from './report'

export interface WarningInfo {
  /** a few words for a table cell: the row's mark */
  mark: string
  severity: 'info' | 'caution' | 'error'
  /** the standing advice; a warning may carry a more specific one */
  hint: string | null
}

export const WARNING_CATALOGUE = {
  CYCLES_ESTIMATED: {
    mark: 'cycles estimated',
    severity: 'info',
    hint: 'cycles are CPU time × the clock rate; open the PMU to count them (see the reason)'
  },
  PROCESS_SCOPE: { mark: 'process-level', severity: 'info', hint: null },
  CHECKSUM_COPIES: {
    mark: 'verify copies',
    severity: 'caution',
    hint: 'run without --verify for the receiver mode’s own figures'
  },
  UNSUPPORTED: { mark: 'skipped', severity: 'caution', hint: null },
  SENDER_ONLY: {
    mark: 'sender only',
    severity: 'info',
    hint: 'run `zcprof agent` on the receiving host for its figures'
  },
  PIN_IGNORED: {
    mark: 'not pinned',
    severity: 'caution',
    hint: 'node-stream runs on the JS thread, which zcprof does not pin'
  },
  CONTAMINATED: {
    mark: 'contaminated',
    severity: 'caution',
    hint: 'close other programs, or keep them off zcprof’s CPUs (--cpus), and run again'
  },
  RECEIVER_WINDOW_LIMITED: {
    mark: 'window-limited',
    severity: 'caution',
    hint: 'the receiver did not keep up: a cheaper receiver mode (splice, discard) or a faster receiving host shows the sender’s own limit'
  },
  SNDBUF_LIMITED: {
    mark: 'sndbuf-limited',
    severity: 'caution',
    hint: 'a larger socket send buffer (net.ipv4.tcp_wmem) may raise throughput'
  },
  ZC_COPIED: {
    mark: 'kernel copied',
    severity: 'caution',
    hint: 'the kernel copied the data after all, so this zero-copy method cannot save anything here; it pays off across a real network device'
  },
  NOT_CONFIRMED: {
    mark: 'unconfirmed',
    severity: 'caution',
    hint: 'the time ends at the last send; a receiver that closes (a zcprof agent) confirms the last byte'
  },
  SHORT_TRIAL: {
    mark: 'short',
    severity: 'caution',
    hint: 'make trials longer (--duration 10s) so their figures rest on enough samples and clock ticks'
  },
  PINNING_NOT_HELD: {
    mark: 'pin not held',
    severity: 'caution',
    hint: 'something changed the threads’ CPU masks (cgroup cpusets, a tuning daemon): check taskset and the cgroup’s cpuset'
  },
  COST_MOVED: {
    mark: 'cost moved',
    severity: 'caution',
    hint: 'read the whole-system figure: a sender saving the receiver pays back is not a saving'
  },
  CHUNK_CAPPED: {
    mark: 'chunk capped',
    severity: 'info',
    hint: 'each call moved at most the pipe’s size: raise /proc/sys/fs/pipe-max-size for larger splices'
  },
  URING_WORKERS: {
    mark: 'io_uring workers',
    severity: 'info',
    hint: 'io_uring hands what it cannot do inline (a splice) to kernel worker threads: their CPU is the sender’s, measured by their /proc schedstat'
  },
  GPU_PINNED: {
    mark: 'pinning apart',
    severity: 'info',
    hint: 'pinning host memory (registering the file’s pages, pinned buffers) is paid once per buffer: it is measured and shown apart, not in the per-bit figures'
  },
  GPU_SPIN: {
    mark: 'GPU wait spun',
    severity: 'caution',
    hint: 'the host spun while it waited for the GPU, so its CPU figures measure a spin loop: run without --gpu-spin for blocking waits'
  },
  GPU_COMPAT: {
    mark: 'GDS compat mode',
    severity: 'info',
    hint: 'cuFile ran in compatibility mode (no nvidia-fs): the bytes go through host memory, not storage → GPU DMA'
  },
  GPU_PCIE_CAPPED: {
    mark: 'link downtrained',
    severity: 'caution',
    hint: 'the GPU’s PCIe link ran below its maximum generation or width: check the slot, and power management that lowers the link when idle'
  },
  SQPOLL_CPU: {
    mark: 'sqpoll CPU',
    severity: 'info',
    hint: 'the kernel thread polling the submission ring burns its core while it waits: its CPU is the price of sending with no system call'
  },
  RETRANSMITS: { mark: 'retransmits', severity: 'info', hint: null },
  AUTO_PINNED: {
    mark: 'pinned by zcprof',
    severity: 'info',
    hint: 'where threads land changes every figure from run to run; --no-pin leaves them to the scheduler, --cpus and --receiver-cpus choose'
  },
  NOT_TIGHT: {
    mark: 'not tight',
    severity: 'caution',
    hint: 'give it more time (--max-time), a looser --precision, or a quieter machine'
  },
  NO_BASELINE: {
    mark: 'no baseline',
    severity: 'caution',
    hint: 'add copy (gpu-copy for a GPU) to the methods: every headline is measured against it'
  },
  FOREIGN: { mark: 'imported', severity: 'info', hint: null },
  /** a note from a schema 2 report that no code above matches */
  NOTE: { mark: 'note', severity: 'info', hint: null },
  /** a trial or the run failed: the warning's code is the error's own (ECONNREFUSED, ZC_LIMIT, …) */
  RUN_INTERRUPTED: {
    mark: 'interrupted',
    severity: 'error',
    hint: 'the process running it ended before the run did (killed, crashed, or the machine stopped): run the rest again'
  },
  /** the trial in flight when the user stopped the run (Ctrl-C, SIGTERM, SIGHUP, Stop): not a failure */
  ZC_CANCELLED: { mark: 'cancelled', severity: 'info', hint: null },
  ERROR: { mark: 'failed', severity: 'error', hint: null }
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
