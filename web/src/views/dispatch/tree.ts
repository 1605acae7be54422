import type { Schemas } from '@/api/client'

type Region = Pick<Schemas['Region'], 'id' | 'parent_id'>

// regionTree lists regions depth first (parents before their children)
// with their depth, for an indented select; a region whose parent is not
// listed is a root.
export function regionTree<R extends Region>(regions: R[]): { region: R; depth: number }[] {
  const byParent = new Map<string, R[]>()
  const ids = new Set(regions.map((r) => r.id))
  for (const r of regions) {
    const parent = r.parent_id && ids.has(r.parent_id) ? r.parent_id : ''
    byParent.set(parent, [...(byParent.get(parent) ?? []), r])
  }
  const out: { region: R; depth: number }[] = []
  const walk = (parent: string, depth: number) => {
    for (const r of byParent.get(parent) ?? []) {
      out.push({ region: r, depth })
      walk(r.id, depth + 1)
    }
  }
  walk('', 0)
  return out
}

// sitesInSubtree keeps the sites of a region's subtree (every site for no
// region), as the list's region_id filter does on the server.
export function sitesInSubtree<S extends { region_id: string }>(tree: { region: Region }[], sites: S[], regionId: string): S[] {
  if (!regionId) return sites
  const inside = new Set([regionId])
  for (const { region } of tree) if (region.parent_id && inside.has(region.parent_id)) inside.add(region.id)
  return sites.filter((s) => inside.has(s.region_id))
}
