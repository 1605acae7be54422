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
    expect(change(0.97, 0.9, 'ratio', 'higher')).toEqual({ text: '+7.0 pp', up: true, tone: 'good' })
    expect(change(90, 100, 'count', 'higher')).toEqual({ text: '-10.0%', up: false, tone: 'bad' })
    expect(change(5, 0, 'count')).toBeNull()
    expect(change(5, null, 'count')).toBeNull()
  })
  it('colours a change by whether higher is better', () => {
    // More SLA misses, complaints, hours to complete, repeat repairs or cost is bad news.
    expect(change(12, 10, 'count', 'lower')).toEqual({ text: '+20.0%', up: true, tone: 'bad' })
    expect(change(8, 10, 'count', 'lower')).toEqual({ text: '-20.0%', up: false, tone: 'good' })
    expect(change(30, 20, 'hours', 'lower')?.tone).toBe('bad')
    expect(change(0.12, 0.1, 'ratio', 'lower')).toEqual({ text: '+2.0 pp', up: true, tone: 'bad' })
    expect(change(5000, 4000, 'money', 'lower')?.tone).toBe('bad')
    expect(change(0.8, 0.9, 'ratio', 'higher')?.tone).toBe('bad')
    // A volume (orders, workload) is neither; so is a metric whose direction is not given, and no move.
    expect(change(120, 100, 'count', '')?.tone).toBe('neutral')
    expect(change(120, 100, 'count')?.tone).toBe('neutral')
    expect(change(0.9, 0.9, 'ratio', 'higher')?.tone).toBe('neutral')
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
