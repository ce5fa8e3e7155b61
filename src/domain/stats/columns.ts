import {
  STAT_BACKGROUNDS, STAT_CLOSURE_REASONS, STAT_GENDERS, STAT_PREVIOUSLY_KNOWN, STAT_PROBLEMS,
  CODE_LISTS, harmonizeInterventions, harmonizeProblem, isCrisisSupportMethod, normalizeManualMethod
} from '../codes.js'
import { interventionGroup } from '../derived.js'
import { INTERVENTION_GROUPS, type SuxRecord } from '../types.js'
import { NO_DURATION } from './kernels.js'

// A columnar, in-memory copy of every record, for statistics at national scale (SPEC §3): one typed
// array per field, codes as small integers, problems and manual methods as bitmasks. A record is
// 34 bytes here (plus its id in a map) instead of a few hundred as an object, and a table is a
// pass over integers. Records are kept by id so that a replacement or an erasure applies at once
// (the change feed in src/stats/snapshot.ts calls upsert/remove); a removed record's slot is
// reused by the next insert.

/** Sentinel for "no value" in the small-integer columns (2020's missing background). */
export const NONE = 255
export { NO_DURATION } from './kernels.js'

export const PROBLEM_CODES: readonly string[] = STAT_PROBLEMS
export const GENDER_CODES: readonly string[] = STAT_GENDERS
export const BACKGROUND_CODES: readonly string[] = STAT_BACKGROUNDS
export const PREVIOUSLY_KNOWN_CODES: readonly string[] = STAT_PREVIOUSLY_KNOWN
export const CLOSURE_CODES: readonly string[] = STAT_CLOSURE_REASONS
export const GROUP_CODES: readonly string[] = INTERVENTION_GROUPS
export const GOALS_MET = CLOSURE_CODES.indexOf('goals_met')

export const CRISIS_SUPPORT_METHOD = 'Krisstöd vid orosanmälan om våld mot barn'
/** Manual methods whose index is below this live in the per-row bitmask; the rest in an overflow map. */
export const METHOD_MASK_BITS = 32
/** The known methods take the first dictionary places, so unknown free-text names rarely reach the overflow. */
const KNOWN_METHODS = CODE_LISTS.manual_method.codes.map((c) => c.code)

const indexOf = (codes: readonly string[]): Map<string, number> => new Map(codes.map((c, i) => [c, i]))
const problemIndex = indexOf(PROBLEM_CODES)
const genderIndex = indexOf(GENDER_CODES)
const backgroundIndex = indexOf(BACKGROUND_CODES)
const knownIndex = indexOf(PREVIOUSLY_KNOWN_CODES)
const closureIndex = indexOf(CLOSURE_CODES)
const groupIndex = indexOf(GROUP_CODES)

const DAY_MS = 86_400_000

/** Days since 1970-01-01 of an ISO date; NaN when it is not one. */
export function dayNumber (iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)
}

/**
 * The arrays of one generation of the store; replaced (copied) when capacity doubles. Every code
 * column is a Uint16Array, even where a byte would do: the kernels then see one array type, and
 * a loop that meets two (Uint8 and Uint16) ran at less than half speed.
 */
export interface Columns {
  /** Slots 0..end-1 have been used; a slot is a record only where `live` is 1. */
  end: number
  live: Uint8Array
  municipality: Uint16Array
  day: Int32Array
  year: Uint16Array
  gender: Uint16Array
  age: Uint8Array
  background: Uint16Array
  previouslyKnown: Uint16Array
  /** Harmonised problems, bit i = PROBLEM_CODES[i]; 0 = a 2020 record without problems. */
  problems: Uint16Array
  group: Uint16Array
  closure: Uint16Array
  duration: Int32Array
  /** Manual methods (harmonised, see methodsOf), bit i = methodNames[i] for i < 32. */
  methods: Uint32Array
  /** Slot → method indices ≥ 32, for the few records that name rare free-text methods. */
  methodsOverflow: Map<number, Uint16Array>
  /** The record's random key in [0, 2^31), stored with it in the database (cell key method, ptable.ts). */
  cellKey: Uint32Array
}

export interface StatsSnapshot {
  /** The current arrays; read once per computation (they are replaced when the store grows). */
  readonly columns: Columns
  readonly size: number
  readonly municipalities: readonly string[]
  readonly methodNames: readonly string[]
  /** Bounds over every duration and year ever stored (never shrink), to size histograms. */
  readonly bounds: { minDuration: number, maxDuration: number, minYear: number, maxYear: number }
  /** `key` is the record's stored cell key (cases.cell_key); a replacement keeps its key. */
  upsert: (id: number, record: SuxRecord, key: number) => void
  remove: (id: number) => void
  has: (id: number) => boolean
}

function allocate (capacity: number, end: number, from?: Columns): Columns {
  const c: Columns = {
    end,
    live: new Uint8Array(capacity),
    municipality: new Uint16Array(capacity),
    day: new Int32Array(capacity),
    year: new Uint16Array(capacity),
    gender: new Uint16Array(capacity),
    age: new Uint8Array(capacity),
    background: new Uint16Array(capacity),
    previouslyKnown: new Uint16Array(capacity),
    problems: new Uint16Array(capacity),
    group: new Uint16Array(capacity),
    closure: new Uint16Array(capacity),
    duration: new Int32Array(capacity),
    methods: new Uint32Array(capacity),
    methodsOverflow: from?.methodsOverflow ?? new Map(),
    cellKey: new Uint32Array(capacity)
  }
  if (from !== undefined) {
    for (const key of Object.keys(c) as Array<keyof Columns>) {
      const target = c[key]
      if (ArrayBuffer.isView(target)) (target as Uint8Array).set(from[key] as Uint8Array)
    }
  }
  return c
}

/**
 * The manual methods a record counts under: its names in the known spelling, and for a 2021 record
 * with crisis support ticked (not named) the crisis-support method, so that crisis support counts
 * as a method in both form versions (2020 named it, 2021 ticks it).
 */
export function methodsOf (r: SuxRecord): string[] {
  const names = new Set(r.manualMethods.map(normalizeManualMethod))
  const interventions = harmonizeInterventions(r.formVersion, r.interventions, r.manualMethods)
  if (interventions.includes('crisis_support') && ![...names].some(isCrisisSupportMethod)) names.add(CRISIS_SUPPORT_METHOD)
  return [...names]
}

const code = (index: Map<string, number>, value: string | null): number => (value === null ? NONE : index.get(value) ?? NONE)

/**
 * A key for a record that has none stored (a store built in memory by tests, examples and
 * benchmarks): a fixed mix of its id, spread over [0, 2^31). The service always passes the key the
 * database drew; this one is deterministic so that such stores are reproducible.
 */
export function keyOfId (id: number): number {
  let h = Math.imul(id ^ 0x9e3779b9, 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 1
}

export function createSnapshot (records: Iterable<{ id: number, record: SuxRecord, key?: number }> = [], initialCapacity = 1024): StatsSnapshot {
  let cols = allocate(Math.max(16, initialCapacity), 0)
  const slotOf = new Map<number, number>()
  const free: number[] = []
  const municipalities: string[] = []
  const municipalityIndex = new Map<string, number>()
  const methodNames: string[] = [...KNOWN_METHODS]
  const methodIndex = indexOf(methodNames)
  const bounds = { minDuration: 0, maxDuration: 0, minYear: 9999, maxYear: 0 }

  function dictionary (names: string[], index: Map<string, number>, name: string): number {
    let i = index.get(name)
    if (i === undefined) {
      i = names.length
      names.push(name)
      index.set(name, i)
    }
    return i
  }

  function takeSlot (): number {
    const reused = free.pop()
    if (reused !== undefined) return reused
    if (cols.end === cols.live.length) cols = allocate(cols.live.length * 2, cols.end, cols)
    return cols.end++
  }

  function write (s: number, r: SuxRecord, key: number): void {
    const c = cols
    c.cellKey[s] = key
    c.municipality[s] = dictionary(municipalities, municipalityIndex, r.municipality)
    c.day[s] = dayNumber(r.closingDate)
    const year = Number(r.closingDate.slice(0, 4))
    c.year[s] = year
    c.gender[s] = code(genderIndex, r.gender)
    c.age[s] = r.ageAtReferral
    c.background[s] = code(backgroundIndex, r.background)
    c.previouslyKnown[s] = code(knownIndex, r.previouslyKnown)
    let mask = 0
    for (const p of r.problems) {
      const i = problemIndex.get(harmonizeProblem(p))
      if (i !== undefined) mask |= 1 << i
    }
    c.problems[s] = mask
    c.group[s] = code(groupIndex, interventionGroup(r))
    c.closure[s] = code(closureIndex, r.closureReason)
    const duration = r.startDate === null ? NO_DURATION : c.day[s] - dayNumber(r.startDate)
    c.duration[s] = duration
    let methods = 0
    const overflow: number[] = []
    for (const name of methodsOf(r)) {
      const i = dictionary(methodNames, methodIndex, name)
      if (i < METHOD_MASK_BITS) methods |= 1 << i
      else overflow.push(i)
    }
    c.methods[s] = methods >>> 0
    if (overflow.length > 0) c.methodsOverflow.set(s, Uint16Array.from(overflow))
    else c.methodsOverflow.delete(s)
    c.live[s] = 1
    if (duration !== NO_DURATION) {
      if (duration < bounds.minDuration) bounds.minDuration = duration
      if (duration > bounds.maxDuration) bounds.maxDuration = duration
    }
    if (year < bounds.minYear) bounds.minYear = year
    if (year > bounds.maxYear) bounds.maxYear = year
  }

  function upsert (id: number, record: SuxRecord, key: number): void {
    if (!Number.isInteger(key) || key < 0 || key >= 2 ** 31) throw new RangeError(`cell key out of range for record ${id}`)
    let s = slotOf.get(id)
    if (s === undefined) {
      s = takeSlot()
      slotOf.set(id, s)
    }
    write(s, record, key)
  }

  function remove (id: number): void {
    const s = slotOf.get(id)
    if (s === undefined) return
    slotOf.delete(id)
    cols.live[s] = 0
    cols.methodsOverflow.delete(s)
    free.push(s)
  }

  for (const { id, record, key } of records) upsert(id, record, key ?? keyOfId(id))

  return {
    get columns () { return cols },
    get size () { return slotOf.size },
    municipalities,
    methodNames,
    bounds,
    upsert,
    remove,
    has: (id) => slotOf.has(id)
  }
}
