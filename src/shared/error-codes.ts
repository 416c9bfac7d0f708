// Every ZC_* code zcprof's own sources raise, in one table: what it means, the exit
// status a CLI command ends with when it is the reason, and the usual fix. The CLI's
// fail() takes its exit status from here; the README's troubleshooting table is written
// from it (scripts/readme-error-codes.ts); test/shared/error-codes.test.ts checks both,
// and that each code here occurs in src and each one src raises is here.
// OS codes (ECONNREFUSED, ENOENT, EADDRINUSE, …) pass through as the error's code
// unchanged, with a message that names the input; they are not listed.

/** the CLI's exit statuses: see README "Exit codes" */
export type ExitStatus = 0 | 1 | 2 | 3 | 4 | 70

export interface ErrorCodeInfo {
  /** what went wrong, in a line */
  meaning: string
  /**
   * the exit status a CLI command ends with when this is why it stopped; null where no
   * command ends on it: a warning, a note, or the app's UI server only
   */
  exit: ExitStatus | null
  /**
   * a run stops on it: exit 2 when no trial had finished, 1 once one had (the figures
   * that finished are printed and kept); exit is the status before any trial
   */
  stopsRun?: true
  /** what usually fixes it */
  fix: string
}

export const ERROR_CODES = {
  // input and usage
  ZC_BAD_ARGUMENT: {
    meaning: 'an option, argument or plan value is not one zcprof takes',
    exit: 2,
    fix: 'read the message: it names the option and what it takes; `zcprof CMD --help`'
  },
  ZC_BAD_PLAN: {
    meaning: 'the plan (a --plan file, or the flags together) cannot run',
    exit: 2,
    fix: 'correct the field the message names: it says what the field takes'
  },
  ZC_BAD_TARGET: {
    meaning: 'a --target is not one of the forms zcprof knows',
    exit: 2,
    fix: 'use tcp://, unix://, agent://, raw:// or gpu:// as `zcprof run --help` lists'
  },
  ZC_BAD_ADDRESS: {
    meaning: 'the native layer cannot use an address (a unix path over 107 bytes)',
    exit: 2,
    stopsRun: true,
    fix: 'use a shorter socket path or a valid host'
  },
  ZC_BAD_OUTPUT: {
    meaning: 'an output file (--json, an export) cannot be written',
    exit: 2,
    fix: 'choose a path in a folder that exists and you may write to'
  },
  ZC_UNSAFE_FOLDER: {
    meaning: 'a folder zcprof keeps private data in can be written by other users',
    exit: 2,
    fix: 'chmod go-w the folder, or choose one of your own'
  },
  ZC_NOT_A_FILE: {
    meaning: 'the file to send is not a regular file',
    exit: 2,
    fix: 'name a regular file, or give a size and let zcprof make the data'
  },
  ZC_EMPTY_FILE: {
    meaning: 'the file to send is empty',
    exit: 2,
    fix: 'name a file with data in it, or give a size'
  },
  ZC_FILE_CHANGED: {
    meaning: 'the file to send was replaced or resized at its path during the run',
    exit: 2,
    stopsRun: true,
    fix: 'leave the file alone while zcprof runs, or let it make the data'
  },
  ZC_SHORT_FILE: {
    meaning: 'the file ended before the bytes a trial was to send',
    exit: 1,
    fix: 'something truncated the file during the run: leave it alone'
  },
  ZC_NOT_BUILT: {
    meaning: "zcprof's native addon (or the local receiver) is not built or does not load",
    exit: 2,
    stopsRun: true,
    fix: 'npm run build:native (needs a C compiler, make, python3, Node headers)'
  },
  ZC_UNKNOWN: {
    meaning: 'an error that carried no code of its own; the message is its text',
    exit: 2,
    fix: 'act on the message; report it if it does not name the input'
  },
  // agents and receivers
  ZC_AGENT: {
    meaning: 'an agent could not be reached, started or kept listening',
    exit: 2,
    stopsRun: true,
    fix: 'check the host and port, and that `zcprof agent` runs there'
  },
  ZC_AGENT_START: {
    meaning: 'the local receiver process did not start',
    exit: 2,
    stopsRun: true,
    fix: 'read its stderr in the message; npm run build if files are missing'
  },
  ZC_AGENT_GONE: {
    meaning: 'the agent closed the connection; nothing after it can be measured',
    exit: 2,
    stopsRun: true,
    fix: 'see why the agent ended (its log, its limits), then run again'
  },
  ZC_NOT_AGENT: {
    meaning: 'the port answered, but not as a zcprof agent',
    exit: 2,
    stopsRun: true,
    fix: 'check the port, start `zcprof agent` there, or use raw://HOST:PORT'
  },
  ZC_AUTH: {
    meaning: 'the agent wants a token, or refused the one given',
    exit: 2,
    stopsRun: true,
    fix: "pass the agent's token: --token T or ZCPROF_TOKEN=T"
  },
  ZC_VERSION: {
    meaning: 'the agent speaks another protocol version',
    exit: 2,
    stopsRun: true,
    fix: 'run the same zcprof version on both hosts'
  },
  ZC_PROTOCOL: {
    meaning: 'a malformed or out-of-order message between zcprof and an agent',
    exit: 2,
    stopsRun: true,
    fix: 'run the same zcprof version on both hosts; report it if they match'
  },
  // a fleet's agents found through the Kubernetes API
  ZC_KUBE_CLIENT: {
    meaning: 'the Kubernetes client library (an optional peer dependency) is not installed',
    exit: 2,
    fix: 'npm install -g @kubernetes/client-node@1.4.0 beside zcprof (the image has it)'
  },
  ZC_KUBE_CONFIG: {
    meaning: 'no Kubernetes cluster configuration, or one that cannot be read',
    exit: 2,
    fix: 'pass a kubeconfig file, set KUBECONFIG, or run in the cluster (fleet-job.yaml)'
  },
  ZC_KUBE_UNREACHABLE: {
    meaning: 'the Kubernetes API did not answer, or answered with an error',
    exit: 2,
    fix: 'check the address and the network to the cluster: `kubectl cluster-info`'
  },
  ZC_KUBE_FORBIDDEN: {
    meaning: 'the Kubernetes API refused the credentials, or what they may do (RBAC)',
    exit: 2,
    fix: 'bind the Role zcprof-runner (zcprof-agents.yaml); `kubectl auth can-i list pods`'
  },
  ZC_KUBE_NO_AGENTS: {
    meaning: 'no agent pod matched the label selector, or none is Running and Ready',
    exit: 2,
    fix: 'deploy the agents, label their nodes (README "Kubernetes"); `kubectl get pods -l SEL`'
  },
  ZC_BUSY: {
    meaning: 'the agent (or the app) is running as many trials or clients as it takes',
    exit: 2,
    stopsRun: true,
    fix: "wait for the other run to end, or raise the agent's limits"
  },
  ZC_LIMIT: {
    meaning: "a trial passed an agent's limit of time or bytes (a refused buffer stops the run)",
    exit: 1,
    fix: "run shorter or smaller trials, or raise the agent's limits"
  },
  ZC_ACCEPT_TIMEOUT: {
    meaning: 'no sender connected to the receiver in time',
    exit: 1,
    fix: 'check that nothing between the hosts drops the data port'
  },
  ZC_CANCELLED: {
    meaning: 'the trial was cancelled (Ctrl-C, SIGTERM, SIGHUP, or the app)',
    exit: 1,
    fix: 'none needed: the trials that finished are kept'
  },
  // trials
  ZC_SHORT: {
    meaning: 'the receiver got fewer bytes than the sender sent',
    exit: 1,
    fix: 'look for a proxy or middlebox in the path; run again'
  },
  ZC_PAIRING: {
    meaning: "the receiver's connection was not the sender's (another client connected)",
    exit: 1,
    fix: 'keep other clients off the receiver port during the run'
  },
  ZC_CHECKSUM: {
    meaning: 'the bytes received differ from the bytes sent (--verify)',
    exit: 1,
    fix: 'suspect the path or hardware; report it if it repeats on loopback'
  },
  ZC_PIN: {
    meaning: 'the transfer thread could not be pinned to the CPUs asked for',
    exit: 1,
    fix: 'name CPUs this process may use (taskset, cgroup cpuset)'
  },
  ZC_UNSUPPORTED: {
    meaning: 'this kernel, socket or library cannot do what a method needs',
    exit: null,
    fix: 'none: the method is skipped with a warning; a newer kernel may have it'
  },
  ZC_COPIED: {
    meaning: 'a zero-copy method fell back to copying (the kernel copied)',
    exit: null,
    fix: 'a note on the figures: the NIC or route cannot do zero-copy'
  },
  // GPUs
  ZC_NO_GPU_DRIVER: {
    meaning: 'the CUDA driver cannot be loaded (a gpu:// target says so as ZC_BAD_PLAN)',
    exit: 2,
    fix: 'install the NVIDIA driver (libcuda.so.1), or set ZCPROF_CUDA_LIBRARY'
  },
  ZC_NO_GPU: {
    meaning: 'no CUDA device of that number (a gpu:// target says so as ZC_BAD_PLAN)',
    exit: 2,
    fix: 'name a GPU this machine has: nvidia-smi -L lists them, from gpu://0'
  },
  ZC_CUDA: {
    meaning: 'a CUDA call failed (the call and its error are named)',
    exit: 1,
    fix: "check the GPU with nvidia-smi; CUDA's error name says more"
  },
  ZC_GPU_MEMORY: {
    meaning: "the file does not fit in the GPU's memory",
    exit: 1,
    fix: 'send a smaller file'
  },
  // reports
  ZC_REPORT_NOT_FOUND: {
    meaning: 'no report file, or library id, of that name',
    exit: 2,
    fix: 'check the path, or `zcprof library list` for ids'
  },
  ZC_REPORT_NOT_FILE: {
    meaning: 'the report named is not a regular file',
    exit: 2,
    fix: 'name the report file itself'
  },
  ZC_REPORT_UNREADABLE: {
    meaning: 'the report file cannot be read (permissions, I/O)',
    exit: 2,
    fix: 'check its permissions, and that the disk is healthy'
  },
  ZC_REPORT_EMPTY: {
    meaning: 'the report file is empty',
    exit: 2,
    fix: 'save the report again from its run'
  },
  ZC_REPORT_TOO_LARGE: {
    meaning: 'the report, or a part of it, is larger than zcprof reads',
    exit: 2,
    fix: 'use the report zcprof wrote, not a concatenation or an edit'
  },
  ZC_REPORT_TOO_DEEP: {
    meaning: 'the JSON nests deeper than any report does (a report nests under 10)',
    exit: 2,
    fix: 'check which file you chose: it is not a zcprof or iperf3 report'
  },
  ZC_REPORT_NOT_JSON: {
    meaning: 'the file is not valid JSON',
    exit: 2,
    fix: 'the file was damaged or edited by hand: save it again'
  },
  ZC_REPORT_TRUNCATED: {
    meaning: 'the JSON ends early: the file was cut off',
    exit: 2,
    fix: 'copy or save the report again in full'
  },
  ZC_REPORT_UNSAFE_KEY: {
    meaning: 'the JSON has a key no report has, one that could alter objects (__proto__)',
    exit: 2,
    fix: 'the file was edited or crafted: use the original report'
  },
  ZC_REPORT_FOREIGN: {
    meaning: 'the JSON is not a zcprof report',
    exit: 2,
    fix: 'choose a zcprof report, or iperf3 -J output to import'
  },
  ZC_REPORT_IPERF3: {
    meaning: 'iperf3 output that cannot be imported',
    exit: 2,
    fix: 'use a complete `iperf3 -c … -J` client report'
  },
  ZC_REPORT_NEWER: {
    meaning: 'the report is from a newer zcprof',
    exit: 2,
    fix: 'upgrade zcprof to read it'
  },
  ZC_REPORT_OLD: {
    meaning: 'the report is from a zcprof too old to read',
    exit: 2,
    fix: 'run the measurement again with this version'
  },
  ZC_REPORT_SCHEMA: {
    meaning: 'the report does not match its schema (a field is missing or wrong)',
    exit: 2,
    fix: 'the message names the field: the file was damaged or edited'
  },
  ZC_NOTHING_ALIGNED: {
    meaning: 'the reports to compare share no row (method, target, size)',
    exit: 2,
    fix: "compare runs of the same plan; the message lists each side's rows"
  },
  // the report library
  ZC_LIBRARY_FOLDER: {
    meaning: 'the library folder cannot be made, read or used',
    exit: 2,
    fix: 'check the folder the message names, or pass --library DIR'
  },
  ZC_LIBRARY_MISSING: {
    meaning: 'no report in the library has that id',
    exit: 2,
    fix: '`zcprof library list` shows the ids'
  },
  ZC_LIBRARY_AMBIGUOUS: {
    meaning: "the id's beginning fits more than one report",
    exit: 2,
    fix: 'give more of the id'
  },
  ZC_LIBRARY_BAD_ID: {
    meaning: 'that is not the id of a report in the library',
    exit: 2,
    fix: 'pick one `zcprof library list` shows; rename a file with an odd name first'
  },
  ZC_LIBRARY_LINK: {
    meaning: 'the library entry is a symbolic link, which zcprof does not follow',
    exit: 2,
    fix: 'copy the report into the library instead of linking it'
  },
  ZC_LIBRARY_ODD_NAME: {
    meaning: 'a file in the library has a name zcprof does not take',
    exit: 2,
    fix: 'rename it as the message suggests'
  },
  ZC_LIBRARY_NOT_REPORT: {
    meaning: 'the library entry is not a zcprof report, so zcprof leaves it',
    exit: 2,
    fix: 'move it out of the library by hand'
  },
  ZC_LIBRARY_TRASH: {
    meaning: "the library's trash is a link or not a folder",
    exit: 2,
    fix: 'remove it; zcprof makes a new one'
  },
  ZC_LIBRARY_FULL: {
    meaning: 'no free file name for a new report in the library',
    exit: 2,
    fix: 'tidy the library folder, or use another with --library'
  },
  ZC_LIBRARY_BAD_TITLE: {
    meaning: 'a report title that is too long',
    exit: 2,
    fix: 'shorten it to the length the message gives'
  },
  ZC_LIBRARY_BAD_TAGS: {
    meaning: 'tags that are not a list, or too many or too long',
    exit: 2,
    fix: 'use fewer, shorter tags'
  },
  ZC_LIBRARY_CONFLICT: {
    meaning: 'the report changed since it was listed; the change was not saved',
    exit: 2,
    fix: 'refresh the list, then make the change again'
  },
  ZC_JOURNAL_LOCK: {
    meaning: "a run's journal cannot be locked, so it is not journalled",
    exit: null,
    fix: 'none needed: the run is saved when it ends'
  },
  ZC_JOURNAL_DAMAGED: {
    meaning: "a run's journal had damaged lines; the rest was recovered",
    exit: null,
    fix: 'the warning says where the damaged part was kept'
  },
  ZC_JOURNAL_UNREADABLE: {
    meaning: "a run's journal in the library cannot be recovered",
    exit: null,
    fix: 'open it in an editor, or delete it if it holds nothing you need'
  },
  // the app
  ZC_UI: {
    meaning: '`zcprof ui` cannot serve (its port, its address)',
    exit: 2,
    fix: 'pick another port with --listen, or leave it out for a free one'
  },
  ZC_POLICY_FILE: {
    meaning: 'the UI may not use that file (missing, unreadable, or not allowed)',
    exit: null,
    fix: 'name a readable file, or start the UI with --allow-file FILE'
  },
  ZC_POLICY_TARGET: {
    meaning: 'the UI may not send to that target',
    exit: null,
    fix: 'start the UI with the flag the message names to allow it'
  },
  ZC_POLICY_FOLDER: {
    meaning: 'the UI may not use that folder',
    exit: null,
    fix: 'choose a folder the message allows'
  },
  // bugs
  ZC_NAPI: {
    meaning: 'a Node-API call in the native addon failed',
    exit: 70,
    fix: 'a bug: report it with the message'
  },
  ZC_INTERNAL: {
    meaning: 'unexpected: exit 70 from a command; in a run it stops the run (2, 1 after a trial)',
    exit: 70,
    fix: 'a bug: report it with the message'
  }
} as const satisfies Record<`ZC_${string}`, ErrorCodeInfo>

/** a code in the table: a code not in it is a type error */
export type ZcCode = keyof typeof ERROR_CODES

function isZcCode(code: string): code is ZcCode {
  return Object.hasOwn(ERROR_CODES, code)
}

/** the table's entry for a code, or null for an OS code or one it lacks */
export function errorCodeInfo(code: string): ErrorCodeInfo | null {
  return isZcCode(code) ? ERROR_CODES[code] : null
}

/**
 * The exit status for an error of this code thrown out of a CLI command: 2 (bad input),
 * or the table's 70 for a bug's code. A trial's code (exit 1) thrown rather than
 * recorded on a trial stopped the command before it measured, which is exit 2 too.
 */
export function thrownExitStatus(code: string): ExitStatus {
  return errorCodeInfo(code)?.exit === 70 ? 70 : 2
}

function exitText(info: ErrorCodeInfo): string {
  if (info.exit === null) return '—'
  return info.stopsRun ? `${info.exit}, 1 after a trial` : String(info.exit)
}

/** the README's troubleshooting table, one row a code in the table's order */
export function errorCodesMarkdown(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|')
  const rows = (Object.entries(ERROR_CODES) as [ZcCode, ErrorCodeInfo][]).map(
    ([code, info]) => `| \`${code}\` | ${cell(info.meaning)} | ${exitText(info)} | ${cell(info.fix)} |`
  )
  return ['| code | meaning | exit | typical fix |', '|---|---|---|---|', ...rows].join('\n')
}
