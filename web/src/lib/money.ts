// Money in the API is integer minor units with an ISO 4217 currency;
// the portal converts at the edges only, never computing with floats.

// ISO 4217 currencies whose minor unit is not 2 decimals: the complete
// list, the same as the server's (core/money.go); any other code has 2.
// Not Intl's digits: browsers follow CLDR, which gives IDR, HUF, IQD, COP…
// other decimals than the ISO minor units the API counts in.
const minorExceptions: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0,
  RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}

// minorDigits is how many decimals a currency's minor units have (ISO
// 4217: 2 for CNY, 0 for JPY, 3 for KWD).
export function minorDigits(currency: string): number {
  return minorExceptions[currency.toUpperCase()] ?? 2
}

// toMajor is an amount in minor units as a number of major units, for a
// number input (with minorDigits as its precision); fromMajor reads it back.
export function toMajor(amount: number, currency: string): number {
  return amount / 10 ** minorDigits(currency)
}

export function fromMajor(major: number, currency: string): number {
  return Math.round(major * 10 ** minorDigits(currency))
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
