// The platform's reasons in the reader's language. The API gives each
// reason the engine wrote as English text and, beside it, a code with the
// values written into it (Schemas['Reason']); a code with a message under
// reasons.codes is said in the portal's language, anything else (a reason
// written by tenant rules, a code this portal does not know yet, a decision
// stored before codes) is shown as the text it came with.
import type { Schemas } from '@/api/client'

export type Reason = Schemas['Reason']

type Translate = (key: string, named: Record<string, unknown>) => string
type Has = (key: string) => boolean

// Values that are the API's own words (a site's status), said in the
// reader's language when there is a message for them.
const wordValues: Record<string, string> = { status: 'reasons.siteStatus' }

// Codes whose reasons.codes message needs a value that decisions stored
// before it was written lack (the district coverage reasons name the
// district since district_name): those are said by these messages.
const olderReasons: Record<string, { value: string; key: string }> = {
  covers_district: { value: 'district_name', key: 'districtsmore.reasons.covers_district' },
  covers_district_secondary: { value: 'district_name', key: 'districtsmore.reasons.covers_district_secondary' },
}

function reasonKey(te: Has, detail: Reason): string {
  const older = olderReasons[detail.code]
  if (older && detail.values?.[older.value] === undefined && te(older.key)) return older.key
  return `reasons.codes.${detail.code}`
}

export function reasonText(t: Translate, te: Has, text: string | null | undefined, detail?: Reason | null): string {
  const key = detail ? reasonKey(te, detail) : ''
  if (!detail || !te(key)) return text ?? ''
  const values: Record<string, unknown> = {}
  for (const [name, v] of Object.entries(detail.values ?? {})) {
    const words = wordValues[name]
    values[name] = words && typeof v === 'string' && te(`${words}.${v}`) ? t(`${words}.${v}`, {}) : v
  }
  return t(key, values)
}

// reasonTexts says a candidate's reasons; details are one for one with the
// texts, else (a decision stored before codes) the texts are shown as they are.
export function reasonTexts(t: Translate, te: Has, texts: string[] | null | undefined, details?: Reason[] | null): string[] {
  const all = texts ?? []
  if (!details || details.length !== all.length) return all
  return all.map((text, i) => reasonText(t, te, text, details[i]))
}

type Queued = Pick<Schemas['WorkOrder'], 'queue_reason' | 'dispatch_decision'>

// queueReasonText says why an order waits in the dispatcher queue: when the
// engine queued it, the decision's outcome holds the same reason with its
// code; any other queue reason is shown as written.
export function queueReasonText(t: Translate, te: Has, order: Queued): string {
  const outcome = order.dispatch_decision?.outcome
  if (outcome?.kind === 'queued' && outcome.reason === order.queue_reason) {
    return reasonText(t, te, order.queue_reason, outcome.reason_detail)
  }
  return order.queue_reason ?? ''
}
