import type { Clock } from './clock.js'
import { RelayError, toRelayError } from './errors.js'
import type { Logger } from './log.js'
import { isNewAttempt } from './poll.js'
import type { CallOptions, CancelOutcome, Provider, RetryRequest, RunRef, RunState, StartRequest } from '../providers/types.js'

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

/**
 * The job was canceled while a start or retry that may have taken effect was still being looked
 * up. Unlike a plain abort, a run may exist (or may have restarted): the abort handling gets what
 * it needs to find it and stop it, or to say that it could not.
 */
export class CanceledInDoubt extends RelayError {
  constructor(
    readonly pending: { operation: 'start'; correlationId: string; sinceMs: number } | { operation: 'retry'; run: RunRef },
    cause: RelayError
  ) {
    super(
      'aborted',
      pending.operation === 'start'
        ? `The job was canceled while pipeline-relay was looking for the run its start request may have created (mark relay:${pending.correlationId})`
        : `The job was canceled while pipeline-relay was checking whether run ${pending.run.runId} started again after its retry request`,
      { cause }
    )
    this.name = 'CanceledInDoubt'
  }
}

export async function startRun(provider: Provider, request: StartRequest, deps: OperationDeps): Promise<RunRef> {
  const since = deps.clock.now()
  try {
    return await provider.start(request)
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (!mayHaveTakenEffect(error)) throw error
    deps.log.warning(`The start request may have reached ${provider.displayName} (${error.describe()}); looking for the run it may have created (mark relay:${request.correlationId})`)
    const found = await inDoubt(
      () => lookUp(() => provider.findStartedRun(request.correlationId, since), deps),
      cause => new CanceledInDoubt({ operation: 'start', correlationId: request.correlationId, sinceMs: since }, cause),
      deps
    )
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
    const restarted = await inDoubt(
      () =>
        lookUp(async () => {
          const now = await provider.getState(run)
          return isNewAttempt(previous, now) ? run : undefined
        }, deps),
      cause => new CanceledInDoubt({ operation: 'retry', run }, cause),
      deps
    )
    if (restarted !== undefined) return { run: restarted, previous }
    throw new RelayError(
      'ambiguous',
      `The retry request failed (${error.message}) after it may have reached ${provider.displayName}, and run ${run.runId} shows no new attempt yet. It was not sent again, so that the run is not retried twice`,
      { hint: 'Look at the run in the console before re-running this job', cause: error }
    )
  }
}

/** A lookup that the job's cancellation interrupts becomes a CanceledInDoubt, not a plain abort. */
async function inDoubt<T>(lookup: () => Promise<T>, canceled: (cause: RelayError) => RelayError, deps: OperationDeps): Promise<T> {
  try {
    return await lookup()
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (error.kind === 'aborted' || deps.signal?.aborted === true) throw canceled(error)
    throw error
  }
}

export interface StopOptions extends CallOptions {
  /**
   * Pauses before each read of the run's state after a stop request whose answer was lost: the
   * vendor may take a moment to show the run stopping. Default [0, 2 s, 5 s]; shorter when the
   * job is being canceled itself and has only the runner's window.
   */
  confirmPausesMs?: readonly number[]
}

/**
 * Stops a run with one stop request, never sent twice. When its answer is lost (a timeout, a cut
 * connection, a garbled body) the stop may still have taken effect: the run's state says, and a
 * run that shows canceled (or ended) is reported as such instead of as a failed stop.
 */
export async function stopRun(provider: Provider, run: RunRef, deps: OperationDeps, options: StopOptions = {}): Promise<CancelOutcome> {
  const { confirmPausesMs = LOOKUP_PAUSES_MS, ...call } = options
  try {
    return await provider.cancel(run, call)
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (!mayHaveTakenEffect(error)) throw error
    deps.log.warning(`The stop request may have reached ${provider.displayName} (${error.describe()}); reading run ${run.runId} to see whether it stopped`)
    let last: RunState | undefined
    for (const pause of confirmPausesMs) {
      try {
        if (pause > 0) await deps.clock.sleep(pause, deps.signal)
        last = await provider.getState(run, call)
      } catch (readError) {
        // Out of time (the signal), or a read that will not work: the stop's own failure is reported.
        const failure = toRelayError(readError)
        if (['auth', 'input', 'aborted'].includes(failure.kind) || deps.signal?.aborted === true) break
        continue
      }
      if (last.status === 'canceled') return 'stopped'
      if (last.terminal) return 'already-ended'
    }
    const seen = last === undefined ? 'its state could not be read' : `it is still ${last.rawStatus}`
    throw new RelayError(error.kind, `${error.message}; the stop request was not sent again, and ${seen}`, {
      status: error.status,
      vendorCode: error.vendorCode,
      requestId: error.requestId,
      hint: error.hint ?? 'Look at the run in the console: stop it there if it is still going on',
      cause: error
    })
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
