// A gpu-* receiver mode's own figures: what its streams put in GPU memory, the copies'
// time on the GPU's clock, what setting up cost before the clock. From the receivers'
// results (the agent's `gpu`), all streams together.

import type { ReceiveGpu } from '../../shared/report'
import type { StreamResult } from '../agent/protocol'

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

/** null for other modes, and for a trial whose receivers sent no result */
export function receiveGpuOf(recv: { streams: StreamResult[] } | null): ReceiveGpu | null {
  const gs = (recv?.streams ?? []).map((s) => s.result?.gpu).filter((g) => g?.copiedBytes !== undefined)
  if (!gs.length) return null
  const copiedBytes = sum(gs.map((g) => g!.copiedBytes ?? 0))
  const copyNs = sum(gs.map((g) => g!.gpuNs))
  return {
    device: gs[0]!.device,
    copiedBytes,
    copies: sum(gs.map((g) => g!.copies ?? 0)),
    copyTimeMs: copyNs / 1e6,
    copyBitsPerSec: copyNs > 0 ? (copiedBytes * 8 * 1e9) / copyNs : null,
    setupMs: sum(gs.map((g) => g!.setupNs)) / 1e6,
    pinMs: sum(gs.map((g) => g!.pinNs)) / 1e6,
    verifiedBytes: sum(gs.map((g) => g!.verifiedBytes))
  }
}
