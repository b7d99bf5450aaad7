import { formatDuration, formatElapsed } from './core/duration.js'
import { describeError, type RelayError } from './core/errors.js'
import { autoInterval, durationModel, fixedInterval, waitForRunEnd, type IntervalPolicy, type WaitResult } from './core/poll.js'
import type { Host } from './host/types.js'
import type { Settings } from './inputs/index.js'
import type { Provider, RunState } from './providers/types.js'
import { stateLine } from './report.js'
import type { Begun } from './begin.js'
import type { Deps } from './main.js'

/** Following a run until it ends (or the timeout): the wait loop's callbacks, and the poll schedule. */

export interface Outcome {
  begun: Begun
  result: WaitResult | { outcome: 'not_waited'; state?: RunState }
  /** The last failed status read, when no read ever succeeded: the cause of a wait that saw nothing. */
  unreadable?: RelayError
}

export async function follow(settings: Settings, provider: Provider, begun: Begun, deps: Deps, started: number): Promise<Outcome> {
  const { host, clock, signal } = deps
  if (!settings.wait) {
    // One read, so that status and run_number are set; the run itself goes on without us.
    const state = await provider.getState(begun.run).catch((error: unknown) => {
      host.warning(`Could not read the run's state: ${describeError(error)}`)
      return undefined
    })
    return { begun, result: { outcome: 'not_waited', state } }
  }
  const warnedUnknown = new Set<string>()
  let lastReadError: RelayError | undefined
  const interval = settings.pollInterval === 'auto' ? await autoPolicy(settings, provider, host) : fixedInterval(settings.pollInterval)
  const result = await waitForRunEnd({
    getState: remainingMs => provider.getState(begun.run, { budgetMs: Math.min(remainingMs, 60_000) }),
    clock,
    signal,
    deadline: started + settings.timeoutMs,
    interval,
    previous: begun.previous,
    onState(state, elapsedMs) {
      if (state.status === 'unknown' && !warnedUnknown.has(state.rawStatus)) {
        warnedUnknown.add(state.rawStatus)
        host.warning(`${provider.displayName} reported a status pipeline-relay does not know: "${state.rawStatus}". Treating it as still in progress`)
      }
      if (state.runNumber !== undefined) host.setOutput('run_number', state.runNumber)
      host.info(`[${formatElapsed(elapsedMs)}] ${stateLine(state)}`)
    },
    onPollError(error, failures) {
      lastReadError = error
      host.warning(`Could not read the run's state (${failures} in a row): ${error.describe()}. Still waiting`)
    }
  })
  return { begun, result, unreadable: result.state === undefined ? lastReadError : undefined }
}

// How many recent runs `poll_interval: auto` learns from: one list page on every vendor.
const HISTORY_RUNS = 20

/**
 * `poll_interval: auto`, shaped by how long the pipeline's recent runs took (one list request). A
 * retry re-runs only part of a run, so the full runs' lengths would mislead it: it goes by stage
 * progress alone; a cancel expects the end within seconds. Never fails the step: without its
 * history the schedule only knows less.
 */
async function autoPolicy(settings: Settings, provider: Provider, host: Host): Promise<IntervalPolicy> {
  if (settings.operation === 'cancel') return autoInterval({ stopping: true })
  if (settings.operation === 'retry' || provider.recentDurations === undefined) return autoInterval()
  try {
    const history = await provider.recentDurations(HISTORY_RUNS)
    const model = durationModel(history)
    host.debug(
      model === undefined
        ? `poll_interval auto: ${history.length} recent successful run(s), too few to learn from`
        : `poll_interval auto: ${model.runs} recent successful runs, median ${formatDuration(model.medianMs)}`
    )
    return autoInterval({ history })
  } catch (error) {
    host.debug(`poll_interval auto: could not read the pipeline's recent runs (${describeError(error)}); polling without them`)
    return autoInterval()
  }
}
