import { describe, expect, it } from 'vitest'
import { diffRows } from '../src/lib/diff'
import { changedFields } from '../src/lib/patch'
import { levelsBelow, regionTree, type Region } from '../src/lib/regions'

const region = (id: string, code: string, level: string, parent: string | null): Region => ({
  id, code, name: code, level, parent_id: parent, version: 1, created_at: '', updated_at: '',
})

describe('the region tree', () => {
  it('nests regions under their parents, sorted by code, and makes roots of those whose parent is out of scope', () => {
    const tree = regionTree([
      region('sz', 'GD-SZ', 'city', 'gd'), region('gd', 'GD', 'province', 'cn'), region('cn', 'CN', 'country', null),
      region('gz', 'GD-GZ', 'city', 'gd'), region('hz', 'ZJ-HZ', 'city', 'zj-not-visible'),
    ])
    expect(tree.map((n) => n.code)).toEqual(['CN', 'ZJ-HZ'])
    expect(tree[0].children[0].children.map((n) => n.code)).toEqual(['GD-GZ', 'GD-SZ'])
  })

  it('offers the levels strictly below a parent, and a country at the top', () => {
    expect(levelsBelow(null)).toEqual(['country'])
    expect(levelsBelow('region')).toEqual(['province', 'city', 'district'])
    expect(levelsBelow('city')).toEqual(['district'])
    expect(levelsBelow('district')).toEqual([])
  })
})

describe('the before/after view of an audited change', () => {
  it('puts the changed fields first and compares nested values by content', () => {
    const rows = diffRows({ name: 'a', tags: ['x'], area: { radius_km: 5 }, secret: '[redacted]' },
      { name: 'b', tags: ['x'], area: { radius_km: 5 }, secret: '[redacted]', phone: '1' })
    expect(rows.filter((r) => r.changed).map((r) => r.key)).toEqual(['name', 'phone'])
    expect(rows[0]).toEqual({ key: 'name', before: 'a', after: 'b', changed: true })
    expect(rows.find((r) => r.key === 'area')).toEqual({ key: 'area', before: '{"radius_km":5}', after: '{"radius_km":5}', changed: false })
  })

  it('marks every field of a create or a delete', () => {
    expect(diffRows(null, { a: 1, b: 2 }).every((r) => r.changed)).toBe(true)
    expect(diffRows({ a: 1 }, undefined)).toEqual([{ key: 'a', before: '1', after: '', changed: true }])
  })
})

describe('a PATCH body', () => {
  it('holds only the fields the user changed', () => {
    const before = { name: 'a', tags: ['x'], location: { lat: 1, lon: 2 }, auto_assign: true }
    const now = { name: 'a', tags: ['x', 'y'], location: { lat: 1, lon: 3 }, auto_assign: true }
    expect(changedFields(before, now)).toEqual({ tags: ['x', 'y'], location: { lat: 1, lon: 3 } })
  })
})
