// What each sending method and receiver mode is, in one table the CLI, engine and UI share.

export const NATIVE_METHODS = ['copy', 'mmap', 'sendfile', 'splice', 'msg-zerocopy'] as const
export const METHODS = [...NATIVE_METHODS, 'node-stream'] as const
export type NativeMethod = (typeof NATIVE_METHODS)[number]
export type MethodName = (typeof METHODS)[number]

export const RECEIVER_MODES = ['read', 'splice', 'discard'] as const
export type ReceiverMode = (typeof RECEIVER_MODES)[number]

export interface MethodInfo {
  name: MethodName
  description: string
  /** CPU copies of each byte on the send side, in theory */
  sendCopies: string
  /** how its counters are scoped */
  scope: 'thread' | 'process'
}

export const METHOD_INFO: Record<MethodName, MethodInfo> = {
  copy: {
    name: 'copy',
    description: 'read() into a user buffer, then write() to the socket',
    sendCopies: '2',
    scope: 'thread'
  },
  mmap: {
    name: 'mmap',
    description: 'mmap() the file, write() to the socket from the mapping',
    sendCopies: '1',
    scope: 'thread'
  },
  sendfile: {
    name: 'sendfile',
    description: 'sendfile(): the kernel moves file pages to the socket',
    sendCopies: '0',
    scope: 'thread'
  },
  splice: { name: 'splice', description: 'splice() file → pipe → socket', sendCopies: '0', scope: 'thread' },
  'msg-zerocopy': {
    name: 'msg-zerocopy',
    description: 'send(MSG_ZEROCOPY) from a mapping; completions reaped from the error queue',
    sendCopies: '0, or 1 when the kernel falls back (always on loopback)',
    scope: 'thread'
  },
  'node-stream': {
    name: 'node-stream',
    description: 'fs.createReadStream().pipe(socket): the Node baseline, process-level counters',
    sendCopies: 'many',
    scope: 'process'
  }
}

export const RECEIVER_MODE_INFO: Record<ReceiverMode, string> = {
  read: 'read() into a user buffer',
  splice: 'splice() socket → pipe → /dev/null',
  discard: 'recv(MSG_TRUNC): the kernel drops the bytes (TCP only)'
}

export function isMethod(s: string): s is MethodName {
  return (METHODS as readonly string[]).includes(s)
}

export function isReceiverMode(s: string): s is ReceiverMode {
  return (RECEIVER_MODES as readonly string[]).includes(s)
}
