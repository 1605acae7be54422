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
    site: 'Site desk', technician: 'My orders', docs: 'API docs', logout: 'Sign out', language: 'Language', audit: 'Audit log',
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
  problem: {
    network: 'The network is unavailable. Check the connection and try again.', server: 'The server failed ({status}).',
    forbidden: 'You may not do this.', notFound: 'Not found, or outside your scope.',
    conflict: 'Someone else changed this meanwhile; it has been reloaded.',
  },
  regions: {
    title: 'Regions', addCountry: 'New country', addChild: 'Add child', rename: 'Rename', delete: 'Delete', editTitle: 'Edit region',
    childOf: 'New region under {name}', levelLabel: 'Level', code: 'Code', name: 'Name',
    level: { country: 'Country', region: 'Region', province: 'Province', city: 'City' },
    confirmDelete: 'Delete the region {name}? Only a region without children, sites or anyone\'s scope on it can be deleted.',
    deleted: 'Deleted the region {name}', refused: 'Could not delete {name}: {reason}', nowIs: 'It is now: {code} {name}',
  },
  sites: {
    title: 'Service sites', region: 'Region', kind: 'Kind', status: 'Status', search: 'Code, name or address', edit: 'Edit',
    editTitle: 'Edit site {code}', importTitle: 'Import sites (CSV)', shown: '{n} shown', lat: 'Latitude', lon: 'Longitude',
    radius: 'Service radius (km)', polygon: 'The service area is a polygon ({n} points), not changed here', typeEnter: 'Type and press Enter',
    theyChanged: 'They changed: {fields}. What you typed is kept; check it and save again.',
    kinds: { service_station: 'Service station', repair_center: 'Repair center', dealer: 'Dealer' },
    statuses: { active: 'Active', suspended: 'Suspended', closed: 'Closed' },
    f: {
      code: 'Code', name: 'Name', kind: 'Kind', status: 'Status', region_id: 'Region', address: 'Address', phone: 'Phone', location: 'Location',
      area: 'Service area', daily_capacity: 'Daily capacity', reputation: 'Reputation', auto_assign: 'Assign technicians automatically',
      product_lines: 'Product lines', skills: 'Skills', tags: 'Tags',
    },
  },
  technicians: {
    title: 'Technicians', search: 'Code, name or phone', skill: 'Skill', tag: 'Tag', workload: 'Open orders', editTitle: 'Edit technician {code}',
    importTitle: 'Import technicians (CSV)',
    statuses: { available: 'Available', busy: 'Busy', off: 'Off' },
    f: { code: 'Code', name: 'Name', phone: 'Phone', site_id: 'Site', status: 'Status', skills: 'Skills', tags: 'Tags' },
  },
  imports: {
    open: 'Import CSV', file: 'CSV file', charset: 'File encoding', send: 'Upload and import', progress: 'Import progress',
    hint: 'The first row names the columns, in any order; lists are separated by |. Columns: {columns}', pickFile: 'Choose a CSV file first',
    sending: 'Uploading… {percent}%', working: 'The server is checking and writing each row…',
    summary: '{total} rows: {created} created, {updated} updated, {failed} failed', row: 'Row', field: 'Column', message: 'Problem',
  },
  audit: {
    title: 'Audit log', actor: 'Who', action: 'Action', resource: 'Resource type', resourceId: 'Resource', at: 'When', range: 'Time range',
    from: 'From', to: 'To', show: 'Show changes', hide: 'Hide', diff: 'Before and after', field: 'Field', before: 'Before',
    after: 'After', changed: '(changed)', request: 'From {client}, request {request}',
    actions: { create: 'Create', update: 'Update', delete: 'Delete', revoke: 'Revoke', rotate_secret: 'Rotate secret', suspend: 'Suspend', resume: 'Resume' },
    resources: {
      user: 'User', api_key: 'API key', role: 'Role', grants: 'Grants', settings: 'Settings', sms_settings: 'SMS settings', webhook: 'Webhook',
      plugin_binding: 'Plugin binding', region: 'Region', site: 'Service site', technician: 'Technician', tenant: 'Tenant',
    },
  },
  notBuilt: 'No such page',
}
export default en
