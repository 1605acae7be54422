import type { Schemas } from '@/api/client'
import { sameValue } from '@/lib/patch'
import { sharesOf } from '@/lib/shares'

// The settings screen edits the business calendar and dispatch weights in
// this form; settingsPatch turns its changes into PATCH /v1/settings.

type Settings = Schemas['SettingsView']
export type PatchBody = Schemas['PatchSettingsInputBody']

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof weekdays)[number]
export const weightNames = ['distance', 'load', 'reputation', 'sla_risk'] as const
export type WeightName = (typeof weightNames)[number]

export type SettingsForm = {
  dispatch_weights: Record<WeightName, number>
  acceptance_minutes: number
  urge_interval_minutes: number
  part_return_days: number
  calendar: {
    time_zone: string
    // working hours as typed: "08:30-12:00, 13:30-18:00"; '' is closed
    week: Record<Weekday, string>
    holidays: string[]
    // make-up working days (调休) and their hours as typed
    workdays: Record<string, string>
  }
}

// parseHours reads the intervals of a day as an admin types them,
// separated by commas (ASCII or full-width) or semicolons; the server
// checks each interval.
export function parseHours(text: string): string[] {
  return text.split(/[,，;；、]/).map((s) => s.trim()).filter((s) => s !== '')
}

export function formatHours(hours: readonly string[] | null | undefined): string {
  return (hours ?? []).join(', ')
}

// toForm reads the settings into the form; a tenant without a calendar
// edits the default one.
export function toForm(s: Settings): SettingsForm {
  const cal = s.calendar ?? s.default_calendar
  const week = Object.fromEntries(weekdays.map((d) => [d, formatHours(cal.week?.[d])])) as Record<Weekday, string>
  const workdays = Object.fromEntries(Object.entries(cal.workdays ?? {}).map(([d, h]) => [d, formatHours(h)]))
  return {
    dispatch_weights: { ...s.dispatch_weights },
    acceptance_minutes: s.acceptance_minutes,
    urge_interval_minutes: s.urge_interval_minutes,
    part_return_days: s.part_return_days,
    calendar: { time_zone: cal.time_zone, week, holidays: [...(cal.holidays ?? [])].sort(), workdays },
  }
}

// settingsPatch is what changed from before to now, in the PATCH's shape:
// single weights, single calendar parts. Empty when nothing changed.
export function settingsPatch(before: SettingsForm, now: SettingsForm): Omit<PatchBody, 'updated_at'> {
  const out: Omit<PatchBody, 'updated_at'> = {}
  const weights: Partial<Record<WeightName, number>> = {}
  for (const w of weightNames) {
    if (before.dispatch_weights[w] !== now.dispatch_weights[w]) weights[w] = now.dispatch_weights[w]
  }
  if (Object.keys(weights).length) out.dispatch_weights = weights
  if (before.acceptance_minutes !== now.acceptance_minutes) out.acceptance_minutes = now.acceptance_minutes
  if (before.urge_interval_minutes !== now.urge_interval_minutes) out.urge_interval_minutes = now.urge_interval_minutes
  if (before.part_return_days !== now.part_return_days) out.part_return_days = now.part_return_days
  const cal: NonNullable<PatchBody['calendar']> = {}
  const b = before.calendar
  const n = now.calendar
  if (b.time_zone !== n.time_zone) cal.time_zone = n.time_zone
  const week = (w: Record<Weekday, string>) =>
    Object.fromEntries(weekdays.map((d) => [d, parseHours(w[d])]).filter(([, h]) => h.length > 0))
  if (!sameValue(week(b.week), week(n.week))) cal.week = week(n.week)
  if (!sameValue([...b.holidays].sort(), [...n.holidays].sort())) cal.holidays = [...n.holidays].sort()
  const workdays = (w: Record<string, string>) => Object.fromEntries(Object.keys(w).sort().map((d) => [d, parseHours(w[d])]))
  if (!sameValue(workdays(b.workdays), workdays(n.workdays))) cal.workdays = workdays(n.workdays)
  if (Object.keys(cal).length) out.calendar = cal
  return out
}

// changedParts names the parts of the form that differ (for "they
// changed: …" after a conflict): weight names, "time_zone", "week",
// "holidays", "workdays", the timer fields.
export function changedParts(before: SettingsForm, now: SettingsForm): string[] {
  const p = settingsPatch(before, now)
  return [
    ...Object.keys(p.dispatch_weights ?? {}),
    ...Object.keys(p.calendar ?? {}),
    ...(['acceptance_minutes', 'urge_interval_minutes', 'part_return_days'] as const).filter((k) => p[k] !== undefined),
  ]
}

// dateKey writes a calendar day as YYYY-MM-DD (the day as shown, in the
// browser's zone).
export function dateKey(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

// datesBetween lists the days from one date to another, both included
// (a public holiday spans several: 国庆 10-01 … 10-07).
export function datesBetween(from: string, to: string): string[] {
  const [a, b] = from <= to ? [from, to] : [to, from]
  const out: string[] = []
  const d = new Date(`${a}T12:00:00Z`)
  for (let key = a; key <= b && out.length < 366; ) {
    out.push(key)
    d.setUTCDate(d.getUTCDate() + 1)
    key = d.toISOString().slice(0, 10)
  }
  return out
}

export type DayMark = 'holiday' | 'workday' | ''

export function markOf(form: SettingsForm, day: string): DayMark {
  if (form.calendar.holidays.includes(day)) return 'holiday'
  if (day in form.calendar.workdays) return 'workday'
  return ''
}

// mark makes a day a holiday, a make-up working day (with the hours of
// the first working weekday, as make-up days follow the normal week) or an
// ordinary day; a day is never both.
export function mark(form: SettingsForm, day: string, as: DayMark) {
  const c = form.calendar
  c.holidays = c.holidays.filter((d) => d !== day)
  const { [day]: _, ...rest } = c.workdays
  c.workdays = rest
  if (as === 'holiday') c.holidays = [...c.holidays, day].sort()
  if (as === 'workday') {
    const first = weekdays.find((d) => parseHours(c.week[d]).length > 0)
    c.workdays = { ...c.workdays, [day]: first ? c.week[first] : '09:00-18:00' }
  }
}

// weightShares says how much of a site's score each weight makes, in
// percent (0 each when every weight is 0).
export function weightShares(w: Record<WeightName, number>): Record<WeightName, number> {
  return sharesOf(w)
}

// rebase starts from the settings someone else saved (theirs) and puts
// back the parts the user changed from what they had read (before → mine),
// so saving again neither loses the user's edits nor undoes theirs.
export function rebase(before: SettingsForm, mine: SettingsForm, theirs: SettingsForm): SettingsForm {
  const out: SettingsForm = structuredClone(theirs)
  for (const p of changedParts(before, mine)) {
    if ((weightNames as readonly string[]).includes(p)) out.dispatch_weights[p as WeightName] = mine.dispatch_weights[p as WeightName]
    else if (p === 'acceptance_minutes' || p === 'urge_interval_minutes' || p === 'part_return_days') out[p] = mine[p]
    else if (p === 'time_zone') out.calendar.time_zone = mine.calendar.time_zone
    else if (p === 'week') out.calendar.week = { ...mine.calendar.week }
    else if (p === 'holidays') out.calendar.holidays = [...mine.calendar.holidays]
    else if (p === 'workdays') out.calendar.workdays = { ...mine.calendar.workdays }
  }
  return out
}
