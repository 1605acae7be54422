import { describe, expect, it } from 'vitest'
import { ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { ApiError } from '../src/api/client'
import { allPages, faultTree, minutesSpan, useFormState, type FaultCode } from '../src/lib/catalog'

const code = (c: string, parent: string | null): FaultCode => ({
  kind: 'symptom', code: c, parent_code: parent, product_line: null, name_zh: c, name_en: c,
})

describe('the fault code tree', () => {
  it('nests codes under their parents, sorted by code, and makes roots of orphans', () => {
    const tree = faultTree([code('E1-02', 'E1'), code('E2', null), code('E1', null), code('E1-01', 'E1'),
      code('E1-01-a', 'E1-01'), code('X9', 'MISSING')])
    expect(tree.map((n) => n.code)).toEqual(['E1', 'E2', 'X9'])
    expect(tree[0].children.map((n) => n.code)).toEqual(['E1-01', 'E1-02'])
    expect(tree[0].children[0].children.map((n) => n.code)).toEqual(['E1-01-a'])
  })
})

describe('reading every page', () => {
  it('follows the cursor to the end', async () => {
    const pages: Record<string, { items: number[]; next_cursor: string }> = {
      '': { items: [1, 2], next_cursor: 'a' }, a: { items: [3], next_cursor: 'b' }, b: { items: [], next_cursor: '' },
    }
    const seen: (string | undefined)[] = []
    expect(await allPages(async (c) => { seen.push(c); return pages[c ?? ''] })).toEqual([1, 2, 3])
    expect(seen).toEqual([undefined, 'a', 'b'])
  })
})

describe('SLA targets in words', () => {
  const units = { h: 'h', m: 'min' }
  it('splits working minutes into working hours and minutes', () => {
    expect(minutesSpan(1440, units)).toBe('24h')
    expect(minutesSpan(4350, units)).toBe('72h 30min')
    expect(minutesSpan(45, units)).toBe('45min')
    expect(minutesSpan(0, units)).toBe('')
  })
})

describe('a form state', () => {
  const valid = ref({ validate: () => Promise.resolve(true) } as unknown as FormInstance)
  it('puts the server problem next to the fields it names and keeps the message', async () => {
    const s = useFormState(() => 'offline')
    const ok = await s.submit(valid, () => Promise.reject(new ApiError(422, { status: 422, title: 'Unprocessable', detail: 'validation failed',
      errors: [{ location: 'body.respond_minutes', message: 'must be between 0 and 525600' }] })))
    expect(ok).toBe(false)
    expect(s.errors).toEqual({ respond_minutes: 'must be between 0 and 525600' })
    expect(s.failure.value).toBe('validation failed')
    expect(s.busy.value).toBe(false)
  })
  it('sends nothing when the rules refuse, and says the network failed', async () => {
    const s = useFormState(() => 'offline')
    let sent = 0
    const invalid = ref({ validate: () => Promise.reject(new Error('no')) } as unknown as FormInstance)
    expect(await s.submit(invalid, async () => { sent++ })).toBe(false)
    expect(sent).toBe(0)
    expect(await s.submit(valid, () => Promise.reject(new TypeError('network')))).toBe(false)
    expect(s.failure.value).toBe('offline')
    expect(await s.submit(valid, async () => { sent++ })).toBe(true)
    expect(s.failure.value).toBe('')
    expect(sent).toBe(1)
  })
})
