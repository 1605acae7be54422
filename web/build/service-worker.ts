import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Plugin, Rollup } from 'vite'

type OutputBundle = Rollup.OutputBundle
type OutputChunk = Rollup.OutputChunk

// The service worker of the phone pages, emitted as /sw.js: the template
// build/sw.js with the build's version and the files the phone needs
// offline — the entry with what it imports, the phone layout and pages
// with everything they load (ZXing for scanning included), their CSS, the
// texts of both languages (each is a chunk of its own), the manifest and the
// icon. The desktop portal's chunks are left out.
const phoneModules = [/\/src\/layouts\/PhoneLayout\.vue$/, /\/src\/views\/mobile\/[^/]+\.vue$/, /\/src\/views\/auth\/LoginView\.vue$/,
  /\/src\/i18n\/(zh-CN|en)\.ts$/]

export function phoneFiles(bundle: OutputBundle): string[] {
  const chunks = Object.values(bundle).filter((f): f is OutputChunk => f.type === 'chunk')
  const byName = new Map(chunks.map((c) => [c.fileName, c]))
  const files = new Set<string>()
  const walk = (c: OutputChunk | undefined, dynamic: boolean) => {
    if (!c || files.has(c.fileName)) return
    files.add(c.fileName)
    for (const css of c.viteMetadata?.importedCss ?? []) files.add(css)
    for (const i of c.imports) walk(byName.get(i), dynamic)
    if (dynamic) for (const i of c.dynamicImports) walk(byName.get(i), dynamic)
  }
  for (const c of chunks) {
    if (c.isEntry) walk(c, false)
    else if (c.facadeModuleId && phoneModules.some((re) => re.test(c.facadeModuleId!))) walk(c, true)
  }
  return [...files].sort()
}

export function serviceWorker(): Plugin {
  const template = readFileSync(new URL('./sw.js', import.meta.url), 'utf8')
  return {
    name: 'aftersales-service-worker',
    apply: 'build',
    generateBundle(_, bundle) {
      const files = [...phoneFiles(bundle).map((f) => `/${f}`), '/manifest.webmanifest', '/favicon.svg']
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12)
      const source = template.replace('__VERSION__', version).replace('__PRECACHE__', JSON.stringify(files))
      this.emitFile({ type: 'asset', fileName: 'sw.js', source })
    },
  }
}
