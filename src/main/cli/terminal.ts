// What the terminal can take: colour only on a terminal and never under NO_COLOR
// (no-color.org), and the width tables are fitted to. Every command asks here.

/** the width for output that is not a terminal (a file, a pipe, CI logs) */
export const DEFAULT_WIDTH = 100

export function colorFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  // a terminal that says it draws no colour (Emacs shells, some CI consoles)
  if (env.TERM === 'dumb') return false
  return Boolean(stream.isTTY)
}

/** the terminal's width, else DEFAULT_WIDTH; $COLUMNS overrides both */
export function widthFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS)
  if (Number.isInteger(fromEnv) && fromEnv >= 40) return fromEnv
  return stream.isTTY && stream.columns ? stream.columns : DEFAULT_WIDTH
}

export const bold = (text: string, color: boolean) => (color ? `\x1b[1m${text}\x1b[0m` : text)
export const cyan = (text: string, color: boolean) => (color ? `\x1b[36m${text}\x1b[0m` : text)
export const dim = (text: string, color: boolean) => (color ? `\x1b[2m${text}\x1b[0m` : text)
