// Run setup: every field checked as it is typed, the message beside the field.

import { useMemo } from 'react'
import type { Capabilities } from '../../../shared/api'
import { metaFromDraft, validateDraft, type PlanDraft } from '../../../shared/plan-form'
import type { Plan, ReportMeta } from '../../../shared/report'
import { MethodPicker } from './method-picker'
import { RunBar } from './run-bar'
import { TextField, type DraftFieldsProps } from './setup-fields'
import { SizeFields, TargetFields } from './setup-target-fields'
import { TrialFields } from './setup-trial-fields'

export { UnavailableMethods } from './method-picker'
export { runSummary } from './run-bar'

interface Props {
  capabilities: Capabilities
  /** owned by the app, so a person's choices outlive the view during a run */
  draft: PlanDraft
  onDraftChange(d: PlanDraft): void
  busy: boolean
  onStart(plan: Plan, token: string, meta: ReportMeta): void
}

function LabelFields({ draft, errors, set }: DraftFieldsProps) {
  return (
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
  )
}

export function SetupView({ capabilities, draft, onDraftChange, busy, onStart }: Props) {
  const { errors, plan } = useMemo(
    () => validateDraft(draft, capabilities.defaults, capabilities.allowedCpus),
    [draft, capabilities.defaults, capabilities.allowedCpus]
  )
  const set = <K extends keyof PlanDraft>(k: K, v: PlanDraft[K]) => onDraftChange({ ...draft, [k]: v })
  const fields = { draft, errors, set }
  return (
    <form
      className="setup"
      aria-label="run setup"
      onSubmit={(e) => {
        e.preventDefault()
        if (plan) onStart(plan, draft.token, metaFromDraft(draft))
      }}
    >
      <MethodPicker capabilities={capabilities} {...fields} />
      <TargetFields capabilities={capabilities} {...fields} />
      <SizeFields {...fields} />
      <TrialFields capabilities={capabilities} {...fields} />
      <LabelFields {...fields} />
      <RunBar plan={plan} errors={errors} busy={busy} />
    </form>
  )
}
