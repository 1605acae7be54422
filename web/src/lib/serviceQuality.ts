// The overview's service quality section: the care metrics a call-centre
// or quality manager reads (calls, complaints, callbacks, parts).

// The cards, in order: the order-based ones, then the call centre's.
export const qualityMetrics = ['complaints_per_1000', 'complaint_closure_on_time_rate', 'callback_coverage', 'callback_success_rate',
  'parts_consumed', 'parts_cost'] as const
export const callMetrics = ['calls_offered', 'calls_answered', 'calls_abandoned', 'calls_aht_seconds', 'calls_service_level'] as const

type Entry = { id: string; available: boolean; dimensions: string[] }

// The API's filter parameter of each dimension.
const dimParams: Record<string, string> = { region: 'region_id', site: 'site_id', technician: 'technician_id',
  product_line: 'product_line', service_type: 'service_type', channel: 'channel', model: 'model_id' }

export type QualityPlan = {
  // filtered: queried with the screen's filters.
  filtered: string[]
  // wide: metrics without some dimension the filters use (the calls, which
  // belong to no site or product): queried over the period only.
  wide: string[]
  // unavailable: the catalogue says the data is missing (or does not know
  // the metric): shown as such, never queried, never 0.
  unavailable: string[]
}

// planQuality splits metrics by how they can be queried under the filters
// set in `query` (the API's parameters; from/to are not dimensions).
export function planQuality(ids: readonly string[], catalogue: Record<string, Entry | undefined>,
  query: Record<string, string | undefined>): QualityPlan {
  const used = Object.entries(dimParams).filter(([, p]) => query[p]).map(([d]) => d)
  const plan: QualityPlan = { filtered: [], wide: [], unavailable: [] }
  for (const id of ids) {
    const m = catalogue[id]
    if (!m || !m.available) plan.unavailable.push(id)
    else if (m.dimensions.length === 0 || used.some((d) => !m.dimensions.includes(d))) plan.wide.push(id)
    else plan.filtered.push(id)
  }
  return plan
}

// periodOnly keeps a query's period: the query of the `wide` metrics.
export function periodOnly(q: { from: string; to: string }): { from: string; to: string } {
  return { from: q.from, to: q.to }
}
