// One colour per method, in the app's charts and in exported reports alike.

import type { MethodName } from './methods'

export const METHOD_COLORS: Record<MethodName, string> = {
  copy: '#d1495b',
  mmap: '#edae49',
  sendfile: '#00798c',
  splice: '#30638e',
  'msg-zerocopy': '#8e44ad',
  'node-stream': '#6c757d'
}
