// How the uring-send-zc loop reads a SEND_ZC completion, fed made-up completions: on
// loopback the kernel copies every zero-copy send, so a real run cannot tell a loop that
// checks IORING_NOTIF_USAGE_ZC_COPIED from one that counts every notification as copied.

import { describe, expect, it } from 'vitest'
import { sendZcCqeKind } from '../../src/native'

// linux/io_uring.h, as the kernel defines them
const IORING_CQE_F_MORE = 1 << 1
const IORING_CQE_F_NOTIF = 1 << 3
/** bit 31 of a notification's res; as the CQE's signed 32-bit res it reads negative */
const IORING_NOTIF_USAGE_ZC_COPIED = -(2 ** 31)

describe('a SEND_ZC completion', () => {
  it('a notification without the copied bit is zero-copy; with it, copied', () => {
    expect(sendZcCqeKind(IORING_CQE_F_NOTIF, 0)).toEqual({ notification: true, copied: false, more: false })
    expect(sendZcCqeKind(IORING_CQE_F_NOTIF, IORING_NOTIF_USAGE_ZC_COPIED)).toEqual({
      notification: true,
      copied: true,
      more: false
    })
  })

  it('a send’s own completion is no notification; F_MORE says one will follow', () => {
    expect(sendZcCqeKind(IORING_CQE_F_MORE, 65536)).toEqual({ notification: false, copied: false, more: true })
    expect(sendZcCqeKind(0, 65536)).toEqual({ notification: false, copied: false, more: false })
    // a failed send (-ECONNRESET: bit 31 set, as any negative res) is not a copy
    expect(sendZcCqeKind(IORING_CQE_F_MORE, -104)).toEqual({ notification: false, copied: false, more: true })
  })
})
