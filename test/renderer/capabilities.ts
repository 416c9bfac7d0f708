// What the setup view tests hand SetupView as main's answer: every method and every
// receiver mode this build has, all able to run, with the engine's default plan.

import type { Capabilities } from '../../src/shared/api'
import { METHOD_INFO, RECEIVER_MODES, RECEIVER_MODE_INFO } from '../../src/shared/methods'
import { DEFAULT_PLAN } from '../../src/main/engine/run'

export const ALL_CAPABILITIES: Capabilities = {
  version: 'test',
  methods: Object.values(METHOD_INFO).map((m) => ({ ...m, supported: true })),
  receiverModes: RECEIVER_MODES.map((name) => ({ name, description: RECEIVER_MODE_INFO[name] })),
  defaults: DEFAULT_PLAN,
  allowedCpus: [0, 1]
}
