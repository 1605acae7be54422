import { defineStore } from 'pinia'
import { computed, ref, shallowRef, watch } from 'vue'
import { api, fieldErrors, unwrap, type Problem, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'
import { ActionQueue, MemoryStore, outcome, type QueuedAction, type SendResult } from '@/offline/queue'
import { dbName, openTechStorage, type Cache } from '@/offline/idbStore'

type WorkOrder = Schemas['WorkOrder']
type Customer = Schemas['Customer']
type FaultCode = Schemas['FaultCode']
type Action = 'accept' | 'decline' | 'start_travel' | 'arrive' | 'complete'
export type ActionBody = { reason?: string; lat?: number; lon?: number; record?: Schemas['ServiceRecord'] }

// The state an order is in once an action is done, so the phone shows the
// next step while the action waits to be sent.
const after: Record<Action, string> = {
  accept: 'accepted', decline: 'dispatched', start_travel: 'en_route', arrive: 'on_site', complete: 'completed',
}

// What became of an action the technician took: done by the server, queued
// until the network returns, or refused (with the server's problem).
// done carries the warnings the server gave with its answer (complete:
// parts that do not fit the model by the catalogue).
export type ActOutcome = { kind: 'done'; warnings?: Schemas['FitWarning'][] } | { kind: 'queued' } | { kind: 'refused'; status: number; detail: string; fields: Record<string, string> }

// The technician's phone: their orders and customers as last seen (kept in
// IndexedDB to work offline) and the queue of actions taken.
export const useTechnician = defineStore('technician', () => {
  const session = useSession()
  const online = ref(typeof navigator === 'undefined' ? true : navigator.onLine)
  const orders = ref<WorkOrder[]>([])
  const customers = ref<Record<string, Customer>>({})
  const queued = ref<QueuedAction[]>([])
  const loadedAt = ref<string | null>(null)
  const failure = ref('') // why the last refresh failed
  const queue = shallowRef<ActionQueue | null>(null)
  let cache: Cache | null = null
  let opening: Promise<void> | null = null

  async function syncQueued() {
    if (queue.value) queued.value = await queue.value.list()
  }

  // send sends one queued action with its Idempotency-Key.
  async function send(a: QueuedAction): Promise<SendResult> {
    const { data, error, response } = await api.POST('/v1/work-orders/{id}/{action}', {
      params: { path: { id: a.orderId, action: a.action as Action } },
      body: JSON.parse(a.body),
      headers: { 'Idempotency-Key': a.key },
    })
    const kind = outcome(response.status)
    if (kind === 'done') return { kind, data }
    const p = (error && typeof error === 'object' ? error : {}) as Problem
    const detail = p.detail || p.title || `HTTP ${response.status}`
    if (kind === 'retry') return { kind, status: response.status, detail }
    return { kind, status: response.status, detail, fields: fieldErrors(p) }
  }

  function remember(w: WorkOrder) {
    const i = orders.value.findIndex((o) => o.id === w.id)
    if (i >= 0) orders.value[i] = w
    else orders.value.push(w)
    void cache?.set('orders', orders.value)
  }

  // open opens the signed-in technician's storage once: the cached orders
  // and the queue, which is flushed now and whenever the network returns.
  function open(): Promise<void> {
    opening ??= (async () => {
      const me = session.me
      let store
      try {
        const s = await openTechStorage(dbName(me?.tenant.id ?? 'none', me?.id ?? 'none'))
        cache = s.cache
        store = s.queue
      } catch {
        store = new MemoryStore() // private browsing without IndexedDB: works until closed
      }
      orders.value = (await cache?.get<WorkOrder[]>('orders')) ?? []
      customers.value = (await cache?.get<Record<string, Customer>>('customers')) ?? {}
      loadedAt.value = (await cache?.get<string>('loadedAt')) ?? null
      queue.value = new ActionQueue(store, send, {
        onDone: (_, data) => remember(data as WorkOrder),
        onChange: () => void syncQueued(),
      })
      await syncQueued()
      window.addEventListener('online', wentOnline)
      window.addEventListener('offline', wentOffline)
      void queue.value.flush()
    })()
    return opening
  }

  function wentOnline() {
    online.value = true
    void queue.value?.flush()
    void refresh()
  }
  function wentOffline() {
    online.value = false
  }

  // close forgets the signed-out user's phone state; their queue stays in
  // their own database until they sign in again.
  function close() {
    window.removeEventListener('online', wentOnline)
    window.removeEventListener('offline', wentOffline)
    queue.value = null
    cache = null
    opening = null
    orders.value = []
    customers.value = {}
    queued.value = []
    loadedAt.value = null
  }

  // refresh loads my open orders and their customers; offline the cached
  // ones stay.
  async function refresh() {
    await open()
    try {
      const page = await unwrap(api.GET('/v1/technician/orders', { params: { query: { limit: 500 } } }))
      orders.value = page.items ?? []
      loadedAt.value = new Date().toISOString()
      failure.value = ''
      await cache?.set('orders', orders.value)
      await cache?.set('loadedAt', loadedAt.value)
      await Promise.all(orders.value.map((o) => loadCustomer(o.customer_id)))
      // the catalogues the service records will need, for offline use
      for (const line of new Set(orders.value.map((o) => o.product_line ?? ''))) void faultCodes(line).catch(() => {})
    } catch (e) {
      failure.value = e instanceof TypeError ? 'offline' : e instanceof Error ? e.message : String(e)
    }
  }

  async function loadCustomer(id: string) {
    try {
      customers.value[id] = await unwrap(api.GET('/v1/customers/{id}', { params: { path: { id } } }))
      await cache?.set('customers', customers.value)
    } catch {
      // offline or not readable: the order page shows what it has
    }
  }

  // order is one of my orders as last loaded; one not in the list (opened
  // by a link) is fetched.
  async function order(id: string): Promise<WorkOrder | undefined> {
    await open()
    let w = orders.value.find((o) => o.id === id)
    if (!w) {
      try {
        w = await unwrap(api.GET('/v1/work-orders/{id}', { params: { path: { id } } }))
        remember(w)
      } catch {
        return undefined
      }
    }
    if (!customers.value[w.customer_id]) await loadCustomer(w.customer_id)
    return w
  }

  // faultCodes are the catalogue's codes usable on a product line, cached
  // for offline use.
  async function faultCodes(line: string): Promise<FaultCode[]> {
    await open()
    const key = `fault-codes:${line}`
    try {
      const out: FaultCode[] = []
      let cursor: string | undefined
      do {
        const page = await unwrap(api.GET('/v1/fault-codes', { params: { query: { product_line: line || undefined, limit: 500, cursor } } }))
        out.push(...(page.items ?? []))
        cursor = page.next_cursor || undefined
      } while (cursor)
      await cache?.set(key, out)
      return out
    } catch (e) {
      const cached = await cache?.get<FaultCode[]>(key)
      if (cached) return cached
      throw e
    }
  }

  // state is the order's state once the actions waiting to be sent are
  // done.
  function stateOf(w: WorkOrder): string {
    let s = w.state
    for (const a of queued.value) {
      if (a.orderId === w.id && a.status === 'pending' && a.action in after) s = after[a.action as Action]
    }
    return s
  }

  // act takes an action: queued, then sent at once when the network allows
  // (and after the actions queued before it).
  async function act(orderId: string, action: Action, body: ActionBody = {}): Promise<ActOutcome> {
    await open()
    const q = queue.value!
    const orderNumber = orders.value.find((o) => o.id === orderId)?.number
    const item = await q.enqueue({ orderId, orderNumber, action, body: JSON.stringify(body) })
    await syncQueued()
    await q.flush()
    const r = q.result(item.id)
    if (r?.kind === 'done') return { kind: 'done', warnings: (r.data as Schemas['WorkOrderDetail'] | undefined)?.warnings ?? undefined }
    if (r?.kind === 'refused') {
      // Refused while the technician looks at it: the page shows why, next
      // to the fields it names, and the queue forgets it. Only refusals
      // met while replaying later stay in the queue to be read.
      await q.dismiss(item.id)
      void refresh()
      return { kind: 'refused', status: r.status, detail: r.detail, fields: r.fields ?? {} }
    }
    return { kind: 'queued' }
  }

  // dismiss drops a refused action (and those of its order after it); the
  // order is reloaded to show where it really is.
  async function dismiss(id: number) {
    await queue.value?.dismiss(id)
    await refresh()
  }

  // Another user signing in on this phone (after a session ended) gets
  // their own storage.
  watch(
    () => session.me?.id,
    (id, before) => {
      if (before && id !== before) close()
    },
  )

  const pending = computed(() => queued.value.filter((a) => a.status === 'pending'))
  const refused = computed(() => queued.value.filter((a) => a.status === 'failed'))

  return { online, orders, customers, queued, pending, refused, loadedAt, failure, open, close, refresh, order, faultCodes, stateOf, act, dismiss }
})
