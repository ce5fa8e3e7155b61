import { readFileSync } from 'node:fs'

// One OpenAPI example per statistics table, computed from the reference data by
// scripts/stats-examples.ts (npm run openapi) and committed beside this file.

type Examples = Record<string, { summary: string, value: unknown }>
let cached: Examples | null = null

export function statsExamples (): Examples {
  cached ??= JSON.parse(readFileSync(new URL('./stats-examples.json', import.meta.url), 'utf8')) as Examples
  return cached
}
