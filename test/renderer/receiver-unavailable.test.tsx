// @vitest-environment jsdom
// The setup form shows a receiver mode that cannot run here the way it shows such a
// method: one folded line "NAME is unavailable here: REASON", what it is and what a
// user must set up one click away, and no option to pick it.

import { describe, expect, it } from 'vitest'
import type { Capabilities } from '../../src/shared/api'
import { RECEIVER_MODES } from '../../src/shared/methods'
import { draftFromPlan } from '../../src/shared/plan-form'
import { DEFAULT_PLAN } from '../../src/main/engine/run'
import { SetupView } from '../../src/renderer/src/views/setup-view'
import { ALL_CAPABILITIES } from './capabilities'
import { render } from './render'

const REASON = "lo is the loopback interface: zcrx needs a NIC's hardware RX queue"
const base: Capabilities = ALL_CAPABILITIES

const view = (capabilities: Capabilities) =>
  render(
    <SetupView
      capabilities={capabilities}
      draft={draftFromPlan(DEFAULT_PLAN)}
      onDraftChange={() => undefined}
      busy={false}
      onStart={() => undefined}
    />
  )

describe('receiver modes that cannot run here', () => {
  it('zcrx: one folded line with its reason, its needs inside, and no box to tick', () => {
    const node = view({
      ...base,
      unavailableReceiverModes: [
        { name: 'zcrx', description: 'io_uring zero-copy receive', reason: REASON, needs: ['ethtool -N eth0 …'] }
      ]
    })
    const folded = [...node.querySelectorAll('[data-testid="unavailable-receivers"]')]
    expect(folded).toHaveLength(1)
    expect(folded[0].querySelector('summary')!.textContent).toBe(`zcrx is unavailable here: ${REASON}`)
    expect([...folded[0].querySelectorAll('li')].map((l) => l.textContent)).toEqual(['ethtool -N eth0 …'])
    const options = [...node.querySelectorAll('input[name^="receiver-"]')].map((o) => o.getAttribute('name'))
    expect(options).toEqual(RECEIVER_MODES.map((r) => `receiver-${r}`))
  })

  it('a host that sends none (an older main): nothing shown', () => {
    expect(view(base).querySelector('[data-testid="unavailable-receivers"]')).toBeNull()
  })
})
