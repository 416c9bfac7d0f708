// After a run: the answer in sentences, then the headline (what the whole system pays
// per bit against copy, with its interval and verdict, or what is missing), then the
// per-method figures with their spread, each side against copy, the cores a link
// would need, and the warnings, each with what to do about it.

import {
  aggregateNotes,
  cyclesEstimated,
  gbitsRange,
  gbitsSpread,
  gpuTable,
  groupAggregates,
  HEADLINE_HEAD,
  headlineText,
  headroomInputs,
  medianText,
  VS_COPY_COLUMNS,
  vsCopyFootnote
} from '../../../shared/export/figures'
import type { ReactNode } from 'react'
import { findings } from '../../../shared/export/findings'
import type { StopReason } from '../../../shared/events'
import { isBaselineMethod } from '../../../shared/methods'
import type { MethodAggregate, Report, Warning } from '../../../shared/report'
import type { Stat } from '../../../shared/statistics'
import { termsUsed, type GlossaryTerm } from '../../../shared/glossary'
import { groupWarnings, warningInfo, type WarningGroup } from '../../../shared/warnings'
import { CyclesBars, HeadlineBars, HeadroomChart, ThroughputBars } from '../charts/result-charts'
import { hasFigures, runOutcome } from '../run-outcome'
import { RunOutcomeBanner } from './run-outcome-banner'
import { PairGridView } from './pair-grid-view'

/** a row of the headline table: the one answer, the same cell every view writes */
function HeadlineRow({ a, stop, estimated }: { a: MethodAggregate; stop?: StopReason; estimated: boolean }) {
  const status = a.headline?.status ?? (isBaselineMethod(a.method) ? 'baseline' : 'none')
  return (
    <tr data-testid={`headline-${a.method}`} data-status={status} data-verdict={a.headline?.verdict ?? 'unknown'}>
      <th scope="row">{a.method}</th>
      <td>
        <b>{headlineText(a, stop)}</b>
      </td>
      <td title={estimated ? 'estimated from CPU time × clock' : undefined}>
        {medianText(a.systemCyclesPerBit)}
        {estimated ? '*' : ''}
      </td>
      <td>{gbitsSpread(a.throughputBitsPerSec)}</td>
    </tr>
  )
}

/** half the 95% interval of the mean, in Gbit/s */
function ci(s: Stat | null): string {
  return s && s.n > 1 ? `±${((s.ci95High - s.ci95Low) / 2 / 1e9).toFixed(2)}` : '—'
}

function Row({ a }: { a: MethodAggregate }) {
  const notes = aggregateNotes(a)
  return (
    <tr data-testid={`result-${a.method}`} className={a.notes.length ? 'marked' : undefined}>
      <th scope="row">{a.method}</th>
      <td>{gbitsRange(a.throughputBitsPerSec)}</td>
      <td>{ci(a.throughputBitsPerSec)}</td>
      <td>{medianText(a.senderCyclesPerBit)}</td>
      <td>{medianText(a.receiverCyclesPerBit)}</td>
      <td>{medianText(a.systemCyclesPerBit)}</td>
      <td>{medianText(a.contextSwitchesPerGiB)}</td>
      <td>{medianText(a.syscallsPerGiB, 4)}</td>
      <td data-testid={`notes-${a.method}`}>{notes}</td>
    </tr>
  )
}

/** a row of the against-copy table: the cells every format writes, the headline figure and the verdict marked */
function VsCopyRow({ a }: { a: MethodAggregate }) {
  const verdict = isBaselineMethod(a.method) ? 'baseline' : (a.vsCopy?.verdict ?? 'unknown')
  const [method, ...cells] = VS_COPY_COLUMNS.map((c) => ({ head: c.head, text: c.cell(a) }))
  return (
    <tr data-testid={`vs-copy-${a.method}`} data-verdict={verdict}>
      <th scope="row">{method.text}</th>
      {cells.map((c) =>
        c.head === 'verdict' ? (
          <td key={c.head}>
            <span className={`verdict verdict-${verdict}`}>{c.text}</span>
          </td>
        ) : (
          <td key={c.head}>{c.head === 'system CPU/bit' ? <b>{c.text}</b> : c.text}</td>
        )
      )}
    </tr>
  )
}

/** a warning in plain words, with what to do about it, from the catalogue's data */
export function WarningItem({ w }: { w: Warning }) {
  const info = warningInfo(w.code)
  return (
    <li data-code={w.code} className={`warning-${info.severity}`}>
      <span className="badge">{info.mark}</span> {w.message}
      {w.trials && w.trials.length > 0 && (
        <span className="muted">
          {' '}
          ({w.trials.length} trial{w.trials.length > 1 ? 's' : ''})
        </span>
      )}
      {w.hint && <div className="hint">{w.hint}</div>}
    </li>
  )
}

/**
 * One kind of warning in a line: its mark, the methods it touched and what it means;
 * each warning in full (with its hint) behind the disclosure, so forty notes, the PMU's
 * among them, take a line a kind rather than the first screen.
 */
function WarningGroupItem({ g }: { g: WarningGroup }) {
  const rest = g.line.startsWith(g.mark) ? g.line.slice(g.mark.length) : ` ${g.line}`
  return (
    <li data-code={g.code} className={`warning-${g.severity}`}>
      <details>
        <summary>
          <span className="badge">{g.mark}</span>
          {rest}
          {g.trialCount > 0 && (
            <span className="muted">
              {' '}
              ({g.trialCount} trial{g.trialCount > 1 ? 's' : ''})
            </span>
          )}
        </summary>
        <ul>
          {g.warnings.map((w, i) => (
            <WarningItem key={i} w={w} />
          ))}
        </ul>
      </details>
    </li>
  )
}

/** the terms the tables above show (their heads, verdicts and marks), each defined once in glossary.ts */
function legendTerms(aggs: readonly MethodAggregate[], stop: StopReason | undefined): GlossaryTerm[] {
  const heads = [
    HEADLINE_HEAD,
    'system cyc/bit',
    'Gbit/s ±σ',
    'Gbit/s median (min–max)',
    '95% CI',
    'cyc/bit send',
    ...VS_COPY_COLUMNS.map((c) => c.head)
  ]
  const cells = aggs.flatMap((a) => [
    headlineText(a, stop),
    aggregateNotes(a),
    ...VS_COPY_COLUMNS.map((c) => c.cell(a))
  ])
  return termsUsed([...heads, ...cells])
}

/** a GPU target's own figures: GB/s, the GPU's clock, the share of its PCIe link, pinning */
function GpuTable({ report, rows }: { report: Report; rows: MethodAggregate[] }) {
  const t = gpuTable(report, rows)
  if (!t) return null
  return (
    <table data-testid="gpu-table">
      <caption>{t.caption}</caption>
      <thead>
        <tr>
          {t.head.map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {t.rows.map((r) => (
          <tr key={r[0]} data-testid={`gpu-${r[0]}`}>
            {r.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/**
 * `actions` (where it is saved, the export buttons) come after how the run ended, so a
 * failed run's error is the first thing said, not a line under "Saved".
 */
export function ResultsView({ report, actions }: { report: Report; actions?: ReactNode }) {
  const outcome = runOutcome(report)
  const aggs = report.end.aggregates
  const estimated = cyclesEstimated(aggs)
  // a failed run with no finished trial has no figures: its empty tables and charts would only bury the error
  const groups = hasFigures(outcome) ? [...groupAggregates(aggs)] : []
  const { senderClockHz, receiverClockHz, lineRates } = headroomInputs(report)
  const said = findings(report)
  const stop = report.end.rounds?.stop
  return (
    <section className="results" aria-label="results" data-outcome={outcome.kind}>
      <RunOutcomeBanner outcome={outcome} />
      {actions}
      {said.length > 0 && (
        <ul className="findings" data-testid="findings">
          {said.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      )}
      {aggs.length === 0 && outcome.kind === 'complete' && (
        <p data-testid="no-results">No measured trial finished: there is nothing to compare yet.</p>
      )}
      {groups.length > 0 && <PairGridView report={report} />}
      {groups.map(([title, rows]) => (
        <div key={title}>
          <h3>{title}</h3>
          <table data-testid="headline-table" className="headline-table">
            <thead>
              <tr>
                <th>method</th>
                <th>{HEADLINE_HEAD}</th>
                <th>system cyc/bit{estimated ? '*' : ''}</th>
                <th>Gbit/s ±σ</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <HeadlineRow key={a.method} a={a} stop={stop} estimated={estimated} />
              ))}
            </tbody>
          </table>
          <div className="chart-row">
            <HeadlineBars aggregates={rows} />
          </div>
          <h4>Each side, and the figures behind the headline</h4>
          <table data-testid="results-table">
            <thead>
              <tr>
                <th>method</th>
                <th>Gbit/s median (min–max)</th>
                <th>95% CI</th>
                <th>cyc/bit send{estimated ? '*' : ''}</th>
                <th>recv</th>
                <th>system</th>
                <th>ctxsw/GiB</th>
                <th>syscalls/GiB</th>
                <th>notes</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <Row key={a.method} a={a} />
              ))}
            </tbody>
          </table>
          <GpuTable report={report} rows={rows} />
          {rows.some((a) => a.vsCopy) && (
            <table data-testid="vs-copy-table">
              <caption>Against copy: change, [95% interval]; negative is cheaper</caption>
              <thead>
                <tr>
                  {VS_COPY_COLUMNS.map((c) => (
                    <th key={c.head}>{c.head}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => (
                  <VsCopyRow key={a.method} a={a} />
                ))}
              </tbody>
            </table>
          )}
          <div className="chart-row">
            <ThroughputBars aggregates={rows} />
            <CyclesBars aggregates={rows} />
            <HeadroomChart
              aggregates={rows}
              lineRates={lineRates}
              senderClockHz={senderClockHz}
              receiverClockHz={receiverClockHz}
            />
          </div>
        </div>
      ))}
      {groups.length > 0 && (
        <dl className="legend muted" data-testid="legend">
          {legendTerms(
            groups.flatMap(([, rows]) => rows),
            stop
          ).map((g) => (
            <div key={g.term}>
              <dt>{g.term}</dt>
              <dd>{g.definition}</dd>
            </div>
          ))}
        </dl>
      )}
      {aggs.some((a) => a.vsCopy) && <p className="muted">{vsCopyFootnote(report)}</p>}
      {estimated && <p className="muted">* cycles estimated from CPU time × clock rate</p>}
      {report.end.warnings.length > 0 && (
        <ul className="warnings" data-testid="warnings">
          {groupWarnings(report.end.warnings).map((g) => (
            <WarningGroupItem key={g.code} g={g} />
          ))}
        </ul>
      )}
    </section>
  )
}
