import { describe, expect, it } from 'vitest'
import { checkField, constraintOf, rulesFor } from '../src/lib/rules'

const t = (key: string, v?: Record<string, unknown>) => (v ? `${key} ${JSON.stringify(v)}` : key)

describe('form rules from the spec', () => {
  it('know the onboarding body, nested admin included', () => {
    const rules = rulesFor('CreateTenantInputBody', t)
    expect(Object.keys(rules)).toEqual(expect.arrayContaining(['slug', 'name', 'locale', 'timezone', 'admin.username', 'admin.password']))
    expect(rules.slug[0].required).toBe(true)
    expect(constraintOf('CreateTenantInputBody', 'slug')?.pattern).toBe('^[a-z][a-z0-9-]*[a-z0-9]$')
  })

  it('refuse what the server refuses', () => {
    const slug = constraintOf('CreateTenantInputBody', 'slug')!
    expect(checkField(slug, '', true, t)).toBe('form.required')
    expect(checkField(slug, 'ab', true, t)).toContain('form.minLength')
    expect(checkField(slug, 'Acme', true, t)).toBe('form.pattern')
    expect(checkField(slug, 'acme-cn', true, t)).toBe('')
    expect(checkField(slug, 'a'.repeat(41), true, t)).toContain('form.maxLength')
    const locale = constraintOf('CreateTenantInputBody', 'locale')!
    expect(checkField(locale, 'fr', true, t)).toContain('form.oneOf')
    expect(checkField(locale, '', false, t)).toBe('')
  })

  it('count characters, not UTF-16 units', () => {
    expect(checkField({ maxLength: 2 }, '家电', true, t)).toBe('')
    expect(checkField({ maxLength: 2 }, '𠮷𠮷', true, t)).toBe('')
  })

  it('fail loudly for a schema the spec lacks', () => {
    expect(() => rulesFor('NoSuchBody', t)).toThrow(/no schema/)
  })
})
