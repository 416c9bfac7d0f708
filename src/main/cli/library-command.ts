// `zcprof library [list] | import FILE… | rm ID | restore TRASH-ID`: the app's
// report library from a terminal (the same folder, the same rules).

import Table from 'cli-table3'
import { ZcprofError } from '../../shared/errors'
import { printable, printableDeep } from '../../shared/printable'
import { defaultLibraryFolder, ReportLibrary } from '../reports/report-library'
import { boxTable, colorFor } from './terminal'

export interface LibraryFlags {
  library?: string
  method?: 'copy' | 'sendfile'
}

export async function libraryCommand(action: string | undefined, args: string[], flags: LibraryFlags): Promise<number> {
  const lib = new ReportLibrary(flags.library ?? defaultLibraryFolder())
  switch (action ?? 'list') {
    case 'list': {
      // names and titles come from files anyone with the folder may have written
      const { folder, entries, trash } = printableDeep(await lib.list())
      process.stdout.write(`${folder}\n`)
      const table = new Table(
        boxTable(['id', 'title', 'host', 'date', 'methods', 'headline', 'tags'], colorFor(process.stdout))
      )
      for (const e of entries)
        table.push(
          e.problem
            ? [
                e.id,
                `unreadable: ${e.problem.message}${e.problem.hint ? ` (${e.problem.hint})` : ''}`,
                '',
                '',
                '',
                '',
                ''
              ]
            : e.incomplete
              ? [
                  e.id,
                  `${e.title} (INCOMPLETE)`,
                  e.host,
                  e.timestamp.slice(0, 16).replace('T', ' '),
                  e.methods.join(', '),
                  e.headline,
                  e.tags.join(', ')
                ]
              : [
                  e.id,
                  e.title,
                  e.host,
                  e.timestamp.slice(0, 16).replace('T', ' '),
                  e.methods.join(', '),
                  e.headline,
                  e.tags.join(', ')
                ]
        )
      process.stdout.write(table.toString() + '\n')
      if (trash.length)
        process.stdout.write(
          `${trash.length} in the trash (zcprof library restore ID): ${trash.map((t) => t.trashId).join(', ')}\n`
        )
      return 0
    }
    case 'import':
      for (const f of args)
        process.stdout.write(printable(`imported ${f} as ${lib.importFile(f, { method: flags.method }).id}\n`))
      return 0
    case 'rm':
      for (const id of args) process.stdout.write(printable(`moved ${id} to the trash as ${lib.remove(id).trashId}\n`))
      return 0
    case 'restore':
      for (const id of args) process.stdout.write(printable(`restored ${id} as ${lib.restore(id).id}\n`))
      return 0
    default:
      throw new ZcprofError({
        code: 'ZC_BAD_ARGUMENT',
        message: `unknown library action '${action}'`,
        hint: 'zcprof library [list | import FILE… | rm ID… | restore TRASH-ID…]'
      })
  }
}
