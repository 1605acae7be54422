// Report helpers: periods, value formatting, change against the previous
// period, the site ranking.

// money: integer minor units (fen for CNY), shown with two decimals.
export type Unit = 'count' | 'ratio' | 'hours' | 'seconds' | 'score' | 'per_1000' | 'money'

// The overview's metrics, in the order of the cards.
export const overviewMetrics = ['orders', 'response_in_target_rate', 'on_time_arrival_rate', 'time_to_complete_hours',
  'satisfaction_mean', 'complaints_per_1000', 'callback_coverage', 'sla_misses', 'repeat_repairs_30d', 'parts_cost',
  'claim_cost_per_order', 'claim_anomaly_rate'] as const

export function isoDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`
}

// dayIn is the date of now in a time zone (the browser's when none), as
// YYYY-MM-DD.
export function dayIn(now: Date, timeZone?: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' })
    .formatToParts(now).map((p) => [p.type, p.value]))
  const p = (n: string) => n.padStart(2, '0')
  return `${parts.year}-${p(parts.month)}-${p(parts.day)}`
}

// defaultPeriod is the last `days` days up to today in a time zone: the
// tenant's, in which the server counts days (a browser elsewhere, or past
// its own midnight, still asks for the tenant's today); the browser's when
// none is given.
export function defaultPeriod(now: Date, days = 30, timeZone?: string): [string, string] {
  const today = dayIn(now, timeZone)
  const [y, m, d] = today.split('-').map(Number)
  return [new Date(Date.UTC(y, m - 1, d - (days - 1))).toISOString().slice(0, 10), today]
}

// granularityFor picks a series granularity that keeps the trend readable.
export function granularityFor(from: string, to: string): 'day' | 'week' | 'month' {
  const days = (Date.parse(to) - Date.parse(from)) / 86400000 + 1
  return days <= 62 ? 'day' : days <= 190 ? 'week' : 'month'
}

export function formatValue(v: number | null | undefined, unit: Unit | string, locale: string): string {
  if (v === null || v === undefined) return '—'
  const nf = (digits: number) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits })
  switch (unit) {
    case 'ratio':
      return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(v)
    case 'hours':
    case 'score':
    case 'per_1000':
      return nf(2).format(v)
    case 'seconds':
      return nf(0).format(v)
    case 'money':
      return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(v / 100)
    default:
      return nf(0).format(v)
  }
}

// Better is which way a metric improves (the catalogue's `better`): a rise
// of a 'higher' metric is good news, of a 'lower' one (SLA misses,
// complaints, time to complete, repeat repairs, cost) bad news; '' is a
// neutral volume (orders, workload), neither.
export type Better = 'higher' | 'lower' | ''

export type Change = { text: string; up: boolean; tone: 'good' | 'bad' | 'neutral' }

// tone is how a move reads for a metric that improves `better`: no move
// and a neutral metric read neutral.
export function tone(delta: number, better: Better | string | undefined): Change['tone'] {
  if (delta === 0 || (better !== 'higher' && better !== 'lower')) return 'neutral'
  return (delta > 0) === (better === 'higher') ? 'good' : 'bad'
}

// change is the difference to the previous period: percentage points for
// a ratio, else relative; null when there is nothing to compare. `up` is
// the direction; `tone` (from the metric's `better`; neutral when not
// given) is what colours it.
export function change(cur: number | null | undefined, prev: number | null | undefined, unit: Unit | string,
  better?: Better | string): Change | null {
  if (cur === null || cur === undefined || prev === null || prev === undefined) return null
  if (unit === 'ratio') {
    const pp = (cur - prev) * 100
    return { text: `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pp`, up: pp >= 0, tone: tone(pp, better) }
  }
  if (prev === 0) return null
  const rel = ((cur - prev) / Math.abs(prev)) * 100
  return { text: `${rel >= 0 ? '+' : ''}${rel.toFixed(1)}%`, up: rel >= 0, tone: tone(rel, better) }
}

export type RankRow = { site: string; value: number }

// ranking sorts the groups by a metric, best first, leaving out groups
// without a value or a site; at most `limit`.
export function ranking(rows: { group: Record<string, string>; values: Record<string, number | null> }[], metric: string, limit = 10): RankRow[] {
  return rows
    .filter((r) => r.group.site && r.values[metric] !== null && r.values[metric] !== undefined)
    .map((r) => ({ site: r.group.site, value: r.values[metric] as number }))
    .sort((a, b) => b.value - a.value || a.site.localeCompare(b.site))
    .slice(0, limit)
}
