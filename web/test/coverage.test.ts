import { describe, expect, it } from 'vitest'
import { addDivision, body, coveredByParent, itemErrors, removeDivision, type CoveredDivision } from '@/lib/coverage'

const nanshan = { code: '440305', label: '广东省深圳市南山区', level: 'district' }
const shenzhen = { code: '440300', label: '广东省深圳市', level: 'city' }
const guangdong = { code: '440000', label: '广东省', level: 'province' }

describe('coverage', () => {
  it('adds divisions once, primary, by code', () => {
    let l: CoveredDivision[] = []
    l = addDivision(l, nanshan)
    l = addDivision(l, shenzhen)
    l = addDivision(l, { ...nanshan, label: 'again' })
    expect(l.map((x) => x.code)).toEqual(['440300', '440305'])
    expect(l.every((x) => x.coverage === 'primary')).toBe(true)
    expect(l[1]!.label).toBe('广东省深圳市南山区')
    expect(removeDivision(l, '440300').map((x) => x.code)).toEqual(['440305'])
  })
  it('finds the city or province that covers a district already', () => {
    const l = addDivision(addDivision([], guangdong), nanshan)
    expect(coveredByParent(l, '440306')?.code).toBe('440000')
    expect(coveredByParent(l, '440000')).toBeUndefined()
    expect(coveredByParent(addDivision([], shenzhen), '440305')?.code).toBe('440300')
    expect(coveredByParent(l, '450304')).toBeUndefined()
  })
  it('maps item errors to the divisions sent and builds the body', () => {
    const l = addDivision(addDivision([], nanshan), shenzhen)
    l[1]!.coverage = 'secondary'
    expect(itemErrors(l, { 'items[1].code': 'unknown', 'items[7].code': 'x', name: 'y' })).toEqual({ '440305': 'unknown' })
    expect(body(l)).toEqual({ items: [{ code: '440300', coverage: 'primary' }, { code: '440305', coverage: 'secondary' }] })
  })
})
