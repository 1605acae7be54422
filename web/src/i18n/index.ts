import { createI18n } from 'vue-i18n'
import type zhCN from './zh-CN'

export type Locale = 'zh-CN' | 'en'
export const locales: Locale[] = ['zh-CN', 'en']
const key = 'aftersales.locale'

// The user's choice wins; otherwise the tenant's locale once known (see the
// session store), and before sign-in the browser's language.
export function initialLocale(): Locale {
  const saved = localStorage.getItem(key)
  if (saved === 'zh-CN' || saved === 'en') return saved
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

// Each language's texts are a chunk of their own: a user downloads only the
// language they read (both are complete: en.ts is typed by zh-CN.ts).
const loaders: Record<Locale, () => Promise<{ default: typeof zhCN }>> = {
  'zh-CN': () => import('./zh-CN'),
  en: () => import('./en'),
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: false,
  missingWarn: false,
  fallbackWarn: false,
  messages: {} as Record<Locale, typeof zhCN>,
})

// loadLocale fetches a language's texts once.
export async function loadLocale(l: Locale): Promise<void> {
  if (i18n.global.availableLocales.includes(l)) return
  i18n.global.setLocaleMessage(l, (await loaders[l]()).default)
}

// setLocale switches once the language's texts are here.
export async function setLocale(l: Locale, remember = true): Promise<void> {
  if (remember) localStorage.setItem(key, l)
  await loadLocale(l)
  i18n.global.locale.value = l
  document.documentElement.lang = l
}

export function chosenLocale(): Locale | null {
  const saved = localStorage.getItem(key)
  return saved === 'zh-CN' || saved === 'en' ? saved : null
}
