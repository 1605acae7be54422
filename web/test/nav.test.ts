import { describe, expect, it } from 'vitest'
import { nav, visibleNav } from '../src/nav'

describe('navigation', () => {
  it('shows a tenant user only what their permissions open', () => {
    const none = visibleNav(() => false, false).map((n) => n.to)
    expect(none).toEqual(['/'])
    const all = visibleNav(() => true, false).map((n) => n.to)
    expect(all).toEqual(nav.filter((n) => !n.platform).map((n) => n.to))
    const orders = visibleNav((p) => p === 'work_orders:read', false).map((n) => n.to)
    expect(orders).toContain('/orders')
    expect(orders).not.toContain('/agent')
    expect(visibleNav((p) => p === 'work_orders:create', false).map((n) => n.to)).toContain('/agent')
    expect(orders).not.toContain('/dispatch')
    const dispatcher = visibleNav((p) => p === 'work_orders:read' || p === 'work_orders:dispatch', false).map((n) => n.to)
    expect(dispatcher).toEqual(expect.arrayContaining(['/orders', '/dispatch', '/site']))
  })

  it('shows a platform admin the platform pages and no tenant page', () => {
    const items = visibleNav(() => true, true)
    expect(items.every((n) => n.platform || n.to === '/')).toBe(true)
  })
})
