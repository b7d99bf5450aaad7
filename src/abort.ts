import { describeError, type RelayError } from './core/errors.js'
import { CanceledInDoubt, stopRun } from './core/operations.js'
import { readSettings, type Settings } from './inputs/index.js'
import { createProvider } from './providers/index.js'
import type { RunRef } from './providers/types.js'
import { publishRun, startsRuns } from './begin.js'
import type { Deps } from './main.js'

/**
 * Cancel on abort: when our job is canceled, the run this step started is stopped within the
 * runner's window; and the post step stops a run that a main step which died left running.
 */

// A stop sent while our job is being canceled: one attempt, short enough for the runner's 10 s,
// and two reads of the run's state if the stop's answer is lost (some vendors cancel a moment later).
const STOP_ON_ABORT = { timeoutMs: 5_000, maxAttempts: 1, confirmPausesMs: [0, 1_000] }
// The runner's window, from SIGINT: SIGTERM at 7.5 s, SIGKILL at 10 s. A write in flight at SIGINT
// gets WRITE_GRACE_ON_ABORT_MS to finish; what the abort handling sends after that (a lookup of a
// run the start may have made, the stop) ends within ABORT_WINDOW_MS, the lookup within its share.
export const WRITE_GRACE_ON_ABORT_MS = 2_500
const ABORT_WINDOW_MS = 6_000
const LOOKUP_ON_ABORT_MS = 2_500

export async function stopOnAbort(settings: Settings, started: RunRef | undefined, deps: Deps, error: RelayError): Promise<void> {
  const { host, clock } = deps
  const pending = error instanceof CanceledInDoubt ? error.pending : undefined
  // A retry interrupted while its effect was being checked: the run is known, and stopping it is
  // harmless if the retry did not take (the stop finds it ended).
  const run = started ?? (pending?.operation === 'retry' ? pending.run : undefined)
  if (run === undefined && pending === undefined) {
    host.setFailed(startsRuns(settings) ? 'The job was canceled before a run was started' : 'The job was canceled')
    return
  }
  if (!settings.cancelOnAbort || !startsRuns(settings)) {
    const why = settings.cancelOnAbort ? `operation ${settings.operation} does not stop runs it did not start` : 'cancel_on_abort: false'
    host.setFailed(run === undefined ? `${error.message}; it was left as it is (${why})` : `The job was canceled; run ${run.runId} was left as it is (${why})`)
    return
  }
  // The job's own signal has fired, so its provider's reads would stop at once: what is sent from
  // here on goes through a provider of its own, bounded by the runner's window instead.
  const window = new AbortController()
  const timer = setTimeout(() => window.abort('the runner is about to end this step'), ABORT_WINDOW_MS)
  const stopper = createProvider(settings, { transport: deps.transport, clock, log: host, signal: window.signal, redact: text => host.redact(text) })
  try {
    let target = run
    if (target === undefined && pending?.operation === 'start') {
      target = await findOnAbort(settings, pending.correlationId, pending.sinceMs, deps)
      if (target === undefined) {
        host.setFailed(`${error.message}, and none was found in time, so nothing was stopped. Check the pipeline's run history for a run marked relay:${pending.correlationId}`)
        return
      }
      host.info(`Found run ${target.runId}, created by the start request`)
      publishRun(host, target, true, settings)
    }
    if (target === undefined) return
    try {
      const outcome = await stopRun(stopper, target, { clock, log: host, signal: window.signal }, STOP_ON_ABORT)
      host.setOutput('status', 'canceled')
      host.setFailed(outcome === 'stopped' ? `The job was canceled, so run ${target.runId} was stopped` : `The job was canceled; run ${target.runId} had already ended`)
    } catch (stopError) {
      host.setFailed(`The job was canceled, and stopping run ${target.runId} failed: ${describeError(stopError)}`)
    }
  } finally {
    clearTimeout(timer)
  }
}

/** One bounded look for the run a start request may have made, when the job was canceled before the lookup could tell. */
async function findOnAbort(settings: Settings, correlationId: string, sinceMs: number, deps: Deps): Promise<RunRef | undefined> {
  const lookup = new AbortController()
  const timer = setTimeout(() => lookup.abort('the runner is about to end this step'), LOOKUP_ON_ABORT_MS)
  const finder = createProvider(settings, { transport: deps.transport, clock: deps.clock, log: deps.host, signal: lookup.signal, redact: text => deps.host.redact(text) })
  try {
    return await finder.findStartedRun(correlationId, sinceMs)
  } catch (error) {
    deps.host.warning(`Could not look for the run: ${describeError(error)}`)
    return undefined
  } finally {
    clearTimeout(timer)
  }
}

/** The post step: stops a run that a main step which died left running. */
export async function runPost(deps: Deps): Promise<void> {
  const { host } = deps
  const runId = host.getState('run_id')
  if (runId === '' || host.getState('finished') === 'true') {
    host.debug('The main step finished; nothing to clean up')
    return
  }
  const settings = readSettings(name => host.getInput(name), secret => host.mask(secret))
  if (!settings.cancelOnAbort) {
    host.info(`The main step did not finish; run ${runId} is left running (cancel_on_abort: false)`)
    return
  }
  const provider = createProvider(settings, { transport: deps.transport, clock: deps.clock, log: host, redact: text => host.redact(text) })
  const pipelineId = host.getState('pipeline_id')
  try {
    const run = { ...provider.refFor(runId), ...(pipelineId === '' ? {} : { pipelineId }) }
    // No cancel window to fit in here: the run's state gets the usual time to show the stop.
    const outcome = await stopRun(provider, run, { clock: deps.clock, log: host }, { timeoutMs: STOP_ON_ABORT.timeoutMs, maxAttempts: STOP_ON_ABORT.maxAttempts })
    host.info(outcome === 'stopped' ? `The main step did not finish, so run ${runId} was stopped` : `Run ${runId} had already ended`)
  } catch (error) {
    host.warning(`The main step did not finish, and stopping run ${runId} failed: ${describeError(error)}`)
  }
}
