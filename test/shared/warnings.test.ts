import { describe, expect, it } from 'vitest'
import type { Warning } from '../../src/shared/report'
import { marksText, mergeWarning, warning, warningInfo, WARNING_CATALOGUE } from '../../src/shared/warnings'

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
