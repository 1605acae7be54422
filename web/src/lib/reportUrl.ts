// The report screens' filters in the URL query: the period, the region,
// site and technician, the product line, model, service type and channel,
// and the trend's granularity, so that a link, a reload or the back button
// shows the same numbers.
import { granularityFor } from './reports'

export type Granularity = 'day' | 'week' | 'month'
export const granularities: readonly Granularity[] = ['day', 'week', 'month']

// ReportFilter is a screen's filter state. Empty strings are "any";
// granularity '' follows the period (granularityFor).
export type ReportFilter = {
  period: [string, string]
  region: string
  site: string
  technician: string
  productLine: string
  model: string
  serviceType: string
  channel: string
  granularity: Granularity | ''
}

// The URL parameter of each field: the API's own names.
const params: [keyof Omit<ReportFilter, 'period'>, string][] = [['region', 'region_id'], ['site', 'site_id'],
  ['technician', 'technician_id'], ['productLine', 'product_line'], ['model', 'model_id'], ['serviceType', 'service_type'],
  ['channel', 'channel'], ['granularity', 'granularity']]

const isDay = (s: unknown): s is string => typeof s === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s))
const first = (v: unknown): unknown => (Array.isArray(v) ? v[0] : v)

export function emptyFilter(period: [string, string]): ReportFilter {
  return { period, region: '', site: '', technician: '', productLine: '', model: '', serviceType: '', channel: '', granularity: '' }
}

// filterFromQuery reads a filter from a route's query; a missing or
// malformed period keeps `period`, an unknown granularity follows the period.
export function filterFromQuery(query: Record<string, unknown>, period: [string, string]): ReportFilter {
  const f = emptyFilter(period)
  const from = first(query.from)
  const to = first(query.to)
  if (isDay(from) && isDay(to) && from <= to) f.period = [from, to]
  for (const [field, param] of params) {
    const v = first(query[param])
    if (typeof v === 'string') (f as Record<string, unknown>)[field] = v
  }
  if (!granularities.includes(f.granularity as Granularity)) f.granularity = ''
  return f
}

// queryOfFilter is the URL query of a filter: only what is set.
export function queryOfFilter(f: ReportFilter): Record<string, string> {
  const q: Record<string, string> = { from: f.period[0], to: f.period[1] }
  for (const [field, param] of params) {
    if (f[field]) q[param] = f[field]
  }
  return q
}

// granularityOf is the granularity a filter's trend is drawn in: the chosen
// one, else the one that keeps the period readable.
export function granularityOf(f: ReportFilter): Granularity {
  return f.granularity || granularityFor(f.period[0], f.period[1])
}

// dimensionQuery is the API's filter parameters of a filter (without the
// technician, which only the technician view sends).
export function dimensionQuery(f: ReportFilter) {
  return { from: f.period[0], to: f.period[1], region_id: f.region || undefined, site_id: f.site || undefined,
    product_line: f.productLine || undefined, model_id: f.model || undefined, service_type: f.serviceType || undefined,
    channel: f.channel || undefined }
}

// outOfScope: the server refused a filter the caller does not hold (403
// naming it) or cannot see (a site's reputation: 404): the screen says so
// in words, not with the server's English detail.
export function outOfScope(e: unknown): boolean {
  const status = (e as { status?: unknown } | null)?.status
  return typeof status === 'number' && (status === 403 || status === 404) && e instanceof Error
}
