import { RelayError } from './core/errors.js'
import { outputText } from './core/vendor-text.js'
import { newCorrelationId, retryRun, startRun, stopRun } from './core/operations.js'
import type { Host } from './host/types.js'
import type { Settings } from './inputs/index.js'
import type { Provider, RunRef, RunState } from './providers/types.js'
import type { Deps } from './main.js'
import { checkStart, idsOnly, resolveJobs, retryCandidates } from './chain.js'

/** The first act of a step: start a run, retry one, ask for its stop, or pick up one to watch. */

export interface Begun {
  run: RunRef
  previous?: RunState
  /** For cancel: the stop found the run already ended. */
  alreadyEnded?: boolean
}

export async function begin(settings: Settings, provider: Provider, deps: Deps): Promise<Begun> {
  const { host, clock } = deps
  const existing = settings.runId === undefined ? undefined : provider.refFor(settings.runId)
  switch (settings.operation) {
    case 'run': {
      host.info(`Starting a run of ${settings.pipelineId === '' ? 'the pipeline' : `pipeline ${settings.pipelineId}`} on ${provider.displayName}`)
      const origin = host.origin()
      const checked = await checkStart(settings, provider, host)
      if (checked.jobs.join(',') !== settings.jobs.join(',')) host.info(`jobs: ${settings.jobs.map((given, index) => (given === checked.jobs[index] ? given : `${given} → ${checked.jobs[index] ?? ''}`)).join(', ')}`)
      const run = await startRun(
        provider,
        {
          variables: settings.variables,
          branch: settings.branch,
          tag: settings.tag,
          message: settings.message ?? (origin === undefined ? undefined : `Started by pipeline-relay from ${origin}`),
          jobs: checked.jobs,
          correlationId: newCorrelationId(clock)
        },
        { clock, log: host, signal: deps.signal }
      )
      return { run }
    }
    case 'retry': {
      const run = requireRun(existing)
      const jobs = settings.jobs.length === 0 ? settings.jobs : await retryJobIds(settings.jobs, provider, run)
      const retried = await retryRun(provider, run, { ...settings, jobs }, { clock, log: host, signal: deps.signal })
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

/** Retry `jobs` by name or id: names are looked up among the run's own jobs and steps (bk-ci tasks), where the vendor lists them. */
async function retryJobIds(given: readonly string[], provider: Provider, run: RunRef): Promise<readonly string[]> {
  const candidates = retryCandidates(await provider.getState(run))
  return candidates.length === 0 ? idsOnly(given) : resolveJobs(given, candidates)
}

export function requireRun(run: RunRef | undefined): RunRef {
  if (run === undefined) throw new RelayError('input', 'Input run_id: is required for this operation')
  return run
}

/**
 * Runs this step started (run) or restarted (retry) are ours to stop when the job is canceled;
 * a run we only watch or cancel belongs to someone else and is left alone.
 */
export function startsRuns(settings: Settings): boolean {
  return settings.operation === 'run' || settings.operation === 'retry'
}

/** Outputs and the post step's state, as soon as the run is known and before any waiting. */
export function publishRun(host: Host, run: RunRef, ours: boolean, settings: Settings): void {
  const pipelineId = run.pipelineId ?? settings.pipelineId
  host.setOutput('run_id', run.runId)
  if (pipelineId !== '') host.setOutput('pipeline_id', outputText(pipelineId))
  if (ours) {
    host.saveState('run_id', run.runId)
    // GitCode pipeline runs are addressed by pipeline too, and a run started from a file learns it late.
    if (run.pipelineId !== undefined) host.saveState('pipeline_id', run.pipelineId)
  }
  if (run.url !== undefined) host.setOutput('run_url', run.url)
  if (run.runNumber !== undefined) host.setOutput('run_number', outputText(run.runNumber))
}
