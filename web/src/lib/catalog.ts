import { reactive, ref, type Ref } from 'vue'
import type { FormInstance } from 'element-plus'
import { ApiError, type Schemas } from '@/api/client'

export type FaultCode = Schemas['FaultCode']
export type FaultNode = FaultCode & { children: FaultNode[] }
export const faultKinds = ['symptom', 'cause', 'object', 'action'] as const
export type FaultKind = (typeof faultKinds)[number]

type Page<T> = { items?: T[] | null; next_cursor: string }

// allPages reads every page of a cursor-paged list.
export async function allPages<T>(page: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = []
  let cursor: string | undefined
  do {
    const p = await page(cursor)
    out.push(...(p.items ?? []))
    cursor = p.next_cursor || undefined
  } while (cursor)
  return out
}

// faultTree nests the codes of one kind under their parents, sorted by
// code; a code whose parent is not in the list is a root.
export function faultTree(codes: FaultCode[]): FaultNode[] {
  const nodes = new Map<string, FaultNode>(codes.map((c) => [c.code, { ...c, children: [] }]))
  const roots: FaultNode[] = []
  for (const n of nodes.values()) {
    const parent = n.parent_code ? nodes.get(n.parent_code) : undefined
    if (parent && parent !== n) parent.children.push(n)
    else roots.push(n)
  }
  const sort = (ns: FaultNode[]) => {
    ns.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    ns.forEach((n) => sort(n.children))
  }
  sort(roots)
  return roots
}

// minutesSpan writes a number of working minutes as working hours and
// minutes in the given unit words ("2 h 5 min"), for reading SLA targets;
// 0 is ''. Days are not shown: a working day is as long as the tenant's
// hours make it.
export function minutesSpan(minutes: number, units: { h: string; m: string }): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return ''
  const h = Math.floor(minutes / 60)
  const m = Math.round(minutes % 60)
  return [h && `${h}${units.h}`, m && `${m}${units.m}`].filter(Boolean).join(' ')
}

// useFormState is what a create or edit form shows besides its fields:
// the server's problems next to the fields they name, one message
// otherwise, and whether it is sending. submit validates the form from
// its rules first and keeps what the user typed on any failure.
export function useFormState(networkProblem: () => string) {
  const errors = reactive<Record<string, string>>({})
  const failure = ref('')
  const busy = ref(false)

  function clear() {
    for (const k of Object.keys(errors)) delete errors[k]
    failure.value = ''
  }
  async function submit(form: Ref<FormInstance | undefined>, send: () => Promise<void>): Promise<boolean> {
    clear()
    if (!(await form.value?.validate().then(() => true, () => false))) return false
    busy.value = true
    try {
      await send()
      return true
    } catch (e) {
      if (e instanceof ApiError) {
        Object.assign(errors, e.fieldErrors())
        failure.value = e.message
      } else failure.value = networkProblem()
      return false
    } finally {
      busy.value = false
    }
  }
  return { errors, failure, busy, clear, submit }
}
