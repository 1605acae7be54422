import { describe, expect, it } from 'vitest'
import { bucketPeriod, drillCount, drillLink } from '@/views/reports/drill'

describe('report drill', () => {
  it('gives a series point its days, clipped to the period', () => {
    expect(bucketPeriod('2026-03-04', 'day', '2026-03-01', '2026-03-31')).toEqual(['2026-03-04', '2026-03-04'])
    expect(bucketPeriod('2026-03-02', 'week', '2026-03-01', '2026-06-30')).toEqual(['2026-03-02', '2026-03-08'])
    // The first ISO week begins before the period, the last ends after it.
    expect(bucketPeriod('2026-02-23', 'week', '2026-03-01', '2026-06-30')).toEqual(['2026-03-01', '2026-03-01'])
    expect(bucketPeriod('2026-06-29', 'week', '2026-03-01', '2026-06-30')).toEqual(['2026-06-29', '2026-06-30'])
    expect(bucketPeriod('2026-02-01', 'month', '2026-01-15', '2026-12-31')).toEqual(['2026-02-01', '2026-02-28'])
    expect(bucketPeriod('2028-02-01', 'month', '2028-01-01', '2028-12-31')).toEqual(['2028-02-01', '2028-02-29'])
    expect(bucketPeriod('2026-12-01', 'month', '2026-01-01', '2026-12-20')).toEqual(['2026-12-01', '2026-12-20'])
  })
  it('counts the records in the number and all of them', () => {
    expect(drillCount([{ counted: true }, { counted: false }, { counted: true }])).toEqual({ counted: 2, total: 3 })
    expect(drillCount([])).toEqual({ counted: 0, total: 0 })
  })
  it('links a record to its page', () => {
    expect(drillLink({ kind: 'complaint', id: 'c1', work_order_id: 'w' })).toBe('/complaints/c1')
    expect(drillLink({ kind: 'claim', id: 'k1' })).toBe('/claims/k1')
    expect(drillLink({ kind: 'callback', id: 'b', work_order_id: 'w1' })).toBe('/orders/w1')
    expect(drillLink({ kind: 'call', id: 'x' })).toBe('')
  })
})
