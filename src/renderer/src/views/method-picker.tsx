// The setup's methods: a checkbox for each that can run here, and the rest folded
// by the reason they cannot.

import type { Capabilities } from '../../../shared/api'
import type { MethodName } from '../../../shared/methods'
import { FieldError, type DraftFieldsProps } from './setup-fields'

/**
 * The methods that cannot run here, one line per reason: seven GPU methods that all
 * lack the CUDA driver say so once, not seven times down the form. Each name and
 * what it does is one click away.
 */
export function UnavailableMethods({ methods }: { methods: Capabilities['methods'] }) {
  const byReason = new Map<string, Capabilities['methods']>()
  for (const m of methods.filter((x) => !x.supported)) {
    const reason = m.reason ?? 'not supported here'
    byReason.set(reason, [...(byReason.get(reason) ?? []), m])
  }
  return (
    <>
      {[...byReason].map(([reason, ms]) => (
        <details key={reason} className="unavailable" data-testid="unavailable-methods">
          <summary>
            {ms.length === 1 ? `${ms[0].name} is` : `${ms.length} methods are`} unavailable here: {reason}
          </summary>
          <ul>
            {ms.map((m) => (
              <li key={m.name}>
                <b>{m.name}</b> <span className="muted">{m.description}</span>
              </li>
            ))}
          </ul>
        </details>
      ))}
    </>
  )
}

export function MethodPicker({ capabilities, draft, errors, set }: DraftFieldsProps & { capabilities: Capabilities }) {
  const toggle = (m: MethodName) =>
    set('methods', draft.methods.includes(m) ? draft.methods.filter((x) => x !== m) : [...draft.methods, m])
  return (
    <fieldset className="methods">
      <legend>Methods</legend>
      <div className="method-list">
        {capabilities.methods
          .filter((m) => m.supported)
          .map((m) => (
            <label key={m.name} className="method">
              <input
                type="checkbox"
                name={`method-${m.name}`}
                checked={draft.methods.includes(m.name)}
                onChange={() => toggle(m.name)}
              />
              <span>
                <b>{m.name}</b> <span className="muted">{m.description}</span>
                {m.reason && <span className="badge">{m.reason}</span>}
              </span>
            </label>
          ))}
      </div>
      <UnavailableMethods methods={capabilities.methods} />
      <FieldError errors={errors} field="methods" />
    </fieldset>
  )
}
