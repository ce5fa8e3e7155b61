import { presentPerturbed } from './cellkey.js'
import { present, type PresentOptions } from './present.js'
import { suppress } from './suppress.js'
import type { ExactTable, PublishedTable } from './types.js'

// What a caller may see of an exact table (SPEC §3): everything for an exact caller, otherwise the
// table after the protection of small counts. Two steps, kept apart so each can be tested and
// reasoned about alone: suppress.ts decides which counts are withheld (rules 1–3, checked by the
// LP attack of attack.ts), present.ts labels the table and withholds every share and value that
// would give a withheld count away.
//
// Callers chosen for the cell key method (CELL_KEY_ROLES, or an API client set to `perturbed`) get
// cellkey.ts instead: every count with a small fixed noise, for a table computed with keys.
//
// Async only because the LP solver's WebAssembly runtime loads asynchronously (once).

export interface ProtectOptions extends PresentOptions {
  /** The caller may see exact figures (`protection: 'none'`). */
  exact: boolean
  /** Counts below it are small (SPEC: 5, configurable). */
  threshold: number
  /** How a table that is not exact is protected; ≤4 suppression when absent. */
  protection?: 'suppressed' | 'perturbed'
}

export async function protect (table: ExactTable, opts: ProtectOptions): Promise<PublishedTable> {
  if (opts.exact) return present(table, null, opts)
  if (opts.protection === 'perturbed') return presentPerturbed(table, opts)
  return present(table, await suppress(table, opts.threshold), opts)
}

export { audit, isPinned, type Bound } from './audit.js'
export { primaryDisplay, SECONDARY_DISPLAY, VALUE_DISPLAY, type PresentOptions } from './present.js'
export { perturbationNote } from './cellkey.js'
