// Shared test helpers: test files, and a native sender/receiver pair on one address.

import { execFileSync, spawnSync } from 'node:child_process'
import { randomFillSync } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as native from '../src/native'
import type { NativeMethod, ReceiverMode } from '../src/shared/methods'
import type { Plan } from '../src/shared/report'
import { ZcprofError } from '../src/shared/errors'
import { DEFAULT_PLAN } from '../src/main/engine/run'

/** the built CLI, as a user runs it */
export const ZCPROF_BIN = path.join(__dirname, '..', 'bin', 'zcprof.js')

/** `zcprof ARGS…` to the end, with env added to this process's */
export function runZcprof(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [ZCPROF_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 120_000
  })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/**
 * CLI output with the hanging-indent wrap undone (paragraph() in
 * src/main/cli/text-table.ts): a line indented 4 or more columns continues the one
 * above, so it joins it with one space; a list item's first line (indented less) stays
 * a line of its own, indent and all.
 */
export const unwrapHangingIndent = (text: string) => text.replace(/\n {4,}/g, ' ')

/**
 * CLI output with every wrap undone, unindented prose's too (compare's verdict wraps
 * with no indent): each line joins the one above with one space, unless it begins a
 * list item (- or •) or a label at the margin ("B:", "note:"). Indents go with the
 * line breaks, so match the words, not the indent.
 */
export const unwrapProse = (text: string) => text.replace(/\n(?! *[-•]|\S+:)\s*/g, ' ')

const created: string[] = []

/**
 * A C file built into a shared object in a fresh temp dir, warnings as errors: the
 * LD_PRELOAD shims and fake libraries that stand in for the kernel or a driver
 */
export function buildSharedObject(source: string, name: string, libs: string[] = []): string {
  const out = path.join(tempDir(), name)
  execFileSync('cc', ['-shared', '-fPIC', '-O2', '-Wall', '-Werror', '-o', out, source, ...libs])
  return out
}

/** A fresh temp dir, removed when the test file ends (test/setup.ts): tests make GiBs. */
export function tempDir(prefix = 'zcprof-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  created.push(dir)
  return dir
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) {
    try {
      rmSync(dir, { recursive: true, force: true })
    } catch {
      // still a mount point or in use: leave it rather than fail the suite
    }
  }
}

/** A file of random bytes; an odd size so no loop gets lucky with chunk boundaries. */
export function randomFile(bytes: number, dir = tempDir()): string {
  const file = path.join(dir, `data-${bytes}.bin`)
  const buf = Buffer.allocUnsafe(bytes)
  randomFillSync(buf)
  writeFileSync(file, buf)
  return file
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

export function address(family: native.AddressFamily, dir = tempDir()): native.NativeAddress {
  if (family === 'unix') return { family, path: path.join(dir, 's.sock') }
  return { family, host: family === 'inet6' ? '::1' : '127.0.0.1', port: 0 }
}

export interface PairOptions {
  method: NativeMethod
  mode: ReceiverMode
  family: native.AddressFamily
  file: string
  chunkBytes?: number
  checksum?: boolean
  pmu?: 'auto' | 'off'
  uringSqpoll?: boolean
}

export async function transferPair(
  o: PairOptions
): Promise<{ sender: native.NativeResult; receiver: native.NativeResult }> {
  const a = address(o.family)
  const l = native.listen(a)
  try {
    const receiver = native.startReceiver({
      mode: o.mode,
      listenFd: l.fd,
      bufferBytes: o.chunkBytes ?? 65536,
      checksum: o.checksum ?? true,
      pmu: o.pmu
    })
    const sender = native.startSender({
      method: o.method,
      file: o.file,
      chunkBytes: o.chunkBytes ?? 65536,
      target: { ...a, port: l.port },
      pmu: o.pmu,
      uringSqpoll: o.uringSqpoll
    })
    const [s, r] = await Promise.all([sender.done, receiver.done])
    return { sender: s, receiver: r }
  } finally {
    native.closeFd(l.fd)
  }
}

export async function rejection(p: Promise<unknown>): Promise<native.NativeError> {
  try {
    await p
  } catch (e) {
    return e as native.NativeError
  }
  throw new Error('expected a rejection')
}

/** the ZcprofError f throws (anything else thrown is the test's failure, as is nothing) */
export function refusal(f: () => unknown): ZcprofError {
  try {
    f()
  } catch (e) {
    if (!(e instanceof ZcprofError)) throw e
    return e
  }
  throw new Error('expected a refusal')
}

/** the ZcprofError p rejects with */
export async function asyncRefusal(p: Promise<unknown>): Promise<ZcprofError> {
  try {
    await p
  } catch (e) {
    if (!(e instanceof ZcprofError)) throw e
    return e
  }
  throw new Error('expected a refusal')
}

/**
 * A quick plan for engine tests: one pass over the file (so every byte count is the
 * file's), one measured round in the plan's order, no precision and nothing pinned,
 * checksums on, fast sampling.
 */
export function testPlan(file: string, p: Partial<Plan> = {}): Plan {
  return {
    ...DEFAULT_PLAN,
    file,
    durationMs: null,
    repeat: 1,
    warmup: 0,
    checksum: true,
    sampleIntervalMs: 20,
    precision: null,
    maxTimeMs: null,
    order: 'fixed',
    autoPin: false,
    ...p
  }
}
