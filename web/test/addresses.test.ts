import { describe, expect, it } from 'vitest'
import { addressesBody, customerToForm, divisionsOf, type Customer } from '../src/lib/customers'
import { divisionLevel, divisionPath, levelOfRegion } from '../src/lib/divisions'

const ref = (code: string, name: string) => ({ code, name })
const customer: Customer = {
  id: 'c1', kind: 'person', name: '王芳', vip: false, tags: [], version: 1, created_at: '', updated_at: '', phones: [],
  addresses: [
    { id: 'a1', label: '', region_id: null, address: '深圳南山科苑路15号', lat: 22.536328, lon: 113.925552,
      province: ref('440000', '广东省'), city: ref('440300', '深圳市'), district: ref('440305', '南山区'),
      parse_confidence: 0.85, location_approximate: true },
    { id: 'a2', label: '', region_id: null, address: '北京朝阳区建国路88号', lat: 39.9, lon: 116.48,
      province: ref('110000', '北京市'), city: ref('110100', '北京市'), district: ref('110105', '朝阳区'),
      parse_confidence: 1, location_approximate: false },
  ],
}

describe('a customer address and its divisions', () => {
  it('names the divisions, a municipality once', () => {
    expect(divisionsOf(customer.addresses![0])).toBe('广东省 深圳市 南山区')
    expect(divisionsOf(customer.addresses![1])).toBe('北京市 朝阳区')
    expect(divisionsOf({ province: ref('', ''), city: ref('', ''), district: ref('', '') })).toBe('')
  })

  it('does not send an approximate point back as the address\'s own', () => {
    const f = customerToForm(customer)
    expect(f.addresses[0].lat).toBeNull()
    expect(f.addresses[1].lat).toBe(39.9)
    expect(addressesBody(f.addresses)[0]).toEqual({ address: '深圳南山科苑路15号', district_code: '440305' })
  })

  it('sends a picked district only with the text it was picked for', () => {
    const f = customerToForm(customer)
    f.addresses[0].address = '朝阳区建国路'
    expect(addressesBody(f.addresses)[0]).toEqual({ address: '朝阳区建国路' })
    f.addresses[0].district_code = '220104'
    f.addresses[0].district_text = '朝阳区建国路'
    expect(addressesBody(f.addresses)[0]).toEqual({ address: '朝阳区建国路', district_code: '220104' })
  })
})

describe('a division code', () => {
  it('has a level and a path through its province and city', () => {
    expect(divisionLevel('440000')).toBe('province')
    expect(divisionLevel('440300')).toBe('city')
    expect(divisionLevel('440305')).toBe('district')
    expect(divisionLevel('4403')).toBeNull()
    expect(divisionPath('440305')).toEqual(['440000', '440300', '440305'])
    expect(divisionPath('110100')).toEqual(['110000', '110100'])
    expect(divisionPath('')).toEqual([])
  })

  it('maps only province, city and district nodes', () => {
    expect(levelOfRegion('region')).toBeNull()
    expect(levelOfRegion('country')).toBeNull()
    expect(levelOfRegion('city')).toBe('city')
  })
})
