import { api, unwrap, type Schemas } from '@/api/client'
import { constraintOf } from '@/lib/rules'

export type Permission = Schemas['Permission']
export type Resource = Permission['resource']
export type Action = Permission['action']
export type Scope = { all: boolean; regions?: string[] | null; sites?: string[] | null }
type Translate = (key: string, values?: Record<string, unknown>) => string

// The resources and actions a permission may name, as the spec's enums
// list them ("*" last: every resource, every action).
export function permissionAxes(): { resources: Resource[]; actions: Action[] } {
  const starLast = <T extends string>(xs: T[]) => [...xs.filter((x) => x !== '*'), ...xs.filter((x) => x === '*')]
  return {
    resources: starLast((constraintOf('Permission', 'resource')?.enum ?? []) as Resource[]),
    actions: starLast((constraintOf('Permission', 'action')?.enum ?? []) as Action[]),
  }
}

// cellState says how a list of permissions covers one resource × action:
// 'exact' when it names it, 'implied' when a "*" rule covers it, '' when
// nothing does.
export function cellState(perms: readonly Permission[], resource: Resource, action: Action): 'exact' | 'implied' | '' {
  if (perms.some((p) => p.resource === resource && p.action === action)) return 'exact'
  const covers = (p: Permission) => (p.resource === resource || p.resource === '*') && (p.action === action || p.action === '*')
  return perms.some(covers) ? 'implied' : ''
}

// togglePermission adds the exact permission, or removes it when present.
export function togglePermission(perms: readonly Permission[], resource: Resource, action: Action): Permission[] {
  const has = perms.some((p) => p.resource === resource && p.action === action)
  if (has) return perms.filter((p) => !(p.resource === resource && p.action === action))
  return [...perms, { resource, action }]
}

// scopeWords says what a scope lets its holder see.
export function scopeWords(s: Scope | null | undefined, t: Translate): string {
  if (!s) return t('access.scope.none')
  if (s.all) return t('access.scope.all')
  const regions = s.regions?.length ?? 0
  const sites = s.sites?.length ?? 0
  if (regions + sites === 0) return t('access.scope.none')
  return t('access.scope.some', { regions, sites })
}

// roleLabel names a built-in role in the user's language and a tenant's
// own role by its name.
export function roleLabel(name: string, t: Translate, te: (key: string) => boolean): string {
  const key = `access.roleNames.${name}`
  return te(key) ? t(key) : name
}

// Names for the objects an explanation mentions ("region:<id>" …).
export type ObjectNames = { regions: Map<string, string>; sites: Map<string, string>; subject: string }

// scopePath puts names on a scope path ("user:… → region:… → site:…").
export function scopePath(path: string, names: ObjectNames, t: Translate): string {
  return path
    .split(' → ')
    .map((step) => {
      const [kind, id] = [step.slice(0, step.indexOf(':')), step.slice(step.indexOf(':') + 1)]
      if (kind === 'user' || kind === 'key') return names.subject
      if (step === 'scope:all') return t('access.scope.all')
      if (kind === 'region') return names.regions.get(id) ?? step
      if (kind === 'site') return names.sites.get(id) ?? step
      return step
    })
    .join(' → ')
}

// explainWords says an access decision in the user's language: allowed or
// not, by which role or grant, and through which scope path.
export function explainWords(d: Schemas['Decision'], perm: string, names: ObjectNames, t: Translate,
  te: (key: string) => boolean): string {
  const via = !d.via ? '' : d.via === 'grant' ? t('access.explain.viaGrant') : t('access.explain.viaRole', {
    role: roleLabel(d.via.replace(/^role:/, ''), t, te) })
  if (!d.permission_rule?.length) return t('access.explain.noRule', { subject: names.subject, perm })
  if (!d.allowed) return t('access.explain.outOfScope', { via, perm, subject: names.subject })
  if (d.scope_rule) return t('access.explain.inScope', { via, perm, path: scopePath(d.scope_rule, names, t) })
  return t('access.explain.tenantWide', { via, perm })
}

// A scope as a form edits it, and as a create request sends it: the whole
// tenant alone, or the regions and sites, or nothing (no scope).
export type ScopeForm = { all: boolean; regions: string[]; sites: string[] }
export function scopeBody(s: ScopeForm): Schemas['ScopeBody'] | undefined {
  if (s.all) return { all: true }
  return s.regions.length + s.sites.length ? { regions: s.regions, sites: s.sites } : undefined
}

// loadRoles reads the tenant's roles for a form's choices: none when the
// caller may not read them or the call fails (the page works without).
export async function loadRoles(canRead: boolean): Promise<Schemas['Role'][]> {
  if (!canRead) return []
  try {
    return (await unwrap(api.GET('/v1/roles'))).items ?? []
  } catch {
    return []
  }
}
