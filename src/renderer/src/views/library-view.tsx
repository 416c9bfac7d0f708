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
import { LibraryFilters } from './library-filters'
import { LibraryTrash } from './library-trash'
import { MAX_REPORT_BYTES } from '../../../shared/report'
import { formatBytes } from '../../../shared/units'
import { entryOutcome } from '../run-outcome'

interface Props {
  api: ZcprofApi
  listing: LibraryListing | null
  onChanged: (listing?: LibraryListing) => void
  onOpen: (id: string) => void
  onCompare: (ids: string[]) => void
}

type Editing = { id: string; field: 'title' | 'tags'; value: string } | null

export function LibraryView({ api, listing, onChanged, onOpen, onCompare }: Props) {
  const [selected, setSelected] = useState<string[]>([])
  const [editing, setEditing] = useState<Editing>(null)
  const [messages, setMessages] = useState<{ kind: 'error' | 'info'; text: string; undo?: string }[]>([])
  const [folder, setFolder] = useState<string | null>(null)
  const [iperfMethod, setIperfMethod] = useState<'copy' | 'sendfile'>('copy')
  const [query, setQuery] = useState<LibraryQuery>(ALL_ENTRIES)

  const fail = (e: ErrorInfo) =>
    setMessages((m) => [...m, { kind: 'error', text: e.hint ? `${e.message} — ${e.hint}` : e.message }])
  async function act<T>(p: Promise<Result<T>>, then?: (v: T) => void): Promise<void> {
    const r = await p
    if (!r.ok) return fail(r.error)
    then?.(r.value)
    onChanged()
  }

  const importFiles = async (files: FileList | null) => {
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
      editing.field === 'title'
        ? { title: editing.value, revision }
        : {
            tags: editing.value
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
            revision
          }
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
      <div className="library-bar">
        <label>
          Library folder{' '}
          <input
            data-testid="library-folder"
            value={folder ?? listing?.folder ?? ''}
            onChange={(e) => setFolder(e.target.value)}
            size={48}
          />
        </label>
        <button
          type="button"
          className="small"
          disabled={folder === null || folder === listing?.folder}
          onClick={() =>
            void act(api.setLibraryFolder(folder ?? ''), (l) => (setFolder(null), setSelected([]), onChanged(l)))
          }
        >
          Use this folder
        </button>
        <label className="import">
          Import reports (zcprof JSON or iperf3 -J){' '}
          <input
            type="file"
            multiple
            accept=".json,application/json"
            data-testid="import-input"
            onChange={(e) => {
              void importFiles(e.target.files)
              e.target.value = ''
            }}
          />
        </label>
        <label>
          iperf3 runs used{' '}
          <select value={iperfMethod} onChange={(e) => setIperfMethod(e.target.value as 'copy' | 'sendfile')}>
            <option value="copy">write() (copy)</option>
            <option value="sendfile">-Z (sendfile)</option>
          </select>
        </label>
        <button
          type="button"
          className="primary-action"
          data-testid="compare-selected"
          disabled={readable.length < 2}
          onClick={() => onCompare(readable)}
        >
          Compare selected ({readable.length})
        </button>
      </div>
      {messages.map((m, i) => (
        <p
          key={i}
          className={`banner ${m.kind === 'error' ? 'error' : 'info'}`}
          role={m.kind === 'error' ? 'alert' : 'status'}
          data-testid={`library-${m.kind}`}
        >
          {m.text}{' '}
          {m.undo && (
            <button
              type="button"
              className="small"
              onClick={() => void act(api.restoreReport(m.undo!), () => setMessages([]))}
            >
              Undo
            </button>
          )}
        </p>
      ))}
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
              <tr key={e.id} data-testid={`entry-${e.id}`} className={e.problem ? 'unreadable' : undefined}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${e.title}`}
                    checked={selected.includes(e.id)}
                    disabled={e.problem !== null}
                    onChange={() => toggle(e.id)}
                  />
                </td>
                {e.problem ? (
                  <td colSpan={6}>
                    <b>{e.id}</b> cannot be read: {e.problem.message}
                    {e.problem.hint && <span className="hint"> — {e.problem.hint}</span>}
                  </td>
                ) : (
                  <>
                    <td>
                      {editing?.id === e.id && editing.field === 'title' ? (
                        <Edit editing={editing} onChange={setEditing} onSave={saveEdit} label="title" />
                      ) : (
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
                      )}
                    </td>
                    <td>{e.host}</td>
                    <td>{e.timestamp.slice(0, 16).replace('T', ' ')}</td>
                    <td>{e.methods.join(', ')}</td>
                    <td>{e.headline}</td>
                    <td>
                      {editing?.id === e.id && editing.field === 'tags' ? (
                        <Edit editing={editing} onChange={setEditing} onSave={saveEdit} label="tags, comma-separated" />
                      ) : (
                        e.tags.map((t) => (
                          <span key={t} className="chip">
                            {t}
                          </span>
                        ))
                      )}
                    </td>
                  </>
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
                        onClick={() => setEditing({ id: e.id, field: 'title', value: e.title })}
                      >
                        Rename
                      </button>
                      <button
                        type="button"
                        className="small"
                        onClick={() => setEditing({ id: e.id, field: 'tags', value: e.tags.join(', ') })}
                      >
                        Tags
                      </button>
                    </>
                  )}
                  <button type="button" className="small danger" onClick={() => void remove(e)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {listing && listing.trash.length > 0 && (
        <LibraryTrash trash={listing.trash} onRestore={(trashId) => void act(api.restoreReport(trashId))} />
      )}
    </section>
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
