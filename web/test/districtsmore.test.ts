import { describe, expect, it } from 'vitest'
import { createI18n } from 'vue-i18n'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'
import { reasonText, type Reason } from '../src/lib/reasons'

function translator(locale: 'zh-CN' | 'en') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'en', messages: { 'zh-CN': zh, en } })
  const g = i18n.global
  return { t: (k: string, v: Record<string, unknown>) => g.t(k, v), te: (k: string) => g.te(k) }
}

describe('district coverage reasons', () => {
  it('name the matched district when the decision carries its name', () => {
    const d: Reason = { code: 'covers_district', values: { district: '450304', district_name: '广西壮族自治区桂林市象山区', km: 12.5 } }
    const text = 'covers address (district 450304 广西壮族自治区桂林市象山区, distance 12.5 km)'
    expect(reasonText(translator('zh-CN').t, translator('zh-CN').te, text, d)).toBe('覆盖该地址（服务区县 广西壮族自治区桂林市象山区（450304），距离 12.5 公里）')
    expect(reasonText(translator('en').t, translator('en').te, text, d)).toBe(text)
    const s: Reason = { code: 'covers_district_secondary', values: { district: '450304', district_name: '广西壮族自治区桂林市象山区', km: 1 } }
    expect(reasonText(translator('zh-CN').t, translator('zh-CN').te, '', s)).toBe('覆盖该地址（备用服务区县 广西壮族自治区桂林市象山区（450304），距离 1 公里）')
  })

  it('keep the code-only message for decisions stored before names', () => {
    const d: Reason = { code: 'covers_district', values: { district: '450304', km: 3 } }
    expect(reasonText(translator('zh-CN').t, translator('zh-CN').te, 'x', d)).toBe('覆盖该地址（服务区县 450304，距离 3 公里）')
  })
})
