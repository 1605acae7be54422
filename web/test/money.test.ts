import { describe, expect, it } from 'vitest'
import { formatMoney, fromMinor, toMinor } from '../src/lib/money'

describe('money', () => {
  it('reads typed amounts into minor units without floats', () => {
    expect(toMinor('120', 'CNY')).toBe(12000)
    expect(toMinor('120.5', 'CNY')).toBe(12050)
    expect(toMinor('0.29', 'CNY')).toBe(29)
    expect(toMinor('1.005', 'CNY')).toBeNull()
    expect(toMinor('-1', 'CNY')).toBeNull()
    expect(toMinor('abc', 'CNY')).toBeNull()
    expect(toMinor('300', 'JPY')).toBe(300)
  })
  it('writes minor units back as the input shows them', () => {
    expect(fromMinor(12050, 'CNY')).toBe('120.50')
    expect(fromMinor(5, 'CNY')).toBe('0.05')
    expect(fromMinor(300, 'JPY')).toBe('300')
  })
  it('formats in the locale', () => {
    expect(formatMoney(12050, 'CNY', 'en')).toBe('CN¥120.50')
    expect(formatMoney(12050, 'CNY', 'zh-CN')).toBe('¥120.50')
  })
})
