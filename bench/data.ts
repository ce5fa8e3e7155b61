// Synthetic SU-X records for the benchmarks, and PostgreSQL's COPY as the loading baseline.
// The records are valid (a sample is checked by validateRecord) and spread over ten
// municipalities, both form versions and 2015–2026, so every table has work to do.
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'
import { codesFor } from '../src/domain/codes.js'
import { interventionGroup } from '../src/domain/derived.js'
import { MUNICIPALITY_NAMES } from '../src/domain/municipalities.js'
import { validateRecord } from '../src/domain/record.js'
import type { FormVersion, SuxRecord } from '../src/domain/types.js'
import { rng } from '../scripts/reference-anneal.js'
import { contentHash } from '../src/services/cases.js'

const MUNICIPALITIES = Object.keys(MUNICIPALITY_NAMES)
const KNOWN_METHODS = codesFor('manual_method', '2021')
const DAY_MS = 86_400_000

function isoDay (day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10)
}

/** `n` valid records, the same for the same seed. caseRefs are `B<seed>-<i>`. */
export function syntheticRecords (n: number, seed = 1): SuxRecord[] {
  const random = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!
  const some = (xs: readonly string[], max: number): string[] => {
    const k = 1 + Math.floor(random() * max)
    const chosen = new Set<string>()
    while (chosen.size < k) chosen.add(pick(xs))
    return [...chosen]
  }
  const lists = {
    2020: listsFor('2020'),
    2021: listsFor('2021')
  }
  const records: SuxRecord[] = new Array(n)
  for (let i = 0; i < n; i++) {
    const year = 2015 + Math.floor(random() * 12)
    const formVersion: FormVersion = year <= 2020 ? '2020' : '2021'
    const l = lists[formVersion]
    const closingDay = Math.floor(Date.UTC(year, 0, 1) / DAY_MS) + Math.floor(random() * 330)
    const duration = 10 + Math.floor(random() * 400)
    const wait = Math.floor(random() * 60)
    const neverStarted = formVersion === '2021' && random() < 0.05
    const problems = some(l.problems, 3)
    const interventions = neverStarted ? [] : some(l.interventions, 2)
    const manual = interventions.includes(formVersion === '2020' ? 'manual_method' : 'other_manual_method')
    const closureReason = neverStarted ? 'never_started' : pick(l.closures.filter((c) => c !== 'never_started'))
    records[i] = {
      municipality: pick(MUNICIPALITIES),
      caseRef: `B${seed}-${i}`,
      formVersion,
      ageAtReferral: Math.floor(random() * 21),
      gender: pick(l.genders),
      background: formVersion === '2020' ? null : pick(l.backgrounds),
      referralDate: isoDay(closingDay - duration - wait),
      startDate: neverStarted ? null : isoDay(closingDay - duration),
      previouslyKnown: pick(l.known),
      problems,
      otherProblem: problems.includes('other') ? 'Annat' : null,
      interventions,
      manualMethods: manual ? some(KNOWN_METHODS, 2) : [],
      otherIntervention: interventions.includes('other_non_manual') ? 'Annan insats' : null,
      closingDate: isoDay(closingDay),
      closureReason,
      closureComment: closureReason === 'not_matching_needs' || closureReason === 'other' ? 'Kommentar' : null,
      comment: null
    }
  }
  for (let i = 0; i < Math.min(n, 2000); i++) {
    const checked = validateRecord(records[i], { today: '2026-12-31' })
    if (!checked.ok) throw new Error(`synthetic record ${i} is invalid: ${JSON.stringify(checked.errors)}`)
  }
  return records
}

function listsFor (version: FormVersion) {
  return {
    problems: codesFor('problem', version),
    interventions: codesFor('intervention', version).filter((c) => c !== 'never_started'),
    closures: codesFor('closure_reason', version),
    genders: codesFor('gender', version),
    backgrounds: codesFor('background', version),
    known: codesFor('previously_known', version)
  }
}

// COPY text format: tab-separated, \N for null, backslash escapes.
function field (v: string | number | null): string {
  if (v === null) return '\\N'
  return typeof v === 'number' ? String(v) : v.replace(/[\\\t\n\r]/g, (c) => c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')
}

function line (values: Array<string | number | null>): string {
  return values.map(field).join('\t') + '\n'
}

async function copyInto (client: pg.PoolClient | pg.Client, statement: string, lines: Iterable<string>): Promise<void> {
  const stream = client.query(copyFrom(statement))
  await pipeline(Readable.from(chunked(lines)), stream)
}

/** Joins lines into ~1 MB strings, so the stream is not a million tiny writes. */
function * chunked (lines: Iterable<string>): Generator<string> {
  let buffer = ''
  for (const l of lines) {
    buffer += l
    if (buffer.length > 1 << 20) {
      yield buffer
      buffer = ''
    }
  }
  if (buffer) yield buffer
}

/**
 * Loads records into the (empty, migrated) database at `url` with COPY: cases with explicit ids
 * from 1, then their problem, intervention and manual-method rows, in one transaction. This is
 * the fastest way PostgreSQL offers, the baseline the service's ingest is measured against.
 * Content hashes are computed before the clock starts, as the service's own work would be.
 */
export async function copyLoad (url: string, records: SuxRecord[]): Promise<{ ms: number }> {
  const hashes = records.map(contentHash)
  const groups = records.map(interventionGroup)
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  const start = process.hrtime.bigint()
  try {
    await client.query('begin')
    await copyInto(client, `copy cases (id, municipality, case_ref, form_version, age_at_referral, gender, background,
      referral_date, start_date, previously_known, other_problem, other_intervention, closing_date, closure_reason,
      closure_comment, comment, intervention_group, content_hash, created_by, updated_by) from stdin`,
    (function * () {
      for (const [i, r] of records.entries()) {
        yield line([i + 1, r.municipality, r.caseRef, r.formVersion, r.ageAtReferral, r.gender, r.background,
          r.referralDate, r.startDate, r.previouslyKnown, r.otherProblem, r.otherIntervention, r.closingDate,
          r.closureReason, r.closureComment, r.comment, groups[i]!, hashes[i]!, 'bench', 'bench'])
      }
    })())
    const children = (table: string, column: string, pickList: (r: SuxRecord) => string[]) =>
      copyInto(client, `copy ${table} (case_id, position, ${column}) from stdin`, (function * () {
        for (const [i, r] of records.entries()) {
          for (const [p, v] of pickList(r).entries()) yield line([i + 1, p, v])
        }
      })())
    await children('case_problems', 'problem', (r) => r.problems)
    await children('case_interventions', 'intervention', (r) => r.interventions)
    await children('case_manual_methods', 'name', (r) => r.manualMethods)
    await client.query(`select setval('cases_id_seq', ${records.length})`)
    await client.query('commit')
  } catch (err) {
    await client.query('rollback')
    throw err
  } finally {
    await client.end()
  }
  return { ms: Number(process.hrtime.bigint() - start) / 1e6 }
}
