// What the agent allows and what it holds against it: the default limits, the receive
// buffers a trial pins, and the table of live trials with what each client and the
// whole agent pin, so a prepare past any bound is refused before anything starts.

import type { Transfer } from '../../native'
import type { Client } from './agent-peer'
import type { AgentLimits, Prepare, Reply } from './protocol'

export const DEFAULT_LIMITS: AgentLimits = {
  maxTrials: 4,
  maxClients: 16,
  maxTrialBytes: 64 * 1024 ** 3,
  maxTrialDurationMs: 10 * 60_000,
  maxBufferBytes: 64 * 1024 * 1024,
  maxTrialsPerClient: 2,
  idleTimeoutMs: 60_000,
  // 2 trials of 8 streams × 32 × 1 MiB fit one client; 4 clients' worth fit the agent
  maxSessionPinnedBytes: 512 * 1024 ** 2,
  maxAgentPinnedBytes: 1024 ** 3,
  dataIdleTimeoutMs: 30_000,
  // one pair at a time by default: two send jobs on one host disturb each other's figures
  maxSendJobs: 1,
  maxSendFileBytes: 4 * 1024 ** 3
}

/** the receive ring's buffers per stream in mode uring when the plan names no depth (zc.h) */
export const URING_DEFAULT_DEPTH = 32

/**
 * The receive buffers a prepare asks the agent to hold: bufferBytes per stream, and
 * in mode uring one more per ring entry (the depth rounded up to a power of two, as
 * zc-recv-uring.c sizes its buffer ring); gpu-pinned and gpu-mapped two more (their
 * host buffers; the device ring is the GPU's memory, not the host's).
 */
export function pinnedBytesOf(m: Pick<Prepare, 'mode' | 'bufferBytes' | 'streams' | 'uringDepth'>): number {
  let ring = 1
  if (m.mode === 'uring') while (ring < (m.uringDepth ?? URING_DEFAULT_DEPTH)) ring *= 2
  // uring's ring comes on top of the one read buffer every receiver holds (zc-recv.c);
  // gpu-pinned and gpu-mapped add two host buffers of a chunk each (zc-recv-gpu.c)
  const perStream = m.mode === 'uring' ? ring + 1 : m.mode === 'gpu-pinned' || m.mode === 'gpu-mapped' ? 3 : 1
  return (perStream * m.bufferBytes + (m.mode === 'mapped' ? mappedRegionBytes(m.bufferBytes) : 0)) * (m.streams ?? 1)
}

/** the mapped mode's region: the buffer rounded up to 4 KiB pages, at least 256 KiB
 * (zc-recv-mapped.c); the socket's pages the kernel maps into it are held until read */
export const MAPPED_MIN_REGION_BYTES = 256 * 1024
export function mappedRegionBytes(bufferBytes: number): number {
  return Math.max(MAPPED_MIN_REGION_BYTES, Math.ceil(bufferBytes / 4096) * 4096)
}

/** a whole number in min..max: how every numeric field a client sends is bounded */
export const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max

export interface Trial {
  id: number
  /** one receiver per stream, each on its own listener */
  transfers: Transfer[]
  /** receive buffers it holds (pinnedBytesOf) */
  pinnedBytes: number
}

/** the live trials by id, and the receive buffers they pin, per client and in all */
export class TrialBooks {
  private nextTrial = 1
  private readonly trials = new Map<number, Trial>()
  /** receive buffers every live trial holds, against maxAgentPinnedBytes */
  private pinnedBytes = 0

  constructor(private readonly limits: AgentLimits) {}

  /** the bytes a trial like m would pin, or prepare's refusal when client may not start one more now */
  admit(client: Client, m: Prepare, re: number): number | Reply {
    if (client.owned.size >= this.limits.maxTrialsPerClient) {
      return {
        type: 'error',
        re,
        error: {
          code: 'ZC_BUSY',
          message: `one client may hold at most ${this.limits.maxTrialsPerClient} trials at once on this agent`
        }
      }
    }
    if (this.trials.size >= this.limits.maxTrials) {
      return {
        type: 'error',
        re,
        error: { code: 'ZC_BUSY', message: `agent runs at most ${this.limits.maxTrials} trials at once` }
      }
    }
    return this.pinRefusal(client, m, re)
  }

  /** an id for the next trial; taken once its listeners are open, used or not */
  takeId(): number {
    return this.nextTrial++
  }

  /** counts a trial that started against its client and the agent */
  add(client: Client, trial: Trial): void {
    this.trials.set(trial.id, trial)
    client.owned.add(trial.id)
    client.pinnedBytes += trial.pinnedBytes
    this.pinnedBytes += trial.pinnedBytes
  }

  /** forgets a trial that ended, and the buffers it pinned */
  remove(client: Client, id: number): void {
    const pinned = this.trials.get(id)?.pinnedBytes ?? 0
    client.pinnedBytes -= pinned
    this.pinnedBytes -= pinned
    this.trials.delete(id)
    client.owned.delete(id)
  }

  /** the trial of this id when client owns it (an id a client sends is unchecked) */
  ownedBy(client: Client, id: unknown): Trial | undefined {
    return isInt(id, 1, Number.MAX_SAFE_INTEGER) && client.owned.has(id) ? this.trials.get(id) : undefined
  }

  /** cancels the receivers of the trials named, or of every live trial */
  cancel(ids: Iterable<number> = this.trials.keys()): void {
    for (const id of ids) for (const x of this.trials.get(id)?.transfers ?? []) x.cancel()
  }

  /** the bytes the trial pins, or the refusal when the client's or the agent's bound would pass */
  private pinRefusal(client: Client, m: Prepare, re: number): number | Reply {
    const L = this.limits
    const pinned = pinnedBytesOf(m)
    const shape =
      m.mode === 'uring'
        ? `${m.streams ?? 1} streams × (1 read buffer + a ring of ${m.uringDepth ?? URING_DEFAULT_DEPTH}, rounded up to a power of two) × ${m.bufferBytes} bytes`
        : m.mode === 'mapped'
          ? `${m.streams ?? 1} streams × (${m.bufferBytes} bytes + a mapped region of ${mappedRegionBytes(m.bufferBytes)})`
          : m.mode === 'gpu-pinned' || m.mode === 'gpu-mapped'
            ? `${m.streams ?? 1} streams × (1 read buffer + 2 pinned or registered buffers) × ${m.bufferBytes} bytes`
            : `${m.streams ?? 1} streams × ${m.bufferBytes} bytes`
    const fix = 'use fewer streams, a smaller uringDepth or a smaller buffer'
    if (client.pinnedBytes + pinned > L.maxSessionPinnedBytes)
      return {
        type: 'error',
        re,
        error: {
          code: 'ZC_LIMIT',
          message: `prepare: this trial would pin ${pinned} bytes of receive buffers (${shape}) and this client's trials already pin ${client.pinnedBytes}; one client may pin at most ${L.maxSessionPinnedBytes} (maxSessionPinnedBytes): ${fix}`
        }
      }
    if (this.pinnedBytes + pinned > L.maxAgentPinnedBytes)
      return {
        type: 'error',
        re,
        error: {
          // others' trials hold the rest: later it may fit
          code: pinned > L.maxAgentPinnedBytes ? 'ZC_LIMIT' : 'ZC_BUSY',
          message: `prepare: this trial would pin ${pinned} bytes of receive buffers (${shape}) and the agent's trials already pin ${this.pinnedBytes}; the agent pins at most ${L.maxAgentPinnedBytes} in all (maxAgentPinnedBytes): ${fix}, or try again when other trials end`
        }
      }
    return pinned
  }
}
