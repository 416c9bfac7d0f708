// The addon, as the fake-transport tests see it: every function throws, naming itself,
// so a rule that reaches for the real machine fails the test that made it. Imports
// nothing: the tests' vi.mock factories load it while the addon is being mocked.

export function addonThatThrows(real: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(real).map(([k, v]) => [
      k,
      typeof v === 'function'
        ? () => {
            throw new Error(`the engine called the addon's ${k} on a fake transport`)
          }
        : v
    ])
  )
}
