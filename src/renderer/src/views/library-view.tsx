// The report library: every saved run and import, with what a person scans for;
// open, rename, tag, delete (with undo), import, and pick reports to compare.

import { useMemo, useState } from 'react'
import type { ZcprofApi } from '../../../shared/api'
import type { ErrorInfo } from '../../../shared/errors'
import {
  ALL_ENTRIES,
  libraryFacets,
  queryLibrary,
  type LibraryEntry,
  type LibraryListing,
  type LibraryQuery,
  type Result
} from '../../../shared/library'
import { LibraryBar, type IperfMethod } from './library-bar'
import { LibraryFilters } from './library-filters'
import { LibraryTable, type Editing } from './library-table'
import { LibraryTrash } from './library-trash'
import { MAX_REPORT_BYTES } from '../../../shared/report'
import { formatBytes } from '../../../shared/units'

interface Props {
  api: ZcprofApi
  listing: LibraryListing | null
  onChanged: (listing?: LibraryListing) => void
  onOpen: (id: string) => void
  onCompare: (ids: string[]) => void
}

type Message = { kind: 'error' | 'info'; text: string; undo?: string }

/** what the library said last: errors, imports, and a deletion's Undo */
function LibraryMessages({ messages, onUndo }: { messages: Message[]; onUndo: (trashId: string) => void }) {
  return (
    <>
      {messages.map((m, i) => (
        <p
          key={i}
          className={`banner ${m.kind === 'error' ? 'error' : 'info'}`}
          role={m.kind === 'error' ? 'alert' : 'status'}
          data-testid={`library-${m.kind}`}
        >
          {m.text}{' '}
          {m.undo && (
            <button type="button" className="small" onClick={() => onUndo(m.undo!)}>
              Undo
            </button>
          )}
        </p>
      ))}
    </>
  )
}

/** the tags field's text as tags: comma-separated, blanks dropped */
const tagsOf = (text: string) =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)

export function LibraryView({ api, listing, onChanged, onOpen, onCompare }: Props) {
  const [selected, setSelected] = useState<string[]>([])
  const [editing, setEditing] = useState<Editing>(null)
  const [messages, setMessages] = useState<Message[]>([])
  const [query, setQuery] = useState<LibraryQuery>(ALL_ENTRIES)

  const fail = (e: ErrorInfo) =>
    setMessages((m) => [...m, { kind: 'error', text: e.hint ? `${e.message} — ${e.hint}` : e.message }])
  /** true when main did it; what it refused shows as an error */
  async function act<T>(p: Promise<Result<T>>, then?: (v: T) => void): Promise<boolean> {
    const r = await p
    if (!r.ok) return (fail(r.error), false)
    then?.(r.value)
    onChanged()
    return true
  }

  const importFiles = async (files: FileList | null, iperfMethod: IperfMethod) => {
    setMessages([])
    for (const file of Array.from(files ?? [])) {
      if (file.size > MAX_REPORT_BYTES) {
        fail({
          code: 'ZC_REPORT_TOO_LARGE',
          message: `${file.name}: it is ${formatBytes(file.size)}, over the ${formatBytes(MAX_REPORT_BYTES)} a report may be`
        })
        continue
      }
      await act(api.importReport(file.name, await file.text(), iperfMethod), (e) =>
        setMessages((m) => [...m, { kind: 'info', text: `Imported ${file.name} as “${e.title}”.` }])
      )
    }
  }

  const saveEdit = async () => {
    if (!editing) return
    // made against the revision listed: if someone else changed the file since, main refuses and says so
    const revision = listing?.entries.find((x) => x.id === editing.id)?.revision ?? null
    const changes =
      editing.field === 'title' ? { title: editing.value, revision } : { tags: tagsOf(editing.value), revision }
    await act(api.updateReport(editing.id, changes), () => setEditing(null))
  }

  const remove = (e: LibraryEntry) =>
    act(api.deleteReport(e.id), (t) => {
      setSelected((s) => s.filter((x) => x !== e.id))
      setMessages([{ kind: 'info', text: `Moved “${e.title}” to the trash.`, undo: t.trashId }])
    })

  const toggle = (id: string) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s, id]))
  const entries = listing?.entries ?? []
  const readable = selected.filter((id) => entries.some((e) => e.id === id && !e.problem))
  const facets = useMemo(() => libraryFacets(entries), [entries])
  const shown = useMemo(() => queryLibrary(entries, query), [entries, query])

  return (
    <section className="library" aria-label="report library">
      <LibraryBar
        listedFolder={listing?.folder}
        readable={readable}
        onUseFolder={(folder) => act(api.setLibraryFolder(folder), (l) => (setSelected([]), onChanged(l)))}
        onImport={(files, iperfMethod) => void importFiles(files, iperfMethod)}
        onCompare={onCompare}
      />
      <LibraryMessages
        messages={messages}
        onUndo={(trashId) => void act(api.restoreReport(trashId), () => setMessages([]))}
      />
      {entries.length > 0 && (
        <LibraryFilters
          query={query}
          facets={facets}
          shownCount={shown.length}
          totalCount={entries.length}
          onChange={setQuery}
        />
      )}
      {entries.length === 0 ? (
        <p className="muted" data-testid="library-empty">
          No reports yet. Runs you start here are saved when they end; import zcprof or iperf3 -J files to compare them.
        </p>
      ) : (
        <LibraryTable
          shown={shown}
          selected={selected}
          editing={editing}
          onEdit={setEditing}
          onSave={() => void saveEdit()}
          onToggle={toggle}
          onOpen={onOpen}
          onRemove={(e) => void remove(e)}
        />
      )}
      {listing && listing.trash.length > 0 && (
        <LibraryTrash trash={listing.trash} onRestore={(trashId) => void act(api.restoreReport(trashId))} />
      )}
    </section>
  )
}
