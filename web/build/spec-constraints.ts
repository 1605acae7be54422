import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import yaml from 'js-yaml'
import type { Plugin } from 'vite'

// The constraints of the API's request bodies, taken from
// openapi/openapi.yaml at build time and offered to the app as the module
// `virtual:spec-constraints`, so every form checks what the server would
// refuse before it sends (src/lib/rules.ts turns them into form rules).
const id = 'virtual:spec-constraints'
const spec = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url))

export type FieldConstraint = {
  type?: string
  format?: string
  minLength?: number
  maxLength?: number
  pattern?: string
  enum?: string[]
  minimum?: number
  maximum?: number
  maxItems?: number
  ref?: string
}
export type SchemaConstraint = { required: string[]; properties: Record<string, FieldConstraint> }

type Schema = {
  type?: string | string[]
  required?: string[]
  properties?: Record<string, Schema & { $ref?: string }>
  format?: string
  minLength?: number
  maxLength?: number
  pattern?: string
  enum?: string[]
  minimum?: number
  maximum?: number
  maxItems?: number
  $ref?: string
}

// requestSchemas names the schemas a request body can hold: each
// operation's body and every schema it refers to, transitively. Response
// schemas check nothing in a form, and every page downloads this table.
function requestSchemas(doc: { paths?: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }): Set<string> {
  const found = new Set<string>()
  const visit = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(visit)
    if (!node || typeof node !== 'object') return
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = v.split('/').pop()!
        if (!found.has(name)) {
          found.add(name)
          visit(doc.components.schemas[name])
        }
      } else visit(v)
    }
  }
  for (const item of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(item)) visit((op as { requestBody?: unknown })?.requestBody)
  }
  return found
}

export function constraints(text: string): Record<string, SchemaConstraint> {
  const doc = yaml.load(text) as { paths?: Record<string, Record<string, unknown>>; components: { schemas: Record<string, Schema> } }
  const wanted = requestSchemas(doc)
  const out: Record<string, SchemaConstraint> = {}
  for (const [name, s] of Object.entries(doc.components.schemas)) {
    if (!s.properties || !wanted.has(name)) continue
    const properties: Record<string, FieldConstraint> = {}
    for (const [field, p] of Object.entries(s.properties)) {
      const type = Array.isArray(p.type) ? p.type.find((t) => t !== 'null') : p.type
      const c: FieldConstraint = { type }
      for (const k of ['format', 'minLength', 'maxLength', 'pattern', 'enum', 'minimum', 'maximum', 'maxItems'] as const) {
        if (p[k] !== undefined) (c as Record<string, unknown>)[k] = p[k]
      }
      if (p.$ref) c.ref = p.$ref.split('/').pop()
      properties[field] = c
    }
    out[name] = { required: s.required ?? [], properties }
  }
  return out
}

export function specConstraints(): Plugin {
  return {
    name: 'aftersales-spec-constraints',
    resolveId: (source) => (source === id ? '\0' + id : null),
    load(source) {
      if (source !== '\0' + id) return null
      this.addWatchFile(spec)
      return `export default ${JSON.stringify(constraints(readFileSync(spec, 'utf8')))}`
    },
  }
}
