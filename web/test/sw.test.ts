import { existsSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

// The service worker the build emits keeps what the phone pages need
// offline, and not the desktop portal. The build must exist (npm run build).
const dist = new URL('../embedded/app/', import.meta.url)

describe('the phone service worker', () => {
  it('is built with the files the phone needs offline', () => {
    expect(existsSync(new URL('sw.js', dist)), 'run npm run build first').toBe(true)
    const sw = readFileSync(new URL('sw.js', dist), 'utf8')
    const files = JSON.parse(sw.match(/const PRECACHE = (\[.*\])/)![1]) as string[]
    const manifest = JSON.parse(readFileSync(new URL('.vite/manifest.json', dist), 'utf8')) as Record<string, { file: string; css?: string[] }>
    const need = ['index.html', 'src/layouts/PhoneLayout.vue', 'src/views/mobile/MyOrdersView.vue', 'src/views/mobile/OrderView.vue',
      'src/views/mobile/RecordView.vue', 'node_modules/@zxing/library/esm/index.js']
    for (const src of need) {
      expect(files, src).toContain(`/${manifest[src].file}`)
      for (const css of manifest[src].css ?? []) expect(files, `${src} css`).toContain(`/${css}`)
    }
    expect(files).toContain('/manifest.webmanifest')
    expect(files, 'the desktop pages are not kept').not.toContain(`/${manifest['src/views/orders/OrdersView.vue'].file}`)
    for (const f of files) expect(existsSync(new URL(`.${f}`, dist)), f).toBe(true)
    expect(sw).not.toContain('__VERSION__')
  })
})
