import type { FormItemRule } from 'element-plus'
import fromSpec from 'virtual:spec-constraints'
import type { FieldConstraint, SchemaConstraint } from '../../build/spec-constraints'

const constraints = fromSpec as Record<string, SchemaConstraint>

type Translate = (key: string, values?: Record<string, unknown>) => string

// checkField returns what is wrong with value under the spec's constraint
// ('' when nothing): the same limits the server enforces, said in the
// user's language before anything is sent.
export function checkField(c: FieldConstraint, value: unknown, required: boolean, t: Translate): string {
  const empty = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)
  if (empty) return required ? t('form.required') : ''
  if (typeof value === 'string') {
    const n = [...value].length
    if (c.minLength !== undefined && n < c.minLength) return t('form.minLength', { n: c.minLength })
    if (c.maxLength !== undefined && n > c.maxLength) return t('form.maxLength', { n: c.maxLength })
    if (c.pattern && !new RegExp(c.pattern, 'u').test(value)) return t('form.pattern')
    if (c.enum && !c.enum.includes(value)) return t('form.oneOf', { values: c.enum.join(', ') })
  }
  if (typeof value === 'number') {
    if (c.minimum !== undefined && value < c.minimum) return t('form.minimum', { n: c.minimum })
    if (c.maximum !== undefined && value > c.maximum) return t('form.maximum', { n: c.maximum })
  }
  if (Array.isArray(value) && c.maxItems !== undefined && value.length > c.maxItems) return t('form.maxItems', { n: c.maxItems })
  return ''
}

// rulesFor builds Element Plus form rules for a request body schema of the
// spec ("CreateTenantInputBody"); nested objects by their path
// ("admin.password") through their $ref.
export function rulesFor(schema: string, t: Translate, prefix = ''): Record<string, FormItemRule[]> {
  const s = constraints[schema]
  if (!s) throw new Error(`the spec has no schema ${schema}`)
  const out: Record<string, FormItemRule[]> = {}
  for (const [field, c] of Object.entries(s.properties)) {
    const path = prefix + field
    if (c.ref && constraints[c.ref]) {
      Object.assign(out, rulesFor(c.ref, t, path + '.'))
      continue
    }
    const required = s.required.includes(field)
    out[path] = [
      {
        required,
        trigger: 'blur',
        validator: (_rule, value, callback) => {
          const problem = checkField(c, value, required, t)
          callback(problem ? new Error(problem) : undefined)
        },
      },
    ]
  }
  return out
}

// constraintOf gives one field's constraint, e.g. for an input's maxlength.
export function constraintOf(schema: string, field: string): FieldConstraint | undefined {
  return constraints[schema]?.properties[field]
}
