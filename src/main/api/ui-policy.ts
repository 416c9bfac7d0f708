// What a front end (the app's window, or a browser holding the UI token) may make
// main do. The renderer is the less trusted side: a compromised page, or anyone who
// learns the token, must not be able to ship a file off this host, aim traffic at an
// arbitrary machine, or move files that are not reports. Each rule below either holds
// or is lifted by the person at the machine: at launch (zcprof ui --allow-file,
// --allow-target, --library) or in a dialog main shows (the desktop app).

import { closeSync, constants, existsSync, fstatSync, lstatSync, openSync, readdirSync, realpathSync } from 'node:fs'
import path from 'node:path'
import type { ErrorInfo } from '../../shared/errors'
import type { Plan } from '../../shared/report'
import { isLocal, isLoopback, parseTarget, type Target } from '../../shared/targets'
import { LIBRARY_MARKER } from '../reports/report-library'

export interface UiPolicy {
  /** files that may be sent to agent:// or raw:// targets (named at launch) */
  files: readonly string[]
  /** agent:// and raw:// targets allowed without asking (named at launch) */
  targets: readonly string[]
  /** asks the person at this machine, outside the renderer's reach; absent in browser mode */
  confirm?: (question: string, detail: string) => Promise<boolean>
}

export const CLOSED_POLICY: UiPolicy = { files: [], targets: [] }

function real(file: string): string {
  try {
    return realpathSync(file)
  } catch {
    return path.resolve(file)
  }
}

/**
 * The one refusal for a file a front end may not use, whatever the reason (missing,
 * not allowed, not a regular file, unreadable, empty): a token holder must not learn
 * from it whether a path exists, what it is, or how big.
 */
export function fileRefusal(file: string): ErrorInfo {
  return {
    code: 'ZC_POLICY_FILE',
    message: `the UI may not use ${file} here`,
    hint:
      'name an existing, readable, non-empty regular file; the UI sends one only to this host’s own receiver ' +
      `(tcp:// or unix://) unless you start it with --allow-file ${file}, or let zcprof generate the data (a size instead of a file)`
  }
}

/** the file opens for reading as a non-empty regular file (as the run will open it) */
function readableFile(file: string): boolean {
  let fd = -1
  try {
    fd = openSync(realpathSync(file), constants.O_RDONLY | constants.O_NONBLOCK)
    const st = fstatSync(fd)
    return st.isFile() && st.size > 0
  } catch {
    return false
  } finally {
    if (fd >= 0) closeSync(fd)
  }
}

/** raw:// anywhere (its listener is not ours) and agent:// beyond loopback need the user's word */
function needsConsent(t: Target): boolean {
  return t.kind === 'raw' || (t.kind === 'agent' && !isLoopback(t))
}

/**
 * null when a plan from a front end may run; otherwise why not. Run after the plan's
 * own rules (planProblems), so its targets parse.
 */
export async function runPolicyProblem(plan: Plan, policy: UiPolicy): Promise<ErrorInfo | null> {
  const targets = plan.targets.map((t) => parseTarget(t))
  const allowedTargets = new Set(policy.targets.map((t) => parseTarget(t).text.trim()))
  for (const t of targets) {
    if (t.kind === 'tcp' || t.kind === 'unix' || t.kind === 'gpu' || !needsConsent(t) || allowedTargets.has(t.text.trim())) continue
    const ok = await policy.confirm?.(
      `Send test traffic to ${t.text}?`,
      t.kind === 'raw'
        ? `${t.host}:${t.port} is a TCP listener zcprof does not run. Only send to sinks you set up.`
        : `${t.host} is another machine running a zcprof agent.`
    )
    if (!ok)
      return {
        code: 'ZC_POLICY_TARGET',
        message: `the UI may not send to ${t.text} unless you allow it`,
        hint: `start the UI with --allow-target ${t.text} (browser mode), or confirm it in the app's dialog`
      }
  }
  // every way a file can be refused reads the same (fileRefusal)
  if (plan.file && !readableFile(plan.file)) return fileRefusal(plan.file)
  // a user's file goes only to zcprof's own local receiver, which reads and discards it
  if (plan.file && !targets.every(isLocal)) {
    const allowedFiles = new Set(policy.files.map(real))
    if (!allowedFiles.has(real(plan.file))) {
      const ok = await policy.confirm?.(
        `Send the contents of ${plan.file} to ${plan.targets.filter((x) => !isLocal(parseTarget(x))).join(', ')}?`,
        'The receiving host gets every byte of this file.'
      )
      if (!ok) return fileRefusal(plan.file)
    }
  }
  return null
}

/**
 * null when a front end may point the library at folder: one that is new or empty,
 * or already a zcprof library (its marker, or the .trash folder older versions made).
 */
export async function libraryFolderProblem(folder: string, policy: UiPolicy): Promise<ErrorInfo | null> {
  if (!existsSync(folder)) return null
  let names: string[]
  try {
    if (!lstatSync(folder).isDirectory()) throw new Error('not a folder')
    names = readdirSync(folder)
  } catch (e) {
    return {
      code: 'ZC_LIBRARY_FOLDER',
      message: `cannot use ${folder} as the report library: ${(e as Error).message}`,
      hint: 'choose a folder you can read and write'
    }
  }
  if (names.length === 0 || names.includes(LIBRARY_MARKER) || names.includes('.trash')) return null
  if (await policy.confirm?.(`Use ${folder} as the report library?`, 'It holds files that are not zcprof reports.'))
    return null
  return {
    code: 'ZC_POLICY_FOLDER',
    message: `${folder} is not a zcprof report library, and it is not empty`,
    hint: 'choose an empty folder or an existing library; or start the UI with --library to use this one'
  }
}
