import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'

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

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'en',
  messages: { 'zh-CN': zhCN, en },
})

export function setLocale(l: Locale, remember = true) {
  i18n.global.locale.value = l
  document.documentElement.lang = l
  if (remember) localStorage.setItem(key, l)
}

export function chosenLocale(): Locale | null {
  const saved = localStorage.getItem(key)
  return saved === 'zh-CN' || saved === 'en' ? saved : null
}
