import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createConfig, lint } from '@redocly/openapi-core'
import { expect, it } from 'vitest'

// The committed spec passes Redocly's recommended ruleset (the one
// `redocly lint` applies by default) with zero errors. Warnings are
// printed, not failed: the one left, info-license, waits for the project
// to choose a licence.
const spec = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url))

// Linting the whole spec takes seconds, more on a busy machine; it is a
// correctness check, not a speed test.
const lintTimeout = 120_000

it("openapi/openapi.yaml passes Redocly's recommended ruleset without errors", async () => {
  const config = await createConfig({ extends: ['recommended'] })
  const problems = await lint({ ref: spec, config })
  const where = (p: (typeof problems)[number]) => p.location.map((l) => l.pointer).join(', ')
  const lines = (severity: string) =>
    problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId}: ${p.message} (${where(p)})`)
  const warnings = lines('warn')
  if (warnings.length > 0) console.warn(`Redocly warnings on openapi.yaml:\n  ${warnings.join('\n  ')}`)
  expect(lines('error'), 'Redocly errors on openapi/openapi.yaml').toEqual([])
}, lintTimeout)

// And Spectral's OpenAPI ruleset (spectral:oas, what `spectral lint`
// applies to an OpenAPI document), with zero errors; warnings printed.
it("openapi/openapi.yaml passes Spectral's OpenAPI ruleset without errors", async () => {
  const { Spectral, Document } = await import('@stoplight/spectral-core')
  const { Yaml } = await import('@stoplight/spectral-parsers')
  const { oas } = await import('@stoplight/spectral-rulesets')
  const spectral = new Spectral()
  spectral.setRuleset({ extends: [[oas, 'recommended']] } as never)
  const doc = new Document(readFileSync(spec, 'utf8'), Yaml, spec)
  const results = await spectral.run(doc)
  const lines = (severity: number) =>
    results.filter((r) => r.severity === severity).map((r) => `${r.code}: ${r.message} (${r.path.join('.')})`)
  const warnings = lines(1)
  if (warnings.length > 0) console.warn(`Spectral warnings on openapi.yaml (${warnings.length}):\n  ${warnings.slice(0, 40).join('\n  ')}`)
  expect(lines(0), 'Spectral errors on openapi/openapi.yaml').toEqual([])
}, lintTimeout)
