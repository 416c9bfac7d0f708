// The setup form's building blocks: a text field with its message beside it, and
// what every group of fields takes (the draft, its errors, and how to change it).

import type { FieldErrors, PlanDraft } from '../../../shared/plan-form'

/** changes one field of the draft */
export type SetDraft = <K extends keyof PlanDraft>(k: K, v: PlanDraft[K]) => void

/** what each group of the setup form takes */
export interface DraftFieldsProps {
  draft: PlanDraft
  errors: FieldErrors
  set: SetDraft
}

export function FieldError({ errors, field }: { errors: FieldErrors; field: keyof PlanDraft }) {
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
    | 'receiverGpu'
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

export function TextField({
  label,
  field,
  draft,
  errors,
  set,
  type = 'text',
  placeholder,
  numeric,
  list
}: TextFieldProps) {
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
