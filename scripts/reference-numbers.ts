// Stages 3 and 4 of the reference fixture: a duration and an age for each record. Each value is
// drawn from a plausible range and prior, then annealed until every mean, median, minimum and
// maximum the report prints for a group of records (a target) comes out as printed. Changing a
// record re-evaluates only the targets it belongs to.
import { anneal, int, logNormal, printGap, type Rng } from './reference-anneal.js'
import type { Categories } from './reference-categories.js'
import {
  CLOSURE_AGES, durationPrior, groupDurations, intersect, METHOD_AGES, MUNICIPALITY_AGES, PROBLEM_AGES, problemDurations, type Range
} from './reference-domains.js'
import { CRISIS_SUPPORT, PUBLISHED, TEXT } from './reference-figures.js'

interface Target {
  name: string
  members: number[]
  /** How far the members' values, sorted ascending, are from the printed figures (0 when they match). */
  gap: (sorted: Float64Array) => number
}

export interface Record3 extends Categories { problems: string[] }

const mean = (v: Float64Array) => v.reduce((a, b) => a + b, 0) / v.length
const median = (s: Float64Array) => s.length % 2 === 1 ? s[s.length >> 1] : (s[(s.length >> 1) - 1] + s[s.length >> 1]) / 2
const min = (s: Float64Array) => s[0]
const max = (s: Float64Array) => s[s.length - 1]

function target (records: Record3[], name: string, where: (r: Record3) => boolean, gap: (sorted: Float64Array) => number): Target {
  return { name, members: records.flatMap((r, i) => where(r) ? [i] : []), gap }
}

/** Anneals `values` within `ranges` until every target's gap is 0; throws otherwise. */
function solve (random: Rng, what: string, values: number[], ranges: Range[], targets: Target[], draw: (i: number) => number, step: number, iterations: number) {
  const of = values.map(() => [] as number[])
  targets.forEach((t, k) => { for (const i of t.members) of[i].push(k) })
  const buffers = targets.map((t) => new Float64Array(t.members.length))
  // a missed target costs at least 1, so that the annealing does not settle just short of a figure
  const evaluate = (k: number) => {
    const b = buffers[k]
    targets[k].members.forEach((i, j) => { b[j] = values[i] })
    const g = targets[k].gap(b.sort())
    return g > 0 ? 1 + g : 0
  }
  const gaps = targets.map((_, k) => evaluate(k))
  let total = gaps.reduce((a, b) => a + b, 0)
  const refresh = (touched: number[]) => {
    for (const k of new Set(touched.flatMap((i) => of[i]))) {
      const g = evaluate(k)
      total += g - gaps[k]
      gaps[k] = g
    }
  }
  const inRange = (i: number, v: number) => v >= ranges[i][0] && v <= ranges[i][1]
  anneal(random, {
    iterations,
    from: 3,
    to: 0.01,
    // the running total drifts by rounding errors; below 1 it can only be 0
    cost: () => total < 0.5 ? 0 : total,
    propose: () => {
      const i = Math.floor(random() * values.length)
      const old = values[i]
      const u = random()
      if (u < 0.3) {
        const j = Math.floor(random() * values.length)
        const other = values[j]
        if (other === old || !inRange(i, other) || !inRange(j, old)) return null
        values[i] = other
        values[j] = old
        refresh([i, j])
        return () => { values[i] = old; values[j] = other; refresh([i, j]) }
      }
      // a nudge that would leave the range is refused, not clipped: clipping piles values on the bounds
      const next = u < 0.45 ? draw(i) : old + int(random, -step, step)
      if (next === old || !inRange(i, next)) return null
      values[i] = next
      refresh([i])
      return () => { values[i] = old; refresh([i]) }
    }
  })
  // Guard against drift in the running total: re-evaluate every target once.
  const missed = targets.filter((_, k) => evaluate(k) > 0).map((t) => t.name)
  if (missed.length > 0) throw new Error(`${what}: still missed ${missed.join(', ')}`)
}

/** closingDate − startDate for each record (Tabell 1, X.2, Diagram 9, Tabell 3, report 5.4). */
export function durations (random: Rng, records: Record3[]): number[] {
  const ranges = records.map((r) => intersect([groupDurations(r.group, r.methods), ...r.problems.map(problemDurations)]))
  const draw = (i: number) => {
    const [median, sigma] = durationPrior(records[i].group, records[i].methods)
    return logNormal(random, median, sigma, ...ranges[i])
  }
  const targets: Target[] = []
  for (const [p, x] of Object.entries(PUBLISHED.durationsByProblem)) {
    targets.push(target(records, `X.2 ${p}`, (r) => r.problems.includes(p), (v) =>
      printGap(mean(v), x.mean) + printGap(median(v), x.median) + Math.abs(min(v) - x.min) + Math.abs(max(v) - x.max)))
  }
  for (const [g, x] of Object.entries(PUBLISHED.medianDurationByGroup)) {
    targets.push(target(records, `Diagram 9 ${g}`, (r) => r.group === g, (v) => printGap(median(v), x)))
  }
  for (const [m, x] of Object.entries(PUBLISHED.municipalities)) {
    targets.push(target(records, `Tabell 1 ${x.name}`, (r) => r.municipality === m, (v) => printGap(mean(v), x.meanDurationDays)))
  }
  for (const [k, x] of Object.entries(PUBLISHED.previouslyKnown)) {
    targets.push(target(records, `Tabell 3 ${k}`, (r) => r.previouslyKnown === k, (v) => printGap(mean(v), x.meanDurationDays)))
  }
  targets.push(target(records, 'Tabell 1 all', () => true, (v) => printGap(mean(v), PUBLISHED.total.meanDurationDays)))
  targets.push(target(records, '5.4 crisis support within weeks', (r) => r.group === 'manual_only' && r.methods.includes(CRISIS_SUPPORT),
    (v) => Math.max(0, median(v) - TEXT.crisisSupportMaxMedianDays)))
  // Diagram 9 keeps the traditional-only median at 161.5 or more, so a lower whole-day median is shorter
  const shorter = TEXT.shorterThanTraditional
  const below = PUBLISHED.medianDurationByGroup.traditional_only - 1
  targets.push(target(records, `5.4 ${shorter} shorter than traditional`, (r) => r.methods.includes(shorter), (v) => Math.max(0, median(v) - below)))
  const values = records.map((_, i) => draw(i))
  solve(random, 'durations', values, ranges, targets, draw, 25, 600_000)
  return values
}

/** ageAtReferral for each record (Tabell 1, Tabell 3). */
export function ages (random: Rng, records: Record3[]): number[] {
  const ranges = records.map((r) => intersect([MUNICIPALITY_AGES[r.municipality], CLOSURE_AGES[r.closureReason] ?? [0, 20],
    ...r.problems.map((p) => PROBLEM_AGES[p]), ...r.methods.map((m) => METHOD_AGES[m])]))
  // mostly children: 18 and older only where nothing younger fits, or by the annealing
  const draw = (i: number) => int(random, ranges[i][0], Math.max(ranges[i][0], Math.min(ranges[i][1], 17)))
  const targets: Target[] = []
  for (const [m, x] of Object.entries(PUBLISHED.municipalities)) {
    targets.push(target(records, `Tabell 1 ${x.name} ages`, (r) => r.municipality === m, (v) =>
      10 * printGap(mean(v), x.meanAge, 1) + Math.abs(min(v) - x.minAge) + Math.abs(max(v) - x.maxAge)))
  }
  for (const [k, x] of Object.entries(PUBLISHED.previouslyKnown)) {
    targets.push(target(records, `Tabell 3 ${k} ages`, (r) => r.previouslyKnown === k, (v) => printGap(mean(v), x.meanAge)))
  }
  targets.push(target(records, 'Tabell 1 all ages', () => true, (v) => printGap(mean(v), PUBLISHED.total.meanAge)))
  const values = records.map((_, i) => draw(i))
  solve(random, 'ages', values, ranges, targets, draw, 2, 200_000)
  return values
}
