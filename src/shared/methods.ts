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
/** the socket methods: what tcp://, unix://, agent:// and raw:// targets run, and the default run */
export const METHODS = [...NATIVE_METHODS, 'node-stream'] as const
/** into GPU memory: what a gpu://N target runs */
export const GPU_METHODS = [
  'gpu-copy',
  'gpu-pinned',
  'gpu-register',
  'gpu-mapped',
  'gpu-cufile',
  'gpu-mem-pageable',
  'gpu-mem-pinned'
] as const
export const ALL_METHODS = [...METHODS, ...GPU_METHODS] as const
export type NativeMethod = (typeof NATIVE_METHODS)[number]
export type GpuMethod = (typeof GPU_METHODS)[number]
export type MethodName = (typeof ALL_METHODS)[number]

/** into a GPU's memory on the receiving side: host memory first, then the device (zc-recv-gpu.c) */
export const GPU_RECEIVER_MODES = ['gpu-pageable', 'gpu-pinned', 'gpu-mapped'] as const
export const RECEIVER_MODES = ['read', 'splice', 'discard', 'uring', 'mapped', ...GPU_RECEIVER_MODES] as const
export type ReceiverMode = (typeof RECEIVER_MODES)[number]
export type GpuReceiverMode = (typeof GPU_RECEIVER_MODES)[number]

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
  /** it moves the file into GPU memory: it runs on gpu:// targets, and only there */
  gpu?: boolean
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
  },
  'gpu-copy': {
    name: 'gpu-copy',
    description: "read() into a pageable buffer, then cuMemcpyHtoD (through the driver's bounce buffer)",
    sendCopies: '2 (the read, the bounce)',
    scope: 'thread',
    gpu: true
  },
  'gpu-pinned': {
    name: 'gpu-pinned',
    description: 'read() into two pinned buffers, async DMA copies overlapped with the reads',
    sendCopies: '1 (the read)',
    scope: 'thread',
    gpu: true
  },
  'gpu-register': {
    name: 'gpu-register',
    description: 'mmap the file, cuMemHostRegister(READ_ONLY), cuMemcpyHtoD: DMA from page-cache pages',
    sendCopies: '0',
    scope: 'thread',
    gpu: true
  },
  'gpu-mapped': {
    name: 'gpu-mapped',
    description: 'the file mapped into the GPU: a kernel reads page-cache pages in place over PCIe',
    sendCopies: '0',
    scope: 'thread',
    gpu: true
  },
  'gpu-cufile': {
    name: 'gpu-cufile',
    description: 'cuFileRead: GPUDirect Storage (storage → GPU DMA), or its compatibility mode',
    sendCopies: '0 with GDS; 1 in compatibility mode',
    scope: 'thread',
    gpu: true
  },
  'gpu-mem-pageable': {
    name: 'gpu-mem-pageable',
    description: "host malloc'd memory (the file read in first, not timed) → cuMemcpyHtoD",
    sendCopies: '1 (the bounce)',
    scope: 'thread',
    gpu: true
  },
  'gpu-mem-pinned': {
    name: 'gpu-mem-pinned',
    description: 'host pinned memory (the file read in first, not timed) → cuMemcpyHtoD: DMA',
    sendCopies: '0',
    scope: 'thread',
    gpu: true
  }
}

/** the method each target's others are compared with: copy for sockets, gpu-copy for GPUs */
export function baselineMethod(m: MethodName): MethodName {
  // an unknown name (a report not yet checked against the schema) compares with copy
  return METHOD_INFO[m]?.gpu ? 'gpu-copy' : 'copy'
}

/** whether a method is its target's baseline (copy, gpu-copy): what the others are measured against */
export function isBaselineMethod(m: MethodName): boolean {
  return baselineMethod(m) === m
}

export const RECEIVER_MODE_INFO: Record<ReceiverMode, string> = {
  read: 'read() into a user buffer',
  splice: 'splice() socket → pipe → /dev/null',
  discard: 'recv(MSG_TRUNC): the kernel drops the bytes (TCP only)',
  uring: 'io_uring: one multishot RECV into a ring of provided buffers',
  mapped: "the receiver maps the socket's pages (TCP_ZEROCOPY_RECEIVE), reading the rest with recv (TCP only)",
  'gpu-pageable': 'recv() into pageable memory, then cuMemcpyHtoD into GPU memory (the driver stages it)',
  'gpu-pinned': 'recv() into two pinned buffers, async copies to the GPU overlapped with the next recv',
  'gpu-mapped': 'recv() into host memory the GPU maps; a kernel reads it in place into GPU memory'
}

export function isMethod(s: string): s is MethodName {
  return (ALL_METHODS as readonly string[]).includes(s)
}

export function isReceiverMode(s: string): s is ReceiverMode {
  return (RECEIVER_MODES as readonly string[]).includes(s)
}

/** a receiver mode that lands the bytes in a GPU's memory: it needs CUDA where it receives */
export function isGpuReceiverMode(s: string): s is GpuReceiverMode {
  return (GPU_RECEIVER_MODES as readonly string[]).includes(s)
}
