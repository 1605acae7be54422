import { describe, expect, it } from 'vitest'
import { cellState, explainWords, permissionAxes, scopeBody, scopePath, scopeWords, togglePermission, type Permission } from '../src/lib/access'

const t = (key: string, v?: Record<string, unknown>) => (v ? `${key} ${JSON.stringify(v)}` : key)
const te = (key: string) => key === 'access.roleNames.dispatcher'

describe('the permission grid', () => {
  it('takes its resources and actions from the spec, "*" last', () => {
    const { resources, actions } = permissionAxes()
    expect(resources).toEqual(expect.arrayContaining(['work_orders', 'users', 'api_keys', 'access']))
    expect(resources.at(-1)).toBe('*')
    expect(actions).toEqual(['read', 'create', 'update', 'delete', 'dispatch', 'approve', '*'])
  })

  it('tells a named permission from one an "all" rule covers', () => {
    const perms: Permission[] = [{ resource: 'work_orders', action: 'read' }, { resource: 'sites', action: '*' }, { resource: '*', action: 'approve' }]
    expect(cellState(perms, 'work_orders', 'read')).toBe('exact')
    expect(cellState(perms, 'work_orders', 'update')).toBe('')
    expect(cellState(perms, 'sites', 'delete')).toBe('implied')
    expect(cellState(perms, 'sites', '*')).toBe('exact')
    expect(cellState(perms, 'claims', 'approve')).toBe('implied')
    expect(cellState([{ resource: '*', action: '*' }], 'users', 'create')).toBe('implied')
  })

  it('adds a permission once and removes it again', () => {
    const one = togglePermission([], 'users', 'read')
    expect(one).toEqual([{ resource: 'users', action: 'read' }])
    expect(togglePermission(one, 'users', 'read')).toEqual([])
    expect(togglePermission(one, 'users', 'create')).toHaveLength(2)
  })
})

describe('a scope in words', () => {
  it('says whole tenant, nothing, or how many regions and sites', () => {
    expect(scopeWords({ all: true, regions: ['r'] }, t)).toBe('access.scope.all')
    expect(scopeWords({ all: false }, t)).toBe('access.scope.none')
    expect(scopeWords(null, t)).toBe('access.scope.none')
    expect(scopeWords({ all: false, regions: ['a', 'b'], sites: ['s'] }, t)).toBe('access.scope.some {"regions":2,"sites":1}')
  })
})

describe('a scope as sent', () => {
  it('is the whole tenant alone, or the regions and sites, or none', () => {
    expect(scopeBody({ all: true, regions: ['r'], sites: [] })).toEqual({ all: true })
    expect(scopeBody({ all: false, regions: ['r'], sites: [] })).toEqual({ regions: ['r'], sites: [] })
    expect(scopeBody({ all: false, regions: [], sites: [] })).toBeUndefined()
  })
})

describe('an access decision in words', () => {
  const names = { regions: new Map([['r1', '华南']]), sites: new Map([['s1', 'SZ-01 南山']]), subject: '张伟' }

  it('names the scope path by region and site names', () => {
    expect(scopePath('user:u1 → region:r1 → site:s1', names, t)).toBe('张伟 → 华南 → SZ-01 南山')
    expect(scopePath('user:u1 → scope:all', names, t)).toBe('张伟 → access.scope.all')
    expect(scopePath('user:u1 → region:unknown', names, t)).toBe('张伟 → region:unknown')
  })

  it('says why: no rule, out of scope, in scope through a path, or tenant-wide', () => {
    expect(explainWords({ allowed: false, reason: '' }, 'P', names, t, te)).toBe('access.explain.noRule {"subject":"张伟","perm":"P"}')
    const rule = ['role:dispatcher', 'work_orders', 'read']
    expect(explainWords({ allowed: false, reason: '', permission_rule: rule, via: 'role:dispatcher' }, 'P', names, t, te))
      .toContain('access.explain.outOfScope')
    const inScope = explainWords({ allowed: true, reason: '', permission_rule: rule, via: 'role:dispatcher',
      scope_rule: 'user:u1 → region:r1 → site:s1' }, 'P', names, t, te)
    expect(inScope).toContain('access.explain.inScope')
    expect(inScope).toContain('张伟 → 华南 → SZ-01 南山')
    expect(inScope).toContain('access.explain.viaRole {\\"role\\":\\"access.roleNames.dispatcher\\"}')
    expect(explainWords({ allowed: true, reason: '', permission_rule: ['user:u1', 'kb', 'read'], via: 'grant' }, 'P', names, t, te))
      .toBe('access.explain.tenantWide {"via":"access.explain.viaGrant","perm":"P"}')
  })
})

describe('the access texts', () => {
  it('compile as vue-i18n messages in both languages (no stray @, | or braces)', async () => {
    const { baseCompile } = await import('@intlify/message-compiler')
    const zh = (await import('../src/i18n/zh-CN')).default.access
    const en = (await import('../src/i18n/en')).default.access
    const walk = (o: object, path: string): [string, string][] => Object.entries(o).flatMap(([k, v]) =>
      typeof v === 'string' ? [[`${path}.${k}`, v] as [string, string]] : walk(v as object, `${path}.${k}`))
    for (const [key, msg] of [...walk(zh, 'zh-CN'), ...walk(en, 'en')]) {
      const problems: string[] = []
      baseCompile(msg, { onError: (e) => problems.push(e.message) })
      expect(problems, key).toEqual([])
    }
  })
})
