import { describe, expect, it } from 'vitest'
import { change, defaultPeriod, formatValue, granularityFor, ranking } from '../src/lib/reports'

describe('reports', () => {
  it('picks a period and a granularity', () => {
    expect(defaultPeriod(new Date(2026, 2, 10), 30)).toEqual(['2026-02-09', '2026-03-10'])
    // The tenant's today, not the browser's: 16:30 UTC is past midnight in Shanghai.
    expect(defaultPeriod(new Date('2026-12-07T16:30:00Z'), 30, 'Asia/Shanghai')).toEqual(['2026-11-09', '2026-12-08'])
    expect(defaultPeriod(new Date('2026-12-07T16:30:00Z'), 30, 'UTC')).toEqual(['2026-11-08', '2026-12-07'])
    expect(defaultPeriod(new Date('2026-03-01T12:00:00Z'), 90, 'Asia/Shanghai')).toEqual(['2025-12-02', '2026-03-01'])
    expect(granularityFor('2026-01-01', '2026-01-31')).toBe('day')
    expect(granularityFor('2026-01-01', '2026-05-31')).toBe('week')
    expect(granularityFor('2026-01-01', '2026-12-31')).toBe('month')
  })
  it('formats values and changes', () => {
    expect(formatValue(0.9712, 'ratio', 'en')).toBe('97.1%')
    expect(formatValue(null, 'ratio', 'en')).toBe('—')
    expect(formatValue(1234, 'count', 'en')).toBe('1,234')
    // money: minor units (fen) with two decimals
    expect(formatValue(123456, 'money', 'en')).toBe('1,234.56')
    expect(formatValue(2550, 'money', 'zh-CN')).toBe('25.50')
    expect(formatValue(0, 'money', 'en')).toBe('0.00')
    expect(change(0.97, 0.9, 'ratio')).toEqual({ text: '+7.0 pp', up: true })
    expect(change(90, 100, 'count')).toEqual({ text: '-10.0%', up: false })
    expect(change(5, 0, 'count')).toBeNull()
    expect(change(5, null, 'count')).toBeNull()
  })
  it('ranks sites best first, without the unassigned', () => {
    const rows = [
      { group: { site: 'b' }, values: { r: 0.5 } },
      { group: { site: '' }, values: { r: 0.9 } },
      { group: { site: 'a' }, values: { r: 0.8 } },
      { group: { site: 'c' }, values: { r: null } },
    ]
    expect(ranking(rows, 'r')).toEqual([{ site: 'a', value: 0.8 }, { site: 'b', value: 0.5 }])
  })
})
