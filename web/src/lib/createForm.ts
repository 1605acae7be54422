import { reactive, ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { formProblem, newIdempotencyKey } from '@/api/client'

// useCreateForm creates one thing from a form in a dialog: open() starts
// from a blank form with a new Idempotency-Key (a retried click is done
// once); submit() checks the form's rules, sends, and on a refusal puts
// the server's problem next to the fields it names (or says it once),
// keeps what the user typed, and takes a new key for what is sent next.
export function useCreateForm<F extends object, T>(o: {
  blank: () => F
  send: (form: F, idempotencyKey: string) => Promise<T>
  done: (created: T) => void
  // what to say when the server's problem names only fields
  checkFields: () => string
  network: () => string
}) {
  const visible = ref(false)
  const formRef = ref<FormInstance>()
  const form = reactive(o.blank()) as F
  const errors = reactive<Record<string, string>>({})
  const failure = ref('')
  const busy = ref(false)
  let key = ''

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
    failure.value = ''
  }
  function open() {
    clear()
    Object.assign(form, o.blank())
    key = newIdempotencyKey()
    visible.value = true
  }
  async function submit() {
    clear()
    if (!(await formRef.value?.validate().then(() => true, () => false))) return
    busy.value = true
    try {
      const created = await o.send(form, key)
      visible.value = false
      o.done(created)
    } catch (e) {
      const p = formProblem(e, o.network())
      Object.assign(errors, p.fields)
      failure.value = p.message || o.checkFields()
      key = newIdempotencyKey()
    } finally {
      busy.value = false
    }
  }
  return { visible, formRef, form, errors, failure, busy, open, submit }
}
