import { describe, expect, it } from 'vitest'
import { regionTree, sitesInSubtree } from '../src/views/dispatch/tree'
import { startOfToday } from '../src/lib/format'

const regions = [
  { id: 'sz', parent_id: 'gd', name: '深圳' },
  { id: 'cn', parent_id: null, name: '中国' },
  { id: 'gx', parent_id: 'cn', name: '广西' },
  { id: 'gd', parent_id: 'cn', name: '广东' },
  { id: 'lost', parent_id: 'gone', name: 'a region whose parent is not listed' },
]

describe('the board filters', () => {
  it('list regions depth first, parents before children', () => {
    const tree = regionTree(regions).map((r) => `${r.depth}:${r.region.id}`)
    expect(tree).toEqual(['0:cn', '1:gx', '1:gd', '2:sz', '0:lost'])
  })

  it('offer the sites of the chosen region subtree', () => {
    const tree = regionTree(regions)
    const sites = [{ id: 'a', region_id: 'sz' }, { id: 'b', region_id: 'gx' }, { id: 'c', region_id: 'gd' }]
    expect(sitesInSubtree(tree, sites, 'gd').map((s) => s.id)).toEqual(['a', 'c'])
    expect(sitesInSubtree(tree, sites, 'cn').map((s) => s.id)).toEqual(['a', 'b', 'c'])
    expect(sitesInSubtree(tree, sites, 'sz').map((s) => s.id)).toEqual(['a'])
    expect(sitesInSubtree(tree, sites, '')).toHaveLength(3)
  })
})

describe("the site desk's today", () => {
  it('starts at midnight in the tenant time zone', () => {
    // 01:30 in Shanghai on 7 December is still 6 December in UTC.
    const now = new Date('2026-12-06T17:30:00Z')
    expect(startOfToday('Asia/Shanghai', now)).toBe('2026-12-06T16:00:00.000Z')
    expect(startOfToday('UTC', now)).toBe('2026-12-06T00:00:00.000Z')
    expect(startOfToday('America/New_York', now)).toBe('2026-12-06T05:00:00.000Z')
  })
})
