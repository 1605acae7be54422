import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { api, unwrap, useAuth, type Schemas } from '@/api/client'
import { chosenLocale, setLocale } from '@/i18n'

type Kind = 'tenant' | 'platform'
const storageKey = 'aftersales.session'
const meKey = 'aftersales.me'
// endedKey remembers that the server ended the session, so that a page
// loaded afterwards (a reload, another tab) still tells the user why they
// are asked to sign in again. Signing in or out clears it.
const endedKey = 'aftersales.sessionEnded'

type Saved = { kind: Kind; token: string; expiresAt?: string }

function load(): Saved | null {
  try {
    const s = JSON.parse(localStorage.getItem(storageKey) ?? 'null') as Saved | null
    if (!s?.token) return null
    if (s.expiresAt && Date.parse(s.expiresAt) <= Date.now()) return null
    return s
  } catch {
    return null
  }
}

// The signed-in user: a tenant user (token from POST /v1/auth/login) or a
// platform admin (a platform token). The token lives in localStorage so the
// technician's phone keeps working across reloads and offline.
export const useSession = defineStore('session', () => {
  const saved = ref<Saved | null>(load())
  const me = ref<Schemas['Me'] | null>(null)
  const expired = ref(localStorage.getItem(endedKey) === '1')

  const signedIn = computed(() => saved.value !== null)
  const kind = computed(() => saved.value?.kind ?? null)
  const permissions = computed(() => new Set(me.value?.permissions ?? []))

  // can says whether the caller holds a permission ("work_orders:dispatch");
  // the server checks every request again with its scope.
  function can(perm: string): boolean {
    if (kind.value === 'platform') return perm.startsWith('platform:')
    return permissions.value.has(perm)
  }
  function hasRole(role: string): boolean {
    return me.value?.roles?.includes(role) ?? false
  }

  function markEnded(ended: boolean) {
    expired.value = ended
    if (ended) localStorage.setItem(endedKey, '1')
    else localStorage.removeItem(endedKey)
  }

  function persist(s: Saved | null) {
    saved.value = s
    if (s) localStorage.setItem(storageKey, JSON.stringify(s))
    else {
      localStorage.removeItem(storageKey)
      localStorage.removeItem(meKey)
    }
  }

  async function login(tenant: string, username: string, password: string) {
    const out = await unwrap(api.POST('/v1/auth/login', { body: { tenant, username, password } }))
    persist({ kind: 'tenant', token: out.token, expiresAt: out.expires_at })
    markEnded(false)
    await refresh()
  }

  // loginPlatform keeps a platform token once the server has accepted it.
  async function loginPlatform(token: string) {
    await unwrap(api.GET('/v1/platform/tenants', { params: { query: { limit: 1 } }, headers: { Authorization: `Bearer ${token}` } }))
    persist({ kind: 'platform', token })
    markEnded(false)
    me.value = null
  }

  // refresh loads /v1/me: roles, permissions, scope and the tenant's locale.
  // Without a network (the technician's phone offline) the last one loaded
  // for this session stands in; the server checks every request anyway.
  async function refresh() {
    if (saved.value?.kind !== 'tenant') return
    try {
      me.value = await unwrap(api.GET('/v1/me'))
      localStorage.setItem(meKey, JSON.stringify(me.value))
    } catch (e) {
      const cached = e instanceof TypeError ? (JSON.parse(localStorage.getItem(meKey) ?? 'null') as Schemas['Me'] | null) : null
      if (!cached) throw e
      me.value = cached
    }
    if (!chosenLocale()) setLocale(me.value.tenant.locale === 'zh-CN' ? 'zh-CN' : 'en', false)
  }

  async function logout() {
    if (saved.value?.kind === 'tenant') {
      try {
        await api.POST('/v1/auth/logout')
      } catch {
        // signing out locally is what matters; the token expires anyway
      }
    }
    persist(null)
    me.value = null
    markEnded(false)
  }

  function sessionEnded() {
    persist(null)
    me.value = null
    markEnded(true)
  }

  useAuth({ token: () => saved.value?.token ?? null, expired: sessionEnded })

  return { saved, me, expired, signedIn, kind, can, hasRole, login, loginPlatform, refresh, logout, sessionEnded }
})
