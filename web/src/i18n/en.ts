import type zh from './zh-CN'

// Portal texts in English; the same keys as zh-CN.ts.
const en: typeof zh = {
  app: { name: 'After-sales service platform', skip: 'Skip to main content' },
  common: {
    save: 'Save', cancel: 'Cancel', search: 'Search', reset: 'Reset', refresh: 'Refresh', loading: 'Loading…',
    empty: 'Nothing here yet', actions: 'Actions', confirm: 'Confirm', back: 'Back', more: 'Load more', all: 'All',
    retry: 'Retry', close: 'Close', yes: 'Yes', no: 'No', unknown: 'Unknown',
  },
  form: {
    required: 'Required', minLength: 'At least {n} characters', maxLength: 'At most {n} characters', pattern: 'Not in the expected format',
    oneOf: 'One of: {values}', minimum: 'At least {n}', maximum: 'At most {n}', maxItems: 'At most {n} items',
  },
  login: {
    title: 'Sign in', tenant: 'Tenant', username: 'Username', password: 'Password', submit: 'Sign in',
    platform: 'Platform admin', tenantUser: 'Tenant user', token: 'Platform token',
    expired: 'Your session has ended. Please sign in again.', loggedOut: 'You have signed out.',
    required: '{field} is required',
  },
  nav: {
    home: 'Home', agent: 'Agent console', dispatch: 'Dispatch board', orders: 'Work orders', admin: 'Administration',
    regions: 'Regions', sites: 'Service sites', technicians: 'Technicians', customers: 'Customers',
    catalog: 'Products and fault codes', users: 'Users and access', settings: 'Settings', sms: 'SMS',
    webhooks: 'Webhooks', plugins: 'Plugins', platform: 'Platform', tenants: 'Tenants', monitor: 'Job monitor',
    site: 'Site desk', technician: 'My orders', docs: 'API docs', logout: 'Sign out', language: 'Language',
  },
  home: {
    welcome: 'Hello, {name}', tenant: 'Tenant', roles: 'Roles', scope: 'Scope', scopeAll: 'Whole tenant',
    scopeSome: '{regions} regions, {sites} sites',
  },
  platform: {
    tenants: 'Tenants', plugins: 'Plugin registry', onboard: 'Onboard a tenant', status: 'Status', active: 'Active', suspended: 'Suspended',
    slug: 'Tenant code', slugHint: 'Typed at sign-in: lower-case letters, digits and hyphens, e.g. acme', name: 'Name', locale: 'Language', timezone: 'Time zone',
    suspend: 'Suspend', resume: 'Resume', suspendTitle: 'Suspend {name}', reason: "Reason (shown to the tenant's users)",
    stepCompany: 'Manufacturer', stepRegion: 'Language and time zone', stepAdmin: 'First admin', stepReview: 'Review', next: 'Next',
    displayName: 'Display name', onboarded: '{name} is onboarded', signInAs: 'The admin signs in with tenant code {tenant} and username {user}',
    register: 'Register a plugin', kind: 'Kind', version: 'Version', path: 'Binary path', enabled: 'Enabled', delete: 'Delete',
    deletePlugin: 'Delete the plugin {name}? A plugin that tenants bind cannot be deleted; disable it instead.', kindParts: 'Parts ERP', kindRules: 'Dispatch rules',
  },
  orders: {
    title: 'Work orders', number: 'Number', type: 'Type', status: 'Status', sla: 'SLA', created: 'Created',
    customer: 'Customer', site: 'Site', technician: 'Technician', address: 'Address', description: 'Description',
    productLine: 'Product line', filterStatus: 'By status', noMore: 'No more orders',
  },
  status: {
    created: 'Created', dispatched: 'Dispatched to site', assigned: 'Assigned', accepted: 'Accepted', en_route: 'On the way', on_site: 'On site', waiting_parts: 'Waiting for parts', in_workshop: 'In workshop', completed: 'Completed', confirmed: 'Confirmed', closed: 'Closed', cancelled: 'Cancelled',
  },
  sla: { none: 'None', on_track: 'On track', at_risk: 'At risk', breached: 'Breached', met: 'Met' },
  dispatch: {
    region: 'Region', queue: { waiting: 'Waiting', unaccepted: 'Dispatched, not accepted', at_risk: 'At risk', breached: 'Breached' },
    queueReason: 'Why it waits', updated: 'Updated {time}', open: 'Open', decision: 'Dispatch decision', ranking: 'Site ranking',
    outcome: 'Outcome', by: 'By', reason: 'Reason', reasonOptional: 'Reason (optional)', ineligible: 'Not eligible',
    noDecision: 'Not dispatched yet', noCandidates: 'No candidate site',
    kind: { engine: 'Dispatched by the engine', queued: 'Waiting for a dispatcher', override: 'Site overridden', assign: 'Technician assigned', reassign: 'Technician reassigned', decline: 'Declined by the technician' },
    override: 'Override site', toSite: 'Override to site', overridden: 'Overridden', assignTech: 'Assign technician', reassignTech: 'Reassign technician', assigned: 'Assigned',
    urge: 'Urge', urgeNote: 'Note for the site (sent with the notice)', urged: 'Urged', respondBy: 'Respond by', arriveBy: 'Arrive by',
    fullPage: 'Open the work order', techStatus: { available: 'available', busy: 'busy', off: 'off duty' },
  },
  siteDesk: {
    counts: '{toAssign} to assign · {toConfirm} to confirm', confirm: 'Confirm completion', confirmed: 'Completion confirmed',
    nothing: 'Nothing for the site today', noSite: 'No site in your scope',
  },
  problem: {
    network: 'The network is unavailable. Check the connection and try again.', server: 'The server failed ({status}).',
    forbidden: 'You may not do this.', notFound: 'Not found, or outside your scope.',
    conflict: 'Someone else changed this meanwhile; it has been reloaded.',
  },
  notBuilt: 'No such page',
}
export default en
