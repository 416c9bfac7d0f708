// Text from a report, a peer or a file reaches the terminal only as printable
// characters: a title holding ESC ] 0 ; … BEL must not retitle the terminal, and a
// hostname must not move the cursor over the figures. Tabs and newlines stay;
// every other C0 and C1 control, DEL, and the bidi overrides that reorder text go.

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

export function printable(text: string): string {
  return text.replace(CONTROLS, '')
}

/** every string in a value (a report, an entry, an error) made printable; the value is copied */
export function printableDeep<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T
  if (Array.isArray(value)) return value.map(printableDeep) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = printableDeep(v)
    return out as T
  }
  return value
}

/** text cut to n characters (code points, so no pair is split), the cut marked with "…" */
export function cutText(text: string, n: number): string {
  const chars = [...text]
  return chars.length <= n ? text : `${chars.slice(0, Math.max(0, n - 1)).join('')}…`
}
