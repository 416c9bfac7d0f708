// Headroom: from a method's measured cycles per bit and the clock, the Gbit/s one core
// sustains and the cores a link of a given speed needs. Beside it, the seed's rule of
// thumb: one cycle per bit. Pure arithmetic on a report's aggregates.

import type { Environment, MethodAggregate, Plan } from './report'

/** when the NIC's speed is not known: the links people size servers for */
export const STANDARD_LINE_RATES_BITS_PER_SEC = [10e9, 25e9, 100e9, 400e9] as const

export interface CoresAt {
  lineRateBitsPerSec: number
  sender: number | null
  receiver: number | null
  /** every host measured, together */
  system: number | null
}

export interface Headroom {
  /** bits per second one core sustains at the measured cost; null where the cost is unknown */
  perCoreBitsPerSec: { sender: number | null; receiver: number | null; system: number | null }
  coresAt: CoresAt[]
}

/** cores per (bit per second): cycles per bit / cycles per second */
function coresPerBitPerSec(cyclesPerBit: number | null | undefined, clockHz: number | null | undefined): number | null {
  if (cyclesPerBit === null || cyclesPerBit === undefined || !(cyclesPerBit > 0)) return null
  if (!clockHz || !(clockHz > 0)) return null
  return cyclesPerBit / clockHz
}

const times = (k: number | null, rate: number) => (k === null ? null : k * rate)
const inverse = (k: number | null) => (k === null || k <= 0 ? null : 1 / k)

/**
 * One method's headroom. The sender's cycles use the sending host's clock, the
 * receiver's the receiving host's; the system figure adds the hosts' cores.
 * Where cycles are estimated from CPU time, clock × (time × clock)⁻¹ cancels: the
 * figure is exactly bits per CPU-second, whatever the clock.
 */
export function headroomOf(
  a: MethodAggregate,
  senderClockHz: number | null,
  receiverClockHz: number | null,
  lineRates: readonly number[]
): Headroom {
  const sender = coresPerBitPerSec(a.senderCyclesPerBit?.median, senderClockHz)
  const receiver = coresPerBitPerSec(a.receiverCyclesPerBit?.median, receiverClockHz ?? senderClockHz)
  const sendingHost = coresPerBitPerSec(a.systemCyclesPerBit?.median, senderClockHz)
  const receivingHost = a.receiverSystemCyclesPerBit
    ? coresPerBitPerSec(a.receiverSystemCyclesPerBit.median, receiverClockHz)
    : 0
  const system = sendingHost === null || receivingHost === null ? null : sendingHost + receivingHost
  return {
    perCoreBitsPerSec: { sender: inverse(sender), receiver: inverse(receiver), system: inverse(system) },
    coresAt: lineRates.map((rate) => ({
      lineRateBitsPerSec: rate,
      sender: times(sender, rate),
      receiver: times(receiver, rate),
      system: times(system, rate)
    }))
  }
}

/** the rule of thumb: at one cycle per bit, a core of clockHz moves clockHz bits per second */
export function ruleOfThumbCores(clockHz: number | null, lineRateBitsPerSec: number): number | null {
  return clockHz && clockHz > 0 ? lineRateBitsPerSec / clockHz : null
}

/**
 * The links to size for: what the plan asked, else the fastest physical NIC's speed
 * when the host reports one, else 10/25/100/400 Gbit/s.
 */
export function lineRatesFor(plan: Pick<Plan, 'lineRatesBitsPerSec'>, env: Pick<Environment, 'nics'> | null): number[] {
  if (plan.lineRatesBitsPerSec && plan.lineRatesBitsPerSec.length) return [...plan.lineRatesBitsPerSec]
  const speeds = (env?.nics ?? [])
    .filter((n) => !n.virtual && n.speedMbps !== null && n.speedMbps > 0)
    .map((n) => (n.speedMbps as number) * 1e6)
  return speeds.length ? [Math.max(...speeds)] : [...STANDARD_LINE_RATES_BITS_PER_SEC]
}
