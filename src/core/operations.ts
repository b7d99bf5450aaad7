import type { Clock } from './clock.js'
import { RelayError, toRelayError } from './errors.js'
import type { Logger } from './log.js'
import { isNewAttempt } from './poll.js'
import type { Provider, RetryRequest, RunRef, RunState, StartRequest } from '../providers/types.js'

/**
 * Starting and retrying runs, at most once. A start or retry request is only sent again when the
 * earlier attempt provably did nothing (the VendorClient handles that). After an ambiguous
 * failure — a timeout, a reset, a 502 — the run it may have made is looked up before anything
 * else happens; if the lookup cannot tell, we stop with a clear message rather than risk a
 * second run.
 */

export interface OperationDeps {
  clock: Clock
  log: Logger
  signal?: AbortSignal
}

// Lookups after an ambiguous write: the vendor may need a moment before the new run is listed.
const LOOKUP_PAUSES_MS = [0, 2_000, 5_000]

/** Failures after which the server may have acted on a write. */
export function mayHaveTakenEffect(error: RelayError): boolean {
  return ['network', 'timeout', 'server', 'protocol'].includes(error.kind) && !error.notSent
}

/** A short random mark (10 hex digits) carried by the run, to find it again after a fault. */
export function newCorrelationId(clock: Clock): string {
  let id = ''
  while (id.length < 10) id += Math.floor(clock.random() * 16).toString(16)
  return id
}

export async function startRun(provider: Provider, request: StartRequest, deps: OperationDeps): Promise<RunRef> {
  const since = deps.clock.now()
  try {
    return await provider.start(request)
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (!mayHaveTakenEffect(error)) throw error
    deps.log.warning(`The start request may have reached ${provider.displayName} (${error.describe()}); looking for the run it may have created (mark relay:${request.correlationId})`)
    const found = await lookUp(() => provider.findStartedRun(request.correlationId, since), deps)
    if (found !== undefined) {
      deps.log.info(`Found run ${found.runId}, created by the interrupted start request; following it`)
      return found
    }
    throw new RelayError(
      'ambiguous',
      `The start request failed (${error.message}) after it may have reached ${provider.displayName}, and no run marked relay:${request.correlationId} was found. It was not sent again, so that the pipeline does not run twice`,
      { hint: "Check the pipeline's run history before re-running this job", cause: error }
    )
  }
}

export interface RetryStarted {
  run: RunRef
  /** The run as it was before the retry: the wait must not report this attempt's result. */
  previous: RunState
}

export async function retryRun(provider: Provider, run: RunRef, request: RetryRequest, deps: OperationDeps): Promise<RetryStarted> {
  const previous = await provider.getState(run)
  if (!previous.terminal) {
    throw new RelayError('client', `Run ${run.runId} is ${previous.rawStatus}, not finished; only a finished run can be retried`, {
      hint: 'Use operation watch to follow it, or cancel it first'
    })
  }
  try {
    return { run: await provider.retry(run, request), previous }
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (!mayHaveTakenEffect(error)) throw error
    deps.log.warning(`The retry request may have reached ${provider.displayName} (${error.describe()}); checking whether run ${run.runId} started again`)
    const restarted = await lookUp(async () => {
      const now = await provider.getState(run)
      return isNewAttempt(previous, now) ? run : undefined
    }, deps)
    if (restarted !== undefined) return { run: restarted, previous }
    throw new RelayError(
      'ambiguous',
      `The retry request failed (${error.message}) after it may have reached ${provider.displayName}, and run ${run.runId} shows no new attempt yet. It was not sent again, so that the run is not retried twice`,
      { hint: 'Look at the run in the console before re-running this job', cause: error }
    )
  }
}

async function lookUp(find: () => Promise<RunRef | undefined>, deps: OperationDeps): Promise<RunRef | undefined> {
  let lastError: RelayError | undefined
  for (const pause of LOOKUP_PAUSES_MS) {
    if (pause > 0) await deps.clock.sleep(pause, deps.signal)
    try {
      const found = await find()
      if (found !== undefined) return found
      lastError = undefined
    } catch (thrown) {
      lastError = toRelayError(thrown)
      if (['auth', 'input', 'aborted'].includes(lastError.kind)) throw lastError
    }
  }
  if (lastError !== undefined) deps.log.warning(`The lookup failed too: ${lastError.describe()}`)
  return undefined
}
