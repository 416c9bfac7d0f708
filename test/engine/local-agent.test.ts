// The engine's own receiving agent is ours alone: nothing in the user's environment
// meant for remote agents may change how it answers.

import { afterEach, describe, expect, it } from 'vitest'
import { startLocalAgent } from '../../src/main/engine/local-agent'

const saved = process.env.ZCPROF_TOKEN
afterEach(() => {
  if (saved === undefined) delete process.env.ZCPROF_TOKEN
  else process.env.ZCPROF_TOKEN = saved
})

describe('the local agent', () => {
  it.each([
    ['a strong ZCPROF_TOKEN exported for remote agents', 'k7'.repeat(16)],
    ['a weak one (which zcprof agent would refuse with exit 2)', 'short']
  ])('starts and greets with %s in the environment', async (_what, token) => {
    process.env.ZCPROF_TOKEN = token
    const agent = await startLocalAgent()
    try {
      expect(agent.pid).toBeGreaterThan(0)
      expect(agent.client.hello?.tool.name).toBe('zcprof')
    } finally {
      agent.stop()
    }
  })
})
