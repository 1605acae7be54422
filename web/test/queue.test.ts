import 'fake-indexeddb/auto'
import { describe, expect, it } from 'vitest'
import { ActionQueue, MemoryStore, outcome, type QueuedAction, type QueueStore, type SendResult } from '../src/offline/queue'
import { openTechStorage } from '../src/offline/idbStore'

// A fake server that keeps the Idempotency-Key contract: a key seen before
// with the same body gets the stored answer and changes nothing.
class FakeServer {
  applied: string[] = [] // "order:action" in the order the server did them
  seen = new Map<string, string>() // key → body
  down = false // the network is cut: nothing arrives
  loseAnswers = 0 // the next n answers are lost after the server acted
  status = 200 // answer every new request with this
  refuse = new Map<string, number>() // "order:action" → status to refuse it with
  requests = 0

  send = async (a: QueuedAction): Promise<SendResult> => {
    if (this.down) throw new TypeError('Failed to fetch')
    this.requests++
    const prev = this.seen.get(a.key)
    if (prev !== undefined) {
      expect(prev, 'a key is resent with the same body').toBe(a.body)
    } else {
      const refusal = this.refuse.get(`${a.orderId}:${a.action}`)
      if (refusal) return { kind: 'refused', status: refusal, detail: 'the order is assigned to another technician' }
      if (this.status !== 200) return { kind: 'retry', status: this.status, detail: 'server error' }
      this.seen.set(a.key, a.body)
      this.applied.push(`${a.orderId}:${a.action}`)
    }
    if (this.loseAnswers > 0) {
      this.loseAnswers--
      throw new TypeError('network changed')
    }
    return { kind: 'done', data: { id: a.orderId, state: a.action } }
  }
}

// A clock the test moves: scheduled retries run only when told.
class Timers {
  waits: number[] = []
  private pending: (() => void)[] = []
  schedule = (fn: () => void, ms: number) => {
    this.waits.push(ms)
    this.pending.push(fn)
    return () => {
      this.pending = this.pending.filter((f) => f !== fn)
    }
  }
  get scheduled() {
    return this.pending.length
  }
  fire() {
    const fns = this.pending
    this.pending = []
    fns.forEach((f) => f())
  }
}

let keys = 0
function setup(store: QueueStore, opts: { maxAttempts?: number } = {}) {
  const server = new FakeServer()
  const timers = new Timers()
  const done: string[] = []
  const queue = new ActionQueue(store, server.send, {
    newKey: () => `key-${++keys}`,
    schedule: timers.schedule,
    baseDelayMs: 1000,
    maxDelayMs: 8000,
    maxAttempts: opts.maxAttempts ?? 3,
    onDone: (a) => done.push(`${a.orderId}:${a.action}`),
  })
  const take = (orderId: string, action: string, body: object = {}) => queue.enqueue({ orderId, action, body: JSON.stringify(body) })
  return { server, timers, queue, done, take }
}

const stores: [string, () => Promise<QueueStore>][] = [
  ['in memory', async () => new MemoryStore()],
  ['in IndexedDB', async () => (await openTechStorage(`test-${Math.random()}`)).queue],
]

describe.each(stores)('the action queue %s', (_, newStore) => {
  it('sends the actions in the order they were taken, each once', async () => {
    const { server, queue, take, done } = setup(await newStore())
    await take('o1', 'accept')
    await take('o1', 'start_travel')
    await take('o1', 'arrive', { lat: 22.5, lon: 114.1 })
    await queue.flush()
    expect(server.applied).toEqual(['o1:accept', 'o1:start_travel', 'o1:arrive'])
    expect(done).toEqual(server.applied)
    expect(await queue.list()).toEqual([])
  })

  it('keeps working offline and replays when the network returns, with the same keys', async () => {
    const { server, timers, queue, take } = setup(await newStore())
    server.down = true
    await take('o1', 'arrive', { lat: 22.5, lon: 114.1 })
    await take('o1', 'complete', { record: { unit_serial: 'SN-1' } })
    await queue.flush()
    expect(server.applied).toEqual([])
    const waiting = await queue.list()
    expect(waiting.map((a) => [a.action, a.status, a.attempts])).toEqual([['arrive', 'pending', 0], ['complete', 'pending', 0]])
    expect(timers.scheduled, 'a retry is scheduled').toBe(1)

    // Still offline at the retries: the wait grows and no attempt is counted.
    timers.fire()
    await queue.settled()
    timers.fire()
    await queue.settled()
    expect(timers.waits).toEqual([1000, 2000, 4000])
    expect((await queue.list()).map((a) => a.attempts)).toEqual([0, 0])

    // Back online (the browser's online event flushes).
    server.down = false
    await queue.flush()
    expect(server.applied).toEqual(['o1:arrive', 'o1:complete'])
    expect(await queue.list()).toEqual([])
    expect(timers.scheduled, 'the pending retry was cancelled').toBe(0)
  })

  it('does an action once when its answer was lost and it is sent again', async () => {
    const { server, timers, queue, take } = setup(await newStore())
    await take('o1', 'accept')
    await take('o1', 'start_travel')
    server.loseAnswers = 1
    await queue.flush()
    expect(server.applied).toEqual(['o1:accept'])
    expect((await queue.list()).map((a) => a.action), 'accept stays queued: its answer never came').toEqual(['accept', 'start_travel'])
    timers.fire()
    await queue.settled()
    expect(server.applied, 'the server replayed accept from its key').toEqual(['o1:accept', 'o1:start_travel'])
    expect(server.requests).toBe(3)
    expect(await queue.list()).toEqual([])
  })

  it('shows a refused action plainly, holds the later ones of its order, never resends it', async () => {
    const { server, queue, take } = setup(await newStore())
    server.refuse.set('o1:arrive', 403)
    await take('o1', 'arrive')
    await take('o2', 'accept')
    await take('o1', 'complete')
    await queue.flush()
    expect(server.applied, 'the other order goes on').toEqual(['o2:accept'])
    const left = await queue.list()
    expect(left.map((a) => [a.action, a.status])).toEqual([['arrive', 'failed'], ['complete', 'pending']])
    expect(left[0].error).toEqual({ status: 403, detail: 'the order is assigned to another technician' })
    expect(queue.result(left[0].id)).toMatchObject({ kind: 'refused', status: 403 })

    server.refuse.clear()
    const before = server.requests
    await queue.flush()
    await queue.flush()
    expect(server.requests, 'neither the refused action nor the one held behind it is sent again').toBe(before)

    await queue.dismiss(left[0].id)
    expect(await queue.list(), 'dismissing it drops the actions that depended on it').toEqual([])
  })

  it('gives up on an action after repeated server errors, and says so', async () => {
    const { server, timers, queue, take } = setup(await newStore(), { maxAttempts: 3 })
    server.status = 503
    await take('o1', 'accept')
    await queue.flush()
    timers.fire()
    await queue.settled()
    expect((await queue.list())[0]).toMatchObject({ status: 'pending', attempts: 2 })
    timers.fire()
    await queue.settled()
    const [a] = await queue.list()
    expect(a).toMatchObject({ status: 'failed', attempts: 3, error: { status: 503 } })
    expect(timers.scheduled).toBe(0)
    expect(server.applied).toEqual([])
  })

  it('waits out an ended session (401) without giving up', async () => {
    const { server, timers, queue, take } = setup(await newStore(), { maxAttempts: 2 })
    server.status = 401
    await take('o1', 'accept')
    for (let i = 0; i < 4; i++) {
      if (i === 0) await queue.flush()
      else {
        timers.fire()
        await queue.settled()
      }
    }
    expect((await queue.list())[0]).toMatchObject({ status: 'pending', attempts: 0 })
    server.status = 200
    await queue.flush()
    expect(server.applied).toEqual(['o1:accept'])
  })

  it('runs one flush at a time: actions taken while sending are sent after', async () => {
    const { server, queue, take } = setup(await newStore())
    await take('o1', 'accept')
    const first = queue.flush()
    await take('o1', 'start_travel')
    const second = queue.flush()
    await Promise.all([first, second])
    expect(server.applied).toEqual(['o1:accept', 'o1:start_travel'])
  })
})

describe('the queue in IndexedDB', () => {
  it('survives the app being closed: a new queue over the same database goes on', async () => {
    const name = `restart-${Math.random()}`
    const first = setup((await openTechStorage(name)).queue)
    first.server.down = true
    await first.take('o1', 'accept')
    await first.take('o1', 'start_travel')
    await first.queue.flush()

    const again = setup((await openTechStorage(name)).queue)
    const left = await again.queue.list()
    expect(left.map((a) => a.action)).toEqual(['accept', 'start_travel'])
    expect(left.map((a) => a.key), 'the keys were kept').toEqual((await first.queue.list()).map((a) => a.key))
    await again.queue.flush()
    expect(again.server.applied).toEqual(['o1:accept', 'o1:start_travel'])
  })

  it('keeps a cache of what the technician last saw', async () => {
    const { cache } = await openTechStorage(`cache-${Math.random()}`)
    expect(await cache.get('orders')).toBeUndefined()
    await cache.set('orders', [{ id: 'o1', state: 'assigned' }])
    expect(await cache.get('orders')).toEqual([{ id: 'o1', state: 'assigned' }])
  })
})

describe('answers', () => {
  it.each([
    [200, 'done'], [201, 'done'], [401, 'retry'], [408, 'retry'], [429, 'retry'], [500, 'retry'], [503, 'retry'],
    [400, 'refused'], [403, 'refused'], [404, 'refused'], [409, 'refused'], [422, 'refused'],
  ])('%i is %s', (status, kind) => {
    expect(outcome(status)).toBe(kind)
  })

  it('waits longer after each failure, up to the cap', () => {
    const q = new ActionQueue(new MemoryStore(), async () => ({ kind: 'done', data: null }), { baseDelayMs: 1000, maxDelayMs: 8000 })
    expect([1, 2, 3, 4, 5, 9].map((n) => q.delayMs(n))).toEqual([1000, 2000, 4000, 8000, 8000, 8000])
  })
})
