// Money in the API is integer minor units with an ISO 4217 currency;
// the portal converts at the edges only, never computing with floats.

// minorDigits is how many minor units a currency has (2 for CNY, 0 for JPY).
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

// formatMoney shows an amount in minor units in the locale, e.g. ¥120.00.
export function formatMoney(amount: number, currency: string, locale: string): string {
  const d = minorDigits(currency)
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: d, maximumFractionDigits: d })
      .format(amount / 10 ** d)
  } catch {
    return `${(amount / 10 ** d).toFixed(d)} ${currency}`
  }
}

// toMinor reads a decimal amount as typed ("120", "120.5", "120.50") into
// minor units without floating-point arithmetic; null when it is not an
// amount (negative, too many decimals, not a number).
export function toMinor(text: string, currency: string): number | null {
  const d = minorDigits(currency)
  const m = /^\s*(\d{1,12})(?:[.,](\d*))?\s*$/.exec(text)
  if (!m) return null
  const frac = m[2] ?? ''
  if (frac.length > d) return null
  return Number(m[1]) * 10 ** d + Number((frac + '0'.repeat(d)).slice(0, d) || '0')
}

// fromMinor writes minor units as the decimal an input shows ("120.00").
export function fromMinor(amount: number, currency: string): string {
  const d = minorDigits(currency)
  if (d === 0) return String(amount)
  const s = String(Math.abs(amount)).padStart(d + 1, '0')
  return `${amount < 0 ? '-' : ''}${s.slice(0, -d)}.${s.slice(-d)}`
}
