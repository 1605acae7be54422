import { api, unwrap, type Schemas } from '@/api/client'

export type Article = Schemas['Article']
export type Hit = Schemas['Hit']
export type KBCategory = Schemas['KBCategory']

export const audiences = ['internal', 'sites', 'technicians', 'public'] as const
export const statuses = ['draft', 'in_review', 'published', 'archived'] as const

// searchArticles asks the knowledge base for the articles the caller
// sees; with text, the best matches with marked snippets.
export function searchArticles(query: {
  q?: string
  status?: string
  audience?: string
  category_id?: string
  model?: string
  product_line?: string
  fault_code?: string[]
  stale?: boolean
  pending?: boolean
  cursor?: string
  limit?: number
}) {
  const clean = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== '' && v !== undefined && v !== false))
  return unwrap(api.GET('/v1/kb/articles', { params: { query: clean } }))
}

// splitList turns "a, b，c" into ["a", "b", "c"].
export function splitList(s: string): string[] {
  return s
    .split(/[,，\s]+/)
    .map((x) => x.trim())
    .filter((x) => x !== '')
}
