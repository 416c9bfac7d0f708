// What each sending method and receiver mode is, in one table the CLI, engine and UI share.

export const NATIVE_METHODS = [
  'copy',
  'mmap',
  'sendfile',
  'splice',
  'msg-zerocopy',
  'uring-send',
  'uring-splice',
  'uring-send-zc'
] as const
export const METHODS = [...NATIVE_METHODS, 'node-stream'] as const
export type NativeMethod = (typeof NATIVE_METHODS)[number]
export type MethodName = (typeof METHODS)[number]

export const RECEIVER_MODES = ['read', 'splice', 'discard', 'uring'] as const
export type ReceiverMode = (typeof RECEIVER_MODES)[number]

export interface MethodInfo {
  name: MethodName
  description: string
  /** CPU copies of each byte on the send side, in theory */
  sendCopies: string
  /** how its counters are scoped */
  scope: 'thread' | 'process'
  /** it needs a TCP socket: skipped on unix:// targets */
  tcpOnly?: boolean
  /** it runs on an io_uring: --uring-depth and --uring-sqpoll apply */
  uring?: boolean
  /** its kernel reports which sends it copied after all (the copied share) */
  zeroCopyNotifications?: boolean
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
    scope: 'thread',
    tcpOnly: true,
    zeroCopyNotifications: true
  },
  'uring-send': {
    name: 'uring-send',
    description: 'io_uring: READ_FIXED into registered buffers, then SEND, a batch per submission',
    sendCopies: '2',
    scope: 'thread',
    uring: true
  },
  'uring-splice': {
    name: 'uring-splice',
    description: 'io_uring: SPLICE file → pipe → socket, linked, a batch per submission',
    sendCopies: '0',
    scope: 'thread',
    uring: true
  },
  'uring-send-zc': {
    name: 'uring-send-zc',
    description: 'io_uring: SEND_ZC from a mapping; notifications say when the kernel copied anyway',
    sendCopies: '0, or 1 when the kernel falls back (always on loopback)',
    scope: 'thread',
    tcpOnly: true,
    uring: true,
    zeroCopyNotifications: true
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
  discard: 'recv(MSG_TRUNC): the kernel drops the bytes (TCP only)',
  uring: 'io_uring: one multishot RECV into a ring of provided buffers'
}

export function isMethod(s: string): s is MethodName {
  return (METHODS as readonly string[]).includes(s)
}

export function isReceiverMode(s: string): s is ReceiverMode {
  return (RECEIVER_MODES as readonly string[]).includes(s)
}
