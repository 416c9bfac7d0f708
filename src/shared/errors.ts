// Errors as data: a code a program can branch on, a message a person can act on.

export interface ErrorInfo {
  code: string
  message: string
  /** what to do about it */
  hint?: string
  errno?: number
  syscall?: string
}

/** A failure the user can fix (bad input, unreachable host). Anything else is a bug. */
export class ZcprofError extends Error {
  readonly code: string
  readonly hint?: string
  readonly errno?: number
  readonly syscall?: string

  constructor(info: ErrorInfo) {
    super(info.hint ? `${info.message}\n  hint: ${info.hint}` : info.message)
    this.name = 'ZcprofError'
    this.code = info.code
    this.hint = info.hint
    this.errno = info.errno
    this.syscall = info.syscall
  }

  toInfo(): ErrorInfo {
    const firstLine = this.message.split('\n')[0]
    return { code: this.code, message: firstLine, hint: this.hint, errno: this.errno, syscall: this.syscall }
  }
}
