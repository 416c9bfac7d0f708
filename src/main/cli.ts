// The headless entry point: `zcprof run | agent | ui | report | compare | library`.

import { Command, Option } from 'commander'
import { thrownExitStatus } from '../shared/error-codes'
import { ZcprofError } from '../shared/errors'
import { printable } from '../shared/printable'
import { GPU_METHODS, METHODS, RECEIVER_MODES } from '../shared/methods'
import { GPU_DEFAULT_CHUNK_BYTES } from '../shared/plan-rules'
import { defaultText, rangeText } from '../shared/plan-text'
import { TARGET_FORMS } from '../shared/targets'
import { formatBytes } from '../shared/units'
import type { AgentFlags } from './cli/agent-command'
import type { CompareFlags } from './cli/compare-command'
import type { FleetFlags } from './cli/fleet-command'
import type { FleetShowFlags } from './cli/fleet-show-command'
import type { LibraryFlags } from './cli/library-command'
import type { ReportFlags } from './cli/report-command'
import type { RunFlags } from './cli/run-command'
import type { TrendFlags } from './cli/trend-command'
import type { UiFlags } from './cli/ui-command'
import { TOOL_VERSION } from './model/report-build'

// Each command's module (and what it pulls in: the addon, systeminformation, ajv, the
// UI server, table drawing) loads when that command runs, so `zcprof --help` and
// `zcprof agent` start without the rest: bench/startup.ts measures it.
const commands = {
  run: () => import('./cli/run-command'),
  agent: () => import('./cli/agent-command'),
  ui: () => import('./cli/ui-command'),
  report: () => import('./cli/report-command'),
  compare: () => import('./cli/compare-command'),
  library: () => import('./cli/library-command'),
  trend: () => import('./cli/trend-command'),
  fleet: () => import('./cli/fleet-command'),
  fleetShow: () => import('./cli/fleet-show-command')
}

/** exit statuses: 0 done, 1 a regression or a failed trial, 2 bad input or usage, 3 compare cannot decide, 4 compared plans differ, 70 a bug */
const EXIT_USAGE = 2

function fail(e: unknown): never {
  // an error may quote a file, a peer or a report: only printable text reaches the terminal
  if (e instanceof ZcprofError) {
    // 2, or 70 where the error-code table says the code is a bug's (ZC_INTERNAL, ZC_NAPI)
    const status = thrownExitStatus(e.code)
    const bug = status === 70 ? 'internal error (please report it): ' : ''
    process.stderr.write(`zcprof: ${bug}${printable(e.message)}\n`)
    process.exit(status)
  }
  process.stderr.write(`zcprof: internal error (please report it):\n${printable((e as Error).stack ?? String(e))}\n`)
  process.exit(70)
}

/** a reader that went away (`zcprof run --json - | head -1`) ends the command quietly, not with a stack trace */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0)
    throw e
  })
}

/** a command's action: user errors print and exit 2, anything else is a bug (70) */
function guarded<A extends unknown[]>(action: (...args: A) => unknown) {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (e) {
      fail(e)
    }
  }
}

const importMethod = () =>
  new Option('--method <method>', 'iperf3 imports: the method it ran (iperf3 -Z is sendfile)').choices([
    'copy',
    'sendfile'
  ])

/** a report argument (cli/report-argument.ts): a file of that name wins over an id */
const REPORT_ARGUMENT_HELP = 'a file, or a library id or its unique beginning (a file of that name wins)'

/** what `zcprof run --help` ends with: which short options mean what they mean to iperf3 */
const IPERF3_SHORT_OPTIONS = `
Short options as in iperf3: -t seconds a timed trial lasts, -P parallel streams,
-l bytes per write, -i sampling interval in seconds, -J the JSON report.
iperf3's -c (the server) has no short form here: --target agent://HOST:PORT.`

/** --receiver-gpu as the devmem note reads it: a bad number is the plan's to refuse, so 0 here */
const gpuIndex = (text: string | undefined) => (text !== undefined && /^\d+$/.test(text) ? Number(text) : 0)

const receiverOption = () =>
  new Option(
    '--receiver <modes>',
    `how the receiver drains, comma-separated (${RECEIVER_MODES.join(', ')}); several: each method runs with each, a pair each, and the results add a sender × receiver grid; ` +
      "mapped: the receiver maps the socket's pages (TCP_ZEROCOPY_RECEIVE), reading the rest with recv (TCP only); " +
      'gpu-pageable, gpu-pinned, gpu-mapped: the bytes land in GPU memory (--receiver-gpu), through pageable, pinned or GPU-mapped host memory; ' +
      'zcrx (io_uring zero-copy receive) is not a mode yet, nor devmem (devmem TCP into GPU memory): each says what this host lacks for it'
  ).default('read')

/**
 * The options that make a plan, shared by `zcprof run` and `zcprof fleet` (one table:
 * run-command.ts's planFromFlags reads them for both). Not the targets or the file: a
 * fleet's pairs name their own, and a fleet sends only generated files.
 */
function addPlanOptions(command: Command): Command {
  return command
    .option('-s, --size <sizes>', 'generated file size(s), e.g. 256MiB,1GiB', defaultText('fileBytes'))
    .option(
      '-l, --chunk <sizes>',
      `bytes per write, e.g. 128KiB,1MiB (default ${defaultText('chunkBytes')}; ${formatBytes(GPU_DEFAULT_CHUNK_BYTES)} when every target is a GPU)`
    )
    .option(
      '-t, --duration <time>',
      `timed trials: each lasts this long: seconds (-t 10), or e.g. 500ms, 2m (default ${defaultText('durationMs')})`
    )
    .option('--omit <time>', 'of a timed trial, the ramp left out of its figures (default: 10%, at most 1s)')
    .option('-b, --bytes <size>', 'trials bounded by volume: each moves SIZE, all streams together, e.g. 4GiB')
    .option('--once', 'one pass over the file per stream: for questions about that exact file', false)
    .option(
      '-P, --streams <n>',
      `parallel data connections per trial, each with its own threads (${rangeText('streams')})`,
      defaultText('streams')
    )
    .option('--cpus <list>', 'pin sender threads: stream i to the i-th CPU of LIST, round robin (e.g. 0,2 or 4-7)')
    .option('--receiver-cpus <list>', 'pin receiver threads the same way, on the receiving host')
    .option(
      '--line-rate <rates>',
      'links to size headroom for, e.g. 25G,100G (default: the NIC speed, else 10/25/100/400G)'
    )
    .option(
      '-r, --repeat <n>',
      `measured rounds (each runs every method once); alone: exactly N rounds; with --precision: at least N (default ${defaultText('repeat')})`
    )
    .option(
      '--precision <pct>',
      `repeat rounds until every method's headline interval is within ±PCT of copy, e.g. 5%; off: exactly --repeat rounds (default ${defaultText('precision')})`
    )
    .option(
      '--max-time <time>',
      `with a precision: the time budget; no round starts that would end past it (default ${defaultText('maxTimeMs')})`
    )
    .option('--no-pin', 'leave threads to the scheduler (default: zcprof pins senders and receivers to separate cores)')
    .addOption(
      new Option('--order <order>', "each round's method order: shuffled (a randomized block) or the plan's").choices([
        'shuffled',
        'fixed'
      ])
    )
    .option('--seed <n>', "the shuffled order's seed (default: drawn, and kept in the report)")
    .option('--plan <file>', 'a JSON file of plan fields, or a report to run its plan again; flags given here win')
    .option(
      '-w, --warmup <n>',
      `unmeasured warm-up rounds (default ${defaultText('warmup')} for timed trials, which leave out their ramp; else 1)`
    )
    .addOption(new Option('--cache <state>', 'page cache before each trial').choices(['warm', 'cold']).default('warm'))
    .addOption(receiverOption())
    .option(
      '--uring-depth <n>',
      `io_uring methods and receiver: SQEs per submission batch (${rangeText('uringDepth')})`,
      defaultText('uringDepth')
    )
    .option(
      '--uring-sqpoll',
      "io_uring: a kernel thread polls the submission ring, so sending takes no system call (its CPU is counted as the sender's)",
      false
    )
    .option(
      '--receiver-gpu <n>',
      `gpu-* receiver modes: the CUDA device whose memory receives (${rangeText('receiverGpu')}; the first unless named)`
    )
    .option('--verify', 'checksum every byte on both ends (crc32c); on a GPU, its buffer copied back', false)
    .option(
      '-i, --interval <time>',
      'sampling interval: seconds (-i 0.1), or e.g. 50ms; 0: off',
      defaultText('sampleIntervalMs')
    )
    .addOption(new Option('--pmu <mode>', 'hardware counters').choices(['auto', 'off']).default('auto'))
}

/** zcprof run: measure each method (its options follow iperf3 where the concept is the same) */
function registerRun(program: Command): void {
  addPlanOptions(
    program
      .command('run', { isDefault: false })
      .description('move a file into a socket by each method and measure what it costs')
      .option(
        '-m, --methods <list>',
        `comma-separated: ${METHODS.join(', ')}; for gpu:// targets ${GPU_METHODS.join(', ')} (default: every method the targets run)`
      )
      .option('--target <url...>', TARGET_FORMS, ['tcp://127.0.0.1'])
      .option('-f, --file <path>', 'send this file instead of a generated one')
      .option(
        '--gpu-spin',
        'gpu:// targets: spin while waiting for the GPU instead of blocking (the CPU figures then include it)',
        false
      )
  )
    .option('-J, --json <file>', "write the JSON report to FILE, or '-' to stream NDJSON events")
    .option('--md <file>', 'also write a Markdown summary')
    .option('--csv <file>', 'also write CSV, one row per trial')
    .option('--csv-samples <file>', 'also write CSV, one row per sample')
    .option('--csv-methods <file>', "also write CSV, one row per method: each one's headline")
    .option('--html <file>', 'also write a self-contained HTML report with charts')
    .option('--token <token>', 'token for agent:// targets (or ZCPROF_TOKEN, which keeps it out of ps)')
    .option('--agent-timeout <ms>', 'how long an agent may take to answer', '5000')
    .option('--cache-dir <dir>', 'where generated test files are kept')
    .option('--no-progress', 'no progress bar')
    .option('--title <text>', "the report's title (default: what ran, where, and when)")
    .option('--tag <tags>', 'comma-separated tags for the report, e.g. kernel-6.18,baseline')
    .option('--label <text>', "what this run is of (a commit, a kernel): its point's name in `zcprof trend`")
    .option('--no-reference', "skip the machine reference at the run's start and end (about 0.2–1 s each)")
    .option('--save', 'also save the report into the report library', false)
    .option('--wide', 'every column in the final tables (default: what fits the terminal)', false)
    .option('--verbose', 'every warning in full, with what to do (default: one line a kind)', false)
    .option('--library <dir>', 'the report library folder (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    // the short options these had before they followed iperf3: refused with the new names
    .addOption(new Option('-c <value>').hideHelp())
    .addOption(new Option('-d <value>').hideHelp())
    .addOption(new Option('-j <value>').hideHelp())
    .addHelpText('after', IPERF3_SHORT_OPTIONS)
    .action(
      guarded(async (flags: RunFlags, command: Command) => {
        // which flags the person typed (not commander's defaults): those win over a plan file
        const given = Object.keys(flags).filter((k) => command.getOptionValueSource(k) === 'cli')
        const receivers = flags.receiver?.split(',').map((r) => r.trim()) ?? []
        if (receivers.includes('zcrx')) (await import('./cli/zcrx-note')).refuseZcrx(flags.target ?? [])
        if (receivers.includes('devmem'))
          (await import('./cli/devmem-note')).refuseDevmem(flags.target ?? [], {
            gpuDevice: gpuIndex(flags.receiverGpu)
          })
        process.exitCode = await (await commands.run()).runCommand({ ...flags, given })
      })
    )
}

/**
 * zcprof fleet: commands over a fleet of agents. `run` runs the pairs; the fleet's
 * other commands (its matrix view) hang off the same group.
 */
function registerFleet(program: Command): Command {
  const fleet = program
    .command('fleet')
    .description("the same plan between every pair of a fleet's agents, and the node × node matrix it gives")
  addPlanOptions(
    fleet
      .command('run')
      .description("run a plan between pairs of a fleet's agents: each sender's agent sends; one report per pair")
      .option('--hosts <file>', 'the fleet from a hosts file: one node a line, `NAME HOST[:PORT] [POOL]`, # comments')
      .option(
        '--kubernetes [selector]',
        "the fleet from the Kubernetes API: the agents' ready pods by label (default: deploy/kubernetes's DaemonSet)"
      )
      .option('--namespace <ns>', "with --kubernetes: the agents' namespace (default: the context's, else zcprof)")
      .option('--kubeconfig <file>', "with --kubernetes: else $KUBECONFIG, ~/.kube/config, then the pod's account")
      .option('--pool-label <label>', "with --kubernetes: the node label naming a node's pool (default: the clouds')")
      .option('--matrix <which>', 'all: every node to every other (the default)')
      .option('--to <node>', 'every node to this one (a sink)')
      .option('--pairs <file>', 'these pairs: `SENDER RECEIVER` a line, node names of the hosts file')
      .option(
        '--parallel <k>',
        'pairs at once, never two sharing a node (default: one, so pairs do not disturb each other)'
      )
      .option('-m, --methods <list>', `comma-separated: ${METHODS.join(', ')} (default: every one)`)
  )
    .option('--token <token>', "the agents' token (or ZCPROF_TOKEN, which keeps it out of ps); the senders use it too")
    .option('--agent-timeout <ms>', 'how long an agent may take to answer', '5000')
    .option('--library <dir>', 'where the reports go (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    .option(
      '--json <file>',
      "the fleet's outcome as JSON (each pair: status, report id, error) to FILE, or '-' for stdout"
    )
    .option('--no-progress', 'no progress lines')
    .option('--title <text>', "each report's title, before the pair's names")
    .option('--tag <tags>', 'comma-separated tags for every report (fleet is always one)')
    .option('--label <text>', "each report's label (default: the pair, SENDER → RECEIVER)")
    .option('--no-reference', "skip the machine reference at each pair's start and end, on the sender")
    .action(
      guarded(async (flags: FleetFlags, command: Command) => {
        const given = Object.keys(flags).filter((k) => command.getOptionValueSource(k) === 'cli')
        process.exitCode = await (await commands.fleet()).fleetCommand({ ...flags, given })
      })
    )
  return fleet
}

/** zcprof agent: a receiver that zcprof run sends to */
function registerAgent(program: Command): void {
  program
    .command('agent')
    .description('run a receiver that zcprof run can send to')
    .option('-l, --listen <address>', 'HOST:PORT, [V6]:PORT or unix:/path', '127.0.0.1:7733')
    .option(
      '--token <token>',
      'required of clients, 16+ characters, never sent (or ZCPROF_TOKEN); beyond loopback one is made when none is given'
    )
    .option('--max-trials <n>', 'trials at once', '4')
    .option('--max-clients <n>', 'control connections at once', '16')
    .option('--max-trial-bytes <size>', 'bytes one trial may send', '64GiB')
    .option('--max-trial-duration <ms>', 'how long one trial may run', '600000')
    .option('--max-trials-per-client <n>', 'trials one client may hold at once', '2')
    .option('--idle-timeout <ms>', 'drop a client with no trial that sends nothing this long', '60000')
    .option(
      '--max-session-pinned <size>',
      "receive buffers one client's trials may pin (streams × ring × buffer)",
      '512MiB'
    )
    .option('--max-agent-pinned <size>', 'receive buffers all trials together may pin', '1GiB')
    .option('--data-idle-timeout <ms>', 'end a trial whose accepted data connection sends nothing this long', '30000')
    .option(
      '--max-send-jobs <n>',
      'fleet pairs this agent may run as the sender at once, to other agents with its own token (0: none)',
      '1'
    )
    .option(
      '--max-send-file-bytes <size>',
      "generated test files one send job may write and keep in the cache, its plan's sizes together",
      '4GiB'
    )
    .option('--announce', 'print the bound address as JSON on stdout (used for local agents)', false)
    .addOption(new Option('--parent-owned', "a run's own receiver: signals to the group are its parent's").hideHelp())
    .action(guarded(async (flags: AgentFlags) => (await commands.agent()).agentCommand(flags)))
}

/** zcprof ui: the UI in a browser */
function registerUi(program: Command): void {
  program
    .command('ui')
    .description('the zcprof UI in a browser (loopback, opened by a one-time link it prints)')
    .option('-l, --listen <host:port>', 'address to serve on', '127.0.0.1:0')
    .option('--open', 'open a browser', false)
    .option(
      '--library <dir>',
      'the report library folder (default: the one chosen in the app, $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)'
    )
    .option(
      '--allow-file <path...>',
      'a file the UI may send to agent:// and raw:// targets (else: generated data only)'
    )
    .option('--allow-target <target...>', 'an agent:// beyond loopback or raw:// target the UI may send to')
    .option(
      '--allow-host <name...>',
      'a host name browsers use to reach a UI listening beyond loopback (required there; comma-separated for several)'
    )
    .action(guarded(async (flags: UiFlags) => (await commands.ui()).uiCommand(flags)))
}

/** zcprof report: export a report */
function registerReport(program: Command): void {
  program
    .command('report')
    .description('export a report (zcprof, an older schema, or iperf3 -J output) as HTML, Markdown or CSV')
    .argument('<file>', `the report: ${REPORT_ARGUMENT_HELP}`)
    .option('--html <out>', 'a self-contained HTML report with charts')
    .option('--md [out]', 'a Markdown summary (to standard output without a file)')
    .option('--csv <out>', 'CSV, one row per trial')
    .option('--csv-samples <out>', 'CSV, one row per sample')
    .option('--csv-methods <out>', "CSV, one row per method: each one's headline")
    .option('--json <out>', 'the report in the current schema (migrates older ones)')
    .option('--wide', 'with no format asked: every column in the tables', false)
    .option('--verbose', 'with no format asked: every warning in full, with what to do', false)
    .addOption(importMethod())
    .option('--library <dir>', 'where ids are looked up (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    .action(
      guarded(
        async (file: string, flags: ReportFlags) =>
          (process.exitCode = (await commands.report()).reportCommand(file, flags))
      )
    )
}

/** zcprof compare: reports against a baseline, with an exit status a CI can gate on */
function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare reports against the first; exit 0 pass, 1 a regression beyond the threshold and the noise, 3 the data cannot decide, 4 the plans differ'
    )
    .argument('<base>', `the baseline report: ${REPORT_ARGUMENT_HELP}`)
    .argument('<others...>', 'reports to compare with it, each a file or a library id')
    .option('--threshold <pct>', 'smallest change that counts as a regression', '5%')
    .option('--baseline <n>', 'compare against report N instead (0 is the first)')
    .option('--gate <metrics>', 'metrics that can fail the gate (comma-separated, or all)')
    .option('--metrics <metrics>', 'metrics to show (comma-separated, or all)')
    .option('--method <methods>', 'compare and gate only these methods (comma-separated, e.g. copy,sendfile)')
    .option(
      '--allow-plan-diff',
      'call regressions across plan or machine differences (verify, trial length, chunk, streams, receiver, pinning, CPU, kernel)',
      false
    )
    .option('--json <out>', 'write the comparison as JSON')
    .option('--md [out]', 'the comparison as Markdown, for a pull request (to standard output without a file)')
    .option('--html <out>', 'the comparison as a self-contained HTML page')
    .option('--library <dir>', 'where ids are looked up (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    .option(
      '--wide',
      'one table of every figure, each row named in full (default: a table a figure, in the width)',
      false
    )
    .action(
      guarded(
        async (base: string, others: string[], flags: CompareFlags) =>
          (process.exitCode = (await commands.compare()).compareCommand([base, ...others], flags))
      )
    )
}

/** zcprof library: the report library */
function registerLibrary(program: Command): void {
  program
    .command('library')
    .description('the report library: list, search, show, tag, import, rm (to the trash), restore')
    .argument(
      '[action]',
      'list | search [WORDS…] | show ID… | tag ID TAG… | import FILE|DIR… | rm ID… | restore TRASH-ID…',
      'list'
    )
    .argument('[args...]', 'words, ids (a file name, with or without .json, or its unique beginning), tags, or files')
    .option('--library <dir>', 'the library folder (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    .option('--host <name>', 'search: reports from this host')
    .option('--method <method>', 'search: reports that ran this method; import: the method iperf3 ran (-Z is sendfile)')
    .option('--tag <tag>', 'search: reports with this tag')
    .option('--since <date>', 'search: reports from this date on, e.g. 2026-12-01 or 2026-12-01T09:30 (UTC)')
    .option('--until <date>', 'search: reports up to this date, the day (or minute) itself included (UTC)')
    .option('--remove', 'tag: take these tags off', false)
    .option('--wide', 'list, search, show: every column, nothing cut (default: what fits the terminal)', false)
    .option('--verbose', 'show: every warning in full, with what to do', false)
    .action(
      guarded(
        async (action: string, args: string[], flags: LibraryFlags) =>
          (process.exitCode = await (await commands.library()).libraryCommand(action, args, flags))
      )
    )
}

/** zcprof trend: the library's history per series, its change points, and a gate on the newest run */
function registerTrend(program: Command): void {
  program
    .command('trend')
    .description(
      "each series' history in the library, where it changed level, and the newest run against its level; --gate exits as compare's does"
    )
    .option('--library <dir>', 'the library folder (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)')
    .option('--metric <figure>', 'cost (what every host pays per bit) or throughput', 'cost')
    .option('--by <grouping>', 'a series per host (host) or per CPU model (cpu)', 'host')
    .option('--host <name>', 'only reports from this host')
    .option('--method <method>', 'only this method')
    .option('--label <text>', 'only runs whose label (run --label) contains this')
    .option('--since <date>', 'only reports from this date on, e.g. 2026-12-01 (UTC)')
    .option('--until <date>', 'only reports up to this date, the day itself included (UTC)')
    .option('--threshold <pct>', '--gate: smallest change that counts as a regression', '5%')
    .option('--window <runs>', 'the newest runs of each series searched for change points', '200')
    .option('--json <out>', "write the trend as JSON ('-': to standard output)")
    .option(
      '--gate',
      'exit 0 when the newest report is within its level, 1 when it is worse beyond the threshold and the noise, 3 when the data cannot tell',
      false
    )
    .action(
      guarded(async (flags: TrendFlags) => (process.exitCode = await (await commands.trend()).trendCommand(flags)))
    )
}

/** zcprof fleet show | list: a fleet run's pairs as a node × node matrix (`fleet run` joins this group) */
function registerFleetView(fleet: Command): void {
  const library = '--library <dir>'
  const libraryHelp = 'the library folder (default: $ZCPROF_LIBRARY or ~/.local/share/zcprof/reports)'
  fleet
    .command('show')
    .description('a fleet run as a sender × receiver matrix per method, nodes far from their pool marked')
    .argument('[fleet]', 'a fleet id or its unique beginning (default: the newest fleet run)')
    .option(library, libraryHelp)
    .option('--method <method>', 'only this method')
    .option('--figure <figure>', 'cpu (whole-system CPU per bit) or gbps (Gbit/s)', 'cpu')
    .option('--json <out>', "write the matrices as JSON ('-': to standard output)")
    .action(
      guarded(
        async (id: string | undefined, flags: FleetShowFlags) =>
          (process.exitCode = await (await commands.fleetShow()).fleetShowCommand(id, flags))
      )
    )
  fleet
    .command('list')
    .description('the fleet runs in the library, newest first')
    .option(library, libraryHelp)
    .action(
      guarded(
        async (flags: FleetShowFlags) => (process.exitCode = await (await commands.fleetShow()).fleetListCommand(flags))
      )
    )
}

export function main(argv: string[]): void {
  quietOnClosedPipe(process.stdout)
  quietOnClosedPipe(process.stderr)
  const program = new Command('zcprof')
    .version(TOOL_VERSION)
    .description('What does moving data cost the CPU, and how much does zero-copy save?')
    .showHelpAfterError()
    // usage errors (an unknown command or option, a missing argument, a value not among
    // the choices) exit 2, as every other bad input does; help and --version exit 0.
    // Set before the commands are made, so each inherits it
    .exitOverride((e) => process.exit(e.exitCode === 0 ? 0 : EXIT_USAGE))

  // one function a command, registered in the order help lists them
  registerRun(program)
  registerAgent(program)
  registerUi(program)
  registerReport(program)
  registerCompare(program)
  registerLibrary(program)
  registerTrend(program)
  registerFleetView(registerFleet(program))

  // a usage error is the error, the nearest option (commander's "Did you mean"), and where
  // help is: one screen of help after every typo buries the line that says what was wrong
  for (const c of program.commands) {
    c.showHelpAfterError(`(zcprof ${c.name()} --help lists its options)`)
    // a group's commands (zcprof fleet run) the same
    for (const sub of c.commands) sub.showHelpAfterError(`(zcprof ${c.name()} ${sub.name()} --help lists its options)`)
  }
  program.showHelpAfterError('(zcprof --help lists the commands)')
  program.parseAsync(argv).catch(fail)
}

main(process.argv)
