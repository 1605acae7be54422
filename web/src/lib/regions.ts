import { api, unwrap, type Schemas } from '@/api/client'

export type Region = Schemas['Region']
export type RegionNode = Region & { children: RegionNode[] }

// The levels of the region tree, top down; a child sits strictly below
// its parent's level and only a country has no parent.
export const regionLevels = ['country', 'region', 'province', 'city', 'district'] as const
export type RegionLevel = (typeof regionLevels)[number]

// loadRegions reads every region the caller may see (all pages).
export async function loadRegions(): Promise<Region[]> {
  const out: Region[] = []
  let cursor: string | undefined
  do {
    const page = await unwrap(api.GET('/v1/regions', { params: { query: { limit: 500, cursor } } }))
    out.push(...(page.items ?? []))
    cursor = page.next_cursor || undefined
  } while (cursor)
  return out
}

// regionTree nests regions under their parents; a region whose parent
// the caller cannot see (outside their scope) is a root.
export function regionTree(regions: Region[]): RegionNode[] {
  const nodes = new Map<string, RegionNode>(regions.map((r) => [r.id, { ...r, children: [] }]))
  const roots: RegionNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent_id ? nodes.get(n.parent_id) : undefined
    if (parent) parent.children.push(n)
    else roots.push(n)
  }
  const sort = (ns: RegionNode[]) => {
    ns.sort((a, b) => a.code.localeCompare(b.code))
    ns.forEach((n) => sort(n.children))
  }
  sort(roots)
  return roots
}

// levelsBelow are the levels a child of a region at level may have.
export function levelsBelow(level: string | null): RegionLevel[] {
  if (level === null) return ['country']
  const i = regionLevels.indexOf(level as RegionLevel)
  return i < 0 ? [] : regionLevels.slice(i + 1)
}
