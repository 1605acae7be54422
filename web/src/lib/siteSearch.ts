import { reactive, ref } from 'vue'
import { api, unwrap } from '@/api/client'

// useSiteSearch backs a remote site select: search() lists up to 20 sites
// matching a code or name, name() fetches the names of chosen sites not
// seen yet (an opened record). The chosen sites stay among the options so
// their tags keep their names.
export function useSiteSearch(chosen: () => string[]) {
  const options = ref<{ id: string; label: string }[]>([])
  const names = reactive(new Map<string, string>())
  const searching = ref(false)
  function withChosen(ids: string[]) {
    return [...new Set([...chosen(), ...ids])].map((id) => ({ id, label: names.get(id) ?? id }))
  }
  async function search(q: string) {
    searching.value = true
    try {
      const page = await unwrap(api.GET('/v1/sites', { params: { query: { limit: 20, q: q.trim() || undefined } } }))
      for (const s of page.items ?? []) names.set(s.id, `${s.code} ${s.name}`)
      options.value = withChosen((page.items ?? []).map((s) => s.id))
    } catch {
      options.value = withChosen([])
    } finally {
      searching.value = false
    }
  }
  async function name(ids: string[] = chosen()) {
    await Promise.all(ids.filter((id) => !names.has(id)).map(async (id) => {
      try {
        const s = await unwrap(api.GET('/v1/sites/{id}', { params: { path: { id } } }))
        names.set(id, `${s.code} ${s.name}`)
      } catch {
        names.set(id, id)
      }
    }))
    options.value = withChosen([])
  }
  return { options, searching, search, name }
}
