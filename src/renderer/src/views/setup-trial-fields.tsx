// The setup's "how long": each trial's length and streams, where its threads run,
// io_uring's settings, the precision and its time budget, and the rounds.

import type { Capabilities } from '../../../shared/api'
import { METHOD_INFO } from '../../../shared/methods'
import { precisionOn, type PlanDraft } from '../../../shared/plan-form'
import { TextField, type DraftFieldsProps } from './setup-fields'

const TRIAL_MODES = [
  ['timed', 'for a duration'],
  ['bytes', 'for a byte count'],
  ['file', 'one pass over the file']
] as const

function TrialLengthFields({ draft, errors, set }: DraftFieldsProps) {
  return (
    <>
      {TRIAL_MODES.map(([mode, label]) => (
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
    </>
  )
}

function PinningFields({ capabilities, draft, errors, set }: DraftFieldsProps & { capabilities: Capabilities }) {
  return (
    <>
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
        placeholder={draft.autoPin ? 'zcprof chooses' : `e.g. ${capabilities.allowedCpus.slice(0, 2).join(',') || '0'}`}
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
    </>
  )
}

/** only where a chosen method or the receiver uses io_uring */
function UringFields({ draft, errors, set }: DraftFieldsProps) {
  if (!draft.methods.some((m) => METHOD_INFO[m].uring) && !draft.receiverModes.includes('uring')) return null
  return (
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
  )
}

/** how many rounds: a fixed count, or more until the precision is reached within the budget */
function PrecisionFields({ draft, errors, set }: DraftFieldsProps) {
  return (
    <>
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
    </>
  )
}

function CacheAndVerifyFields({ draft, set }: Pick<DraftFieldsProps, 'draft' | 'set'>) {
  return (
    <>
      <label>
        Page cache
        <select name="cache" value={draft.cache} onChange={(e) => set('cache', e.target.value as PlanDraft['cache'])}>
          <option value="warm">warm</option>
          <option value="cold">cold (evicted before each trial)</option>
        </select>
      </label>
      <label className="inline">
        <input type="checkbox" name="verify" checked={draft.verify} onChange={(e) => set('verify', e.target.checked)} />{' '}
        verify every byte (crc32c)
      </label>
    </>
  )
}

export function TrialFields(props: DraftFieldsProps & { capabilities: Capabilities }) {
  const { draft, errors, set } = props
  const fields = { draft, errors, set }
  return (
    <fieldset>
      <legend>How long</legend>
      <TrialLengthFields {...fields} />
      <PinningFields {...props} />
      <UringFields {...fields} />
      <PrecisionFields {...fields} />
      <CacheAndVerifyFields draft={draft} set={set} />
    </fieldset>
  )
}
