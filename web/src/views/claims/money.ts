// money renders minor units with two decimals and the currency.
export function money(v: number | undefined | null, currency: string): string {
  const n = v ?? 0
  const sign = n < 0 ? '-' : ''
  const a = Math.abs(n)
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')} ${currency}`
}
