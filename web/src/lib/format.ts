// Dates are shown in the tenant's time zone when known, else the browser's.
export function formatTime(iso: string | null | undefined, locale: string, timeZone?: string): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)
}

// formatDuration says how long ms is, to the second under an hour and to
// the minute beyond: "1 d 2 h 05 min", "4 min 09 s" (zh-CN: "1天2小时05分").
export function formatDuration(ms: number, locale: string): string {
  const s = Math.floor(Math.abs(ms) / 1000)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const zh = locale.startsWith('zh')
  const pad = (n: number) => String(n).padStart(2, '0')
  const parts: string[] = []
  if (d) parts.push(zh ? `${d}天` : `${d} d`)
  if (d || h) parts.push(zh ? `${h}小时` : `${h} h`)
  parts.push(zh ? `${parts.length ? pad(m) : m}分` : `${parts.length ? pad(m) : m} min`)
  if (!d && !h) parts.push(zh ? `${pad(sec)}秒` : `${pad(sec)} s`)
  return parts.join(zh ? '' : ' ')
}

// startOfToday is the instant of midnight today in a time zone (the
// tenant's; the browser's when none), as an RFC 3339 time for a filter.
// It uses the zone's offset now: on a day the clocks change it is off by
// that hour, which a list of today's orders can bear.
export function startOfToday(timeZone?: string, now = new Date()): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric',
    day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(now).map((p) => [p.type, p.value]))
  const wall = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour, +parts.minute, +parts.second)
  const offset = wall - Math.floor(now.getTime() / 1000) * 1000
  return new Date(Date.UTC(+parts.year, +parts.month - 1, +parts.day) - offset).toISOString()
}
