import type { JobState, RunState } from '../providers/types.js'

/**
 * How long the wait loop pauses before the next status read: `poll_interval: 30s` (fixed) or
 * `auto`. A policy is a pure function of what the loop knows, so a test can walk any schedule on a
 * fake clock.
 */
export interface PollContext {
  /** Since the wait began. */
  elapsedMs: number
  /** Since the run's state last changed (the start of the wait counts as a change). */
  sinceChangeMs: number
  /** The latest state read; none before the first good read (or, after a retry, the new attempt's). */
  state?: RunState
  /** The wait's clock, epoch ms: with the state's start time, the age of a run we did not start. */
  nowMs?: number
}

export type IntervalPolicy = (context: PollContext) => number

/** A fixed interval, as `poll_interval: 30s` asks. */
export function fixedInterval(ms: number): IntervalPolicy {
  return () => ms
}

/**
 * What the pipeline's recent runs say about this one: a log-normal fit, which is how build times
 * spread (a run is "a bit slower or faster than usual" by a factor, not by a fixed number of
 * seconds). Medians and quartiles rather than mean and deviation, so that one odd run (a cache miss,
 * a run that waited an hour at a gate) does not move the whole schedule.
 */
export interface DurationModel {
  /** How many finished runs it was built from. */
  runs: number
  medianMs: number
  /** σ of the log-normal fit, from the interquartile range of the logarithms. */
  spread: number
  /** Before this age a run very rarely ends: two spreads below the median, and below the shortest recent run. */
  earliestMs: number
  /** After this age the run is slower than the recent ones, and the history no longer says when it ends. */
  latestMs: number
}

// Fewer runs than this say too little: the schedule without history is used instead.
const MIN_RUNS = 3
// With few runs the quartiles are rough, so the spread is taken at least this wide.
const FEW_RUNS = 8
const MIN_SPREAD_FEW = 0.3
const MIN_SPREAD = 0.1
const MAX_SPREAD = 1
// Durations outside this range are not runs of a pipeline we can learn from (clock errors, records).
const MAX_DURATION_MS = 2 * 24 * 3_600_000

export function durationModel(durationsMs: readonly number[]): DurationModel | undefined {
  const runs = durationsMs.filter(ms => Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS).sort((a, b) => a - b)
  if (runs.length < MIN_RUNS) return undefined
  const logs = runs.map(ms => Math.log(ms))
  const medianMs = Math.exp(quantile(logs, 0.5))
  // For a normal distribution the interquartile range is 1.349 σ.
  const fitted = (quantile(logs, 0.75) - quantile(logs, 0.25)) / 1.349
  const spread = clamp(fitted, runs.length < FEW_RUNS ? MIN_SPREAD_FEW : MIN_SPREAD, MAX_SPREAD)
  const shortest = runs[0] ?? medianMs
  const longest = runs[runs.length - 1] ?? medianMs
  return {
    runs: runs.length,
    medianMs,
    spread,
    // About the 2nd percentile of the fit; the 0.9 keeps a margin below the fastest run actually seen.
    earliestMs: Math.min(medianMs * Math.exp(-2 * spread), 0.9 * shortest),
    latestMs: Math.max(medianMs * Math.exp(2 * spread), longest)
  }
}

export interface AutoOptions {
  /** Durations (ms) of the pipeline's recent finished runs, as `Provider.recentDurations` reads them. */
  history?: readonly number[]
  /** The run was asked to stop (operation `cancel`): it should end within seconds, whatever its stages say. */
  stopping?: boolean
}

// The pauses `auto` chooses from, densest first. The detection latency (from the run's end to our
// report of it) of a run that ends during a pause of p is between 0 and p, p/2 on average.
/** A cancel: the run should stop within seconds. */
const STOPPING_MIN_MS = 2_000
/** The first pauses of every wait: a run that fails at once (bad configuration, no agent) is reported at once. */
const FIRST_MS = 5_000
/** When the run can end at any moment: its last stage runs, or the history says it is about due. */
const NEAR_END_MS = 8_000
/** When nothing tells where the end is: the interval of the peers' fixed pollers. */
const STEADY_MS = 10_000
/** Stages still to start: the run cannot end normally before they have run. Also the most a queued or gated run waits. */
const PENDING_MS = 30_000
/** The history says the run is far from its earliest plausible end. */
const FAR_MS = 60_000
/** A long run with no better guide is read about once per this fraction of its age (so ~1 % late)... */
const AGE_FRACTION = 90
/** ...but at least every 30 s. */
const STEADY_MAX_MS = 30_000

/**
 * `poll_interval: auto`. The aim: report the end of a run about as fast as polling every 10 s
 * would, with far fewer status requests. Requests are spent where the run can end, and saved where
 * it cannot:
 *
 * - The first pauses are short (5 s, 10 s, 20 s, …), whatever else is known: most failures come at
 *   the very start, and a quick answer there is cheap.
 * - Stage progress. While jobs have not started yet, the run cannot end normally before they run,
 *   so it is read every 30 s (an early failure or a skipped last stage is then seen at most 30 s
 *   late). Once parts have finished and nothing is left to start — the last stage runs — the end
 *   can come any moment: every 8 s. A failed or canceled job means the run ends with its stage:
 *   every 8 s too. This is the state change that tightens the schedule.
 * - History (the pipeline's recent run durations, when there are at least three). Before the
 *   earliest plausible end (≈ the 2nd percentile of recent runs) the run is read up to once a
 *   minute, and once exactly at that point. From there to the latest plausible end, every 8 s —
 *   unless stages are still pending: then half the time left to the usual (median) length, from
 *   30 s to a minute, since the last stage still has to start and run. A run slower than all of
 *   that is read as one with no history.
 * - Without history or stages, every 10 s (what peers do), growing with the run's age once it is
 *   past 15 minutes (age / 90, at most 30 s), so a six-hour wait does not cost 2,000 requests.
 * - A queued run, or one waiting for a person, is read more slowly the longer it waits (half the
 *   time since it changed, from 5 s to 30 s).
 * - After a cancel, every 2 s at first: the stop should show within seconds.
 */
export function autoInterval(options: AutoOptions = {}): IntervalPolicy {
  const model = options.history === undefined ? undefined : durationModel(options.history)
  // Whole milliseconds, for logs and tests.
  return context => Math.round(pauseFor(context, model, options.stopping === true))
}

function pauseFor(context: PollContext, model: DurationModel | undefined, stopping: boolean): number {
  const { elapsedMs, sinceChangeMs, state } = context
  if (stopping) return clamp(elapsedMs / 2, STOPPING_MIN_MS, STEADY_MS)
  // 5 s, then doubling: 0, 5, 10, 20, 40, 80 s… until the rules below ask for less.
  const ramp = Math.max(FIRST_MS, elapsedMs)
  if (state === undefined || state.terminal) return Math.min(ramp, STEADY_MS)
  if (state.status === 'queued' || state.status === 'waiting') return Math.min(ramp, clamp(sinceChangeMs / 2, FIRST_MS, PENDING_MS))

  const progress = progressOf(state.jobs)
  if (progress === 'ending') return Math.min(ramp, NEAR_END_MS)
  const age = runAge(context)
  let pause: number
  if (model !== undefined && age < model.earliestMs) {
    // Wake up at the earliest plausible end (or a minute from now, whichever is first).
    const untilPlausible = model.earliestMs - age
    pause = Math.min(FAR_MS, Math.max(progress === 'pending' ? PENDING_MS : NEAR_END_MS, untilPlausible))
  } else if (progress === 'pending') {
    pause = model === undefined ? PENDING_MS : clamp((model.medianMs - age) / 2, PENDING_MS, FAR_MS)
  } else if (progress === 'last-stage' || (model !== undefined && age <= model.latestMs)) {
    pause = NEAR_END_MS
  } else {
    pause = clamp(age / AGE_FRACTION, STEADY_MS, STEADY_MAX_MS)
  }
  return Math.min(ramp, pause)
}

type Progress =
  /** A job failed or was canceled: the run ends when its stage does. */
  | 'ending'
  /** Jobs that have not started yet: more stages to come. */
  | 'pending'
  /** Parts have finished and none is left to start: the last stage runs. */
  | 'last-stage'
  /** No jobs, or nothing finished yet with nothing pending (a one-stage pipeline): no signal. */
  | 'unknown'

/** What the job table says about how far the run has come. */
function progressOf(jobs: readonly JobState[]): Progress {
  if (jobs.some(job => job.status === 'failed' || job.status === 'canceled')) return 'ending'
  if (jobs.some(job => job.status === 'queued')) return 'pending'
  const finished = jobs.some(job => job.status === 'succeeded' || job.status === 'skipped')
  const active = jobs.some(job => job.status === 'running' || job.status === 'waiting' || job.status === 'unknown')
  return finished && active ? 'last-stage' : 'unknown'
}

// A start time older than this is not the current attempt's (a retried run may keep its first start).
const MAX_TRUSTED_AGE_MS = 7 * 24 * 3_600_000

/**
 * How long the run has been going: its own start time when the state has one (a run we watch may
 * have started long before our wait), else the length of our wait.
 */
function runAge({ elapsedMs, state, nowMs }: PollContext): number {
  const startedAt = state?.startedAt
  if (nowMs === undefined || startedAt === undefined || startedAt <= 0 || startedAt > nowMs) return elapsedMs
  const age = nowMs - startedAt
  return age > MAX_TRUSTED_AGE_MS ? elapsedMs : Math.max(elapsedMs, age)
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value))
}

/** Of sorted values, linear between the closest ranks. */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1)
  const low = Math.floor(position)
  const a = sorted[low] ?? 0
  const b = sorted[Math.min(low + 1, sorted.length - 1)] ?? a
  return a + (b - a) * (position - low)
}
