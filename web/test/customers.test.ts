import { describe, expect, it } from 'vitest'
import { addressesBody, customerBody, customerToForm, firstAddress, phonesBody, searchParams, showPhone, type Customer } from '../src/lib/customers'
import { changedFields } from '../src/lib/patch'

const none = { code: '', name: '' }
const noDivision = { province: none, city: none, district: none, parse_confidence: 0, location_approximate: false }
const stored: Customer = {
  id: 'c1', kind: 'person', name: '王芳', vip: false, tags: ['vip-line'], version: 3, created_at: '', updated_at: '',
  phones: [{ phone: '8613800138000', label: 'mobile' }],
  addresses: [{ id: 'a1', label: 'home', region_id: 'sz', address: '南山区 8 号', lat: null, lon: null, ...noDivision }],
}

describe('the customer search box', () => {
  it('looks a number up as a phone and anything else as part of a name', () => {
    expect(searchParams(' 138-0013-8000 ')).toEqual({ phone: '138-0013-8000' })
    expect(searchParams('+86 (10) 1234 5678')).toEqual({ phone: '+86 (10) 1234 5678' })
    expect(searchParams('王芳')).toEqual({ q: '王芳' })
    expect(searchParams('1234')).toEqual({ q: '1234' }) // too short for a phone
    expect(searchParams('Room 1208')).toEqual({ q: 'Room 1208' })
    expect(searchParams('  ')).toEqual({})
  })
})

describe('a customer request body', () => {
  it('drops empty rows and leaves empty optional fields out', () => {
    expect(phonesBody([{ phone: ' 13800138000 ', label: '' }, { phone: '', label: '' }])).toEqual([{ phone: '13800138000' }])
    expect(addressesBody([
      { label: '', region_id: '', address: ' 某地 ', lat: null, lon: null },
      { label: '', region_id: '', address: '', lat: null, lon: null },
      { label: 'home', region_id: 'sz', address: 'x', lat: 22.5, lon: 0 },
    ])).toEqual([{ address: '某地' }, { label: 'home', region_id: 'sz', address: 'x', lat: 22.5, lon: 0 }])
  })

  it('of an edit holds only what changed: a changed list whole, an unchanged one not at all', () => {
    const before = customerToForm(stored)
    const now = customerToForm(stored)
    now.name = '王芳芳'
    now.addresses[0].address = '南山区 9 号'
    expect(customerBody(changedFields(before, now))).toEqual({
      name: '王芳芳', addresses: [{ label: 'home', region_id: 'sz', address: '南山区 9 号' }],
    })
    expect(customerBody(changedFields(before, customerToForm(stored)))).toEqual({})
  })

  it('sends a stored customer back as the server reads it', () => {
    expect(customerBody(customerToForm(stored))).toEqual({
      kind: 'person', name: '王芳', vip: false, tags: ['vip-line'], phones: [{ phone: '8613800138000', label: 'mobile' }],
      addresses: [{ label: 'home', region_id: 'sz', address: '南山区 8 号' }],
    })
  })
})

describe('a customer as a list shows it', () => {
  it('writes phones for reading and the first address with its region', () => {
    expect(showPhone('8613800138000')).toBe('+86 138 0013 8000')
    expect(showPhone('861012345678')).toBe('+861012345678')
    expect(firstAddress(stored, (id) => (id === 'sz' ? '深圳市' : undefined))).toBe('深圳市 · 南山区 8 号')
    expect(firstAddress({ ...stored, addresses: [] }, () => undefined)).toBe('')
  })
})
