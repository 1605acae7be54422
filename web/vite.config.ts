import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import { VantResolver } from '@vant/auto-import-resolver'
import { docsViewer } from './build/docs-viewer.ts'
import { serviceWorker } from './build/service-worker.ts'
import { specConstraints } from './build/spec-constraints.ts'

// The portal is served by the Go binary at / (same origin as the API), so
// the dev server proxies the API to a running `aftersales serve`.
const api = process.env.AFTERSALES_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus and Vant components are imported where they are used,
    // with their styles, so each route downloads only what it shows.
    Components({
      dts: false,
      resolvers: [ElementPlusResolver({ importStyle: 'css' }), VantResolver({ importStyle: 'css' })],
    }),
    docsViewer(),
    serviceWorker(),
    specConstraints(),
  ],
  build: {
    outDir: 'embedded/app',
    emptyOutDir: true,
    // Reports what the user downloads; web/test/bundle.test.ts holds the budget.
    manifest: true,
    chunkSizeWarningLimit: 900,
  },
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: {
    proxy: { '/v1': api, '/openapi.json': api, '/openapi.yaml': api, '/healthz': api },
  },
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
  },
})
