// Scorecard helpers (region view, site scorecard, technician view).
import { change } from './reports'

export type ScorecardView = 'region' | 'site' | 'technician'

// The columns of the scorecards' tables.
export const tableMetrics = ['orders', 'response_in_target_rate', 'on_time_arrival_rate', 'satisfaction_mean', 'complaints',
  'technician_workload', 'completed', 'technician_productivity', 'repeat_repairs_30d', 'parts_cost', 'claim_cost_per_order', 'claim_anomaly_rate', 'sla_misses'] as const

// The table's metrics whose labels are under reportMetrics (the others' under scorecard.metrics).
export const laterMetrics: readonly string[] = ['repeat_repairs_30d', 'parts_cost', 'claim_cost_per_order', 'claim_anomaly_rate']

// metricLabelKey is the i18n key of a table metric's label.
export function metricLabelKey(id: string): string {
  if (id === 'sla_misses') return 'reportScreens.slaMisses'
  if (id === 'technician_productivity') return 'reportScreens.productivity'
  return laterMetrics.includes(id) ? `reportMetrics.${id}` : `scorecard.metrics.${id}`
}

// Every metric a scorecard asks for: the table's and the satisfaction distribution.
export const scorecardMetrics = [...tableMetrics, 'satisfaction_1', 'satisfaction_2', 'satisfaction_3', 'satisfaction_4',
  'satisfaction_5'] as const

type Values = Record<string, number | null | undefined>

// distribution is the count of orders scored 1…5.
export function distribution(v: Values): number[] {
  return [1, 2, 3, 4, 5].map((i) => v[`satisfaction_${i}`] ?? 0)
}

// trendSeries splits a series into the chart's lines, one point per bucket.
export function trendSeries(series: { start: string; values: Values }[]) {
  return {
    days: series.map((p) => p.start),
    orders: series.map((p) => p.values.orders ?? 0),
    response: series.map((p) => p.values.response_in_target_rate ?? null),
    arrival: series.map((p) => p.values.on_time_arrival_rate ?? null),
  }
}

// techRanking sorts the technicians by a metric, highest first, leaving out
// the orders without a technician; at most `limit`.
export function techRanking(rows: { group: Record<string, string>; values: Values }[], metric: string, limit = 15) {
  return rows
    .filter((r) => r.group.technician && typeof r.values[metric] === 'number')
    .map((r) => ({ id: r.group.technician, value: r.values[metric] as number }))
    .sort((a, b) => b.value - a.value || a.id.localeCompare(b.id))
    .slice(0, limit)
}

// unitOf is the display unit of a table metric.
export function unitOf(metric: string): string {
  if (metric === 'parts_cost' || metric === 'claim_cost_per_order') return 'money'
  return metric.endsWith('_rate') || metric === 'repeat_repairs_30d' ? 'ratio' : metric === 'satisfaction_mean' ? 'score' : 'count'
}

// cellChange is a table cell's change against the previous period, toned
// by the catalogue's `better` for the metric (more SLA misses: bad).
export function cellChange(row: { values: Values; previous?: Values }, metric: string, better: string | undefined) {
  return change(row.values[metric], row.previous?.[metric], unitOf(metric), better)
}
