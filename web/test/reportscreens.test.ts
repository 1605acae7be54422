import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/api/client'
import { dimensionQuery, emptyFilter, filterFromQuery, granularityOf, outOfScope, queryOfFilter } from '../src/lib/reportUrl'
import { cellChange, metricLabelKey, tableMetrics } from '../src/lib/scorecard'
import { callMetrics, planQuality, qualityMetrics } from '../src/lib/serviceQuality'

const period: [string, string] = ['2026-11-09', '2026-12-08']

describe('report filters in the URL', () => {
  it('reads every filter and the granularity back from the query it wrote', () => {
    const f = { ...emptyFilter(['2026-01-01', '2026-03-31']), region: 'r1', site: 's1', technician: 't1', productLine: 'AC',
      model: 'm1', serviceType: 'repair', channel: 'phone', granularity: 'week' as const }
    const q = queryOfFilter(f)
    expect(q).toEqual({ from: '2026-01-01', to: '2026-03-31', region_id: 'r1', site_id: 's1', technician_id: 't1',
      product_line: 'AC', model_id: 'm1', service_type: 'repair', channel: 'phone', granularity: 'week' })
    expect(filterFromQuery(q, period)).toEqual(f)
  })
  it('leaves out what is not set and keeps the default period on a bad one', () => {
    expect(queryOfFilter(emptyFilter(period))).toEqual({ from: period[0], to: period[1] })
    expect(filterFromQuery({}, period)).toEqual(emptyFilter(period))
    expect(filterFromQuery({ from: '2026-02-30x', to: '2026-03-01' }, period).period).toEqual(period)
    expect(filterFromQuery({ from: '2026-03-02', to: '2026-03-01' }, period).period).toEqual(period) // reversed
    expect(filterFromQuery({ from: ['2026-03-01', 'x'], to: '2026-03-05' }, period).period).toEqual(['2026-03-01', '2026-03-05'])
    expect(filterFromQuery({ granularity: 'hour' }, period).granularity).toBe('')
  })
  it('draws the trend in the chosen granularity, else the one the period reads best in', () => {
    const f = emptyFilter(['2026-01-01', '2026-12-31'])
    expect(granularityOf(f)).toBe('month')
    expect(granularityOf({ ...f, granularity: 'day' })).toBe('day')
    expect(granularityOf(emptyFilter(period))).toBe('day')
  })
  it('sends the API its filter parameters, not the technician', () => {
    const f = { ...emptyFilter(period), technician: 't1', channel: 'sms', granularity: 'month' as const }
    expect(dimensionQuery(f)).toEqual({ from: period[0], to: period[1], region_id: undefined, site_id: undefined,
      product_line: undefined, model_id: undefined, service_type: undefined, channel: 'sms' })
  })
  it('tells a refused scope from other failures', () => {
    expect(outOfScope(new ApiError(403, { title: 'Forbidden', status: 403 } as never))).toBe(true)
    expect(outOfScope(new ApiError(404, { title: 'Not Found', status: 404 } as never))).toBe(true)
    expect(outOfScope(new ApiError(422, { title: 'Unprocessable', status: 422 } as never))).toBe(false)
    expect(outOfScope(new Error('network'))).toBe(false)
  })
})

describe('service quality', () => {
  const all = ['region', 'site', 'technician', 'product_line', 'service_type', 'channel', 'model']
  const catalogue = Object.fromEntries([...qualityMetrics, ...callMetrics].map((id) => [id,
    { id, available: id !== 'calls_service_level', dimensions: id.startsWith('calls_') ? [] : all }]))
  it('queries the calls over the period only and never the unavailable', () => {
    const p = planQuality([...qualityMetrics, ...callMetrics], catalogue, { from: 'a', to: 'b', site_id: 's1' })
    expect(p.filtered).toEqual([...qualityMetrics])
    expect(p.wide).toEqual(['calls_offered', 'calls_answered', 'calls_abandoned', 'calls_aht_seconds'])
    expect(p.unavailable).toEqual(['calls_service_level'])
  })
  it('moves a metric lacking a filter dimension to the period-only query, and an unknown one to unavailable', () => {
    const cat = { ...catalogue, parts_cost: { id: 'parts_cost', available: true, dimensions: ['site'] } }
    expect(planQuality(['parts_cost'], cat, { from: 'a', to: 'b', site_id: 's' }).filtered).toEqual(['parts_cost'])
    expect(planQuality(['parts_cost'], cat, { from: 'a', to: 'b', channel: 'sms' }).wide).toEqual(['parts_cost'])
    expect(planQuality(['nope'], cat, {}).unavailable).toEqual(['nope'])
  })
})

describe('scorecard table', () => {
  it('shows SLA misses, labelled, and colours their rise red', () => {
    expect(tableMetrics).toContain('sla_misses')
    expect(tableMetrics).toContain('technician_productivity')
    expect(metricLabelKey('technician_productivity')).toBe('reportScreens.productivity')
    expect(metricLabelKey('sla_misses')).toBe('reportScreens.slaMisses')
    expect(metricLabelKey('parts_cost')).toBe('reportMetrics.parts_cost')
    expect(metricLabelKey('orders')).toBe('scorecard.metrics.orders')
    const row = { values: { sla_misses: 3, on_time_arrival_rate: 0.9, orders: 12 }, previous: { sla_misses: 1, on_time_arrival_rate: 0.8, orders: 10 } }
    expect(cellChange(row, 'sla_misses', 'lower')).toEqual({ text: '+200.0%', up: true, tone: 'bad' })
    expect(cellChange(row, 'on_time_arrival_rate', 'higher')).toEqual({ text: '+10.0 pp', up: true, tone: 'good' })
    expect(cellChange(row, 'orders', '')?.tone).toBe('neutral')
    expect(cellChange({ values: { sla_misses: 3 } }, 'sla_misses', 'lower')).toBeNull()
  })
})
