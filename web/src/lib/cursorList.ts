import { ref, type Ref } from 'vue'
import { ApiError } from '@/api/client'

type Page<T> = { items?: T[] | null; next_cursor: string }

// useCursorList keeps one list the API pages with cursors: load() reads
// the first page (with the current filters), load(true) appends the next.
// A failure is said in the user's language; the rows read stay.
export function useCursorList<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>, networkProblem: () => string) {
  const rows = ref([]) as Ref<T[]>
  const next = ref('')
  const loading = ref(false)
  const failure = ref('')

  async function load(more = false) {
    loading.value = true
    failure.value = ''
    try {
      const page = await fetch(more ? next.value : undefined)
      rows.value = more ? [...rows.value, ...(page.items ?? [])] : page.items ?? []
      next.value = page.next_cursor
    } catch (e) {
      failure.value = e instanceof ApiError ? e.message : networkProblem()
    } finally {
      loading.value = false
    }
  }
  return { rows, next, loading, failure, load }
}
