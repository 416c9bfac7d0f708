// The library's search, facet filters and sort: what narrows the list, and how many
// reports it keeps. The rules are shared/library.ts's queryLibrary.

import { ALL_ENTRIES, type LibraryQuery, type LibrarySort } from '../../../shared/library'

interface Props {
  query: LibraryQuery
  facets: { tags: string[]; hosts: string[]; methods: string[] }
  shownCount: number
  totalCount: number
  onChange: (q: LibraryQuery) => void
}

export function LibraryFilters({ query, facets, shownCount, totalCount, onChange }: Props) {
  const narrowed = (patch: Partial<LibraryQuery>) => onChange({ ...query, ...patch })
  return (
    <div className="library-filters" role="search" aria-label="find reports">
      <label>
        Search{' '}
        <input
          type="search"
          data-testid="library-search"
          value={query.text}
          placeholder="title, host, tag, method…"
          onChange={(e) => narrowed({ text: e.target.value })}
        />
      </label>
      {(
        [
          ['Tag', 'tag', facets.tags],
          ['Host', 'host', facets.hosts],
          ['Method', 'method', facets.methods]
        ] as const
      ).map(([label, key, options]) => (
        <Facet
          key={key}
          label={label}
          testId={`filter-${key}`}
          value={query[key]}
          options={options}
          set={(v) => narrowed({ [key]: v })}
        />
      ))}
      <label>
        Sort{' '}
        <select
          data-testid="library-sort"
          value={query.sort}
          onChange={(e) => narrowed({ sort: e.target.value as LibrarySort })}
        >
          <option value="newest">newest first</option>
          <option value="oldest">oldest first</option>
          <option value="title">by title</option>
          <option value="host">by host</option>
        </select>
      </label>
      <span className="muted" data-testid="library-count" role="status">
        {shownCount === totalCount ? `${totalCount} reports` : `${shownCount} of ${totalCount} reports`}
      </span>
      {shownCount !== totalCount && (
        <button type="button" className="small" onClick={() => onChange(ALL_ENTRIES)}>
          Show all
        </button>
      )}
    </div>
  )
}

/** a filter over one of the library's facets: any, or one value */
function Facet({
  label,
  testId,
  value,
  options,
  set
}: {
  label: string
  testId: string
  value: string | null
  options: readonly string[]
  set: (v: string | null) => void
}) {
  return (
    <label>
      {label}{' '}
      <select data-testid={testId} value={value ?? ''} onChange={(e) => set(e.target.value || null)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  )
}
