import { api, unwrap, type Schemas } from '@/api/client'

export type Part = Schemas['CatalogPart']
export type Warehouse = Schemas['Warehouse']

// partName is a part's name in the user's language, the other one when
// that is empty.
export function partName(p: { name_zh: string; name_en: string }, locale: string): string {
  return (locale === 'zh-CN' ? p.name_zh || p.name_en : p.name_en || p.name_zh) || ''
}

// loadWarehouses reads every warehouse the user sees (pages through).
export async function loadWarehouses(): Promise<Warehouse[]> {
  const out: Warehouse[] = []
  let cursor: string | undefined
  do {
    const page = await unwrap(api.GET('/v1/warehouses', { params: { query: { limit: 500, cursor } } }))
    out.push(...(page.items ?? []))
    cursor = page.next_cursor || undefined
  } while (cursor)
  return out
}

// searchParts finds catalogue parts for a picker.
export async function searchParts(q: string): Promise<Part[]> {
  const page = await unwrap(api.GET('/v1/parts/catalog', { params: { query: { limit: 50, q: q || undefined } } }))
  return page.items ?? []
}

