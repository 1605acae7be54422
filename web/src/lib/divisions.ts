// China's administrative divisions (GB/T 2260) as the platform lists them
// (GET /v1/divisions): a six-digit code names its province in its first
// two digits and its city in its first four.

export type DivisionLevel = 'province' | 'city' | 'district'

// divisionLevel is the level a code stands for: xx0000 a province, xxxx00
// a city, any other a district or county.
export function divisionLevel(code: string): DivisionLevel | null {
  if (!/^\d{6}$/.test(code)) return null
  if (code.endsWith('0000')) return 'province'
  if (code.endsWith('00')) return 'city'
  return 'district'
}

// divisionPath is the cascader's path to a code: its province, its city
// and itself, as far as its level goes; [] for no code.
export function divisionPath(code: string): string[] {
  const level = divisionLevel(code)
  if (!level) return []
  const province = code.slice(0, 2) + '0000'
  const city = code.slice(0, 4) + '00'
  if (level === 'province') return [province]
  if (level === 'city') return [province, city]
  return [province, city, code]
}

// levelOfRegion is the division level a region node of the tenant's tree
// maps to; null for the nodes above provinces (country, 大区/办事处),
// which are the tenant's own.
export function levelOfRegion(level: string): DivisionLevel | null {
  return level === 'province' || level === 'city' || level === 'district' ? level : null
}
