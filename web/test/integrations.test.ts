import { describe, expect, it } from 'vitest'
import { configFromRows, configRowOf, eventKey, mergeNewest, urlProblem, type ConfigRow } from '../src/lib/integrations'

describe('an outbound URL, checked in form as the server does', () => {
  it.each([
    ['https://hooks.example.com/in', ''],
    ['http://127.0.0.1:8080/x?y=1', ''],
    ['hooks.example.com/in', 'notAbsolute'],
    ['', 'notAbsolute'],
    ['ftp://files.example.com/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['https://user:pw@hooks.example.com/', 'credentials'],
    ['https://hooks.example.com/#frag', 'credentials'],
    ['https://hooks.example.com:70000/', 'port'],
    ['http://[::1]:0/', 'port'],
    ['https://hooks.example.com/' + 'a'.repeat(2000), 'tooLong'],
  ])('%s → %s', (raw, want) => {
    expect(urlProblem(raw)).toBe(want)
  })

  it('takes the schemes given (a binding may use ws)', () => {
    expect(urlProblem('wss://pbx.example.com/ws')).toBe('scheme')
    expect(urlProblem('wss://pbx.example.com/ws', ['http', 'https', 'ws', 'wss'])).toBe('')
  })
})

describe("a binding's configuration as rows", () => {
  const row = (key: string, kind: ConfigRow['kind'], value: string): ConfigRow => ({ key, kind, value })

  it('reads each value as its kind says', () => {
    const { config, problems } = configFromRows([row('dial_url', 'text', 'https://pbx.example/dial'), row('timeout_ms', 'number', '4000'),
      row('caller_id', 'text', '4008001234'), row('vip_fallback', 'boolean', 'true'), row('rules', 'json', '["sunday_open_only"]')])
    expect(problems).toEqual({})
    expect(config).toEqual({ dial_url: 'https://pbx.example/dial', timeout_ms: 4000, caller_id: '4008001234', vip_fallback: true,
      rules: ['sunday_open_only'] })
  })

  it('names the rows that are wrong, and keeps the good ones', () => {
    const { config, problems } = configFromRows([row('', 'text', 'x'), row('a', 'number', 'four'), row('a', 'text', 'y'),
      row('b', 'json', '{not json'), row('c', 'text', 'ftp://files.example/'), row('d', 'json', '{"hooks": ["http://ok.example", "gopher://x"]}'),
      row('e', 'number', ''), row('ok', 'text', 'no url here')])
    expect(problems).toEqual({ 0: 'key', 1: 'number', 3: 'json', 4: 'url.scheme', 5: 'url.scheme', 6: 'number' })
    expect(config).toEqual({ a: 'y', ok: 'no url here' })
  })

  it("finds the row a server's field error names", () => {
    const rows = [row('caller_id', 'text', '1'), row('dial_url', 'text', 'http://10.0.0.1/')]
    expect(configRowOf('config.dial_url', rows)).toBe(1)
    expect(configRowOf('config.dial_url[0].x', rows)).toBe(1)
    expect(configRowOf('config', rows)).toBe(-1)
    expect(configRowOf('name', rows)).toBe(-1)
  })
})

describe('a refreshed first page over a list', () => {
  it('replaces the rows it holds, puts new ones on top and keeps older pages', () => {
    const shown = [{ id: 'b', s: 'pending' }, { id: 'a', s: 'delivered' }, { id: 'old', s: 'failed' }]
    const fresh = [{ id: 'c', s: 'pending' }, { id: 'b', s: 'delivered' }, { id: 'a', s: 'delivered' }]
    expect(mergeNewest(shown, fresh)).toEqual([{ id: 'c', s: 'pending' }, { id: 'b', s: 'delivered' }, { id: 'a', s: 'delivered' },
      { id: 'old', s: 'failed' }])
  })
})

describe('event type descriptions', () => {
  it('are keyed without dots', () => {
    expect(eventKey('work_order.sla_breached')).toBe('work_order_sla_breached')
    expect(eventKey('*')).toBe('_')
  })
})
