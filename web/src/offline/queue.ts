// The technician's outbox: actions taken on the phone are written here
// first and sent in the order they were taken, each with its own
// Idempotency-Key, so an action whose response was lost is done once when
// it is sent again. Sending stops at the first action that cannot be sent
// (no network, a server error) and is tried again later with a growing
// delay; an action the server refuses (409 the order moved on, 403 it was
// reassigned, 404 it is gone, 422 bad input) is kept, marked failed with
// the server's words, and never sent again: the technician sees it and
// dismisses it. The later actions of the same order are held behind it,
// since they depend on it, and go with it when it is dismissed.

// QueuedAction is one action waiting to be sent, or refused.
export type QueuedAction = {
  id: number // ascending: the order actions were taken in
  key: string // the Idempotency-Key, the same on every attempt
  orderId: string
  orderNumber?: string // for people: "WO-2612-000123"
  action: string
  // The request body exactly as sent on every attempt (the server replays
  // a stored response only for the same key and body).
  body: string
  createdAt: number
  attempts: number // attempts the server answered with an error to retry
  status: 'pending' | 'failed'
  // why a failed action was refused: the HTTP status and the problem's
  // detail (with its messages per field)
  error?: { status: number; detail: string; fields?: Record<string, string> }
}

export type NewAction = Pick<QueuedAction, 'orderId' | 'orderNumber' | 'action' | 'body'>

// QueueStore keeps the queue: IndexedDB in the browser (idbStore.ts), a
// Map in unit tests (MemoryStore).
export interface QueueStore {
  list(): Promise<QueuedAction[]> // ascending id
  add(a: Omit<QueuedAction, 'id'>): Promise<QueuedAction>
  put(a: QueuedAction): Promise<void>
  remove(id: number): Promise<void>
}

// SendResult is what became of one attempt.
export type SendResult =
  | { kind: 'done'; data: unknown }
  | { kind: 'refused'; status: number; detail: string; fields?: Record<string, string> }
  | { kind: 'retry'; status: number; detail: string } // status 0: no network

export type Sender = (a: QueuedAction) => Promise<SendResult>

// outcome sorts an HTTP answer: 2xx done; 408, 425, 429 and 5xx are tried
// again, as is 401 (the technician signs in again and the queue goes on);
// every other 4xx is the server's refusal and is final.
export function outcome(status: number): SendResult['kind'] {
  if (status >= 200 && status < 300) return 'done'
  if (status === 401 || status === 408 || status === 425 || status === 429 || status >= 500) return 'retry'
  return 'refused'
}

export type QueueOptions = {
  newKey?: () => string
  now?: () => number
  // schedules the next attempt; returns a function that cancels it
  schedule?: (fn: () => void, ms: number) => () => void
  baseDelayMs?: number
  maxDelayMs?: number
  // server errors (5xx…) tolerated for one action before it is marked
  // failed; network failures do not count: the phone may be offline for hours
  maxAttempts?: number
  // told after each action the server accepted (the order as it now is)
  onDone?: (a: QueuedAction, data: unknown) => void
  onChange?: () => void
}

export class ActionQueue {
  private readonly o: Required<QueueOptions>
  private running: Promise<void> | null = null
  private again = false
  private cancelRetry: (() => void) | null = null
  private failures = 0 // consecutive attempts that could not be sent
  private readonly results = new Map<number, SendResult>()

  constructor(
    private readonly store: QueueStore,
    private readonly send: Sender,
    opts: QueueOptions = {},
  ) {
    this.o = {
      newKey: () => crypto.randomUUID(),
      now: () => Date.now(),
      schedule: (fn, ms) => {
        const t = setTimeout(fn, ms)
        return () => clearTimeout(t)
      },
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      maxAttempts: 8,
      onDone: () => {},
      onChange: () => {},
      ...opts,
    }
  }

  // enqueue records an action; it is sent by the next flush.
  async enqueue(a: NewAction): Promise<QueuedAction> {
    const item = await this.store.add({ ...a, key: this.o.newKey(), createdAt: this.o.now(), attempts: 0, status: 'pending' })
    this.o.onChange()
    return item
  }

  list(): Promise<QueuedAction[]> {
    return this.store.list()
  }

  // result is what the last attempt at an action gave, if it was tried
  // since this queue was made.
  result(id: number): SendResult | undefined {
    return this.results.get(id)
  }

  // dismiss forgets a failed action (the technician has read why) and the
  // actions of the same order taken after it, which depended on it.
  async dismiss(id: number): Promise<void> {
    const all = await this.store.list()
    const failed = all.find((a) => a.id === id)
    if (!failed) return
    for (const a of all) {
      if (a.orderId === failed.orderId && a.id >= id) await this.store.remove(a.id)
    }
    this.o.onChange()
  }

  // delayMs is the wait before attempt n+1 after n consecutive failures.
  delayMs(n: number): number {
    return Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** Math.max(0, n - 1))
  }

  // flush sends the pending actions in order. One flush runs at a time; a
  // flush asked for meanwhile runs right after it.
  flush(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.cancelRetry?.()
    this.cancelRetry = null
    this.running = (async () => {
      try {
        do {
          this.again = false
          await this.sendAll()
        } while (this.again)
      } finally {
        this.running = null
      }
    })()
    return this.running
  }

  // settled resolves when no flush is running.
  async settled(): Promise<void> {
    while (this.running) await this.running
  }

  private async sendAll(): Promise<void> {
    const blocked = new Set<string>()
    for (const a of await this.store.list()) {
      if (a.status === 'failed') {
        blocked.add(a.orderId)
        continue
      }
      if (blocked.has(a.orderId)) continue // held behind a refused action of its order
      let r: SendResult
      try {
        r = await this.send(a)
      } catch (e) {
        r = { kind: 'retry', status: 0, detail: e instanceof Error ? e.message : String(e) }
      }
      this.results.set(a.id, r)
      if (r.kind === 'done') {
        this.failures = 0
        await this.store.remove(a.id)
        this.o.onDone(a, r.data)
        this.o.onChange()
        continue
      }
      if (r.kind === 'refused') {
        this.failures = 0
        blocked.add(a.orderId)
        await this.store.put({ ...a, status: 'failed', error: { status: r.status, detail: r.detail, fields: r.fields } })
        this.o.onChange()
        continue
      }
      // Not sent: keep the order of actions, try again later. Only the
      // server's errors count towards giving up; no network, or a session
      // to sign in again (401), is waited out.
      this.failures++
      if (r.status !== 0 && r.status !== 401) {
        const attempts = a.attempts + 1
        if (attempts >= this.o.maxAttempts) {
          blocked.add(a.orderId)
          await this.store.put({ ...a, attempts, status: 'failed', error: { status: r.status, detail: r.detail } })
          this.o.onChange()
          continue
        }
        await this.store.put({ ...a, attempts })
      }
      this.o.onChange()
      this.cancelRetry = this.o.schedule(() => void this.flush(), this.delayMs(this.failures))
      return
    }
  }
}

// MemoryStore keeps a queue in memory (tests; a browser without IndexedDB).
export class MemoryStore implements QueueStore {
  private items = new Map<number, QueuedAction>()
  private next = 1

  async list() {
    return [...this.items.values()].sort((a, b) => a.id - b.id).map((a) => ({ ...a }))
  }
  async add(a: Omit<QueuedAction, 'id'>) {
    const item = { ...a, id: this.next++ }
    this.items.set(item.id, item)
    return { ...item }
  }
  async put(a: QueuedAction) {
    this.items.set(a.id, { ...a })
  }
  async remove(id: number) {
    this.items.delete(id)
  }
}
