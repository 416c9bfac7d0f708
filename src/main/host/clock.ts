// The clock rate that turns CPU time into estimated cycles: the highest `cpu MHz` the
// kernel reports (the nominal or boost clock a busy core runs at).

import { readFileSync } from 'node:fs'

export function cpuClockHz(): number | null {
  try {
    const mhz = [...readFileSync('/proc/cpuinfo', 'utf8').matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)].map((m) =>
      Number(m[1])
    )
    return mhz.length ? Math.max(...mhz) * 1e6 : null
  } catch {
    return null
  }
}
