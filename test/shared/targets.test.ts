import { describe, expect, it } from 'vitest'
import { isLoopback, parseTarget } from '../../src/shared/targets'

describe('parseTarget', () => {
  it('tcp over IPv4 with and without a port', () => {
    expect(parseTarget('tcp://127.0.0.1:5201')).toMatchObject({
      kind: 'tcp',
      family: 'inet',
      host: '127.0.0.1',
      port: 5201
    })
    expect(parseTarget('tcp://127.0.0.1')).toMatchObject({ port: null })
    expect(parseTarget('tcp://localhost')).toMatchObject({ host: '127.0.0.1' })
  })
  it('tcp over IPv6 in brackets', () => {
    expect(parseTarget('tcp://[::1]:7000')).toMatchObject({ family: 'inet6', host: '::1', port: 7000 })
    expect(parseTarget('tcp://[::1]')).toMatchObject({ family: 'inet6', port: null })
  })
  it('unix sockets, given or temporary', () => {
    expect(parseTarget('unix:///tmp/a.sock')).toMatchObject({ kind: 'unix', path: '/tmp/a.sock' })
    expect(parseTarget('unix://')).toMatchObject({ kind: 'unix', path: null })
  })
  it.each([
    ['127.0.0.1', /no scheme/],
    ['udp://127.0.0.1', /unknown scheme 'udp'/],
    ['tcp://example.com', /not a numeric IPv4/],
    ['tcp://127.0.0.1:99999', /port outside/],
    ['unix://relative.sock', /absolute/],
    [`unix:///${'x'.repeat(120)}`, /longer than 107/]
  ])('rejects %s with a reason and the accepted forms', (text, why) => {
    expect(() => parseTarget(text)).toThrow(why)
    expect(() => parseTarget(text)).toThrow(/tcp:\/\/127\.0\.0\.1/)
  })
  it('knows loopback', () => {
    expect(isLoopback(parseTarget('tcp://127.1.2.3'))).toBe(true)
    expect(isLoopback(parseTarget('tcp://[::1]'))).toBe(true)
    expect(isLoopback(parseTarget('tcp://192.168.1.1'))).toBe(false)
  })
})
