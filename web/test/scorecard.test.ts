import { describe, expect, it } from 'vitest'
import { distribution, scorecardMetrics, techRanking, trendSeries, unitOf } from '@/lib/scorecard'

describe('scorecard', () => {
  it('reads the satisfaction distribution, 0 where absent', () => {
    expect(distribution({ satisfaction_1: 2, satisfaction_3: null, satisfaction_5: 7 })).toEqual([2, 0, 0, 0, 7])
    expect(scorecardMetrics).toContain('satisfaction_5')
  })
  it('ranks technicians by a metric, leaving out unassigned orders and missing values', () => {
    const rows = [
      { group: { technician: 'b' }, values: { technician_workload: 5 } },
      { group: { technician: '' }, values: { technician_workload: 50 } },
      { group: { technician: 'a' }, values: { technician_workload: 5 } },
      { group: { technician: 'c' }, values: { technician_workload: null } },
      { group: { technician: 'd' }, values: { technician_workload: 9 } },
    ]
    expect(techRanking(rows, 'technician_workload')).toEqual([{ id: 'd', value: 9 }, { id: 'a', value: 5 }, { id: 'b', value: 5 }])
    expect(techRanking(rows, 'technician_workload', 1)).toHaveLength(1)
  })
  it('splits a series into lines', () => {
    const s = trendSeries([{ start: '2026-12-01', values: { orders: 3, response_in_target_rate: 0.5 } }, { start: '2026-12-02', values: {} }])
    expect(s).toEqual({ days: ['2026-12-01', '2026-12-02'], orders: [3, 0], response: [0.5, null], arrival: [null, null] })
  })
  it('formats rates as ratios', () => {
    expect(unitOf('on_time_arrival_rate')).toBe('ratio')
    expect(unitOf('satisfaction_mean')).toBe('score')
    expect(unitOf('orders')).toBe('count')
    expect(unitOf('repeat_repairs_30d')).toBe('ratio')
    expect(unitOf('claim_anomaly_rate')).toBe('ratio')
    expect(unitOf('parts_cost')).toBe('money')
    expect(unitOf('claim_cost_per_order')).toBe('money')
  })
})
