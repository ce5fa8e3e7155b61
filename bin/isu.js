#!/usr/bin/env node
// The isu command. The package runs from source, so the TypeScript CLI is loaded through tsx.
import { register } from 'tsx/esm/api'

register()
await import('../src/cli/main.ts')
