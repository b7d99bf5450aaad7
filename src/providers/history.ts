import type { CallOptions } from './types.js'

/**
 * Shared by the providers' `recentDurations`: the pipeline's recent run lengths only shape how
 * often `poll_interval: auto` reads a run, so the read is one attempt with a short timeout. A slow
 * or failing list costs the wait nothing but its history.
 */
export const HISTORY_READ: CallOptions = { maxAttempts: 1, timeoutMs: 10_000 }

/** The length of a finished run from its start and end times (epoch ms), when both are known and in order. */
export function runLength(startedAt: number | undefined, endedAt: number | undefined): number | undefined {
  if (startedAt === undefined || endedAt === undefined || startedAt <= 0 || endedAt <= startedAt) return undefined
  return endedAt - startedAt
}

/** The known lengths, newest first as listed, at most `limit`. */
export function knownLengths(lengths: readonly (number | undefined)[], limit: number): number[] {
  return lengths.filter((length): length is number => length !== undefined).slice(0, Math.max(0, limit))
}
