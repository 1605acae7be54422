import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useSession } from '@/stores/session'

declare module 'vue-router' {
  interface RouteMeta {
    // public pages need no sign-in
    public?: boolean
    // the permission a page needs ("work_orders:read"); the navigation hides
    // what the user may not open
    perm?: string
    // platform admin pages
    platform?: boolean
    // the phone layout (Vant) instead of the desktop portal (Element Plus)
    phone?: boolean
    // a phone page with its own navigation bar (back to the list)
    ownBar?: boolean
  }
}

// Every page is its own chunk, loaded when first opened.
export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/auth/LoginView.vue'), meta: { public: true } },
  { path: '/invite', name: 'invite', component: () => import('@/views/auth/InviteView.vue'), meta: { public: true } },
  {
    path: '/',
    component: () => import('@/layouts/PortalLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/HomeView.vue') },
      { path: 'platform/tenants', name: 'tenants', component: () => import('@/views/platform/TenantsView.vue'), meta: { platform: true } },
      { path: 'platform/plugins', name: 'plugins', component: () => import('@/views/platform/PluginsView.vue'), meta: { platform: true } },
      { path: 'agent', name: 'agent', component: () => import('@/views/agent/AgentView.vue'), meta: { perm: 'work_orders:create' } },
      { path: 'orders', name: 'orders', component: () => import('@/views/orders/OrdersView.vue'), meta: { perm: 'work_orders:read' } },
      { path: 'orders/:id', name: 'order', component: () => import('@/views/orders/WorkOrderView.vue'), meta: { perm: 'work_orders:read' } },
      { path: 'admin/regions', name: 'regions', component: () => import('@/views/admin/RegionsView.vue'), meta: { perm: 'regions:read' } },
      { path: 'admin/sites', name: 'sites', component: () => import('@/views/admin/SitesView.vue'), meta: { perm: 'sites:read' } },
      { path: 'admin/technicians', name: 'technicians', component: () => import('@/views/admin/TechniciansView.vue'), meta: { perm: 'technicians:read' } },
      { path: 'admin/customers', name: 'customers', component: () => import('@/views/admin/CustomersView.vue'), meta: { perm: 'customers:read' } },
      { path: 'admin/customers/:id', name: 'customer', component: () => import('@/views/admin/CustomerView.vue'), meta: { perm: 'customers:read' } },
      { path: 'admin/catalog', name: 'catalog', component: () => import('@/views/admin/catalog/CatalogView.vue'), meta: { perm: 'catalog:read' } },
      { path: 'admin/audit', name: 'audit', component: () => import('@/views/admin/AuditView.vue'), meta: { perm: 'audit:read' } },
      { path: 'admin/settings', name: 'settings', component: () => import('@/views/admin/SettingsView.vue'), meta: { perm: 'tenant:read' } },
      { path: 'admin/sms', name: 'sms', component: () => import('@/views/admin/SmsSettingsView.vue'), meta: { perm: 'tenant:read' } },
      { path: 'admin/webhooks', name: 'webhooks', component: () => import('@/views/admin/WebhooksView.vue'), meta: { perm: 'webhooks:read' } },
      { path: 'admin/webhooks/:id', name: 'webhook-deliveries', component: () => import('@/views/admin/WebhookDeliveriesView.vue'), meta: { perm: 'webhooks:read' } },
      { path: 'admin/plugins', name: 'plugin-bindings', component: () => import('@/views/admin/PluginBindingsView.vue'), meta: { perm: 'plugins:read' } },
      { path: 'admin/users', name: 'users', component: () => import('@/views/admin/access/UsersView.vue'), meta: { perm: 'users:read' } },
      { path: 'admin/users/:id', name: 'user', component: () => import('@/views/admin/access/UserView.vue'), meta: { perm: 'users:read' } },
      { path: 'admin/roles', name: 'roles', component: () => import('@/views/admin/access/RolesView.vue'), meta: { perm: 'access:read' } },
      { path: 'admin/api-keys', name: 'api-keys', component: () => import('@/views/admin/access/ApiKeysView.vue'), meta: { perm: 'api_keys:read' } },
      { path: 'dispatch', name: 'dispatch', component: () => import('@/views/dispatch/DispatchBoard.vue'), meta: { perm: 'work_orders:dispatch' } },
      { path: 'site', name: 'site-desk', component: () => import('@/views/site/SiteDesk.vue'), meta: { perm: 'work_orders:dispatch' } },
      { path: 'callbacks', name: 'callbacks', component: () => import('@/views/callbacks/CallbacksView.vue'), meta: { perm: 'callbacks:read' } },
      { path: 'complaints', name: 'complaints', component: () => import('@/views/complaints/ComplaintsView.vue'), meta: { perm: 'complaints:read' } },
      { path: 'complaints/:id', name: 'complaint', component: () => import('@/views/complaints/ComplaintView.vue'), meta: { perm: 'complaints:read' } },
      { path: 'complaints/settings', name: 'complaint-settings', component: () => import('@/views/complaints/ComplaintSettingsView.vue'), meta: { perm: 'complaints:read' } },
      { path: 'claims', name: 'claims', component: () => import('@/views/claims/ClaimsView.vue'), meta: { perm: 'claims:read' } },
      { path: 'claims/statements', name: 'claim-statements', component: () => import('@/views/claims/ClaimStatementsView.vue'), meta: { perm: 'claims:read' } },
      { path: 'claims/rules', name: 'claim-rules', component: () => import('@/views/claims/ClaimRulesView.vue'), meta: { perm: 'claims:approve' } },
      { path: 'claims/:id', name: 'claim', component: () => import('@/views/claims/ClaimView.vue'), meta: { perm: 'claims:read' } },
      { path: 'calls', name: 'calls', component: () => import('@/views/calls/CallsView.vue'), meta: { perm: 'customers:read' } },
      { path: 'calls/board', name: 'agent-board', component: () => import('@/views/calls/AgentBoardView.vue'), meta: { perm: 'users:read' } },
      { path: 'kb', name: 'kb', component: () => import('@/views/kb/KBListView.vue'), meta: { perm: 'kb:read' } },
      { path: 'kb/:id', name: 'kb-article', component: () => import('@/views/kb/KBArticleView.vue'), meta: { perm: 'kb:read' } },
      { path: 'kb-admin', name: 'kb-admin', component: () => import('@/views/kb/KBAdminView.vue'), meta: { perm: 'kb:update' } },
      { path: 'admin/warranty', name: 'warranty', component: () => import('@/views/warranty/WarrantySettingsView.vue'), meta: { perm: 'catalog:read' } },
      { path: 'admin/sites/:id/districts', name: 'site-districts', component: () => import('@/views/admin/SiteDistrictsView.vue'), meta: { perm: 'sites:read' } },
      { path: 'calls/groups', name: 'agent-groups', component: () => import('@/views/calls/AgentGroupsView.vue'), meta: { perm: 'users:read' } },
      { path: 'reports', name: 'reports', component: () => import('@/views/reports/ReportsView.vue'), meta: { perm: 'reports:read' } },
      { path: 'parts', name: 'parts', component: () => import('@/views/parts/PartsView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/warehouses', name: 'warehouses', component: () => import('@/views/parts/WarehousesView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/stock', name: 'stock', component: () => import('@/views/parts/StockView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/documents', name: 'stock-documents', component: () => import('@/views/parts/StockDocumentsView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/requests', name: 'part-requests', component: () => import('@/views/parts/PartRequestsView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/stocktakes', name: 'stocktakes', component: () => import('@/views/parts/StocktakesView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/stocktakes/:id', name: 'stocktake', component: () => import('@/views/parts/StocktakeView.vue'), meta: { perm: 'parts:read' } },
      { path: 'parts/planning', name: 'stock-planning', component: () => import('@/views/parts/PlanningView.vue'), meta: { perm: 'parts:read' } },
      { path: 'reports/scorecard/:view(region|site|technician)', name: 'scorecard', component: () => import('@/views/reports/ScorecardView.vue'), meta: { perm: 'reports:read' } },
      { path: 'parts/settings', name: 'parts-settings', component: () => import('@/views/parts/PartsSettingsView.vue'), meta: { perm: 'tenant:read' } },
      { path: 'reports/settings', name: 'report-settings', component: () => import('@/views/reports/ReportSettingsView.vue'), meta: { perm: 'tenant:read' } },
    ],
  },
  {
    path: '/m',
    component: () => import('@/layouts/PhoneLayout.vue'),
    meta: { phone: true },
    children: [
      { path: '', name: 'my-orders', component: () => import('@/views/mobile/MyOrdersView.vue'), meta: { perm: 'work_orders:read', phone: true } },
      { path: 'orders/:id', name: 'tech-order', component: () => import('@/views/mobile/OrderView.vue'), meta: { perm: 'work_orders:update', phone: true, ownBar: true } },
      { path: 'orders/:id/record', name: 'tech-record', component: () => import('@/views/mobile/RecordView.vue'), meta: { perm: 'work_orders:update', phone: true, ownBar: true } },
      { path: 'kb/:id', name: 'tech-kb', component: () => import('@/views/mobile/ArticleView.vue'), meta: { perm: 'kb:read', phone: true, ownBar: true } },
      { path: 'stocktakes/:id', name: 'tech-stocktake', component: () => import('@/views/mobile/StocktakeCountView.vue'), meta: { perm: 'parts:create', phone: true, ownBar: true } },
    ],
  },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('@/views/NotFoundView.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHistory(), routes })

router.beforeEach(async (to) => {
  const session = useSession()
  if (to.meta.public) return true
  if (!session.signedIn) return { name: 'login', query: { next: to.fullPath, ...(session.expired ? { expired: '1' } : {}) } }
  if (session.kind === 'tenant' && !session.me) {
    try {
      await session.refresh()
    } catch (e) {
      if (!session.signedIn) return { name: 'login', query: { next: to.fullPath, ...(session.expired ? { expired: '1' } : {}) } }
      throw e
    }
  }
  if (to.meta.platform && session.kind !== 'platform') return { name: 'home' }
  if (to.meta.perm && !session.can(to.meta.perm)) return { name: 'home' }
  return true
})
