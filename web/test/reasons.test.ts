import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import { load } from 'js-yaml'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { queueReasonText, reasonText, reasonTexts, type Reason } from '../src/lib/reasons'

function translator(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { 'zh-CN': zh, en } })
  const g = i18n.global
  return { t: (k: string, v: Record<string, unknown>) => g.t(k, v), te: (k: string) => g.te(k) }
}

const zhT = translator('zh-CN')
const enT = translator('en')

describe('reasons', () => {
  it('are said in the reader language by their code, with their values', () => {
    const d: Reason = { code: 'covers_radius', values: { radius_km: 30, km: 3.2 } }
    const text = 'covers address (radius 30 km, distance 3.2 km)'
    expect(reasonText(zhT.t, zhT.te, text, d)).toBe('覆盖该地址（服务半径 30 公里，距离 3.2 公里）')
    expect(reasonText(enT.t, enT.te, text, d)).toBe(text)
  })

  it("say a site's status in the reader's words", () => {
    const d: Reason = { code: 'site_inactive', values: { status: 'suspended' } }
    expect(reasonText(zhT.t, zhT.te, 'excluded: site is suspended', d)).toBe('排除：网点已停用')
    const unknown: Reason = { code: 'site_inactive', values: { status: 'on_holiday' } }
    expect(reasonText(zhT.t, zhT.te, 'excluded: site is on_holiday', unknown)).toBe('排除：网点on_holiday')
  })

  it('fall back to the text for free text, an unknown code, or no code', () => {
    const plugin = 'tenant: closed on Sundays'
    expect(reasonText(zhT.t, zhT.te, plugin, { code: 'text' })).toBe(plugin)
    expect(reasonText(zhT.t, zhT.te, 'a newer reason', { code: 'from_a_newer_engine', values: { x: 1 } })).toBe('a newer reason')
    expect(reasonText(zhT.t, zhT.te, 'stored before codes', undefined)).toBe('stored before codes')
    expect(reasonText(zhT.t, zhT.te, undefined, null)).toBe('')
  })

  it("of a candidate are said one for one, and as written when the details do not match (a decision stored before codes)", () => {
    const texts = ['available', 'tenant: senior technician']
    const details: Reason[] = [{ code: 'available' }, { code: 'text' }]
    expect(reasonTexts(zhT.t, zhT.te, texts, details)).toEqual(['可接单', 'tenant: senior technician'])
    expect(reasonTexts(zhT.t, zhT.te, texts, undefined)).toEqual(texts)
    expect(reasonTexts(zhT.t, zhT.te, texts, [{ code: 'available' }])).toEqual(texts)
    expect(reasonTexts(zhT.t, zhT.te, null, null)).toEqual([])
  })

  it("of the queue come from the decision's outcome when the engine queued the order", () => {
    const outcome = { kind: 'queued' as const, at: '2026-12-06T00:00:00Z', site_id: null, technician_id: null, reason: 'no suitable site', reason_detail: { code: 'no_suitable_site' } }
    const decision = { outcome } as never
    expect(queueReasonText(zhT.t, zhT.te, { queue_reason: 'no suitable site', dispatch_decision: decision })).toBe('没有合适的网点')
    // A queue reason the outcome does not hold (a timeout re-queued it) is shown as written.
    expect(queueReasonText(zhT.t, zhT.te, { queue_reason: 'acceptance timeout: no suitable site', dispatch_decision: decision }))
      .toBe('acceptance timeout: no suitable site')
    expect(queueReasonText(zhT.t, zhT.te, { queue_reason: 'x', dispatch_decision: null })).toBe('x')
  })
})

// The spec lists every code with its English template (api/reasons.go
// writes the list from the templates the engine writes by).
function documentedTemplates(): Map<string, string> {
  type Spec = { components: { schemas: { Reason: { properties: { code: { description: string } } } } } }
  const spec = load(readFileSync(new URL('../../openapi/openapi.yaml', import.meta.url), 'utf8')) as Spec
  const doc = spec.components.schemas.Reason.properties.code.description
  const out = new Map<string, string>()
  for (const m of doc.matchAll(/^- `(\w+)`: (.*)$/gm)) out.set(m[1], m[2])
  return out
}

describe('every code the API documents', () => {
  const templates = documentedTemplates()
  const names = (s: string) => [...s.matchAll(/\{(\w+)(?::n)?\}/g)].map((m) => m[1]).sort()

  it('is listed', () => {
    expect(templates.size).toBeGreaterThan(40)
    expect(templates.get('covers_radius')).toBe('covers address (radius {radius_km:n} km, distance {km:n} km)')
  })

  it('has a message in zh-CN and en with the values of its template', () => {
    const codes = zh.reasons.codes as Record<string, string>
    const enCodes = en.reasons.codes as Record<string, string>
    for (const [code, template] of templates) {
      expect(codes[code], `zh-CN reasons.codes.${code}`).toBeTruthy()
      expect(enCodes[code], `en reasons.codes.${code}`).toBeTruthy()
      expect(names(codes[code]), code).toEqual(names(template))
    }
    expect(Object.keys(codes).sort()).toEqual([...templates.keys()].sort())
  })

  it('is said in en as the API writes it', () => {
    // Fill each template with sample values; the en message gives the same text.
    for (const [code, template] of templates) {
      const values: Record<string, unknown> = {}
      for (const m of template.matchAll(/\{(\w+)(:n)?\}/g)) values[m[1]] = m[2] ? 7 : 'x'
      const text = template.replace(/\{(\w+)(:n)?\}/g, (_, _n, num) => (num ? '7' : 'x'))
      expect(reasonText(enT.t, enT.te, 'unused', { code, values }), code).toBe(text)
    }
  })
})
