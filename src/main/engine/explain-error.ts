// Turns a native or Node error into a message that names the input and the fix.

import { ZcprofError } from '../../shared/errors'

interface Context {
  target?: string
  file?: string
  /** the receiver was being set up: paths and ports are the target's, not the file's */
  listening?: boolean
}

export function explainError(e: unknown, ctx: Context = {}): ZcprofError {
  if (e instanceof ZcprofError && !ctx.listening) return e
  const err = e as { code?: string; message?: string; errno?: number; syscall?: string }
  const code = err.code ?? 'ZC_UNKNOWN'
  const base = { code, errno: err.errno, syscall: err.syscall || undefined }
  const target = ctx.target ?? 'the target'
  if (ctx.listening && (code === 'ENOENT' || code === 'EACCES' || code === 'EPERM')) {
    return new ZcprofError({
      ...base,
      message: `the receiver cannot create its socket for ${target}: ${err.message?.split('\n')[0] ?? code}`,
      hint: 'check that the folder exists and this user may write to it'
    })
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new ZcprofError({
        ...base,
        message: `nothing is listening at ${target} (connection refused)`,
        hint: 'start a receiver there, or check the host and port'
      })
    case 'ETIMEDOUT':
      return new ZcprofError({
        ...base,
        message: `${target} did not answer in time`,
        hint: 'check that the host is up and no firewall drops the port'
      })
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ZcprofError({
        ...base,
        message: `${target} is unreachable (${code})`,
        hint: 'check the address and the route to it'
      })
    case 'EADDRINUSE':
      return new ZcprofError({
        ...base,
        message: `the receiver cannot listen at ${target}: the ${target.startsWith('unix') ? 'socket path exists' : 'port is in use'}`,
        hint: target.startsWith('unix')
          ? 'remove the stale socket file or pick another path'
          : 'pick another port, or leave the port out to use a free one'
      })
    case 'EADDRNOTAVAIL':
      return new ZcprofError({
        ...base,
        message: `${target} is not an address of this host`,
        hint: 'local targets must be loopback addresses'
      })
    case 'ENOENT':
      return new ZcprofError({
        ...base,
        message: `file '${ctx.file ?? '?'}' does not exist`,
        hint: 'choose an existing file (--file in the CLI)'
      })
    case 'EACCES':
      return new ZcprofError({
        ...base,
        message: `permission denied (${err.syscall ?? 'access'}) for ${ctx.file ?? target}`,
        hint: 'check permissions or run as a user who may'
      })
    case 'EPIPE':
    case 'ECONNRESET':
      return new ZcprofError({
        ...base,
        message: `the receiver at ${target} went away mid-transfer (${code})`,
        hint: 'check that the receiver is still running; what was measured so far is kept'
      })
    case 'ENOSPC':
      return new ZcprofError({ ...base, message: 'the disk is full', hint: 'free space or write elsewhere' })
    default:
      if (e instanceof ZcprofError) return e
      return new ZcprofError({ ...base, message: err.message ?? String(e) })
  }
}
