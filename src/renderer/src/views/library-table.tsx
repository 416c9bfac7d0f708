// The library's list: a row per report with what a person scans for, and its
// actions (open, rename, tag, delete); a report that cannot be read says why.

import type { LibraryEntry } from '../../../shared/library'
import { minuteText } from '../../../shared/units'
import { entryOutcome } from '../run-outcome'

/** the one field being edited, in one row */
export type Editing = { id: string; field: 'title' | 'tags'; value: string } | null

interface EditProps {
  editing: Editing
  onEdit: (e: Editing) => void
  onSave: () => void
}

interface Props extends EditProps {
  shown: LibraryEntry[]
  selected: string[]
  onToggle: (id: string) => void
  onOpen: (id: string) => void
  onRemove: (e: LibraryEntry) => void
}

export function LibraryTable({ shown, ...row }: Props) {
  return (
    <table className="library-table" data-testid="library-table">
      <thead>
        <tr>
          <th aria-label="select" />
          <th>title</th>
          <th>host</th>
          <th>date</th>
          <th>methods</th>
          <th>headline</th>
          <th>tags</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {shown.map((e) => (
          <LibraryRow key={e.id} entry={e} {...row} />
        ))}
      </tbody>
    </table>
  )
}

function LibraryRow({
  entry: e,
  selected,
  onToggle,
  onOpen,
  onRemove,
  ...edit
}: Omit<Props, 'shown'> & { entry: LibraryEntry }) {
  const { onEdit } = edit
  return (
    <tr data-testid={`entry-${e.id}`} className={e.problem ? 'unreadable' : undefined}>
      <td>
        <input
          type="checkbox"
          aria-label={`select ${e.title}`}
          checked={selected.includes(e.id)}
          disabled={e.problem !== null}
          onChange={() => onToggle(e.id)}
        />
      </td>
      {e.problem ? (
        <td colSpan={6}>
          <b>{e.id}</b> cannot be read: {e.problem.message}
          {e.problem.hint && <span className="hint"> — {e.problem.hint}</span>}
        </td>
      ) : (
        <EntryCells entry={e} {...edit} />
      )}
      <td className="actions">
        {!e.problem && (
          <>
            <button type="button" className="small" onClick={() => onOpen(e.id)}>
              Open
            </button>
            <button
              type="button"
              className="small"
              onClick={() => onEdit({ id: e.id, field: 'title', value: e.title })}
            >
              Rename
            </button>
            <button
              type="button"
              className="small"
              onClick={() => onEdit({ id: e.id, field: 'tags', value: e.tags.join(', ') })}
            >
              Tags
            </button>
          </>
        )}
        <button type="button" className="small danger" onClick={() => void onRemove(e)}>
          Delete
        </button>
      </td>
    </tr>
  )
}

/** a readable entry's cells, title to tags; the title or the tags as a field while edited */
function EntryCells({ entry: e, editing, onEdit, onSave }: EditProps & { entry: LibraryEntry }) {
  return (
    <>
      <td>
        {editing?.id === e.id && editing.field === 'title' ? (
          <Edit editing={editing} onChange={onEdit} onSave={onSave} label="title" />
        ) : (
          <EntryTitle entry={e} />
        )}
      </td>
      <td>{e.host}</td>
      <td>{minuteText(e.timestamp)}</td>
      <td>{e.methods.join(', ')}</td>
      <td>{e.headline}</td>
      <td>
        {editing?.id === e.id && editing.field === 'tags' ? (
          <Edit editing={editing} onChange={onEdit} onSave={onSave} label="tags, comma-separated" />
        ) : (
          e.tags.map((t) => (
            <span key={t} className="chip">
              {t}
            </span>
          ))
        )}
      </td>
    </>
  )
}

/** the title, with where it came from and how the run ended where that is not "whole" */
function EntryTitle({ entry: e }: { entry: LibraryEntry }) {
  return (
    <>
      {e.title} {e.foreign && <span className="chip">imported · {e.tool}</span>}
      {entryOutcome(e) === 'incomplete' && (
        <span
          className="chip danger"
          data-testid="outcome-chip"
          title="the run stopped before it ended (cancelled, failed, or killed): these are the trials that finished"
        >
          incomplete
        </span>
      )}
      {entryOutcome(e) === 'failed' && (
        <span
          className="chip danger"
          data-testid="outcome-chip"
          title="no measured trial finished: open it for the error"
        >
          failed
        </span>
      )}
    </>
  )
}

function Edit({
  editing,
  onChange,
  onSave,
  label
}: {
  editing: NonNullable<Editing>
  onChange: (e: Editing) => void
  onSave: () => void
  label: string
}) {
  return (
    <form
      className="inline-edit"
      onSubmit={(ev) => {
        ev.preventDefault()
        onSave()
      }}
    >
      <input
        aria-label={label}
        autoFocus
        value={editing.value}
        onChange={(ev) => onChange({ ...editing, value: ev.target.value })}
        onKeyDown={(ev) => ev.key === 'Escape' && onChange(null)}
      />
      <button type="submit" className="small">
        Save
      </button>
    </form>
  )
}
