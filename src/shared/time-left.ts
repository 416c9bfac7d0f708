// A run's time left as front ends show it: the engine's estimate at each event (each
// trial's start, each round's end), counted down between events and only ever lowered
// by a new one. So the figure a person watches never goes up.

export interface Countdown {
  /** milliseconds left at `atMs` (the front end's own clock) */
  ms: number
  atMs: number
}

/** the countdown after a new estimate: where it had got to, or the estimate if lower */
export function countDown(prev: Countdown | null, estimateMs: number, nowMs: number): Countdown {
  const running = prev ? prev.ms - (nowMs - prev.atMs) : Number.POSITIVE_INFINITY
  return { ms: Math.max(0, Math.min(running, estimateMs)), atMs: nowMs }
}

/** what is left of a countdown now */
export function leftMs(c: Countdown, nowMs: number): number {
  return Math.max(0, c.ms - (nowMs - c.atMs))
}
