import { computed, ref } from 'vue'
import { api, unwrap, type Schemas } from '@/api/client'

// The network the board filters by and names things with: regions (as an
// indented tree), sites and product lines, each read once (up to the
// API's largest page; the site filter searches by name beyond that).
export function useNetwork() {
  const regions = ref<Schemas['Region'][]>([])
  const sites = ref<Schemas['Site'][]>([])
  const productLines = ref<Schemas['ProductLine'][]>([])

  async function load() {
    const [r, s, p] = await Promise.all([
      unwrap(api.GET('/v1/regions', { params: { query: { limit: 500 } } })),
      unwrap(api.GET('/v1/sites', { params: { query: { limit: 500 } } })),
      unwrap(api.GET('/v1/product-lines', { params: { query: { limit: 500 } } })),
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

  const siteNames = computed(() => new Map(sites.value.map((s) => [s.id, s.name])))
  const siteName = (id: string | null | undefined) => (id ? siteNames.value.get(id) ?? id.slice(0, 8) : '')

  return { regions, sites, productLines, regionTree, siteName, load }
}
