// The setup's "where to" and "what": the target and its receiver, and the data sent
// (a generated size or a file, and the chunk sizes).

import type { Capabilities } from '../../../shared/api'
import { isGpuReceiverMode } from '../../../shared/methods'
import type { PlanDraft } from '../../../shared/plan-form'
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
      <label>
        Receiver
        <select
          name="receiverMode"
          value={draft.receiverMode}
          onChange={(e) => set('receiverMode', e.target.value as PlanDraft['receiverMode'])}
        >
          {capabilities.receiverModes.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}: {r.description}
            </option>
          ))}
        </select>
        <FieldError errors={errors} field="receiverMode" />
      </label>
      {isGpuReceiverMode(draft.receiverMode) && (
        <TextField label="Receiving GPU" field="receiverGpu" numeric draft={draft} errors={errors} set={set} />
      )}
      {(capabilities.unavailableReceiverModes ?? []).map((r) => (
        <details key={r.name} className="unavailable" data-testid="unavailable-receivers">
          <summary>
            {r.name} is unavailable here: {r.reason}
          </summary>
          <p className="muted">{r.description}</p>
          {r.needs.length > 0 && (
            <ul>
              {r.needs.map((n) => (
                <li key={n}>{n}</li>
              ))}
            </ul>
          )}
        </details>
      ))}
    </fieldset>
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
