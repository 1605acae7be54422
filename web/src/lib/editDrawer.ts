import { computed, reactive, ref, type Ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { ApiError } from '@/api/client'
import { changedFields, sameValue } from '@/lib/patch'

type Versioned = { version: number }

// useEditDrawer edits one item in a drawer: the form starts from the
// item, save sends only the changed fields with the version read, the
// server's problem goes next to the fields it names, and a stale version
// (409) reloads the item and names the fields someone else changed while
// keeping what the user typed.
export function useEditDrawer<I extends Versioned, F extends Record<string, unknown>>(o: {
  blank: () => F
  toForm: (item: I) => F
  // drops what must not be sent (e.g. a field this form cannot show)
  adjust?: (changed: Partial<F>, item: I) => void
  patch: (item: I, changed: Partial<F>) => Promise<I>
  reload: (item: I) => Promise<I>
  saved: (item: I) => void
  fieldLabel: (field: string) => string
  t: (key: string, values?: Record<string, unknown>) => string
}) {
  const editing = ref(null) as Ref<I | null>
  const drawer = computed({ get: () => editing.value !== null, set: (v) => { if (!v) editing.value = null } })
  const formRef = ref<FormInstance>()
  const form = reactive(o.blank()) as F
  const errors = reactive<Record<string, string>>({})
  const formFailure = ref('')
  const busy = ref(false)

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
    formFailure.value = ''
  }
  function edit(item: I) {
    clear()
    Object.assign(form, o.toForm(item))
    editing.value = item
  }

  async function save() {
    clear()
    if (!(await formRef.value?.validate().then(() => true, () => false))) return
    const item = editing.value
    if (!item) return
    const before = o.toForm(item)
    const changed = changedFields(before, form)
    o.adjust?.(changed, item)
    if (!Object.keys(changed).length) {
      editing.value = null
      return
    }
    busy.value = true
    try {
      o.saved(await o.patch(item, changed))
      editing.value = null
    } catch (e) {
      if (!(e instanceof ApiError)) {
        formFailure.value = o.t('problem.network')
        return
      }
      Object.assign(errors, e.fieldErrors())
      formFailure.value = e.message
      if (e.status === 409) await reloadStale(item, before)
    } finally {
      busy.value = false
    }
  }

  async function reloadStale(item: I, before: F) {
    try {
      const fresh = await o.reload(item)
      const now = o.toForm(fresh)
      const theirs = Object.keys(now).filter((k) => !sameValue(now[k], before[k]))
      editing.value = fresh
      o.saved(fresh)
      formFailure.value = theirs.length
        ? `${o.t('problem.conflict')} ${o.t('sites.theyChanged', { fields: theirs.map(o.fieldLabel).join(', ') })}`
        : o.t('problem.conflict')
    } catch {
      // the 409's message stays
    }
  }
  return { editing, drawer, formRef, form, errors, formFailure, busy, edit, save }
}
