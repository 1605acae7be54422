import { createApp } from 'vue'
import { createPinia } from 'pinia'
import App from './App.vue'
import { i18n, loadLocale } from './i18n'
import { router } from './router'
import './style.css'

const app = createApp(App)
app.use(createPinia())
app.use(i18n)
app.use(router)
// The texts of the user's language first, so no key flashes on screen.
void loadLocale(i18n.global.locale.value as 'zh-CN' | 'en').then(() => {
  app.mount('#app')
  document.documentElement.lang = i18n.global.locale.value
})
