// Links a phone opens in its own apps: the dialer and the maps app. No map
// script is loaded; the phone's maps app reads the geo: URI (RFC 5870).

// telLink dials an E.164 number stored without '+'.
export function telLink(phone: string): string {
  return `tel:+${phone.replace(/[^0-9]/g, '')}`
}

// mapLink opens the maps app at the address: at its point when known, by
// search otherwise.
export function mapLink(address: string, lat?: number | null, lon?: number | null): string {
  if (lat != null && lon != null) return `geo:${lat},${lon}?q=${lat},${lon}(${encodeURIComponent(address)})`
  return `geo:0,0?q=${encodeURIComponent(address)}`
}
