// The app's reports: the library's listing, and the saved reports opened (one to
// read, several to compare), each loaded whole or not at all.

import { useCallback, useState } from 'react'
import type { ZcprofApi } from '../../../shared/api'
import type { LibraryListing } from '../../../shared/library'
import type { Report } from '../../../shared/report'

export interface Opened {
  id: string
  report: Report
}

export interface Reports {
  listing: LibraryListing | null
  /** reads the listing again, or takes the one given */
  refreshLibrary(next?: LibraryListing): void
  opened: Opened | null
  comparing: Opened[] | null
  open(id: string): Promise<void>
  compare(ids: string[]): Promise<void>
}

/**
 * `onFault` hears what failed, and null once a load succeeds; `onShow` hears which
 * view to show once its reports are loaded (in the same update, so nothing shows
 * half-switched).
 */
export function useReports(
  api: ZcprofApi,
  onFault: (message: string | null) => void,
  onShow: (view: 'report' | 'compare') => void
): Reports {
  const [listing, setListing] = useState<LibraryListing | null>(null)
  const [opened, setOpened] = useState<Opened | null>(null)
  const [comparing, setComparing] = useState<Opened[] | null>(null)

  const refreshLibrary = useCallback(
    (next?: LibraryListing) => {
      if (next) return setListing(next)
      api.library().then(
        (r) => (r.ok ? setListing(r.value) : onFault(r.error.message)),
        (e: Error) => onFault(e.message)
      )
    },
    [api, onFault]
  )

  /** loads reports by id; a report that fails shows why and changes nothing */
  const load = async (ids: string[]): Promise<Opened[] | null> => {
    const out: Opened[] = []
    for (const id of ids) {
      const r = await api.openReport(id)
      if (!r.ok) {
        onFault(`${r.error.message}${r.error.hint ? ` — ${r.error.hint}` : ''}`)
        return null
      }
      out.push({ id, report: r.value })
    }
    onFault(null)
    return out
  }
  const open = async (id: string) => {
    const r = await load([id])
    if (r) (setOpened(r[0]), onShow('report'))
  }
  const compare = async (ids: string[]) => {
    const r = await load(ids)
    if (r) (setComparing(r), onShow('compare'))
  }
  return { listing, refreshLibrary, opened, comparing, open, compare }
}
