// Run setup: every field checked as it is typed, the message beside the field.

import { useMemo } from 'react'
import type { Capabilities } from '../../../shared/api'
import { METHOD_INFO, type MethodName } from '../../../shared/methods'
import { metaFromDraft, precisionOn, validateDraft, type FieldErrors, type PlanDraft } from '../../../shared/plan-form'
import type { Plan, ReportMeta } from '../../../shared/report'
import { formatDurationMs } from '../../../shared/units'

interface Props {
  capabilities: Capabilities
  /** owned by the app, so a person's choices outlive the view during a run */
  draft: PlanDraft
  onDraftChange(d: PlanDraft): void
  busy: boolean
  onStart(plan: Plan, token: string, meta: ReportMeta): void
}

function FieldError({ errors, field }: { errors: FieldErrors; field: keyof PlanDraft }) {
  const e = errors[field]
  return e ? (
    <span className="field-error" role="alert" data-testid={`error-${field}`}>
      {e}
    </span>
  ) : null
}

interface TextFieldProps {
  label: string
  field:
    | 'target'
    | 'token'
    | 'size'
    | 'file'
    | 'chunks'
    | 'repeat'
    | 'warmup'
    | 'duration'
    | 'bytes'
    | 'streams'
    | 'senderCpus'
    | 'receiverCpus'
    | 'uringDepth'
    | 'precision'
    | 'maxTime'
    | 'title'
    | 'tags'
  draft: PlanDraft
  errors: FieldErrors
  set(field: keyof PlanDraft, value: string): void
  type?: 'text' | 'password'
  placeholder?: string
  numeric?: boolean
  list?: string
}

function TextField({ label, field, draft, errors, set, type = 'text', placeholder, numeric, list }: TextFieldProps) {
  return (
    <label>
      {label}
      <input
        name={field}
        type={type}
        list={list}
        placeholder={placeholder}
        inputMode={numeric ? 'numeric' : undefined}
        value={draft[field]}
        onChange={(e) => set(field, e.target.value)}
      />
      <FieldError errors={errors} field={field} />
    </label>
  )
}

/** what Run will do, in a line beside it: the form's foot says it without scrolling up */
export function runSummary(plan: Plan): string {
  const n = plan.methods.length
  const trial = plan.durationMs ? ` of ${formatDurationMs(plan.durationMs)}` : ''
  const rounds = `${n} method${n === 1 ? '' : 's'} × ${plan.repeat} round${plan.repeat === 1 ? '' : 's'}${trial}`
  if (plan.precision === null || plan.precision === undefined) return rounds
  const budget = plan.maxTimeMs ? `, at most ${formatDurationMs(plan.maxTimeMs)}` : ''
  return `${rounds}, more until ±${+(plan.precision * 100).toFixed(2)}%${budget}`
}

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

export function SetupView({ capabilities, draft, onDraftChange, busy, onStart }: Props) {
  const { errors, plan } = useMemo(
    () => validateDraft(draft, capabilities.defaults, capabilities.allowedCpus),
    [draft, capabilities.defaults, capabilities.allowedCpus]
  )
  const set = <K extends keyof PlanDraft>(k: K, v: PlanDraft[K]) => onDraftChange({ ...draft, [k]: v })
  const toggle = (m: MethodName) =>
    set('methods', draft.methods.includes(m) ? draft.methods.filter((x) => x !== m) : [...draft.methods, m])

  return (
    <form
      className="setup"
      aria-label="run setup"
      onSubmit={(e) => {
        e.preventDefault()
        if (plan) onStart(plan, draft.token, metaFromDraft(draft))
      }}
    >
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
          <TextField label="Size" field="size" draft={draft} errors={errors} set={set} />
        ) : (
          <TextField
            label="File path"
            field="file"
            placeholder="/path/to/file"
            draft={draft}
            errors={errors}
            set={set}
          />
        )}
        <TextField label="Chunk sizes" field="chunks" draft={draft} errors={errors} set={set} />
      </fieldset>

      <fieldset>
        <legend>How long</legend>
        {(
          [
            ['timed', 'for a duration'],
            ['bytes', 'for a byte count'],
            ['file', 'one pass over the file']
          ] as const
        ).map(([mode, label]) => (
          <label className="inline" key={mode}>
            <input
              type="radio"
              name="trialMode"
              value={mode}
              checked={draft.trialMode === mode}
              onChange={() => set('trialMode', mode)}
            />{' '}
            {label}
          </label>
        ))}
        {draft.trialMode === 'timed' && (
          <TextField
            label="Duration of a trial"
            field="duration"
            placeholder="10s"
            draft={draft}
            errors={errors}
            set={set}
          />
        )}
        {draft.trialMode === 'bytes' && (
          <TextField label="Bytes per trial" field="bytes" placeholder="4GiB" draft={draft} errors={errors} set={set} />
        )}
        <TextField label="Parallel streams" field="streams" numeric draft={draft} errors={errors} set={set} />
        <label className="inline">
          <input
            type="checkbox"
            name="autoPin"
            checked={draft.autoPin}
            onChange={(e) => set('autoPin', e.target.checked)}
          />{' '}
          pin the threads: senders and receivers on separate cores, chosen by zcprof (where the CPU lists are empty)
        </label>
        <TextField
          label="Sender CPUs (optional)"
          field="senderCpus"
          placeholder={
            draft.autoPin ? 'zcprof chooses' : `e.g. ${capabilities.allowedCpus.slice(0, 2).join(',') || '0'}`
          }
          draft={draft}
          errors={errors}
          set={set}
        />
        <TextField
          label="Receiver CPUs (optional)"
          field="receiverCpus"
          placeholder={draft.autoPin ? 'zcprof chooses' : 'e.g. 1'}
          draft={draft}
          errors={errors}
          set={set}
        />
        {draft.methods.some((m) => METHOD_INFO[m].uring) || draft.receiverMode === 'uring' ? (
          <>
            <TextField
              label="io_uring depth (SQEs per batch)"
              field="uringDepth"
              numeric
              draft={draft}
              errors={errors}
              set={set}
            />
            <label className="inline">
              <input
                type="checkbox"
                name="uringSqpoll"
                checked={draft.uringSqpoll}
                onChange={(e) => set('uringSqpoll', e.target.checked)}
              />{' '}
              SQPOLL: a kernel thread submits, so sending takes no system call (its CPU counts as the sender&apos;s)
            </label>
          </>
        ) : null}
        <TextField
          label="Precision: repeat until each headline is within ± (empty: exactly the repetitions below)"
          field="precision"
          placeholder="e.g. 5%"
          draft={draft}
          errors={errors}
          set={set}
        />
        {precisionOn(draft) && (
          <TextField label="Time budget" field="maxTime" placeholder="2m" draft={draft} errors={errors} set={set} />
        )}
        <TextField
          label={precisionOn(draft) ? 'Repetitions (at least)' : 'Repetitions'}
          field="repeat"
          numeric
          draft={draft}
          errors={errors}
          set={set}
        />
        <TextField label="Warm-up rounds" field="warmup" numeric draft={draft} errors={errors} set={set} />
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
      <fieldset>
        <legend>Label the report</legend>
        <TextField
          label="Title"
          field="title"
          placeholder="default: what ran, where, and when"
          draft={draft}
          errors={errors}
          set={set}
        />
        <TextField
          label="Tags"
          field="tags"
          placeholder="e.g. kernel-6.18, baseline"
          draft={draft}
          errors={errors}
          set={set}
        />
      </fieldset>
      {/* sticks to the window's foot while the form runs past it: Run is always in view */}
      <div className="run-bar" data-testid="run-bar">
        <button type="submit" disabled={!plan || busy}>
          Run
        </button>
        {plan ? (
          <span className="muted" data-testid="run-summary">
            {runSummary(plan)}
          </span>
        ) : (
          <span className="field-error" data-testid="run-blocked">
            Fix {Object.keys(errors).join(', ')} to run
          </span>
        )}
      </div>
    </form>
  )
}
