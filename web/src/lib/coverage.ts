// The districts a site covers, as the district picker edits them: a list
// by code, each primary or secondary, sent whole (PUT replaces the site's
// coverage).

export type Coverage = 'primary' | 'secondary'

export interface CoveredDivision {
  code: string
  coverage: Coverage
  label: string // 广东省深圳市南山区
  level: string // province, city or district
}

// addDivision adds a division as primary coverage, keeping the list by
// code; a division listed already is left as it is.
export function addDivision(list: CoveredDivision[], d: Omit<CoveredDivision, 'coverage'>): CoveredDivision[] {
  if (list.some((x) => x.code === d.code)) return list
  return [...list, { ...d, coverage: 'primary' as Coverage }].sort((a, b) => a.code.localeCompare(b.code))
}

export function removeDivision(list: CoveredDivision[], code: string): CoveredDivision[] {
  return list.filter((x) => x.code !== code)
}

// coveredByParent is the listed province or city that already covers a
// district's code (GB/T 2260: a city is the code's first four digits and
// 00, a province its first two and 0000), or undefined.
export function coveredByParent(list: CoveredDivision[], code: string): CoveredDivision | undefined {
  if (code.length !== 6) return undefined
  const parents = [code.slice(0, 4) + '00', code.slice(0, 2) + '0000'].filter((p) => p !== code)
  return list.find((x) => parents.includes(x.code))
}

// itemErrors maps the problem's field errors ("items[2].code") to the
// listed divisions by code, as sent in body order.
export function itemErrors(sent: CoveredDivision[], fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [field, message] of Object.entries(fields)) {
    const m = /^items\[(\d+)\]/.exec(field)
    const item = m ? sent[Number(m[1])] : undefined
    if (item && !out[item.code]) out[item.code] = message
  }
  return out
}

// body is what PUT /v1/sites/{id}/districts takes.
export function body(list: CoveredDivision[]): { items: { code: string; coverage: Coverage }[] } {
  return { items: list.map((x) => ({ code: x.code, coverage: x.coverage })) }
}
