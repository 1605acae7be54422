// The rows of a before/after view of an audited change: every key of
// either side, with its values and whether it changed. Values are
// compared by their JSON, so nested objects and lists compare by content.
export type DiffRow = { key: string; before: string; after: string; changed: boolean }

export function show(v: unknown): string {
  if (v === undefined) return ''
  if (typeof v === 'string') return v
  return JSON.stringify(v)
}

export function diffRows(before?: Record<string, unknown> | null, after?: Record<string, unknown> | null): DiffRow[] {
  const b = before ?? {}
  const a = after ?? {}
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()
  const rows = keys.map((key) => {
    const x = show(b[key])
    const y = show(a[key])
    const changed = (before != null && after != null && JSON.stringify(b[key]) !== JSON.stringify(a[key])) || (before == null) !== (after == null)
    return { key, before: x, after: y, changed }
  })
  // the changes first, then the rest in key order
  return [...rows.filter((r) => r.changed), ...rows.filter((r) => !r.changed)]
}
