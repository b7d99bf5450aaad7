import type { Clock } from './clock.js'
import { RelayError, toRelayError } from './errors.js'

/**
 * A read (status, detail, list) can be sent again whenever it failed for a passing reason.
 * A write (start, retry) may only be sent again when the earlier attempt provably did nothing:
 * it never reached the server, or the server refused it outright (429, 503).
 */
export type Intent = 'read' | 'write'

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  maxAttempts: number
  /** Full-jitter exponential backoff: the n-th pause is random() * min(maxDelayMs, base * 2^(n-1)). */
  baseDelayMs: number
  /** Throttling gets a larger base: the server asked us to slow down. */
  throttledBaseDelayMs: number
  maxDelayMs: number
  /** A Retry-After longer than this is cut to it, so a wrong header cannot stall the job. */
  maxRetryAfterMs: number
  /** No new attempt starts when the pauses so far plus the next one would pass this. */
  budgetMs: number
}

export const READ_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  throttledBaseDelayMs: 2000,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
  budgetMs: 120_000
}

export const WRITE_RETRY_POLICY: RetryPolicy = { ...READ_RETRY_POLICY, maxAttempts: 4 }

export function isRetryable(error: RelayError, intent: Intent): boolean {
  switch (error.kind) {
    case 'throttled':
    case 'unavailable':
      return true
    case 'network':
    case 'timeout':
      return intent === 'read' || error.notSent
    case 'server':
    case 'protocol':
      return intent === 'read'
    default:
      return false
  }
}

/** The pause before the next attempt, `failures` being how many attempts have failed so far. */
export function retryDelayMs(failures: number, error: RelayError, policy: RetryPolicy, random: () => number): number {
  // A delay the server gave is used as it is (no jitter: it knows when it will have room), but clamped.
  if (error.retryAfterMs !== undefined) return Math.min(Math.max(0, error.retryAfterMs), policy.maxRetryAfterMs)
  const base = error.kind === 'throttled' ? policy.throttledBaseDelayMs : policy.baseDelayMs
  const ceiling = Math.min(policy.maxDelayMs, base * 2 ** (failures - 1))
  return Math.floor(random() * ceiling)
}

/** Reads Retry-After (delta-seconds or an HTTP-date) into milliseconds from `nowMs`. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined
  const text = value.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return undefined
  return Math.max(0, date - nowMs)
}

export interface RetryNotice {
  attempt: number
  maxAttempts: number
  delayMs: number
  error: RelayError
}

export interface RetryOptions {
  intent: Intent
  policy: RetryPolicy
  clock: Clock
  signal?: AbortSignal
  onRetry?: (notice: RetryNotice) => void
}

/** Runs `attempt` until it succeeds, the error is not retryable, or the count or budget is spent. */
export async function withRetries<T>(attempt: (n: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { policy, clock, signal } = options
  let waited = 0
  for (let n = 1; ; n++) {
    try {
      return await attempt(n)
    } catch (thrown) {
      const error = toRelayError(thrown)
      if (error.kind === 'aborted' || signal?.aborted === true) throw error
      const delayMs = retryDelayMs(n, error, policy, () => clock.random())
      const retryable = isRetryable(error, options.intent)
      if (!retryable || n >= policy.maxAttempts || waited + delayMs > policy.budgetMs) {
        throw n > 1 && retryable ? givenUp(error, n) : error
      }
      options.onRetry?.({ attempt: n, maxAttempts: policy.maxAttempts, delayMs, error })
      waited += delayMs
      await clock.sleep(delayMs, signal)
    }
  }
}

function givenUp(error: RelayError, attempts: number): RelayError {
  return new RelayError(error.kind, `${error.message} (gave up after ${attempts} attempts)`, {
    status: error.status,
    vendorCode: error.vendorCode,
    requestId: error.requestId,
    hint: error.hint,
    notSent: error.notSent,
    cause: error
  })
}
