import { abortedError, type Clock } from './clock.js'
import { RelayError, toRelayError } from './errors.js'
import type { IntervalPolicy } from './interval.js'
import type { RunState } from '../providers/types.js'

// The pauses between reads (fixed, or `auto` with the pipeline's history) live in interval.ts.
export { autoInterval, durationModel, fixedInterval, type AutoOptions, type DurationModel, type IntervalPolicy, type PollContext } from './interval.js'

// Errors that will not go away by asking again: they end the wait at once.
const FATAL_KINDS = new Set(['auth', 'not_found', 'client', 'input', 'aborted', 'ambiguous'])

export interface WaitOptions {
  getState(remainingMs: number): Promise<RunState>
  clock: Clock
  signal?: AbortSignal
  /** Absolute time (clock ms) at which the wait gives up. */
  deadline: number
  interval: IntervalPolicy
  /**
   * After a retry: the state the run was in before it. A terminal state of that same attempt is
   * the previous result, so it is not reported as the outcome.
   */
  previous?: RunState
  /** How long the run may keep showing the previous attempt before we call the retry ineffective. */
  newAttemptGraceMs?: number
  onState?(state: RunState, elapsedMs: number): void
  /** After every successful read of the current attempt (changed or not), awaited: log pages, heartbeats. */
  onRead?(state: RunState, elapsedMs: number): Promise<void>
  onPollError?(error: RelayError, consecutiveFailures: number): void
}

export type WaitResult = { outcome: 'ended'; state: RunState } | { outcome: 'timed_out'; state?: RunState }

export async function waitForRunEnd(options: WaitOptions): Promise<WaitResult> {
  const { clock, signal, previous } = options
  const started = clock.now()
  const graceMs = options.newAttemptGraceMs ?? 120_000
  let latest: RunState | undefined
  let lastChange = started
  let seenNewAttempt = previous === undefined
  let failures = 0

  for (;;) {
    if (isAborted(signal)) throw abortedError(signal)
    try {
      const state = await options.getState(Math.max(0, options.deadline - clock.now()))
      failures = 0
      if (!seenNewAttempt && previous !== undefined && isNewAttempt(previous, state)) seenNewAttempt = true
      if (seenNewAttempt && (latest === undefined || changed(latest, state))) {
        lastChange = clock.now()
        options.onState?.(state, clock.now() - started)
      }
      if (seenNewAttempt) latest = state
      if (seenNewAttempt) await options.onRead?.(state, clock.now() - started)
      if (seenNewAttempt && state.terminal) return { outcome: 'ended', state }
      if (!seenNewAttempt && clock.now() - started > graceMs) {
        throw new RelayError(
          'client',
          `The run still shows its previous result (${state.rawStatus}) ${Math.round(graceMs / 1000)} s after the retry request; the retry did not take effect`
        )
      }
    } catch (thrown) {
      const error = toRelayError(thrown)
      if (FATAL_KINDS.has(error.kind) || isAborted(signal)) throw error
      failures += 1
      // A status endpoint that is down for a while does not end the wait: the deadline does.
      options.onPollError?.(error, failures)
    }

    const remaining = options.deadline - clock.now()
    if (remaining <= 0) return { outcome: 'timed_out', state: latest }
    const now = clock.now()
    const pause = options.interval({ elapsedMs: now - started, sinceChangeMs: now - lastChange, state: latest, nowMs: now })
    await clock.sleep(Math.min(Math.max(pause, 0), remaining), signal)
  }
}

/** True once the run shows an attempt other than the one it had before the retry. */
export function isNewAttempt(previous: RunState, current: RunState): boolean {
  if (current.runId !== previous.runId) return true
  if (!current.terminal) return true
  if (current.attempt !== undefined && current.attempt !== previous.attempt) return true
  return false
}

function changed(before: RunState, after: RunState): boolean {
  if (before.rawStatus !== after.rawStatus || before.status !== after.status) return true
  if (before.jobs.length !== after.jobs.length) return true
  return before.jobs.some((job, index) => job.rawStatus !== after.jobs[index]?.rawStatus)
}

// A function, not an inline test: the flag changes while we await, which narrowing cannot see.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}
