import { fileURLToPath } from 'node:url'
import { createConfig, lint } from '@redocly/openapi-core'
import { expect, it } from 'vitest'

// The committed spec passes Redocly's recommended ruleset (the one
// `redocly lint` applies by default) with zero errors. Warnings are
// printed, not failed: the one left, info-license, waits for the project
// to choose a licence.
const spec = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url))

it("openapi/openapi.yaml passes Redocly's recommended ruleset without errors", async () => {
  const config = await createConfig({ extends: ['recommended'] })
  const problems = await lint({ ref: spec, config })
  const where = (p: (typeof problems)[number]) => p.location.map((l) => l.pointer).join(', ')
  const lines = (severity: string) =>
    problems.filter((p) => p.severity === severity).map((p) => `${p.ruleId}: ${p.message} (${where(p)})`)
  const warnings = lines('warn')
  if (warnings.length > 0) console.warn(`Redocly warnings on openapi.yaml:\n  ${warnings.join('\n  ')}`)
  expect(lines('error'), 'Redocly errors on openapi/openapi.yaml').toEqual([])
})
