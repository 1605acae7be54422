import type { Schemas } from '@/api/client'

export type Customer = Schemas['Customer']
type AddressBody = Schemas['CustomerAddressBody']
type PhoneBody = Schemas['CustomerPhoneBody']

// The customer form: what a user edits, in the shapes of the request
// bodies. Empty texts and a cleared point stand for "not given".
// district_code is the division the agent picked among an ambiguous
// text's candidates, for the text it was picked for (district_text): it is
// sent only while the text is unchanged. A stored address whose point is
// its district's (approximate) shows no point: the server places it again.
export type AddressForm = {
  label: string; region_id: string; address: string; lat: number | null; lon: number | null
  district_code?: string; district_text?: string
}
export type PhoneForm = { phone: string; label: string }
export type CustomerForm = {
  kind: 'person' | 'organization'
  name: string
  vip: boolean
  tags: string[]
  phones: PhoneForm[]
  addresses: AddressForm[]
}

// The unit form: a registration's or a change's fields.
export type UnitForm = { model_id: string; serial: string; purchase_date: string }

export const blankAddress = (): AddressForm => ({
  label: '', region_id: '', address: '', lat: null, lon: null, district_code: '', district_text: '',
})
export const blankPhone = (): PhoneForm => ({ phone: '', label: '' })

export function blankCustomer(): CustomerForm {
  return { kind: 'person', name: '', vip: false, tags: [], phones: [blankPhone()], addresses: [blankAddress()] }
}

// customerToForm is the form of a stored customer (its phones as stored:
// E.164 digits, which the server reads back as the same phone).
export function customerToForm(c: Customer): CustomerForm {
  return {
    kind: c.kind === 'organization' ? 'organization' : 'person',
    name: c.name,
    vip: c.vip,
    tags: [...(c.tags ?? [])],
    phones: (c.phones ?? []).map((p) => ({ phone: p.phone, label: p.label })),
    addresses: (c.addresses ?? []).map((a) => ({
      label: a.label, region_id: a.region_id ?? '', address: a.address,
      lat: a.location_approximate ? null : a.lat ?? null, lon: a.location_approximate ? null : a.lon ?? null,
      district_code: a.district?.code ?? '', district_text: a.address,
    })),
  }
}

// phonesBody and addressesBody turn the form's lists into request lists:
// rows left entirely empty are dropped, empty optional fields left out.
export function phonesBody(phones: PhoneForm[]): PhoneBody[] {
  return phones
    .filter((p) => p.phone.trim() || p.label.trim())
    .map((p) => (p.label.trim() ? { phone: p.phone.trim(), label: p.label.trim() } : { phone: p.phone.trim() }))
}

export function addressesBody(addrs: AddressForm[]): AddressBody[] {
  return addrs
    .filter((a) => a.address.trim() || a.label.trim() || a.region_id || a.lat !== null || a.lon !== null)
    .map((a) => {
      const out: AddressBody = { address: a.address.trim() }
      if (a.label.trim()) out.label = a.label.trim()
      if (a.region_id) out.region_id = a.region_id
      if (a.lat !== null) out.lat = a.lat
      if (a.lon !== null) out.lon = a.lon
      if (a.district_code && a.address.trim() === (a.district_text ?? '').trim()) out.district_code = a.district_code
      return out
    })
}

// customerBody is the body of a create, or of the changed fields of an
// update (the lists, when changed, replace the stored ones).
export function customerBody(f: Partial<CustomerForm>): Omit<Schemas['UpdateCustomerInputBody'], 'version'> {
  const out: Omit<Schemas['UpdateCustomerInputBody'], 'version'> = {}
  if (f.kind !== undefined) out.kind = f.kind
  if (f.name !== undefined) out.name = f.name.trim()
  if (f.vip !== undefined) out.vip = f.vip
  if (f.tags !== undefined) out.tags = f.tags
  if (f.phones !== undefined) out.phones = phonesBody(f.phones)
  if (f.addresses !== undefined) out.addresses = addressesBody(f.addresses)
  return out
}

// searchParams reads one search box the way an agent types into it: a
// phone number (digits with the usual separators, at least five digits)
// is looked up as a phone, anything else as part of a name.
export function searchParams(text: string): { phone?: string; q?: string } {
  const s = text.trim()
  if (!s) return {}
  const digits = s.replace(/\D/g, '').length
  if (/^\+?[\d\s()-]+$/.test(s) && digits >= 5) return { phone: s }
  return { q: s }
}

// showPhone writes a stored phone (E.164 digits without '+') for reading.
export function showPhone(e164: string): string {
  const m = /^86(1\d{2})(\d{4})(\d{4})$/.exec(e164)
  if (m) return `+86 ${m[1]} ${m[2]} ${m[3]}`
  return `+${e164}`
}

// divisionsOf names the province, city and district of a stored address
// (a municipality's city, 北京市 under 北京市, said once); '' when none.
export function divisionsOf(a: { province?: { name: string }; city?: { name: string }; district?: { name: string } }): string {
  const p = a.province?.name ?? '', c = a.city?.name ?? '', d = a.district?.name ?? ''
  return [p, c !== p ? c : '', d].filter(Boolean).join(' ')
}

// firstAddress is what a list shows of where a customer is: the first
// address, with its region's name when known.
export function firstAddress(c: Customer, regionName: (id: string) => string | undefined): string {
  const a = (c.addresses ?? [])[0]
  if (!a) return ''
  const region = a.region_id ? regionName(a.region_id) : undefined
  return region ? `${region} · ${a.address}` : a.address
}
