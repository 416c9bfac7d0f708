// What was deleted from the library, folded: each report's name, when, and Restore.

import type { TrashEntry } from '../../../shared/library'
import { minuteText } from '../../../shared/units'

export function LibraryTrash({ trash, onRestore }: { trash: TrashEntry[]; onRestore: (trashId: string) => void }) {
  return (
    <details className="trash" data-testid="trash">
      <summary>Trash ({trash.length})</summary>
      <ul>
        {trash.map((t) => (
          <li key={t.trashId}>
            {t.id} <span className="muted">deleted {minuteText(t.deletedAt)}</span>{' '}
            <button type="button" className="small" onClick={() => onRestore(t.trashId)}>
              Restore
            </button>
          </li>
        ))}
      </ul>
    </details>
  )
}
