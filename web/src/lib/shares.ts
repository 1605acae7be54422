// sharesOf says how much of a weighted score each weight makes, in percent
// rounded to a whole number (0 each when no weight is above 0; a negative
// or non-finite weight counts as 0).
export function sharesOf<K extends string>(w: Record<K, number>): Record<K, number> {
  const keys = Object.keys(w) as K[]
  const ok = (v: number) => (Number.isFinite(v) && v > 0 ? v : 0)
  const total = keys.reduce((n, k) => n + ok(w[k]), 0)
  return Object.fromEntries(keys.map((k) => [k, total > 0 ? Math.round((ok(w[k]) / total) * 100) : 0])) as Record<K, number>
}
