// @vitest-environment jsdom
// The setup form's "Receiving GPU" field: shown only when a gpu-* receiver mode is
// picked, holding the draft's device; a gpu-* mode the host cannot run is a folded
// "unavailable" line, never an option.

import { describe, expect, it } from 'vitest'
import type { Capabilities } from '../../src/shared/api'
import { draftFromPlan, type PlanDraft } from '../../src/shared/plan-form'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { SetupView } from '../../src/renderer/src/views/setup-view'
import { ALL_CAPABILITIES } from './capabilities'
import { render } from './render'

const caps: Capabilities = ALL_CAPABILITIES

const view = (draft: Partial<PlanDraft>, capabilities = caps) =>
  render(
    <SetupView
      capabilities={capabilities}
      draft={{ ...draftFromPlan(DEFAULT_PLAN), ...draft }}
      onDraftChange={() => undefined}
      busy={false}
      onStart={() => undefined}
    />
  )

const gpuField = (node: Element) => node.querySelector<HTMLInputElement>('input[name="receiverGpu"]')

describe('the unavailable gpu-* modes beside unavailable GPU methods', () => {
  it('do not say the methods\' reason again (the layout test counts it once on the page)', () => {
    const node = view(
      {},
      {
        ...caps,
        methods: caps.methods.map((m) => (m.gpu ? { ...m, supported: false, reason: 'no CUDA driver: libcuda.so.1' } : m)),
        receiverModes: caps.receiverModes.filter((r) => !r.name.startsWith('gpu-')),
        unavailableReceiverModes: ['gpu-pageable', 'gpu-pinned', 'gpu-mapped'].map((name) => ({
          name,
          description: 'd',
          reason: 'no GPU to receive into: no CUDA driver: libcuda.so.1',
          needs: []
        }))
      }
    )
    expect(node.querySelector('[data-testid="unavailable-receivers"] summary')!.textContent).toBe(
      'gpu-pageable, gpu-pinned, gpu-mapped are unavailable here: no GPU to receive into: the same reason as the methods above'
    )
    expect(node.textContent!.split('no CUDA driver: libcuda.so.1').length - 1).toBe(1)
  })
})

describe('the Receiving GPU field', () => {
  it('is there for gpu-pinned, holding the device', () => {
    const input = gpuField(view({ receiverModes: ['gpu-pinned'], receiverGpu: '1' }))
    expect(input).not.toBeNull()
    expect(input!.value).toBe('1')
  })
  it('is not there for read', () => {
    expect(gpuField(view({ receiverModes: ['read'] }))).toBeNull()
  })
  it('without CUDA: the gpu-* modes are folded lines with the reason, not options', () => {
    const node = view(
      {},
      {
        ...caps,
        receiverModes: caps.receiverModes.filter((r) => !r.name.startsWith('gpu-')),
        unavailableReceiverModes: ['gpu-pageable', 'gpu-pinned', 'gpu-mapped'].map((name) => ({
          name,
          description: 'd',
          reason: 'no GPU to receive into: no CUDA driver',
          needs: []
        }))
      }
    )
    const summaries = [...node.querySelectorAll('[data-testid="unavailable-receivers"] summary')].map(
      (s) => s.textContent
    )
    // one line for the three: one reason, said once
    expect(summaries).toEqual([
      'gpu-pageable, gpu-pinned, gpu-mapped are unavailable here: no GPU to receive into: no CUDA driver'
    ])
    const options = [...node.querySelectorAll('[aria-label="Receiver modes"] input[type="checkbox"]')].map((o) =>
      o.getAttribute('name')
    )
    expect(options).toEqual(['receiver-read', 'receiver-splice', 'receiver-discard', 'receiver-uring', 'receiver-mapped'])
  })
})
