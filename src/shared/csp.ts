// The app's Content-Security-Policy, in one place: the Electron shell and `zcprof ui`
// send it as a header, and the build writes it into index.html's meta tag.

const DIRECTIVES: [string, string][] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // recharts sets inline style attributes
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
  ['form-action', "'none'"]
]

/** browsers ignore these in a meta tag, and say so on the console */
const HEADER_ONLY = new Set(['frame-ancestors'])

const join = (ds: [string, string][]) => ds.map(([k, v]) => `${k} ${v}`).join('; ')

/** as a response header */
export const APP_CSP = join(DIRECTIVES)

/** as index.html's meta tag: the same policy less what a meta tag cannot carry */
export const APP_CSP_META = join(DIRECTIVES.filter(([k]) => !HEADER_ONLY.has(k)))
