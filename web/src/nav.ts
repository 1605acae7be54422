// The portal's navigation: each entry shows when the user holds its
// permission (or is a platform admin, for platform entries).
export type NavItem = { to: string; label: string; perm?: string; platform?: boolean }

export const nav: NavItem[] = [
  { to: '/', label: 'nav.home' },
  { to: '/agent', label: 'nav.agent', perm: 'work_orders:create' },
  { to: '/orders', label: 'nav.orders', perm: 'work_orders:read' },
  { to: '/dispatch', label: 'nav.dispatch', perm: 'work_orders:dispatch' },
  // site staff assign their technicians: the same permission, within their sites
  { to: '/site', label: 'nav.site', perm: 'work_orders:dispatch' },
  { to: '/admin/regions', label: 'nav.regions', perm: 'regions:read' },
  { to: '/admin/sites', label: 'nav.sites', perm: 'sites:read' },
  { to: '/admin/technicians', label: 'nav.technicians', perm: 'technicians:read' },
  { to: '/admin/customers', label: 'nav.customers', perm: 'customers:read' },
  { to: '/admin/catalog', label: 'nav.catalog', perm: 'catalog:read' },
  { to: '/admin/audit', label: 'nav.audit', perm: 'audit:read' },
  { to: '/admin/settings', label: 'nav.settings', perm: 'tenant:read' },
  { to: '/admin/sms', label: 'nav.sms', perm: 'tenant:read' },
  { to: '/admin/webhooks', label: 'nav.webhooks', perm: 'webhooks:read' },
  { to: '/admin/plugins', label: 'nav.plugins', perm: 'plugins:read' },
  { to: '/admin/users', label: 'nav.users', perm: 'users:read' },
  { to: '/admin/roles', label: 'access.nav.roles', perm: 'access:read' },
  { to: '/admin/api-keys', label: 'access.nav.apiKeys', perm: 'api_keys:read' },
  { to: '/callbacks', label: 'callbacks.nav', perm: 'callbacks:read' },
  { to: '/calls', label: 'calls.nav', perm: 'customers:read' },
  { to: '/calls/board', label: 'calls.board', perm: 'users:read' },
  { to: '/kb', label: 'kb.nav', perm: 'kb:read' },
  { to: '/platform/tenants', label: 'nav.tenants', platform: true },
  { to: '/platform/plugins', label: 'nav.plugins', platform: true },
  { to: '/complaints', label: 'complaints.title', perm: 'complaints:read' },
  { to: '/complaints/settings', label: 'care.settings.nav', perm: 'tenant:update' },
  { to: '/claims', label: 'claims.nav', perm: 'claims:read' },
  { to: '/claims/statements', label: 'claims.statements.nav', perm: 'claims:read' },
  { to: '/claims/rules', label: 'claims.rules.nav', perm: 'claims:approve' },
  { to: '/calls/groups', label: 'agents.nav', perm: 'users:read' },
  { to: '/reports', label: 'reports.nav', perm: 'reports:read' },
  { to: '/admin/warranty', label: 'warranty.nav', perm: 'catalog:read' },
  { to: '/parts', label: 'stock.nav.parts', perm: 'parts:read' },
  { to: '/parts/warehouses', label: 'stock.nav.warehouses', perm: 'parts:read' },
  { to: '/parts/stock', label: 'stock.nav.levels', perm: 'parts:read' },
  { to: '/parts/documents', label: 'stock.nav.documents', perm: 'parts:read' },
  { to: '/parts/requests', label: 'fieldparts.nav', perm: 'parts:read' },
  { to: '/parts/stocktakes', label: 'stocktake.nav.sheets', perm: 'parts:read' },
  { to: '/parts/planning', label: 'stocktake.nav.planning', perm: 'parts:read' },
  { to: '/parts/settings', label: 'partsMode.nav', perm: 'tenant:read' },
  { to: '/reports/settings', label: 'repSettings.nav', perm: 'tenant:read' },
]

// Pages served beside the portal, opened in a new tab.
export const externalNav: NavItem[] = [{ to: '/monitor/', label: 'nav.monitor', platform: true }]

export function visibleNav(can: (perm: string) => boolean, platform: boolean): NavItem[] {
  return nav.filter((n) => {
    if (n.to === '/') return true
    if (platform) return n.platform === true
    return !n.platform && (!n.perm || can(n.perm))
  })
}
