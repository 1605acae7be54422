import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Schemas } from '../src/api/client'
import {
  changedParts, datesBetween, mark, markOf, parseHours, rebase, settingsPatch, toForm, weightShares,
} from '../src/lib/calendarEdit'
import { livePreview } from '../src/lib/livePreview'

const every = ['08:00-20:00']
const stored = (calendar?: Schemas['SettingsView']['calendar']): Schemas['SettingsView'] => ({
  dispatch_weights: { distance: 1, load: 1, reputation: 1, sla_risk: 1 },
  acceptance_minutes: 30,
  urge_interval_minutes: 10,
  parts_mode: 'built_in',
  part_return_days: 15,
  updated_at: '0001-01-01T00:00:00Z',
  calendar,
  default_calendar: { time_zone: 'Asia/Shanghai', week: { mon: every, tue: every, wed: every, thu: every, fri: every, sat: every, sun: every } },
})

describe('the settings form', () => {
  it('reads hours as typed, with ASCII or full-width separators', () => {
    expect(parseHours('08:30-12:00, 13:30-18:00')).toEqual(['08:30-12:00', '13:30-18:00'])
    expect(parseHours('08:30-12:00，13:30-18:00；19:00-20:00')).toEqual(['08:30-12:00', '13:30-18:00', '19:00-20:00'])
    expect(parseHours('  ')).toEqual([])
  })

  it('edits the default calendar while none is set, and sends only what changed', () => {
    const before = toForm(stored())
    expect(before.calendar.week.sun).toBe('08:00-20:00')
    expect(settingsPatch(before, toForm(stored()))).toEqual({})
    const now = toForm(stored())
    now.dispatch_weights.load = 2.5
    mark(now, '2026-10-01', 'holiday')
    mark(now, '2026-09-27', 'workday')
    expect(settingsPatch(before, now)).toEqual({
      dispatch_weights: { load: 2.5 },
      calendar: { holidays: ['2026-10-01'], workdays: { '2026-09-27': ['08:00-20:00'] } },
    })
    expect(changedParts(before, now)).toEqual(['load', 'holidays', 'workdays'])
  })

  it('sends the whole week when a day changes, leaving closed days out', () => {
    const before = toForm(stored({ time_zone: 'Asia/Shanghai', week: { mon: ['09:00-18:00'], tue: ['09:00-18:00'] } }))
    const now = toForm(stored({ time_zone: 'Asia/Shanghai', week: { mon: ['09:00-18:00'], tue: ['09:00-18:00'] } }))
    now.calendar.week.tue = ''
    now.calendar.week.sat = '09:00-12:00，13:00-17:00'
    expect(settingsPatch(before, now)).toEqual({ calendar: { week: { mon: ['09:00-18:00'], sat: ['09:00-12:00', '13:00-17:00'] } } })
  })

  it('keeps a day either a holiday or a make-up day, never both', () => {
    const f = toForm(stored({ time_zone: 'Asia/Shanghai', week: { sat: ['09:00-12:00'], mon: ['09:00-18:00'] } }))
    mark(f, '2026-10-08', 'holiday')
    expect(markOf(f, '2026-10-08')).toBe('holiday')
    mark(f, '2026-10-08', 'workday')
    expect(markOf(f, '2026-10-08')).toBe('workday')
    expect(f.calendar.holidays).toEqual([])
    expect(f.calendar.workdays['2026-10-08']).toBe('09:00-18:00') // the first working weekday's hours
    mark(f, '2026-10-08', '')
    expect(markOf(f, '2026-10-08')).toBe('')
    expect(f.calendar.workdays).toEqual({})
  })

  it("after a conflict keeps the user's changes on top of the other's", () => {
    const before = toForm(stored())
    const mine = toForm(stored())
    mine.urge_interval_minutes = 25
    mark(mine, '2026-10-01', 'holiday')
    const theirs = toForm(stored())
    theirs.dispatch_weights.reputation = 5
    theirs.acceptance_minutes = 45
    const next = rebase(before, mine, theirs)
    expect(next.dispatch_weights.reputation).toBe(5)
    expect(next.acceptance_minutes).toBe(45)
    expect(next.urge_interval_minutes).toBe(25)
    expect(next.calendar.holidays).toEqual(['2026-10-01'])
    expect(settingsPatch(theirs, next)).toEqual({ urge_interval_minutes: 25, calendar: { holidays: ['2026-10-01'] } })
  })

  it('lists the days of a holiday, in either order, across months', () => {
    expect(datesBetween('2026-09-30', '2026-10-02')).toEqual(['2026-09-30', '2026-10-01', '2026-10-02'])
    expect(datesBetween('2026-10-02', '2026-10-01')).toEqual(['2026-10-01', '2026-10-02'])
    expect(datesBetween('2028-02-28', '2028-03-01')).toEqual(['2028-02-28', '2028-02-29', '2028-03-01'])
  })

  it('says how much of the score each weight makes', () => {
    expect(weightShares({ distance: 1, load: 1, reputation: 2, sla_risk: 0 })).toEqual({ distance: 25, load: 25, reputation: 50, sla_risk: 0 })
    expect(weightShares({ distance: 0, load: 0, reputation: 0, sla_risk: 0 })).toEqual({ distance: 0, load: 0, reputation: 0, sla_risk: 0 })
  })
})

describe('the live preview', () => {
  afterEach(() => vi.useRealTimers())

  it('waits for the typing to stop and delivers only the latest answer per field', async () => {
    vi.useFakeTimers()
    const calls: string[] = []
    const shown: Record<string, string> = {}
    let release: (() => void) | undefined
    const p = livePreview<string, string>({
      ms: 300,
      run: async (text) => {
        calls.push(text)
        if (text === 'slow') await new Promise<void>((r) => (release = r))
        return text.toUpperCase()
      },
      done: (key, out) => (shown[key] = out),
      failed: () => {},
    })
    p.soon('zh', 'a')
    p.soon('zh', 'ab')
    await vi.advanceTimersByTimeAsync(299)
    expect(calls).toEqual([])
    await vi.advanceTimersByTimeAsync(1)
    expect(calls).toEqual(['ab'])
    expect(shown.zh).toBe('AB')

    p.soon('en', 'slow')
    await vi.advanceTimersByTimeAsync(300)
    p.soon('en', 'fast')
    await vi.advanceTimersByTimeAsync(300)
    expect(shown.en).toBe('FAST')
    release?.()
    await vi.advanceTimersByTimeAsync(0)
    expect(shown.en).toBe('FAST') // the older, slower answer is dropped
  })
})
