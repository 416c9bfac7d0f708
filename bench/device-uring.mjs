// Run by bench/device-uring.sh on a many-core host: zcprof against the C yardstick
// (bench/baseline.c) for the io_uring methods and sendfile, PAIRS (6) interleaved pairs
// of TRIAL_MS (5000) timed trials each, then (unless RUNS=0) one run without and one with
// SQPOLL. pairs.json holds each pair, rewritten after each so a cut-off run keeps them;
// bench/device-uring-summary.ts turns it into ratios with intervals.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
const [B, F, OUT] = process.argv.slice(2)
const zc = (args) => execFileSync('node', ['bin/zcprof.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
const PAIRS = Number(process.env.PAIRS ?? 6)
const TRIAL_MS = Number(process.env.TRIAL_MS ?? 5000)
const METHODS = (process.env.METHODS ?? 'sendfile,uring-send,uring-splice,uring-send-zc').split(',')
const C = (m) => {
  const o = JSON.parse(execFileSync(B, [m, F, '131072', String(TRIAL_MS)], { encoding: 'utf8' }))
  return (o.bytes * 8e9) / o.ns
}
const Z = (m, i) => {
  const j = `${OUT}/tmp-${m}-${i}.json`
  zc(['run', '-m', m, '-f', F, '-t', `${TRIAL_MS}ms`, '-r', '1', '--json', j])
  const r = JSON.parse(readFileSync(j, 'utf8'))
  // first send to last byte, ramp included, as the C program times itself (and bench.ts section 2)
  const s = r.trials[0].summary
  return ((s.bytes + s.steady.rampBytes) * 8e3) / (s.steady.rampMs + s.steady.windowMs)
}
const pairs = {}
// pair i of every method before pair i + 1 of any: a cut-off run keeps pairs of each
for (let i = 0; i < PAIRS; i++) {
  for (const m of METHODS) {
    pairs[m] ??= []
    const first = i % 2 === 0
    const a = first ? C(m) : Z(m, i)
    const b = first ? Z(m, i) : C(m)
    pairs[m].push(first ? { c: a, z: b } : { c: b, z: a })
    writeFileSync(`${OUT}/pairs.json`, JSON.stringify(pairs, null, 1))
  }
}
if (process.env.RUNS === '0') process.exit(0)
writeFileSync(
  `${OUT}/plain.txt`,
  zc([
    'run',
    '-f',
    F,
    '-m',
    'copy,sendfile,uring-send,uring-splice,uring-send-zc',
    '-r',
    '3',
    '--wide',
    '--json',
    `${OUT}/plain.json`
  ])
)
writeFileSync(
  `${OUT}/sqpoll.txt`,
  zc([
    'run',
    '-f',
    F,
    '-m',
    'uring-send,uring-splice,uring-send-zc',
    '-r',
    '3',
    '--uring-sqpoll',
    '--wide',
    '--json',
    `${OUT}/sqpoll.json`
  ])
)
