// sameValue compares form values by content (lists and nested objects).
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

// changedFields returns the fields of now that differ from before, so a
// PATCH sends only what the user changed (and a concurrent change of
// another field is not overwritten).
export function changedFields<T extends Record<string, unknown>>(before: T, now: T): Partial<T> {
  const out: Partial<T> = {}
  for (const k of Object.keys(now) as (keyof T)[]) {
    if (!sameValue(before[k], now[k])) out[k] = now[k]
  }
  return out
}
