// One Content-Security-Policy: the header the shell and `zcprof ui` send, and the meta
// tag the build writes into the page, come from shared/csp.ts.

import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_CSP, APP_CSP_META } from '../../src/shared/csp'

const directives = (csp: string) =>
  new Map(csp.split(/;\s*/).map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)]))

describe('the app CSP', () => {
  it('allows only its own scripts, loads nothing from elsewhere, and frames nowhere', () => {
    const d = directives(APP_CSP)
    // a fixed table of what the app needs and no more
    expect(Object.fromEntries(d)).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self' 'unsafe-inline'",
      'img-src': "'self' data:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'frame-ancestors': "'none'",
      'form-action': "'none'"
    })
  })

  it('the built page carries it, less what a meta tag cannot (frame-ancestors)', () => {
    const html = readFileSync(path.join(__dirname, '../../out/renderer/index.html'), 'utf8')
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]*)"/.exec(html)![1]
    expect(meta).toBe(APP_CSP_META)
    expect(directives(meta).has('frame-ancestors')).toBe(false)
    expect(directives(meta).get('script-src')).toBe("'self'")
  })
})
