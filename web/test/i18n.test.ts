import { describe, expect, it } from 'vitest'
import zh from '../src/i18n/zh-CN'
import en from '../src/i18n/en'

function leaves(o: object, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') Object.assign(out, leaves(v, `${prefix}${k}.`))
    else out[`${prefix}${k}`] = String(v)
  }
  return out
}

describe('portal texts', () => {
  const z = leaves(zh)
  const e = leaves(en)

  it('have the same keys in zh-CN and en', () => {
    expect(Object.keys(e).sort()).toEqual(Object.keys(z).sort())
  })

  it('are never empty, and the same placeholders appear in both languages', () => {
    for (const [k, v] of Object.entries(z)) {
      expect(v.trim(), `zh-CN ${k}`).not.toBe('')
      expect(e[k].trim(), `en ${k}`).not.toBe('')
      const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort()
      expect(names(e[k]), k).toEqual(names(v))
    }
  })

  it('are in Chinese in zh-CN', () => {
    const latinOnly = Object.entries(z).filter(([, v]) => !/[\u4e00-\u9fff]/.test(v) && !/^[A-Za-z ]*(API|Webhook|SLA)/.test(v))
    expect(latinOnly).toEqual([])
  })
})
