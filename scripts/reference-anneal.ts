// Seeded randomness and a simulated-annealing loop for scripts/reference-fixture.ts.

export type Rng = () => number

/** mulberry32: a small seeded generator, so the fixture comes out the same on every machine. */
export function rng (seed: number): Rng {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const int = (random: Rng, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1))
export const pick = <T>(random: Rng, items: readonly T[]): T => items[Math.floor(random() * items.length)]

export function shuffle<T> (random: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[items[i], items[j]] = [items[j], items[i]]
  }
  return items
}

/** A log-normal draw with the given median, rounded and clipped to [lo, hi]. */
export function logNormal (random: Rng, median: number, sigma: number, lo: number, hi: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
  return Math.min(hi, Math.max(lo, Math.round(median * Math.exp(sigma * z))))
}

export interface Annealing {
  /** Makes a random change and returns how to undo it, or null when it found none to make. */
  propose: () => (() => void) | null
  /** The cost of the current state; 0 when every target is met. */
  cost: () => number
  iterations: number
  /** Temperature at the start and at the end (geometric cooling). */
  from: number
  to: number
  /** Stop as soon as the cost is this low (default 0: every target met). */
  stopAt?: number
}

/** Runs the loop and returns the final cost. */
export function anneal (random: Rng, a: Annealing): number {
  const stopAt = a.stopAt ?? 0
  let current = a.cost()
  const ratio = Math.pow(a.to / a.from, 1 / a.iterations)
  let temperature = a.from
  for (let i = 0; i < a.iterations && current > stopAt; i++, temperature *= ratio) {
    const undo = a.propose()
    if (undo === null) continue
    const next = a.cost()
    if (next <= current || random() < Math.exp((current - next) / temperature)) current = next
    else undo()
  }
  return current
}

/** Counts k of n whose share k/n, in per cent rounded half up, prints as `printed`. */
export function countsPrintingAs (printed: number, n: number): [number, number] {
  const ks = Array.from({ length: n + 1 }, (_, k) => k).filter((k) => Math.floor((200 * k + n) / (2 * n)) === printed)
  return ks.length > 0 ? [ks[0], ks[ks.length - 1]] : [Math.round(printed * n / 100), Math.round(printed * n / 100)]
}

/** How far x lies outside [lo, hi]. */
export const outside = (x: number, [lo, hi]: [number, number]) => x < lo ? lo - x : x > hi ? x - hi : 0

/** How far `value` is from printing as `printed` (kept 0.05 of a unit inside the rounding window). */
export function printGap (value: number, printed: number, decimals = 0): number {
  const half = 0.45 / 10 ** decimals
  return Math.max(0, Math.abs(value - printed) - half) * 10 ** decimals
}

/** How many counts must change so that every name in `top` is counted above every other name. */
export function leadGap (counts: Map<string, number>, top: string[]): number {
  let other = 0
  for (const [n, c] of counts) if (!top.includes(n)) other = Math.max(other, c)
  let gap = 0
  for (const t of top) gap += Math.max(0, other + 1 - (counts.get(t) ?? 0), 1 - (counts.get(t) ?? 0))
  return gap
}
