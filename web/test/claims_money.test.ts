import { describe, expect, it } from 'vitest'
import { money } from '@/views/claims/money'

describe('claim money', () => {
  it('renders minor units with two decimals and the currency', () => {
    expect(money(530000, 'CNY')).toBe('5300.00 CNY')
    expect(money(5, 'CNY')).toBe('0.05 CNY')
    expect(money(-5000, 'CNY')).toBe('-50.00 CNY')
    expect(money(undefined, 'EUR')).toBe('0.00 EUR')
  })
})
