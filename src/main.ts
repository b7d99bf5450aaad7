import { systemClock, type Clock } from './core/clock.js'
import { formatDuration, formatElapsed } from './core/duration.js'
import { RelayError, describeError, toRelayError } from './core/errors.js'
import { createNodeTransport, type Transport } from './core/http.js'
import { CanceledInDoubt, newCorrelationId, retryRun, startRun, stopRun } from './core/operations.js'
import { autoInterval, durationModel, fixedInterval, waitForRunEnd, type IntervalPolicy, type WaitResult } from './core/poll.js'
import { createHost } from './host/detect.js'
import type { Host } from './host/types.js'
import { readSettings, type Settings } from './inputs/index.js'
import { createProvider } from './providers/index.js'
import type { JobState, Provider, RunRef, RunState, Status } from './providers/types.js'
import { jobLines, jobName, runDurationSeconds, stateLine, summaryMarkdown } from './report.js'

export interface Deps {
  host: Host
  transport: Transport
  clock: Clock
  /** Aborts when our own job is canceled (SIGINT/SIGTERM). */
  signal: AbortSignal
}

/** The real world: the host we run under (GitHub, GitLab, a terminal), node's network, the system clock, and signals. */
export function defaultDeps(): Deps {
  const controller = new AbortController()
  // The runner cancels a step with SIGINT, then SIGTERM 7.5 s later: either one starts the stop.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => controller.abort(`received ${signal}`))
  }
  // A start or stop in flight is not cut when the job is canceled, but it is not given its whole
  // request_timeout either: the runner kills the step 10 s after SIGINT.
  const transport = createNodeTransport({ abortGrace: { signal: controller.signal, ms: WRITE_GRACE_ON_ABORT_MS } })
  return { host: createHost(), transport, clock: systemClock, signal: controller.signal }
}

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  try {
    if (deps.host.isPost) await runPost(deps)
    else await runMain(deps)
  } catch (error) {
    const failure = toRelayError(error)
    deps.host.setFailed(failure.describe(), failure.kind)
  } finally {
    deps.host.finish?.()
  }
}

// A stop sent while our job is being canceled: one attempt, short enough for the runner's 10 s,
// and two reads of the run's state if the stop's answer is lost (some vendors cancel a moment later).
const STOP_ON_ABORT = { timeoutMs: 5_000, maxAttempts: 1, confirmPausesMs: [0, 1_000] }
// The runner's window, from SIGINT: SIGTERM at 7.5 s, SIGKILL at 10 s. A write in flight at SIGINT
// gets WRITE_GRACE_ON_ABORT_MS to finish; what the abort handling sends after that (a lookup of a
// run the start may have made, the stop) ends within ABORT_WINDOW_MS, the lookup within its share.
const WRITE_GRACE_ON_ABORT_MS = 2_500
const ABORT_WINDOW_MS = 6_000
const LOOKUP_ON_ABORT_MS = 2_500

async function runMain(deps: Deps): Promise<void> {
  const { host, clock, signal } = deps
  host.saveState('isPost', 'true')
  const settings = readSettings(name => host.getInput(name), secret => host.mask(secret))
  const provider = createProvider(settings, { transport: deps.transport, clock, log: host, signal, redact: text => host.redact(text) })
  await host.group('pipeline-relay settings', async () => {
    for (const line of describeSettings(settings, provider)) host.info(line)
  })
  const started = clock.now()
  let run: RunRef | undefined
  try {
    const begun = await begin(settings, provider, deps)
    run = begun.run
    publishRun(host, run, startsRuns(settings), settings)
    if (settings.operation === 'run') host.info(`Started run ${run.runId}${run.url === undefined ? '' : `: ${run.url}`}`)
    const outcome = await follow(settings, provider, begun, deps, started)
    await conclude(settings, provider, outcome, deps)
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (error.kind === 'aborted' || signal.aborted) await stopOnAbort(settings, run, deps, error)
    else throw error
  } finally {
    host.saveState('finished', 'true')
  }
}

interface Begun {
  run: RunRef
  previous?: RunState
  /** For cancel: the stop found the run already ended. */
  alreadyEnded?: boolean
}

async function begin(settings: Settings, provider: Provider, deps: Deps): Promise<Begun> {
  const { host, clock } = deps
  const existing = settings.runId === undefined ? undefined : provider.refFor(settings.runId)
  switch (settings.operation) {
    case 'run': {
      host.info(`Starting a run of ${settings.pipelineId === '' ? 'the pipeline' : `pipeline ${settings.pipelineId}`} on ${provider.displayName}`)
      const origin = host.origin()
      const run = await startRun(
        provider,
        {
          variables: settings.variables,
          branch: settings.branch,
          tag: settings.tag,
          message: settings.message ?? (origin === undefined ? undefined : `Started by pipeline-relay from ${origin}`),
          jobs: settings.jobs,
          correlationId: newCorrelationId(clock)
        },
        { clock, log: host, signal: deps.signal }
      )
      return { run }
    }
    case 'retry': {
      const retried = await retryRun(provider, requireRun(existing), settings, { clock, log: host, signal: deps.signal })
      host.info(`Retrying run ${retried.run.runId} (it had ${retried.previous.status}): ${retried.run.url ?? ''}`)
      return retried
    }
    case 'cancel': {
      const run = requireRun(existing)
      const outcome = await stopRun(provider, run, { clock, log: host, signal: deps.signal })
      host.info(outcome === 'stopped' ? `Asked ${provider.displayName} to stop run ${run.runId}` : `Run ${run.runId} had already ended`)
      return { run, alreadyEnded: outcome === 'already-ended' }
    }
    case 'watch':
      host.info(`Watching run ${requireRun(existing).runId}`)
      return { run: requireRun(existing) }
  }
}

function requireRun(run: RunRef | undefined): RunRef {
  if (run === undefined) throw new RelayError('input', 'Input run_id: is required for this operation')
  return run
}

/**
 * Runs this step started (run) or restarted (retry) are ours to stop when the job is canceled;
 * a run we only watch or cancel belongs to someone else and is left alone.
 */
function startsRuns(settings: Settings): boolean {
  return settings.operation === 'run' || settings.operation === 'retry'
}

/** Outputs and the post step's state, as soon as the run is known and before any waiting. */
function publishRun(host: Host, run: RunRef, ours: boolean, settings: Settings): void {
  const pipelineId = run.pipelineId ?? settings.pipelineId
  host.setOutput('run_id', run.runId)
  if (pipelineId !== '') host.setOutput('pipeline_id', pipelineId)
  if (ours) {
    host.saveState('run_id', run.runId)
    // GitCode pipeline runs are addressed by pipeline too, and a run started from a file learns it late.
    if (run.pipelineId !== undefined) host.saveState('pipeline_id', run.pipelineId)
  }
  if (run.url !== undefined) host.setOutput('run_url', run.url)
  if (run.runNumber !== undefined) host.setOutput('run_number', run.runNumber)
}

interface Outcome {
  begun: Begun
  result: WaitResult | { outcome: 'not_waited'; state?: RunState }
  /** The last failed status read, when no read ever succeeded: the cause of a wait that saw nothing. */
  unreadable?: RelayError
}

async function follow(settings: Settings, provider: Provider, begun: Begun, deps: Deps, started: number): Promise<Outcome> {
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

async function conclude(settings: Settings, provider: Provider, outcome: Outcome, deps: Deps): Promise<void> {
  const { host } = deps
  const { begun, result } = outcome
  const state = result.state
  const status: Status = result.outcome === 'timed_out' ? 'timed_out' : (state?.status ?? 'unknown')
  const rawStatus = state?.rawStatus ?? ''
  const duration = runDurationSeconds(state)
  const run: RunRef = { ...begun.run, runNumber: state?.runNumber ?? begun.run.runNumber, url: state?.url ?? begun.run.url }

  host.setOutput('status', status)
  host.setOutput('raw_status', rawStatus)
  if (duration !== undefined) host.setOutput('duration_seconds', String(duration))
  if (run.url !== undefined) host.setOutput('run_url', run.url)

  if (state !== undefined && state.jobs.length > 0) {
    await host.group(`Jobs of run ${run.runNumber === undefined ? run.runId : `#${run.runNumber}`}`, async () => {
      for (const line of jobLines(state)) host.info(line)
    })
  }
  const failedJobs = state?.jobs.filter(job => job.status === 'failed') ?? []
  for (const job of failedJobs) {
    host.annotateError(job.message ?? `${jobName(job)} failed`, `${provider.displayName}: ${jobName(job)} failed`)
  }
  const note = result.outcome === 'timed_out' ? `Stopped waiting after ${settings.timeoutMs / 1000} s; the run goes on` : undefined
  const logTails = await readLogTails(provider, run, failedJobs, host)
  await host.writeSummary(
    summaryMarkdown({
      providerName: provider.displayName,
      pipelineId: run.pipelineId ?? settings.pipelineId,
      operation: settings.operation,
      run,
      status,
      rawStatus,
      state,
      durationSeconds: duration,
      note,
      logTails
    })
  )

  const failure =
    outcome.unreadable !== undefined && result.outcome === 'timed_out'
      ? `The state of run ${run.runId} could not be read before the timeout: ${outcome.unreadable.describe()}`
      : failureOf(settings, { ...begun, run }, status, result.outcome === 'not_waited', failedJobs)
  if (failure === undefined) {
    host.info(`Run ${run.runId} ${result.outcome === 'not_waited' ? `is ${status}; not waiting for it (wait: false)` : `ended: ${status}`}`)
  } else if (settings.propagateFailure) {
    host.setFailed(failure)
  } else {
    host.warning(`${failure} (propagate_failure is false, so this step succeeds)`)
  }
}

// The summary shows the end of at most this many failed jobs' logs, this many lines each.
const LOG_TAIL_JOBS = 3
const LOG_TAIL_LINES = 30

/** The last lines of the failed jobs' logs, where the provider serves logs; a failed read only warns. */
async function readLogTails(provider: Provider, run: RunRef, failedJobs: readonly JobState[], host: Host): Promise<{ job: string; lines: string[] }[]> {
  const tails: { job: string; lines: string[] }[] = []
  if (provider.logTail === undefined) return tails
  for (const job of failedJobs.slice(0, LOG_TAIL_JOBS)) {
    try {
      tails.push({ job: jobName(job), lines: await provider.logTail(run, job, LOG_TAIL_LINES) })
    } catch (error) {
      host.warning(`Could not read the log of ${jobName(job)}: ${describeError(error)}`)
    }
  }
  return tails
}

/** Why the step should fail, or undefined when the outcome is what the user asked for. */
function failureOf(settings: Settings, begun: Begun, status: Status, notWaited: boolean, failedJobs: readonly JobState[]): string | undefined {
  const id = begun.run.runNumber === undefined ? begun.run.runId : `#${begun.run.runNumber} (${begun.run.runId})`
  if (settings.operation === 'cancel') {
    if (begun.alreadyEnded === true || status === 'canceled' || notWaited) return undefined
    return status === 'timed_out' ? `Run ${id} did not stop within the timeout` : `Run ${id} ended ${status} instead of canceled`
  }
  if (notWaited || status === 'succeeded') return undefined
  if (status === 'timed_out') return `Run ${id} did not end within the timeout (${settings.timeoutMs / 1000} s); it is still going on`
  const first = failedJobs[0]
  const cause = first === undefined ? '' : `: ${jobName(first)} failed${first.message === undefined ? '' : ` (${first.message})`}`
  const more = failedJobs.length > 1 ? ` and ${failedJobs.length - 1} more job(s)` : ''
  return `Run ${id} ${status}${cause}${more}`
}

async function stopOnAbort(settings: Settings, started: RunRef | undefined, deps: Deps, error: RelayError): Promise<void> {
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

/** The resolved settings, for the log: everything but the credentials, which are only named. */
function describeSettings(settings: Settings, provider: Provider): string[] {
  const waitLine = settings.wait
    ? `wait: up to ${formatDuration(settings.timeoutMs)}, poll ${settings.pollInterval === 'auto' ? 'auto' : formatDuration(settings.pollInterval)}`
    : 'wait: no'
  return [
    `provider: ${settings.provider} (${provider.displayName})`,
    ...provider.describe(),
    `operation: ${settings.operation} on ${settings.pipelineId === '' ? 'the pipeline of its file' : `pipeline ${settings.pipelineId}`}${settings.runId === undefined ? '' : `, run ${settings.runId}`}`,
    waitLine,
    `variables: ${settings.variables.length === 0 ? 'none' : settings.variables.map(variable => variable.name).join(', ')}`
  ]
}

/** The post step: stops a run that a main step which died left running. */
async function runPost(deps: Deps): Promise<void> {
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
