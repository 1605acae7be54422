import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { Plugin } from 'vite'

// The API docs viewer at /docs, served by the binary with no internet: the
// Swagger UI bundle from the npm registry (swagger-ui-dist) is emitted into
// the build at docs/, with a page and a start script of our own (no inline
// script, so the portal's Content-Security-Policy holds there too).
export function docsViewer(): Plugin {
  const require = createRequire(import.meta.url)
  const root = dirname(require.resolve('swagger-ui-dist/package.json'))
  return {
    name: 'aftersales-docs-viewer',
    apply: 'build',
    generateBundle() {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css']) {
        this.emitFile({ type: 'asset', fileName: `docs/${file}`, source: readFileSync(join(root, file)) })
      }
      this.emitFile({ type: 'asset', fileName: 'docs/index.html', source: page })
      this.emitFile({ type: 'asset', fileName: 'docs/start.js', source: start })
    },
  }
}

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>aftersales API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`

const start = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  deepLinking: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`
