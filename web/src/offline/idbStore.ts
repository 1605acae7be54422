import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { QueuedAction, QueueStore } from './queue'

// The phone's offline storage in IndexedDB: the queue of actions and a
// cache of what the technician last saw (orders, customers, fault codes),
// one database per signed-in user so that a shared phone never sends one
// user's actions with another's session.
interface TechDB extends DBSchema {
  queue: { key: number; value: QueuedAction }
  cache: { key: string; value: unknown }
}

export type TechStorage = { queue: QueueStore; cache: Cache }

// Cache keeps JSON values by key.
export interface Cache {
  get<T>(key: string): Promise<T | undefined>
  set(key: string, value: unknown): Promise<void>
}

export function dbName(tenantId: string, userId: string): string {
  return `aftersales-tech-${tenantId}-${userId}`
}

export async function openTechStorage(name: string): Promise<TechStorage> {
  const db: IDBPDatabase<TechDB> = await openDB<TechDB>(name, 1, {
    upgrade(d) {
      d.createObjectStore('queue', { keyPath: 'id', autoIncrement: true })
      d.createObjectStore('cache')
    },
  })
  const queue: QueueStore = {
    list: () => db.getAll('queue'), // keys ascending
    async add(a) {
      // the key path fills in id
      const id = await db.add('queue', a as QueuedAction)
      return { ...a, id }
    },
    async put(a) {
      await db.put('queue', a)
    },
    remove: (id) => db.delete('queue', id),
  }
  const cache: Cache = {
    get: async <T>(key: string) => (await db.get('cache', key)) as T | undefined,
    async set(key, value) {
      // stored as a structured clone; Vue's reactive proxies are not cloneable
      await db.put('cache', JSON.parse(JSON.stringify(value)), key)
    },
  }
  return { queue, cache }
}
