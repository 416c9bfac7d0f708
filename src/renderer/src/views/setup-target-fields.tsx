// The setup's "where to" and "what": the target and its receiver, and the data sent
// (a generated size or a file, and the chunk sizes).

import type { Capabilities } from '../../../shared/api'
import { isGpuReceiverMode, type ReceiverMode } from '../../../shared/methods'
import { FieldError, TextField, type DraftFieldsProps } from './setup-fields'

export function TargetFields({ capabilities, draft, errors, set }: DraftFieldsProps & { capabilities: Capabilities }) {
  return (
    <fieldset>
      <legend>Where to</legend>
      <TextField label="Target" field="target" list="targets" draft={draft} errors={errors} set={set} />
      <datalist id="targets">
        <option value="tcp://127.0.0.1">loopback TCP</option>
        <option value="tcp://[::1]">loopback IPv6</option>
        <option value="unix://">unix socket</option>
        <option value="agent://HOST:7733">a zcprof agent</option>
        <option value="raw://HOST:PORT">any TCP sink</option>
        <option value="gpu://0">GPU memory (the gpu-* methods)</option>
      </datalist>
      {draft.target.startsWith('agent://') && (
        <TextField label="Agent token" field="token" type="password" draft={draft} errors={errors} set={set} />
      )}
      <ReceiverPicker capabilities={capabilities} draft={draft} errors={errors} set={set} />
      {draft.receiverModes.some(isGpuReceiverMode) && (
        <TextField label="Receiving GPU" field="receiverGpu" numeric draft={draft} errors={errors} set={set} />
      )}
      <UnavailableReceivers capabilities={capabilities} />
    </fieldset>
  )
}

/**
 * The receiver modes that cannot run here, one line per reason (three gpu-* modes without
 * a driver say so once), and a reason the methods above already gave is not said again.
 */
function UnavailableReceivers({ capabilities }: { capabilities: Capabilities }) {
  const byReason = new Map<string, NonNullable<Capabilities['unavailableReceiverModes']>>()
  for (const r of capabilities.unavailableReceiverModes ?? [])
    byReason.set(r.reason, [...(byReason.get(r.reason) ?? []), r])
  const methodReasons = [...new Set(capabilities.methods.filter((m) => !m.supported && m.reason).map((m) => m.reason!))]
  const said = (reason: string) =>
    methodReasons.reduce((text, m) => text.split(m).join('the same reason as the methods above'), reason)
  return (
    <>
      {[...byReason].map(([reason, modes]) => (
        <details key={reason} className="unavailable" data-testid="unavailable-receivers">
          <summary>
            {modes.map((r) => r.name).join(', ')} {modes.length === 1 ? 'is' : 'are'} unavailable here: {said(reason)}
          </summary>
          {modes.length === 1 ? (
            <p className="muted">{modes[0].description}</p>
          ) : (
            <ul>
              {modes.map((r) => (
                <li key={r.name}>
                  <b>{r.name}</b> <span className="muted">{r.description}</span>
                </li>
              ))}
            </ul>
          )}
          {modes[0].needs.length > 0 && (
            <ul>
              {modes[0].needs.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </details>
      ))}
    </>
  )
}

/** the receiver modes, one or more: several pair each method with each (a sender × receiver grid) */
function ReceiverPicker({ capabilities, draft, errors, set }: DraftFieldsProps & { capabilities: Capabilities }) {
  const toggle = (r: ReceiverMode) =>
    set(
      'receiverModes',
      draft.receiverModes.includes(r) ? draft.receiverModes.filter((x) => x !== r) : [...draft.receiverModes, r]
    )
  return (
    <div className="receiver-list" role="group" aria-label="Receiver modes">
      <span>Receiver {draft.receiverModes.length > 1 && <span className="muted">(each method with each)</span>}</span>
      {capabilities.receiverModes.map((r) => (
        <label key={r.name} className="method">
          <input
            type="checkbox"
            name={`receiver-${r.name}`}
            checked={draft.receiverModes.includes(r.name)}
            onChange={() => toggle(r.name)}
          />
          <span>
            <b>{r.name}</b> <span className="muted">{r.description}</span>
          </span>
        </label>
      ))}
      <FieldError errors={errors} field="receiverModes" />
    </div>
  )
}

export function SizeFields({ draft, errors, set }: DraftFieldsProps) {
  return (
    <fieldset>
      <legend>What</legend>
      <label className="inline">
        <input
          type="radio"
          name="fileMode"
          checked={draft.fileMode === 'generate'}
          onChange={() => set('fileMode', 'generate')}
        />{' '}
        generate
      </label>
      <label className="inline">
        <input
          type="radio"
          name="fileMode"
          checked={draft.fileMode === 'file'}
          onChange={() => set('fileMode', 'file')}
        />{' '}
        my file
      </label>
      {draft.fileMode === 'generate' ? (
        <TextField label="Size" field="size" draft={draft} errors={errors} set={set} />
      ) : (
        <TextField label="File path" field="file" placeholder="/path/to/file" draft={draft} errors={errors} set={set} />
      )}
      <TextField label="Chunk sizes" field="chunks" draft={draft} errors={errors} set={set} />
    </fieldset>
  )
}
