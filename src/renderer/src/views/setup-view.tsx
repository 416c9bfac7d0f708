// Run setup: every field checked as it is typed, the message beside the field.

import { useMemo } from 'react'
import type { Capabilities } from '../../../shared/api'
import type { MethodName } from '../../../shared/methods'
import { validateDraft, type FieldErrors, type PlanDraft } from '../../../shared/plan-form'
import type { Plan } from '../../../shared/report'

interface Props {
  capabilities: Capabilities
  /** owned by the app, so a person's choices outlive the view during a run */
  draft: PlanDraft
  onDraftChange(d: PlanDraft): void
  busy: boolean
  onStart(plan: Plan, token: string): void
}

function FieldError({ errors, field }: { errors: FieldErrors; field: keyof PlanDraft }) {
  const e = errors[field]
  return e ? (
    <span className="field-error" role="alert" data-testid={`error-${field}`}>
      {e}
    </span>
  ) : null
}

export function SetupView({ capabilities, draft, onDraftChange, busy, onStart }: Props) {
  const { errors, plan } = useMemo(() => validateDraft(draft, capabilities.defaults), [draft, capabilities.defaults])
  const set = <K extends keyof PlanDraft>(k: K, v: PlanDraft[K]) => onDraftChange({ ...draft, [k]: v })
  const toggle = (m: MethodName) =>
    set('methods', draft.methods.includes(m) ? draft.methods.filter((x) => x !== m) : [...draft.methods, m])

  return (
    <form
      className="setup"
      aria-label="run setup"
      onSubmit={(e) => {
        e.preventDefault()
        if (plan) onStart(plan, draft.token)
      }}
    >
      <fieldset>
        <legend>Methods</legend>
        {capabilities.methods.map((m) => (
          <label key={m.name} className={m.supported ? 'method' : 'method unsupported'}>
            <input
              type="checkbox"
              name={`method-${m.name}`}
              checked={draft.methods.includes(m.name)}
              disabled={!m.supported}
              onChange={() => toggle(m.name)}
            />
            <b>{m.name}</b> <span className="muted">{m.description}</span>
            {m.reason && <span className="badge">{m.reason}</span>}
          </label>
        ))}
        <FieldError errors={errors} field="methods" />
      </fieldset>

      <fieldset>
        <legend>Where to</legend>
        <label>
          Target
          <input name="target" list="targets" value={draft.target} onChange={(e) => set('target', e.target.value)} />
          <datalist id="targets">
            <option value="tcp://127.0.0.1">loopback TCP</option>
            <option value="tcp://[::1]">loopback IPv6</option>
            <option value="unix://">unix socket</option>
            <option value="agent://HOST:7733">a zcprof agent</option>
            <option value="raw://HOST:PORT">any TCP sink</option>
          </datalist>
          <FieldError errors={errors} field="target" />
        </label>
        {draft.target.startsWith('agent://') && (
          <label>
            Agent token
            <input name="token" type="password" value={draft.token} onChange={(e) => set('token', e.target.value)} />
            <FieldError errors={errors} field="token" />
          </label>
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
      </fieldset>

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
          <label>
            Size
            <input name="size" value={draft.size} onChange={(e) => set('size', e.target.value)} />
            <FieldError errors={errors} field="size" />
          </label>
        ) : (
          <label>
            File path
            <input
              name="file"
              value={draft.file}
              placeholder="/path/to/file"
              onChange={(e) => set('file', e.target.value)}
            />
            <FieldError errors={errors} field="file" />
          </label>
        )}
        <label>
          Chunk sizes
          <input name="chunks" value={draft.chunks} onChange={(e) => set('chunks', e.target.value)} />
          <FieldError errors={errors} field="chunks" />
        </label>
        <label>
          Repetitions
          <input
            name="repeat"
            inputMode="numeric"
            value={draft.repeat}
            onChange={(e) => set('repeat', e.target.value)}
          />
          <FieldError errors={errors} field="repeat" />
        </label>
        <label>
          Warm-up rounds
          <input
            name="warmup"
            inputMode="numeric"
            value={draft.warmup}
            onChange={(e) => set('warmup', e.target.value)}
          />
          <FieldError errors={errors} field="warmup" />
        </label>
        <label>
          Page cache
          <select name="cache" value={draft.cache} onChange={(e) => set('cache', e.target.value as PlanDraft['cache'])}>
            <option value="warm">warm</option>
            <option value="cold">cold (evicted before each trial)</option>
          </select>
        </label>
        <label className="inline">
          <input
            type="checkbox"
            name="verify"
            checked={draft.verify}
            onChange={(e) => set('verify', e.target.checked)}
          />{' '}
          verify every byte (crc32c)
        </label>
      </fieldset>
      <button type="submit" disabled={!plan || busy}>
        Run
      </button>
    </form>
  )
}
