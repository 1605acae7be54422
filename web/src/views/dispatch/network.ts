import { computed, ref } from 'vue'
import { api, unwrap, type Schemas } from '@/api/client'
import { useSession } from '@/stores/session'
import { regionTree, sitesInSubtree } from './tree'

// useNetwork is what the board filters by and names things with: regions,
// sites and product lines, each read once (up to the API's largest page).
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

  const tree = computed(() => regionTree(regions.value))
  const sitesIn = (regionId: string) => sitesInSubtree(tree.value, sites.value, regionId)
  const siteNames = computed(() => new Map(sites.value.map((s) => [s.id, s.name])))
  const siteName = (id: string | null | undefined) => (id ? siteNames.value.get(id) ?? id.slice(0, 8) : '')

  return { regions, sites, productLines, regionTree: tree, sitesIn, siteName, load }
}
