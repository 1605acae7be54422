import { describe, expect, it } from 'vitest'
import { sharesOf } from '../src/lib/shares'

describe('the reputation weights shares', () => {
  it('gives each weight its percent of the total', () => {
    const defaults = { response: 20, arrival: 20, first_time_fix: 15, satisfaction: 25, complaints: 15, claim_anomalies: 5 }
    expect(sharesOf(defaults)).toEqual({ response: 20, arrival: 20, first_time_fix: 15, satisfaction: 25, complaints: 15, claim_anomalies: 5 })
    expect(sharesOf({ ...defaults, satisfaction: 65 })).toEqual(
      { response: 14, arrival: 14, first_time_fix: 11, satisfaction: 46, complaints: 11, claim_anomalies: 4 })
  })

  it('counts a cleared, negative or non-number weight as 0, and gives 0 to all when none is above 0', () => {
    expect(sharesOf({ a: 1, b: Number.NaN, c: -3, d: 3 })).toEqual({ a: 25, b: 0, c: 0, d: 75 })
    expect(sharesOf({ a: 0, b: 0 })).toEqual({ a: 0, b: 0 })
  })
})
