// The lock a run's journal is held by while its run goes on (see lockServer).

import { readlinkSync } from 'node:fs'
import net from 'node:net'

/**
 * A run's journal is locked while its run goes on, and a listing recovers it only when
 * it can take the lock. The lock is a Unix socket bound to an abstract name made of the
 * journal's device and inode: the kernel holds the name while the process lives and
 * frees it the moment the process ends, however it ends (SIGKILL, a crash), so no pid
 * is trusted (a journal saying pid 1 or -1 cannot hold its run open), no pid reused by
 * another program can, and a dead run leaves no lock file behind. Binding is atomic, and
 * a listing holds the lock while it recovers, so two listings never recover one journal
 * twice. Abstract names are per host and network namespace: the journal records its
 * writer's, and one written elsewhere is judged by its age instead. The name fills the
 * whole of sun_path (108 bytes): Node 20's libuv binds an abstract name padded to that
 * length, newer ones (Electron's) bind it as long as it is, and only a full-length name
 * is the same address to both.
 */
function lockServer(st: { dev: number; ino: number }): { server: net.Server; error: Promise<string | null> } | null {
  if (process.platform !== 'linux') return null
  const server = net.createServer((c) => c.destroy())
  const error = new Promise<string | null>((resolve) => {
    server.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'EIO'))
    server.on('listening', () => resolve(null))
  })
  server.listen(`\0zcprof-journal-${st.dev}-${st.ino}-`.padEnd(108, '.')) // binds now, not later
  server.unref()
  return { server, error }
}

/** the journal's lock, taken; null when it could not be (held by a running writer, most likely) */
export function takeLock(st: { dev: number; ino: number }): net.Server | null {
  const lock = lockServer(st)
  return lock?.server.listening ? lock.server : null
}

/** the lock, taken; or 'held' by a writer; or 'none' where no lock can be had (judge by age) */
export async function tryLock(st: { dev: number; ino: number }): Promise<net.Server | 'held' | 'none'> {
  const lock = lockServer(st)
  if (!lock) return 'none'
  if (lock.server.listening) return lock.server
  return (await lock.error) === 'EADDRINUSE' ? 'held' : 'none'
}

/** this process's network namespace: where its locks can be seen */
export function ownNetns(): string | null {
  try {
    return readlinkSync('/proc/self/ns/net')
  } catch {
    return null
  }
}
