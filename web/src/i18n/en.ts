import type zh from './zh-CN'

// Portal texts in English; the same keys as zh-CN.ts.
const en: typeof zh = {
  app: { name: 'After-sales service platform', skip: 'Skip to main content' },
  common: {
    save: 'Save', cancel: 'Cancel', search: 'Search', reset: 'Reset', refresh: 'Refresh', loading: 'Loading…',
    empty: 'Nothing here yet', actions: 'Actions', confirm: 'Confirm', back: 'Back', more: 'Load more', all: 'All',
    retry: 'Retry', close: 'Close', yes: 'Yes', no: 'No', unknown: 'Unknown',
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
  tech: {
    offline: 'Offline: your actions are kept on the phone and sent in order when the network returns.',
    pending: 'One action waiting to be sent | {n} actions waiting to be sent', sending: 'Sending…',
    refused: '“{action}” on order {number} was not done', held: '{n} later actions held with it', dismiss: 'Dismiss',
    asOf: 'As of {time}', noOrders: 'No open orders', call: 'Call {name}', navigate: 'Navigate to {address}',
    customer: 'Customer', phone: 'Phone', address: 'Address', description: 'Problem', productLine: 'Product line',
    warranty: 'Warranty', inWarranty: 'In warranty', outOfWarranty: 'Out of warranty', state: 'State', order: 'Order {number}',
    notFound: 'This order cannot be found (it may have been reassigned).',
    queued: 'Saved; it will be sent when the network returns.', done: 'Done', refusedNow: 'Not done: {detail}',
    accept: 'Accept', decline: 'Decline', start_travel: 'Start travel', arrive: 'Arrived', complete: 'Complete',
    record: 'Fill in the service record',
    declineTitle: 'Why do you decline?', declineReason: 'Reason', reasonRequired: 'Please give a reason',
    locating: 'Finding your position…', noPosition: 'Your position is not available; the arrival is recorded without it.',
    completedNote: 'The order is completed and waits for the site to confirm.', declinedNote: 'Declined: the order went back to the site.',
    recordTitle: 'Service record', serial: 'Unit serial', scan: 'Scan', scanTitle: 'Scan a barcode', scanHint: 'Point the camera at the barcode',
    noCamera: 'The camera is not available: type the code or take a photo.', photo: 'Photo of the barcode',
    notRecognised: 'No barcode recognised; try again or type it.',
    symptom: 'Symptom code', cause: 'Cause code', object: 'Object code', action: 'Action code', choose: 'Choose',
    parts: 'Parts used', partBarcode: 'Part barcode', quantity: 'Quantity', addPart: 'Add part', removePart: 'Remove part {code}',
    badBarcode: 'Letters, digits and . _ - only, at most 32', badQuantity: 'Quantity is 1–1000',
    confirmation: 'Customer confirmation', name: 'Customer name', proof: 'Confirmed by', signature: 'Signature',
    code: 'SMS confirmation code', signHere: 'Customer signs here', clear: 'Clear signature', unsigned: 'The customer has not signed yet',
    codeRequired: 'Enter the code the customer received', notes: 'Notes', submit: 'Submit and complete',
    required: '{field} is required', tooLong: '{field} is too long',
  },
  notBuilt: 'No such page',
}
export default en
