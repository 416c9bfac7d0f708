// Run by bench/device-uring.sh on a many-core host: zcprof against the C yardstick
// (bench/baseline.c) for the io_uring methods and sendfile, 6 interleaved pairs of 5 s
// timed trials each, then one run without and one with SQPOLL. pairs.json holds each
// pair; bench/device-uring-summary.mjs turns it into ratios with intervals.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
const [B, F, OUT] = process.argv.slice(2)
const zc = (args) => execFileSync('node', ['bin/zcprof.js', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
const C = (m) => {
  const o = JSON.parse(execFileSync(B, [m, F, '131072', '5000'], { encoding: 'utf8' }))
  return (o.bytes * 8e9) / o.ns
}
const Z = (m, i) => {
  const j = `${OUT}/tmp-${m}-${i}.json`
  zc(['run', '-m', m, '-f', F, '-d', '5s', '-r', '1', '--json', j])
  const r = JSON.parse(readFileSync(j, 'utf8'))
  return r.trials[0].summary.throughputBitsPerSec
}
const pairs = {}
for (const m of ['sendfile', 'uring-send', 'uring-splice', 'uring-send-zc']) {
  pairs[m] = []
  for (let i = 0; i < 6; i++) {
    const first = i % 2 === 0
    const a = first ? C(m) : Z(m, i)
    const b = first ? Z(m, i) : C(m)
    pairs[m].push(first ? { c: a, z: b } : { c: b, z: a })
  }
}
writeFileSync(`${OUT}/pairs.json`, JSON.stringify(pairs, null, 1))
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
