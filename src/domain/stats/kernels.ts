// The hot loops, each a small function over typed arrays that returns a typed array or fills the
// ones it is given, and reads no imported binding. V8 optimises such a loop once and keeps it; the
// same loop inside a table function, or followed by an object literal, was optimised on the stack
// and thrown away after the loop on every call (measured on a million rows: 26 ms instead of 4).

type Key = Uint16Array

/**
 * Sentinel for "no duration" (never started), defined here rather than imported: under tsx an
 * imported binding is a getter call, which in a hot loop halved the speed.
 */
export const NO_DURATION = -2147483648

/** counts[(row[s] − rowOffset) · columns + column[s]] over the selection; codes out of range (NONE) are skipped. */
export function crossCount (sel: Uint32Array, row: Key, rowOffset: number, rows: number, column: Key, columns: number): Uint32Array {
  const counts = new Uint32Array(rows * columns)
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    const r = row[s] - rowOffset
    const k = column[s]
    if (r >= 0 && r < rows && k < columns) counts[r * columns + k]++
  }
  return counts
}

/**
 * counts[key[s]] over the selection; keys at or above `size` (NONE) are not counted. The array is
 * sized for every value a Uint16 code column can hold, so no store falls out of bounds (an
 * out-of-bounds typed-array store takes V8's slow path: three times slower over 2020's missing
 * backgrounds).
 */
export function countBy (sel: Uint32Array, key: Key, size: number): Uint32Array {
  const counts = new Uint32Array(Math.max(size, 65536))
  for (let i = 0; i < sel.length; i++) counts[key[sel[i]]]++
  return counts.slice(0, size)
}

/** Per key, into the arrays given: records, sum/min/max of age, sum and number of durations. */
export function keyStats (
  sel: Uint32Array, key: Key, age: Uint8Array, duration: Int32Array,
  n: Uint32Array, ageSum: Float64Array, ageMin: Uint8Array, ageMax: Uint8Array, durationSum: Float64Array, durationN: Uint32Array
): void {
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    const k = key[s]
    const a = age[s]
    n[k]++
    ageSum[k] += a
    if (a < ageMin[k]) ageMin[k] = a
    if (a > ageMax[k]) ageMax[k] = a
    const d = duration[s]
    if (d !== NO_DURATION) {
      durationSum[k] += d
      durationN[k]++
    }
  }
}

/** Records per combination of problems (a 13-bit mask), per value of `by` when given. */
export function maskHistogram (sel: Uint32Array, problems: Uint16Array, by: Uint16Array | null, groups: number, masks: number): Uint32Array {
  const hist = new Uint32Array(groups * masks)
  if (by === null) {
    for (let i = 0; i < sel.length; i++) hist[problems[sel[i]]]++
  } else {
    for (let i = 0; i < sel.length; i++) {
      const s = sel[i]
      hist[by[s] * masks + problems[s]]++
    }
  }
  return hist
}

/** From a mask histogram: per group, records with each of `problems` problems and records with any. */
export function problemCounts (hist: Uint32Array, groups: number, problems: number) {
  const masks = 1 << problems
  const counts = new Uint32Array(groups * problems)
  const withAny = new Uint32Array(groups)
  for (let g = 0; g < groups; g++) {
    for (let mask = 1; mask < masks; mask++) {
      const n = hist[g * masks + mask]
      if (n === 0) continue
      withAny[g] += n
      for (let m = mask; m !== 0; m &= m - 1) counts[g * problems + 31 - Math.clz32(m & -m)] += n
    }
  }
  return { counts, withAny }
}

/**
 * Durations into per-group histograms (`width` days from minDuration) with their sums and counts;
 * the group is key[s], or each of the record's problems when key is null.
 */
export function durationHistogram (
  sel: Uint32Array, duration: Int32Array, key: Key | null, problems: Uint16Array, minDuration: number, width: number,
  counts: Uint32Array, sum: Float64Array, n: Uint32Array
): void {
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    const d = duration[s]
    if (d === NO_DURATION) continue
    if (key !== null) {
      const g = key[s]
      counts[g * width + d - minDuration]++
      sum[g] += d
      n[g]++
    } else {
      for (let m = problems[s]; m !== 0; m &= m - 1) {
        const g = 31 - Math.clz32(m & -m)
        counts[g * width + d - minDuration]++
        sum[g] += d
        n[g]++
      }
    }
  }
}

/** The selected slots whose problems include `bit`. */
export function withProblem (sel: Uint32Array, problems: Uint16Array, bit: number): Uint32Array {
  const out = new Uint32Array(sel.length)
  let n = 0
  for (let i = 0; i < sel.length; i++) if ((problems[sel[i]] & bit) !== 0) out[n++] = sel[i]
  return out.subarray(0, n)
}

/** Per method bit, into the arrays given: records, and records whose closure is `goal`; returns records with any bit. */
export function methodBits (sel: Uint32Array, methods: Uint32Array, closure: Uint16Array, goal: number, cases: Uint32Array, met: Uint32Array): number {
  let withAny = 0
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    let m = methods[s]
    if (m === 0) continue
    withAny++
    const hit = closure[s] === goal
    while (m !== 0) {
      const bit = 31 - Math.clz32(m & -m)
      cases[bit]++
      if (hit) met[bit]++
      m &= m - 1
    }
  }
  return withAny
}

// Key sums for the cell key method (cellkey.ts): the same passes as above, adding each record's
// key instead of 1. They run only when a perturbed table is asked for, so the counting loops above
// stay as they were. Sums are kept in Uint32Arrays, where an addition wraps modulo 2^32: a cell
// key needs the sum modulo 2^31 only, which 2^32 preserves, so the sums are exact for any number
// of records (a Float64Array would be exact only up to 2^53, about four million keys).

/** keys summed into sums[(row[s] − rowOffset) · columns + column[s]], as crossCount counts. */
export function crossKeySum (sel: Uint32Array, row: Key, rowOffset: number, rows: number, column: Key, columns: number, keys: Uint32Array): Uint32Array {
  const sums = new Uint32Array(rows * columns)
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    const r = row[s] - rowOffset
    const k = column[s]
    if (r >= 0 && r < rows && k < columns) sums[r * columns + k] += keys[s]
  }
  return sums
}

/** keys summed by key[s], as countBy counts. */
export function keySumBy (sel: Uint32Array, key: Key, size: number, keys: Uint32Array): Uint32Array {
  const sums = new Uint32Array(size)
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    sums[key[s]] += keys[s]
  }
  return sums
}

/** The key sum of the whole selection (mod 2^32). */
export function keySumAll (sel: Uint32Array, keys: Uint32Array): number {
  let sum = 0
  for (let i = 0; i < sel.length; i++) sum = (sum + keys[sel[i]]) >>> 0
  return sum
}

/** maskHistogram with key sums; problemCounts turns it into key sums per problem as it does counts. */
export function maskKeyHistogram (sel: Uint32Array, problems: Uint16Array, by: Uint16Array | null, groups: number, masks: number, keys: Uint32Array): Uint32Array {
  const hist = new Uint32Array(groups * masks)
  if (by === null) {
    for (let i = 0; i < sel.length; i++) {
      const s = sel[i]
      hist[problems[s]] += keys[s]
    }
  } else {
    for (let i = 0; i < sel.length; i++) {
      const s = sel[i]
      hist[by[s] * masks + problems[s]] += keys[s]
    }
  }
  return hist
}

/** Per group (key[s], or each problem when key is null), the key sum of the records with a duration. */
export function durationKeySums (sel: Uint32Array, duration: Int32Array, key: Key | null, problems: Uint16Array, keys: Uint32Array, sums: Uint32Array): void {
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    if (duration[s] === NO_DURATION) continue
    if (key !== null) {
      sums[key[s]] += keys[s]
    } else {
      for (let m = problems[s]; m !== 0; m &= m - 1) sums[31 - Math.clz32(m & -m)] += keys[s]
    }
  }
}

/** methodBits with key sums; returns the key sum of the records with any bit. */
export function methodKeyBits (
  sel: Uint32Array, methods: Uint32Array, closure: Uint16Array, goal: number, keys: Uint32Array, cases: Uint32Array, met: Uint32Array
): number {
  let withAny = 0
  for (let i = 0; i < sel.length; i++) {
    const s = sel[i]
    let m = methods[s]
    if (m === 0) continue
    const k = keys[s]
    withAny = (withAny + k) >>> 0
    const hit = closure[s] === goal
    while (m !== 0) {
      const bit = 31 - Math.clz32(m & -m)
      cases[bit] += k
      if (hit) met[bit] += k
      m &= m - 1
    }
  }
  return withAny
}
