// The library's bar: which folder it lives in, importing reports, and comparing the
// ones picked.

import { useState } from 'react'

export type IperfMethod = 'copy' | 'sendfile'

interface Props {
  /** the folder the library now lists */
  listedFolder: string | undefined
  /** the picked reports that can be read */
  readable: string[]
  /** true once the library moved there */
  onUseFolder(folder: string): Promise<boolean>
  onImport(files: FileList | null, iperfMethod: IperfMethod): void
  onCompare(ids: string[]): void
}

export function LibraryBar({ listedFolder, readable, onUseFolder, onImport, onCompare }: Props) {
  // null: not edited, the listed folder shows
  const [folder, setFolder] = useState<string | null>(null)
  const [iperfMethod, setIperfMethod] = useState<IperfMethod>('copy')
  return (
    <div className="library-bar">
      <label>
        Library folder{' '}
        <input
          data-testid="library-folder"
          value={folder ?? listedFolder ?? ''}
          onChange={(e) => setFolder(e.target.value)}
          size={48}
        />
      </label>
      <button
        type="button"
        className="small"
        disabled={folder === null || folder === listedFolder}
        onClick={() => void onUseFolder(folder ?? '').then((moved) => moved && setFolder(null))}
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
            onImport(e.target.files, iperfMethod)
            e.target.value = ''
          }}
        />
      </label>
      <label>
        iperf3 runs used{' '}
        <select value={iperfMethod} onChange={(e) => setIperfMethod(e.target.value as IperfMethod)}>
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
  )
}
