import { describe, expect, it } from 'vitest'
import type { Warning } from '../../src/shared/report'
import {
  groupWarnings,
  marksText,
  mergeWarning,
  warning,
  warningInfo,
  WARNING_CATALOGUE
} from '../../src/shared/warnings'

describe('warnings as data', () => {
  it('a trial-scoped warning joins the one with its code and method, adding its trial', () => {
    const list: Warning[] = []
    const w = (trial: number) =>
      warning('ZC_COPIED', `copied (trial ${trial})`, { scope: 'trial', method: 'msg-zerocopy', trial })
    expect(mergeWarning(list, w(1)).added).toBe(true)
    expect(mergeWarning(list, w(4)).added).toBe(false)
    expect(list).toEqual([
      {
        code: 'ZC_COPIED',
        message: 'copied (trial 1)',
        hint: WARNING_CATALOGUE.ZC_COPIED.hint,
        scope: 'trial',
        method: 'msg-zerocopy',
        trials: [1, 4]
      }
    ])
    // another method's is its own
    mergeWarning(list, warning('ZC_COPIED', 'x', { scope: 'trial', method: 'sendfile', trial: 2 }))
    expect(list).toHaveLength(2)
  })
  it('run warnings with the same code but other words both stay', () => {
    const list: Warning[] = []
    mergeWarning(list, warning('UNSUPPORTED', 'a skipped', { scope: 'run' }))
    mergeWarning(list, warning('UNSUPPORTED', 'b skipped', { scope: 'run' }))
    expect(list).toHaveLength(2)
  })
  it('marks a row with each warning, and on how many of its trials when not all', () => {
    expect(
      marksText(
        [
          { code: 'CONTAMINATED', trials: 1 },
          { code: 'ZC_COPIED', trials: 3 }
        ],
        3
      )
    ).toBe('contaminated 1/3; kernel copied')
    // an error's own code reads as a failure
    expect(warningInfo('ECONNREFUSED')).toEqual(WARNING_CATALOGUE.ERROR)
  })
})

describe('warnings grouped: one line a kind', () => {
  const w = (
    code: string,
    message: string,
    method?: 'copy' | 'sendfile' | 'msg-zerocopy' | 'uring-send-zc',
    trials?: number[]
  ): Warning => ({
    code,
    message,
    hint: null,
    scope: trials ? 'trial' : method ? 'method' : 'run',
    ...(method ? { method } : {}),
    ...(trials ? { trials } : {})
  })
  it('one group per code with the methods it touched; failures first and in their own words', () => {
    const groups = groupWarnings([
      w('AUTO_PINNED', 'zcprof pinned the threads: sender on CPU 0'),
      w('ZC_COPIED', 'the kernel copied 100%', 'msg-zerocopy', [1, 2]),
      w('NOT_TIGHT', '±10 points after 15', 'sendfile'),
      w('ZC_COPIED', 'the kernel copied 100%', 'uring-send-zc', [3]),
      w('ECONNREFUSED', 'copy: connect 127.0.0.1:9: refused', 'copy', [0]),
      w('ECONNREFUSED', 'sendfile: connect 127.0.0.1:9: refused', 'sendfile', [4]),
      w('UNSUPPORTED', 'msg-zerocopy needs TCP; skipped on unix://', 'msg-zerocopy'),
      w('NOT_TIGHT', '±6 points after 15', 'msg-zerocopy')
    ])
    // the expected lines, written out from the catalogue's words
    expect(groups.map((g) => g.line)).toEqual([
      'failed (copy, sendfile): ECONNREFUSED: copy: connect 127.0.0.1:9: refused (and 1 more)',
      'kernel copied (msg-zerocopy, uring-send-zc): the kernel copied a zero-copy method’s data anyway (it always does on loopback)',
      'not tight (sendfile, msg-zerocopy): the interval did not reach the precision asked for in the time given',
      // a skipped method's own words are its reason
      'skipped (msg-zerocopy): msg-zerocopy needs TCP; skipped on unix://',
      'pinned by zcprof: zcprof pinned sender and receiver threads to separate cores'
    ])
    expect(groups.map((g) => g.trialCount)).toEqual([2, 3, 0, 0, 0])
    expect(groups[1].warnings).toHaveLength(2)
  })
})
