// Drill-down helpers shared by the overview and the scorecards: which
// records a clicked number stands for.

// DrillRequest is one number's records: the metric, the period and the
// filters the number was computed over (query parameters of the drill
// endpoint), and for the heading a scope label (the site or technician)
// and a name where the metric's own does not say what was clicked.
export type DrillRequest = {
  metric: string
  name?: string
  query: { from: string; to: string } & Record<string, string | undefined>
  scope?: string
}

const day = (d: Date) => d.toISOString().slice(0, 10)

// bucketPeriod is the tenant-local days a series point covers: its start
// (a day, an ISO week's Monday, a month's first day, as the server counts
// them) to the bucket's last day, clipped to the queried period, since the
// first week or month may begin before `from` and the last end after `to`.
export function bucketPeriod(start: string, granularity: string, from: string, to: string): [string, string] {
  const [y, m, d] = start.split('-').map(Number)
  const end = granularity === 'week' ? new Date(Date.UTC(y, m - 1, d + 6))
    : granularity === 'month' ? new Date(Date.UTC(y, m, 0))
      : new Date(Date.UTC(y, m - 1, d))
  return [start < from ? from : start, day(end) > to ? to : day(end)]
}

// drillCount sums a page of records: those counted in the number (a
// ratio's numerator; every record of a count) and all of them.
export function drillCount(items: { counted: boolean }[]): { counted: number; total: number } {
  return { counted: items.filter((i) => i.counted).length, total: items.length }
}

// drillLink is the page of a record behind a number: a complaint's or a
// claim's own, else its work order's.
export function drillLink(it: { kind: string; id: string; work_order_id?: string }): string {
  if (it.kind === 'complaint') return `/complaints/${it.id}`
  if (it.kind === 'claim') return `/claims/${it.id}`
  return it.work_order_id ? `/orders/${it.work_order_id}` : ''
}
