// Where a run's outputs go (issue 24, items 2 and 3): a device or pipe is written where
// it is, never renamed over; our own streams by their /dev names; a path that cannot
// take the output is refused before anything is measured (exit 2); a write that fails
// at the end exits 1 and says where the data is.

import { execFileSync, spawn } from 'node:child_process'
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkOutput, outputWay, writeFileAtomic } from '../../src/main/storage/atomic-file'
import type { Report } from '../../src/shared/report'
import { refusal, runZcprof, tempDir } from '../helpers'
import { skipWhen } from '../skips'

const F = path.join(__dirname, '..', 'fixtures', 'reports')
const FIXTURE = path.join(F, 'machine-a.json')
const root = process.getuid?.() === 0

describe.skipIf(skipWhen(!root, 'output devices', 'needs root to make a character device with mknod'))(
  'a device is written in place',
  () => {
    it('a character device (a null device made here, as /dev/null is) stays a device', () => {
      const dev = path.join(tempDir(), 'null')
      execFileSync('mknod', [dev, 'c', '1', '3'])
      writeFileAtomic(dev, '{"a":1}\n')
      expect(lstatSync(dev).isCharacterDevice()).toBe(true)
      expect(readdirSync(path.dirname(dev))).toEqual(['null']) // no temp file left either
    })
  }
)

describe('outputs that are not regular files', () => {
  it('a FIFO with a reader gets the bytes and stays a FIFO', async () => {
    const fifo = path.join(tempDir(), 'pipe')
    execFileSync('mkfifo', [fifo])
    const reader = spawn('cat', [fifo])
    let got = ''
    reader.stdout.on('data', (d) => (got += d))
    const ended = new Promise((r) => reader.on('exit', r))
    // the reader opens the FIFO when it starts: wait until it has
    for (let i = 0; i < 100; i++) {
      try {
        writeFileAtomic(fifo, 'through the pipe\n')
        break
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e
        await new Promise((r) => setTimeout(r, 20))
      }
    }
    await ended
    expect(got).toBe('through the pipe\n')
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it('a FIFO nobody reads is refused at once, not waited on', () => {
    const fifo = path.join(tempDir(), 'pipe')
    execFileSync('mkfifo', [fifo])
    const t0 = performance.now()
    expect(refusal(() => writeFileAtomic(fifo, 'x')).message).toMatch(/nobody reads that pipe/)
    expect(performance.now() - t0).toBeLessThan(5000)
  })

  it('our own streams by their /dev and /proc names; a folder or a disk device is refused', () => {
    expect(outputWay('/dev/stdout')).toEqual({ kind: 'fd', fd: 1 })
    expect(outputWay('/dev/fd/1')).toEqual({ kind: 'fd', fd: 1 })
    expect(outputWay('/proc/self/fd/2')).toEqual({ kind: 'fd', fd: 2 })
    expect(outputWay('/dev/stderr')).toEqual({ kind: 'fd', fd: 2 })
    expect(refusal(() => outputWay(tempDir())).message).toMatch(/it is a folder/)
    const block = readdirSync('/dev').find((d) => {
      try {
        return lstatSync(`/dev/${d}`).isBlockDevice()
      } catch {
        return false
      }
    })
    if (block) expect(refusal(() => checkOutput(`/dev/${block}`, '--json')).message).toMatch(/disk device/)
  })

  it('a link to a device planted in a folder others write is not followed', () => {
    const dir = tempDir()
    execFileSync('ln', ['-s', '/dev/null', path.join(dir, 'r.json')])
    expect(refusal(() => outputWay(path.join(dir, 'r.json'))).message).toMatch(/link to a device/)
  })
})

describe('output paths are checked before the run (exit 2)', () => {
  it('a missing folder is named, with the fix', () => {
    const e = refusal(() => checkOutput('/nonexistent-zcprof/dir/r.json', '--json'))
    expect(e.message).toMatch(/the folder \/nonexistent-zcprof\/dir does not exist/)
    expect(e.hint).toMatch(/mkdir -p/)
  })

  it('zcprof run --json into a missing folder exits 2 before measuring anything', () => {
    const t0 = performance.now()
    const r = runZcprof(['run', '-m', 'copy', '-s', '1MiB', '--json', '/nonexistent-zcprof/dir/r.json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/--json|nonexistent-zcprof/)
    expect(r.stderr).not.toMatch(/trial|round|saved to/)
    expect(r.stdout).toBe('')
    // the default plan takes a minute or more: exiting in seconds means nothing ran
    expect(performance.now() - t0).toBeLessThan(30_000)
  })

  it('zcprof run --html into a missing folder, and compare --json likewise', () => {
    expect(runZcprof(['run', '-m', 'copy', '--html', '/nonexistent-zcprof/r.html']).code).toBe(2)
    const c = runZcprof(['compare', FIXTURE, FIXTURE, '--json', '/nonexistent-zcprof/c.json'])
    expect(c.code).toBe(2)
    expect(c.stderr).toMatch(/nonexistent-zcprof/)
  })

  it('/dev/stdout and - are standard output', () => {
    const r = runZcprof(['report', FIXTURE, '--json', '/dev/stdout'])
    expect(r.code, r.stderr).toBe(0)
    expect((JSON.parse(r.stdout) as Report).trials.length).toBeGreaterThan(0)
    const c = runZcprof(['compare', FIXTURE, FIXTURE, '--json', '-'])
    expect(JSON.parse(c.stdout)).toHaveProperty('rows')
  })
})

describe.skipIf(skipWhen(!root, 'a full disk at the end', 'needs root to mount a tiny tmpfs'))(
  'a write that fails at the end',
  () => {
    const full = tempDir('zcprof-full-out-')
    beforeAll(() => execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', full]))
    afterAll(() => execFileSync('umount', [full]))

    it('exits 1, keeps the report elsewhere and says where', () => {
      const cache = tempDir()
      const r = runZcprof(
        ['run', '-m', 'copy', '-s', '1MiB', '-r', '1', '--once', '--no-progress', '--json', path.join(full, 'r.json')],
        { XDG_CACHE_HOME: cache }
      )
      expect(r.code, r.stderr).toBe(1)
      expect(r.stderr).toMatch(/disk is full/)
      const kept = /the run's data is kept in (\S+)/.exec(r.stderr)?.[1]
      expect(kept).toBeDefined()
      expect(kept!.startsWith(path.join(cache, 'zcprof', 'unsaved'))).toBe(true)
      const report = JSON.parse(readFileSync(kept!, 'utf8')) as Report
      expect(report.trials.filter((t) => !t.warmup).length).toBe(1)
      expect(existsSync(path.join(full, 'r.json'))).toBe(false)
    })
  }
)
