import { fromMinor } from '@/lib/money'

// money renders minor units with the currency's decimals (ISO 4217: 12.34
// CNY, 1234 JPY) and its code.
export function money(v: number | undefined | null, currency: string): string {
  return `${fromMinor(v ?? 0, currency)} ${currency}`
}
