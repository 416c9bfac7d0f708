// The run's file is opened once and held (issue 24, items 4 and 5): a path swapped
// after the checks neither puts other bytes on the wire nor goes unnoticed.

import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkUnchanged, holdFile, releaseFile } from '../../src/main/engine/held-file'
import { runPlan } from '../../src/main/engine/run'
import type { RunEvent } from '../../src/shared/events'
import { randomFile, refusal, tempDir, testPlan } from '../helpers'
import { runOnFake } from './fake-run'

const STEADY = {
  copy: { bytesPerSec: 1e9, senderNsPerByte: 1, receiverNsPerByte: 1 },
  sendfile: { bytesPerSec: 2e9, senderNsPerByte: 0.5, receiverNsPerByte: 1 }
}

describe('holdFile', () => {
  it('reads the bytes that were checked, whatever is put at the path later', () => {
    const dir = tempDir()
    const file = path.join(dir, 'data.bin')
    writeFileSync(file, 'public bytes\n')
    const secret = path.join(tempDir(), 'secret')
    writeFileSync(secret, 'SECRET BYTES\n')
    const held = holdFile(file)
    try {
      rmSync(file)
      symlinkSync(secret, file)
      // the kernel's own view of the held descriptor is the instrument
      expect(readFileSync(held.readPath, 'utf8')).toBe('public bytes\n')
      expect(refusal(() => checkUnchanged(held)).code).toBe('ZC_FILE_CHANGED')
    } finally {
      releaseFile(held)
    }
  })

  it('notices a file renamed over the path, and a path removed', () => {
    const file = randomFile(4096)
    const held = holdFile(file)
    checkUnchanged(held) // unchanged: nothing said
    const other = randomFile(4096)
    renameSync(other, file)
    expect(refusal(() => checkUnchanged(held)).message).toContain(file)
    rmSync(file)
    expect(refusal(() => checkUnchanged(held)).code).toBe('ZC_FILE_CHANGED')
    releaseFile(held)
  })

  it('a generated file may be replaced by another run: its holder keeps its own bytes, unbothered', () => {
    const file = randomFile(4096)
    const before = readFileSync(file)
    const held = holdFile(file, false)
    renameSync(randomFile(4096), file)
    checkUnchanged(held)
    expect(readFileSync(held.readPath).equals(before)).toBe(true)
    releaseFile(held)
  })

  it('refuses what is not a readable regular file with data, quickly (a FIFO does not hang it)', () => {
    const dir = tempDir()
    const fifo = path.join(dir, 'fifo')
    execFileSync('mkfifo', [fifo])
    const t0 = performance.now()
    expect(refusal(() => holdFile(fifo)).code).toBe('ZC_NOT_A_FILE')
    expect(performance.now() - t0).toBeLessThan(5000)
    expect(refusal(() => holdFile('/dev/zero')).code).toBe('ZC_NOT_A_FILE')
    mkdirSync(path.join(dir, 'folder'))
    expect(refusal(() => holdFile(path.join(dir, 'folder'))).code).toBe('ZC_NOT_A_FILE')
    writeFileSync(path.join(dir, 'empty'), '')
    expect(refusal(() => holdFile(path.join(dir, 'empty'))).message).toMatch(/is empty/)
    expect(refusal(() => holdFile(path.join(dir, 'missing'))).message).toMatch(/does not exist/)
  })

  it('a link the user names is followed once, at the check', () => {
    const file = randomFile(4096)
    const link = path.join(tempDir(), 'link')
    symlinkSync(file, link)
    const held = holdFile(link)
    expect(readFileSync(held.readPath).equals(readFileSync(file))).toBe(true)
    checkUnchanged(held)
    releaseFile(held)
  })
})

describe('a run sends its held file', () => {
  it('every trial reads the held descriptor, not the path', async () => {
    const file = randomFile(1 << 20)
    const { log } = await runOnFake(file, { methods: ['copy', 'sendfile'], repeat: 2 }, { methods: STEADY })
    expect(log.length).toBe(4)
    for (const l of log) expect(l.file).toMatch(/^\/proc\/self\/fd\/\d+$/)
  })

  it('a file swapped after the checks stops the run before the next trial, which names it', async () => {
    const file = randomFile(1 << 20)
    const secret = randomFile(1 << 20)
    let swapped = false
    const { report, log, events } = await runOnFake(
      file,
      { methods: ['copy', 'sendfile'], repeat: 3 },
      { methods: STEADY },
      {
        onEvent: (e: RunEvent) => {
          if (e.type !== 'trial-end' || swapped) return
          swapped = true
          rmSync(file)
          symlinkSync(secret, file)
        }
      }
    )
    expect(log.length).toBe(1)
    expect(report.end.incomplete).toBe(true)
    const stop = events.find((e) => e.type === 'error')
    expect(stop).toMatchObject({ error: { code: 'ZC_FILE_CHANGED' } })
    expect(report.end.warnings.some((w) => w.code === 'ZC_FILE_CHANGED' && w.message.includes(file))).toBe(true)
  })

  it('two --verify runs sharing a cache: one remaking the file mid-run is no checksum failure for the other', async () => {
    const cacheDir = tempDir()
    const size = 2 << 20
    let remade = 0
    const report = await runPlan({
      plan: testPlan('', { file: null, fileBytes: [size], methods: ['copy', 'sendfile'], repeat: 2, checksum: true }),
      cacheDir,
      onEvent: (e) => {
        // what a second run does when it finds the stamp stale: a new file renamed into place
        if (e.type !== 'trial-end') return
        remade++
        const fresh = randomFile(size)
        renameSync(fresh, path.join(cacheDir, `zcprof-${size}.bin`))
      }
    })
    expect(remade).toBe(4)
    expect(report.end.incomplete).toBe(false)
    for (const t of report.trials) {
      expect(t.error, t.method).toBeNull()
      expect(t.summary!.integrity).toMatchObject({ checked: true, ok: true })
    }
  })
})
