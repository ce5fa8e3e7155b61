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

/** counts[key[s]] over the selection. */
export function countBy (sel: Uint32Array, key: Key, size: number): Uint32Array {
  const counts = new Uint32Array(size)
  for (let i = 0; i < sel.length; i++) counts[key[sel[i]]]++
  return counts
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
