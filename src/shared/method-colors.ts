// The charts' colours, in the app and in exported reports alike. Each colour means
// one thing everywhere: a method's colour is never a side's or a report's.

import type { MethodName } from './methods'

/** one saturated hue per method */
export const METHOD_COLORS: Record<MethodName, string> = {
  copy: '#d1495b',
  mmap: '#edae49',
  sendfile: '#00798c',
  splice: '#30638e',
  'msg-zerocopy': '#8e44ad',
  // io_uring: lighter kin of the method each batches (copy's red, splice's blue, zero-copy's purple)
  'uring-send': '#f06292',
  'uring-splice': '#5c6bc0',
  'uring-send-zc': '#ba68c8',
  'node-stream': '#6c757d',
  // into GPU memory: hues kept clear of the reports' greens and browns
  'gpu-copy': '#c2185b',
  'gpu-pinned': '#ff8f00',
  'gpu-register': '#00acc1',
  'gpu-mapped': '#1565c0',
  'gpu-cufile': '#e040fb',
  'gpu-mem-pageable': '#00bfa5',
  'gpu-mem-pinned': '#5e35b1'
}

/** who pays: slate shades, light to dark, parts of one whole */
export const SIDE_COLORS = { sender: '#90a4ae', receiver: '#546e7a', system: '#1c2a30' } as const

/** compared reports A, B, …: greens, olive and browns, none a method's or a side's */
export const REPORT_COLORS = ['#1b5e20', '#81c784', '#9e9d24', '#6d4c41', '#558b2f', '#827717'] as const
