import { computed, ref } from 'vue'
import { api, unwrap, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'

// The network the board filters by and names things with: regions (as an
// indented tree), sites and product lines, each read once (up to the
// API's largest page; the site filter searches by name beyond that).
// What the caller may not read (a site manager reads no regions) stays
// empty and its filter is not offered.
export function useNetwork() {
  const session = useSession()
  const regions = ref<Schemas['Region'][]>([])
  const sites = ref<Schemas['Site'][]>([])
  const productLines = ref<Schemas['ProductLine'][]>([])

  async function load() {
    const none = Promise.resolve({ items: [] })
    const [r, s, p] = await Promise.all([
      session.can('regions:read') ? unwrap(api.GET('/v1/regions', { params: { query: { limit: 500 } } })) : none,
      session.can('sites:read') ? unwrap(api.GET('/v1/sites', { params: { query: { limit: 500 } } })) : none,
      session.can('catalog:read') ? unwrap(api.GET('/v1/product-lines', { params: { query: { limit: 500 } } })) : none,
    ])
    regions.value = r.items ?? []
    sites.value = s.items ?? []
    productLines.value = p.items ?? []
  }

  // regionTree lists the regions depth first with their depth, for an
  // indented select.
  const regionTree = computed(() => {
    const byParent = new Map<string, Schemas['Region'][]>()
    const ids = new Set(regions.value.map((r) => r.id))
    for (const r of regions.value) {
      const parent = r.parent_id && ids.has(r.parent_id) ? r.parent_id : ''
      byParent.set(parent, [...(byParent.get(parent) ?? []), r])
    }
    const out: { region: Schemas['Region']; depth: number }[] = []
    const walk = (parent: string, depth: number) => {
      for (const r of byParent.get(parent) ?? []) {
        out.push({ region: r, depth })
        walk(r.id, depth + 1)
      }
    }
    walk('', 0)
    return out
  })

  // sitesIn lists the sites of a region's subtree (every site for none).
  function sitesIn(regionId: string): Schemas['Site'][] {
    if (!regionId) return sites.value
    const inside = new Set([regionId])
    for (const { region } of regionTree.value) if (region.parent_id && inside.has(region.parent_id)) inside.add(region.id)
    return sites.value.filter((s) => inside.has(s.region_id))
  }

  const siteNames = computed(() => new Map(sites.value.map((s) => [s.id, s.name])))
  const siteName = (id: string | null | undefined) => (id ? siteNames.value.get(id) ?? id.slice(0, 8) : '')

  return { regions, sites, productLines, regionTree, sitesIn, siteName, load }
}
