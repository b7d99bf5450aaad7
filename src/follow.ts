import { formatDuration, formatElapsed } from './core/duration.js'
import { describeError, type RelayError } from './core/errors.js'
import { autoInterval, durationModel, fixedInterval, waitForRunEnd, type IntervalPolicy, type WaitResult } from './core/poll.js'
import type { Host } from './host/types.js'
import type { Settings } from './inputs/index.js'
import type { Provider, RunState } from './providers/types.js'
import { outputText } from './core/vendor-text.js'
import { stateLine } from './report.js'
import { LiveLogs } from './remote-logs.js'
import type { Begun } from './begin.js'
import type { Deps } from './main.js'

/** Following a run until it ends (or the timeout): the wait loop's callbacks, and the poll schedule. */

export interface Outcome {
  begun: Begun
  result: WaitResult | { outcome: 'not_waited'; state?: RunState }
  /** The last failed status read, when no read ever succeeded: the cause of a wait that saw nothing. */
  unreadable?: RelayError
  /** The streamed logs (`logs: all`): the report's tails come from what they read. */
  live?: LiveLogs
}

// Never longer than this without a line while waiting: CI systems kill a silent step (CircleCI
// after 10 minutes), and people take a silent log for a hang.
export const HEARTBEAT_MS = 5 * 60_000
// A heartbeat line stays short: the state part is cut to this many characters.
const HEARTBEAT_STATE_CHARS = 160

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
  let lastLineAt = clock.now()
  const said = (): void => {
    lastLineAt = clock.now()
  }
  const live = settings.logs === 'all' ? new LiveLogs(provider, begun.run, host) : undefined
  if (live !== undefined && !live.available) host.warning(`logs: all: pipeline-relay cannot read job logs from ${provider.displayName}; only state changes are shown`)
  const policy = settings.pollInterval === 'auto' ? await autoPolicy(settings, provider, host) : fixedInterval(settings.pollInterval)
  // The pause never runs past the next heartbeat: a read is due by then, to say something true.
  const interval: IntervalPolicy = context => Math.min(policy(context), Math.max(0, lastLineAt + HEARTBEAT_MS - (context.nowMs ?? clock.now())))
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
      if (state.runNumber !== undefined) host.setOutput('run_number', outputText(state.runNumber))
      host.info(`[${formatElapsed(elapsedMs)}] ${stateLine(state)}`)
      said()
    },
    async onRead(state, elapsedMs) {
      if (live !== undefined && (state.terminal ? await live.finish(state) : await live.poll(state)) > 0) said()
      if (!state.terminal && clock.now() - lastLineAt >= HEARTBEAT_MS) {
        host.info(heartbeatLine(state, elapsedMs, begun.run.url))
        said()
      }
    },
    onPollError(error, failures) {
      lastReadError = error
      host.warning(`Could not read the run's state (${failures} in a row): ${error.describe()}. Still waiting`)
      said()
    }
  })
  return { begun, result, unreadable: result.state === undefined ? lastReadError : undefined, live }
}

/** `[25:00] still running (RUNNING); now: Build / Compile running — https://…`: what a long quiet wait is doing. */
export function heartbeatLine(state: RunState, elapsedMs: number, url: string | undefined): string {
  const now = stateLine(state)
  const short = now.length > HEARTBEAT_STATE_CHARS ? `${now.slice(0, HEARTBEAT_STATE_CHARS - 1)}…` : now
  return `[${formatElapsed(elapsedMs)}] still ${short}${url === undefined ? '' : ` — ${url}`}`
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
