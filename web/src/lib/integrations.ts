// Helpers of the webhooks and plugin bindings pages: the URL checks the
// server makes of their form (core.ValidateEgressURL; where a URL may point
// is the server's to say), a binding's configuration typed as rows, and
// the merge of a refreshed first page into a list.

// urlProblem says what is wrong with the form of raw as an outbound URL
// (an i18n key under integrations.url, '' when nothing), as the server's
// ValidateEgressURL does: absolute, one of schemes, a host, no credentials
// or fragment, at most 2000 characters, a port in 1-65535.
export function urlProblem(raw: string, schemes = ['http', 'https']): string {
  if ([...raw].length > 2000) return 'tooLong'
  const port = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*:(\d+)(?:[/?#]|$)/i.exec(raw)?.[1]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return 'port'
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    return 'notAbsolute'
  }
  const scheme = u.protocol.replace(/:$/, '').toLowerCase()
  if (!schemes.includes(scheme)) return 'scheme'
  if (!u.hostname) return 'notAbsolute'
  if (u.username || u.password || raw.includes('#')) return 'credentials'
  return ''
}

// A row of a binding's configuration as the form edits it: a key, how its
// value is to be read, and the value as typed.
export type ConfigKind = 'text' | 'number' | 'boolean' | 'json'
export type ConfigRow = { key: string; kind: ConfigKind; value: string }

// configURLSchemes are the schemes a configuration's URLs may use
// (core.CheckConfigURLs).
const configURLSchemes = ['http', 'https', 'ws', 'wss']

// configFromRows builds the configuration object the API takes from the
// rows, or says per row what is wrong (an i18n key under
// integrations.config): an empty or repeated key, a number or JSON that
// does not parse, a URL (any string with "://") of a bad form, also inside
// JSON values.
export function configFromRows(rows: ConfigRow[]): { config: Record<string, unknown>; problems: Record<number, string> } {
  const config: Record<string, unknown> = {}
  const problems: Record<number, string> = {}
  rows.forEach((r, i) => {
    const key = r.key.trim()
    if (!key) return void (problems[i] = 'key')
    if (key in config) return void (problems[i] = 'repeated')
    let v: unknown = r.value
    if (r.kind === 'number') {
      v = Number(r.value)
      if (r.value.trim() === '' || !Number.isFinite(v)) return void (problems[i] = 'number')
    } else if (r.kind === 'boolean') {
      v = r.value === 'true'
    } else if (r.kind === 'json') {
      try {
        v = JSON.parse(r.value)
      } catch {
        return void (problems[i] = 'json')
      }
    }
    const url = badURL(v)
    if (url) return void (problems[i] = `url.${url}`)
    config[key] = v
  })
  return { config, problems }
}

// badURL finds the first string in v that holds "://" and is not a URL of
// a good form; the server checks where each points.
function badURL(v: unknown): string {
  if (typeof v === 'string') return v.includes('://') ? urlProblem(v.trim(), configURLSchemes) : ''
  if (Array.isArray(v)) return v.map(badURL).find((p) => p) ?? ''
  if (v && typeof v === 'object') return Object.values(v).map(badURL).find((p) => p) ?? ''
  return ''
}

// configRowOf names the row a server's field error is about:
// "config.dial_url" and "config.rules[0].url" are the row of key
// "dial_url" and "rules"; -1 when none is.
export function configRowOf(field: string, rows: ConfigRow[]): number {
  const m = /^config\.([^.[]+)/.exec(field)
  return m ? rows.findIndex((r) => r.key.trim() === m[1]) : -1
}

// mergeNewest puts a freshly read first page (newest first) over the rows
// shown: rows it holds are replaced, new ones go on top, older pages the
// user loaded stay.
export function mergeNewest<T extends { id: string }>(rows: T[], fresh: T[]): T[] {
  const byID = new Map(fresh.map((r) => [r.id, r]))
  const known = new Set(rows.map((r) => r.id))
  return [...fresh.filter((r) => !known.has(r.id)), ...rows.map((r) => byID.get(r.id) ?? r)]
}

// eventKey is the i18n key of a webhook event type's description
// ("work_order.created" → "work_order_created": dots nest in vue-i18n).
export function eventKey(type: string): string {
  return type.replace(/[^a-z0-9_]/gi, '_')
}
