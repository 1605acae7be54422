import { describe, expect, it } from 'vitest'
import { money } from '@/views/claims/money'

describe('claim money', () => {
  it('renders minor units with two decimals and the currency', () => {
    expect(money(530000, 'CNY')).toBe('5300.00 CNY')
    expect(money(5, 'CNY')).toBe('0.05 CNY')
    expect(money(-5000, 'CNY')).toBe('-50.00 CNY')
    expect(money(undefined, 'EUR')).toBe('0.00 EUR')
  })
  it('uses the currency\'s decimals: yen have none, dinars three', () => {
    expect(money(1234, 'JPY')).toBe('1234 JPY')
    expect(money(-1234, 'KRW')).toBe('-1234 KRW')
    expect(money(1234, 'KWD')).toBe('1.234 KWD')
    expect(money(1234, 'CNY')).toBe('12.34 CNY')
  })
})
