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
  problem: {
    network: 'The network is unavailable. Check the connection and try again.', server: 'The server failed ({status}).',
    forbidden: 'You may not do this.', notFound: 'Not found, or outside your scope.',
    conflict: 'Someone else changed this meanwhile; it has been reloaded.',
  },
  agent: {
    title: 'Agent console', stream: { connecting: 'Connecting to calls…', open: 'Waiting for calls', retrying: 'Reconnecting…', closed: 'Call events stopped' },
    incoming: 'Call from {phone}', lookup: 'Look up a number', phone: 'Phone', find: 'Find',
    unknownCaller: 'Unknown caller: no customer has this number.', newCustomer: 'New customer', customerName: 'Name',
    createCustomer: 'Create customer', customer: 'Customer', vip: 'VIP', units: 'Units', noUnits: 'No registered units',
    serial: 'Serial', model: 'Model', purchased: 'Purchased', inWarranty: 'In warranty, {days} days left', outWarranty: 'Out of warranty since {date}',
    recentOrders: 'Recent work orders', noOrders: 'No work orders yet', complaints: 'Open complaints',
    intake: 'New work order', intakeHint: 'Alt+N focuses this form; Enter creates the order.',
    type: 'Type', unit: 'Unit', noUnit: 'No unit', savedAddress: 'Saved address', otherAddress: 'Another address',
    address: 'Address', productLine: 'Product line', description: 'Description', skills: 'Required skills',
    skillsHint: 'Comma separated, e.g. install, electric', submit: 'Create work order', created: 'Work order {number} created',
    openOrder: 'Open the order', dial: 'Call {number}', dialed: 'Calling {number}…', pickCustomer: 'Customer', required: '{field} is required',
  },
  types: {
    repair: 'Repair', installation: 'Installation', maintenance: 'Maintenance', consultation: 'Consultation', complaint: 'Complaint',
    suggestion: 'Suggestion', price_inquiry: 'Price inquiry', parts_inquiry: 'Parts inquiry', purchase_lead: 'Purchase lead',
  },
  decision: {
    title: 'Dispatch decision', site: 'Site', technician: 'Technician', suggested: 'Suggested', outcome: 'Outcome', by: 'by {name}',
    noSite: 'No site: {reason}', noTechnician: 'No technician named: {reason}', ranking: 'Sites considered', technicians: 'Technicians of {site}',
    eligible: 'Eligible', notEligible: 'Not eligible', score: 'Score', distance: '{km} km', reasons: 'Why',
    components: 'Distance {distance}, load {load}, reputation {reputation}, punctuality {sla}',
    techComponents: 'Skills {skills}, distance {distance}, workload {workload}', kinds: {
      engine: 'Chosen by the engine', queued: 'Waiting in the dispatcher queue', override: 'Dispatcher override', assign: 'Technician named',
      reassign: 'Technician replaced', decline: 'Declined by the technician',
    },
    techStatus: { available: 'available', busy: 'busy', off: 'off duty' },
  },
  order: {
    title: 'Work order {number}', details: 'Details', channel: 'Channel', serviceType: 'Service type', warranty: 'Warranty',
    inWarranty: 'In warranty until {date}', outWarranty: 'Out of warranty', unknownWarranty: 'No unit', sla: 'SLA clocks',
    respond_by: 'Respond by', arrive_by: 'Arrive by', complete_by: 'Complete by', left: '{time} left', overdue: '{time} overdue',
    done: 'Done {at}', noDeadline: 'No deadline', timeline: 'Timeline', system: 'System', actionsTitle: 'Actions',
    noActions: 'Nothing you can do with this order now.', reason: 'Reason', technician: 'Technician', site: 'Site',
    changed: 'This order was changed meanwhile: {what}. It has been reloaded.', stateNow: 'it is now "{state}"', done2: 'Done: {action}',
    onPhone: 'Technicians complete orders on their phone pages.', unit: 'Unit', queue: 'Queued because: {reason}',
    payload: { reason: 'Reason', override_reason: 'Override reason', site_id: 'Site', from_site: 'From site', technician_id: 'Technician',
      previous: 'Previous technician', status: 'Status', kind: 'Kind', to: 'To', note: 'Note', summary: 'Summary', channel: 'Channel', error: 'Error', due_at: 'Due' },
    smsStatus: { queued: 'queued', sending: 'sending', sent: 'sent', delivered: 'delivered', failed: 'failed', received: 'received' },
    smsKind: { technician_assigned: 'order to the technician', customer_assigned: 'visit notice to the customer',
      customer_satisfaction: 'satisfaction survey', help_reply: 'help reply', site_urge: 'urge to the site', sla_breached: 'SLA breach to the dispatcher' },
    events: {
      created: 'Created', dispatched: 'Dispatched', queued: 'Queued', routed: 'Routed to a dealer', assigned: 'Technician assigned',
      accepted: 'Accepted', declined: 'Declined', rejected: 'Rejected by the site', reassigned: 'Reassigned', en_route: 'On the way',
      arrived: 'Arrived', waiting_parts: 'Waiting for parts', resumed: 'Resumed', taken_to_workshop: 'Taken to the workshop',
      completed: 'Completed', confirmed: 'Confirmed', closed: 'Closed', cancelled: 'Cancelled', urged: 'Urged',
      sla_breached: 'SLA breached', sms_status: 'SMS', satisfaction_scored: 'Satisfaction scored',
    },
  },
  actions: {
    dispatch: 'Dispatch', reassign: 'Reassign', assign: 'Assign technician', accept: 'Accept', decline: 'Decline', reject: 'Reject',
    start_travel: 'Start travel', arrive: 'Arrive', wait_parts: 'Wait for parts', resume: 'Resume', take_to_workshop: 'Take to workshop',
    complete: 'Complete', confirm: 'Confirm', close: 'Close', cancel: 'Cancel order',
  },
  notBuilt: 'No such page',
}
export default en
