import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyRequest } from 'fastify'

// Limits on failed attempts (wrong client secrets) with @fastify/rate-limit. The plugin counts
// every request it sees; here only failures may count, and an attempt must be refused *before*
// its secret is checked once the failures are used up, or a correct guess would still be let in.
// So the plugin gets a store (its documented extension point) in which a key prefixed with
// CHECK reads the count as it would be after one more failure, and any other key adds one.

const CHECK = 'check\u0000'
const MAX_KEYS = 10_000

interface Window { failures: number, startMs: number, timeWindow: number }

/** Failure counts in fixed windows from the first failure, shared by every limiter of the plugin. */
class FailureStore {
  private readonly windows: Map<string, Window>

  constructor (_options?: unknown, windows = new Map<string, Window>()) {
    this.windows = windows
  }

  incr (key: string, cb: (err: Error | null, result?: { current: number, ttl: number }) => void, timeWindow = 60_000): void {
    const now = Date.now()
    const check = key.startsWith(CHECK)
    const name = check ? key.slice(CHECK.length) : key
    let w = this.windows.get(name)
    if (w && w.startMs + w.timeWindow <= now) {
      this.windows.delete(name)
      w = undefined
    }
    if (check) {
      cb(null, w ? { current: w.failures + 1, ttl: w.startMs + w.timeWindow - now } : { current: 1, ttl: timeWindow })
      return
    }
    if (!w) {
      if (this.windows.size >= MAX_KEYS) this.sweep(now)
      w = { failures: 0, startMs: now, timeWindow }
      this.windows.set(name, w)
    }
    w.failures++
    cb(null, { current: w.failures, ttl: w.startMs + w.timeWindow - now })
  }

  child (): FailureStore {
    return new FailureStore(undefined, this.windows)
  }

  /** Drops ended windows, and the oldest ones when that is not enough (memory stays bounded). */
  private sweep (now: number) {
    for (const [k, w] of this.windows) if (w.startMs + w.timeWindow <= now) this.windows.delete(k)
    for (const k of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break
      this.windows.delete(k)
    }
  }
}

export interface FailureLimit {
  /** What the failures are counted by (e.g. the client id, the address). */
  key: (request: FastifyRequest) => string
  max: number
  timeWindowMs: number
}

export interface FailureLimiter {
  /** Seconds to wait when one of the limits is used up; null when the attempt may go ahead. */
  blocked: (request: FastifyRequest) => Promise<number | null>
  /** Counts a failed attempt against every limit. */
  failed: (request: FastifyRequest) => Promise<void>
}

/** Registers the plugin in this (encapsulated) context and returns the limiter over `limits`. */
export async function failureLimiter (app: FastifyInstance, limits: FailureLimit[]): Promise<FailureLimiter> {
  await app.register(rateLimit, { global: false, store: FailureStore })
  const make = (l: FailureLimit, prefix: string) =>
    app.createRateLimit({ max: l.max, timeWindow: l.timeWindowMs, keyGenerator: (request) => `${prefix}${l.key(request)}` })
  const checks = limits.map((l) => make(l, CHECK))
  const counts = limits.map((l) => make(l, ''))
  return {
    async blocked (request) {
      let wait: number | null = null
      for (const check of checks) {
        const r = await check(request)
        if (!r.isAllowed && r.isExceeded) wait = Math.max(wait ?? 0, r.ttlInSeconds)
      }
      return wait
    },
    async failed (request) {
      for (const count of counts) await count(request)
    }
  }
}
