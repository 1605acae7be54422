import { describe, expect, it } from 'vitest'
import { formatMoney, fromMajor, fromMinor, minorDigits, toMajor, toMinor } from '../src/lib/money'

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
  it('counts in the ISO 4217 minor unit of the currency, not two decimals', () => {
    expect(minorDigits('JPY')).toBe(0)
    expect(minorDigits('krw')).toBe(0)
    expect(minorDigits('CNY')).toBe(2)
    expect(minorDigits('KWD')).toBe(3)
    expect(minorDigits('IDR')).toBe(2) // ISO's 2, though browsers (CLDR) show rupiah without decimals
    expect(minorDigits('XYZ')).toBe(2)
    expect(fromMinor(1234, 'JPY')).toBe('1234')
    expect(fromMinor(1234, 'CNY')).toBe('12.34')
    expect(fromMinor(1234, 'BHD')).toBe('1.234')
    expect(formatMoney(1234, 'JPY', 'en')).toBe('¥1,234')
    expect(formatMoney(1234, 'CNY', 'zh-CN')).toBe('¥12.34')
    expect(formatMoney(123456, 'IDR', 'en')).toBe('IDR 1,234.56')
    expect(toMajor(1234, 'JPY')).toBe(1234)
    expect(toMajor(1234, 'CNY')).toBe(12.34)
    expect(fromMajor(1234, 'JPY')).toBe(1234)
    expect(fromMajor(12.34, 'CNY')).toBe(1234)
    expect(fromMajor(0.1 + 0.2, 'CNY')).toBe(30)
    expect(fromMajor(1.234, 'KWD')).toBe(1234)
  })
})
