// A borderless table for the terminal, as hyperfine and iperf3 print theirs: a head,
// a rule under it, one line a row (no rule between rows), two spaces between columns.
// The last column wraps to fit the width; a table that cannot fit says so by
// overflowing rather than by cutting figures.

import { cyan, dim } from './terminal'

export interface DrawOptions {
  color?: boolean
  /** the last column wraps to keep each line within this many columns */
  width?: number
  /**
   * where the last column cannot have its natural width, it goes on the line under its
   * row (from the second column on), not into a narrow strip of one word a line
   */
  lastUnder?: boolean
}

const GUTTER = '  '

/** words of `text` in lines of at most `width` (a word longer than that stands alone) */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  return line || !lines.length ? [...lines, line] : lines
}

/**
 * prose in lines of at most `width` columns: the first line after `first`, the rest
 * after `rest` (a hanging indent), so a list item's wrapped words line up under its
 * text. Unlike wrap, the spaces between words on a line stay as written ("[A] x  vs
 * [B] y" keeps its two), so a line that fits reads as it did unwrapped.
 */
export function paragraph(text: string, width: number, first = '', rest = first): string[] {
  const room = Math.max(20, width - Math.max(first.length, rest.length))
  const lines: string[] = []
  let line = ''
  // tabs and line breaks count as one space: a column count needs one-column characters
  for (const [, space, word] of text.replace(/\s/g, ' ').matchAll(/( *)(\S+)/g)) {
    if (line && line.length + space.length + word.length > room) {
      lines.push(line)
      line = word
    } else line = line ? line + space + word : word
  }
  lines.push(line)
  return lines.map((l, i) => (i === 0 ? first : rest) + l)
}

export function drawTable(head: string[], rows: string[][], opts: DrawOptions = {}): string {
  const color = opts.color ?? false
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)))
  const last = head.length - 1
  if (opts.width !== undefined) {
    // the last column gets what the others leave, but never less than its head
    const others = widths.slice(0, last).reduce((a, w) => a + w + GUTTER.length, 0)
    widths[last] = Math.max(head[last].length, Math.min(widths[last], opts.width - others))
  }
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === last ? cell : cell.padEnd(widths[c])))
      .join(GUTTER)
      .trimEnd()
  const natural = Math.max(head[last].length, ...rows.map((r) => (r[last] ?? '').length))
  if (opts.lastUnder && opts.width !== undefined && widths[last] < natural && last > 1) {
    const indent = ' '.repeat(widths[0] + GUTTER.length)
    const out = [
      cyan(line(head.slice(0, last)), color),
      dim(line(widths.slice(0, last).map((w) => '─'.repeat(w))), color)
    ]
    for (const r of rows) {
      out.push(line(r.slice(0, last)))
      if (r[last]) for (const l of wrap(r[last], Math.max(20, opts.width - indent.length))) out.push(indent + l)
    }
    return out.join('\n')
  }
  const out = [cyan(line(head), color), dim(line(widths.map((w) => '─'.repeat(w))), color)]
  for (const r of rows) {
    const wrapped = wrap(r[last] ?? '', widths[last])
    out.push(line([...r.slice(0, last), wrapped[0]]))
    for (const more of wrapped.slice(1)) out.push(line([...widths.slice(0, last).map(() => ''), more]))
  }
  return out.join('\n')
}
