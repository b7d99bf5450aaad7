import { outputText } from './core/vendor-text.js'
import type { Settings } from './inputs/index.js'
import type { JobState, Provider, RunRef, Status } from './providers/types.js'
import { jobLines, jobName, runDurationSeconds, summaryMarkdown } from './report.js'
import { ANNOTATION_LINES, readFailedTails, type LogTail } from './remote-logs.js'
import { readRunResults } from './chain.js'
import type { Begun } from './begin.js'
import type { Outcome } from './follow.js'
import type { Deps } from './main.js'

/** Concluding a followed run: its outputs, the jobs, failed jobs' log tails, the summary, and whether the step fails. */

export async function conclude(settings: Settings, provider: Provider, outcome: Outcome, deps: Deps): Promise<void> {
  const { host } = deps
  const { begun, result } = outcome
  const state = result.state
  const status: Status = result.outcome === 'timed_out' ? 'timed_out' : (state?.status ?? 'unknown')
  const rawStatus = state?.rawStatus ?? ''
  const duration = runDurationSeconds(state)
  const run: RunRef = { ...begun.run, runNumber: state?.runNumber ?? begun.run.runNumber, url: state?.url ?? begun.run.url }

  host.setOutput('status', status)
  // Vendor text: one printable line of at most 256 characters.
  host.setOutput('raw_status', outputText(rawStatus))
  if (duration !== undefined) host.setOutput('duration_seconds', String(duration))
  if (run.url !== undefined) host.setOutput('run_url', run.url)
  // Also when the run was not waited for: the one read made for `wait: false` is where the number comes from.
  if (run.runNumber !== undefined) host.setOutput('run_number', outputText(run.runNumber))
  if (result.outcome === 'ended' && settings.operation !== 'cancel') {
    const produced = await readRunResults(provider, result.state, host)
    if (produced !== undefined) {
      host.setOutput('outputs', produced.outputs)
      if (produced.artifacts !== undefined) host.setOutput('artifacts', produced.artifacts)
      if (produced.attempt !== undefined) host.setOutput('attempt', produced.attempt)
    }
  }

  if (state !== undefined && state.jobs.length > 0) {
    await host.group(`Jobs of run ${run.runNumber === undefined ? run.runId : `#${run.runNumber}`}`, async () => {
      for (const line of jobLines(state)) host.info(line)
    })
  }
  const failedJobs = state?.jobs.filter(job => job.status === 'failed') ?? []
  const tails = await failedJobTails(settings, provider, run, failedJobs, outcome, deps)
  for (const job of failedJobs) {
    const title = `${provider.displayName}: ${jobName(job)} failed`
    const lastLines = tails.find(tail => tail.job === job)?.lines.slice(-ANNOTATION_LINES) ?? []
    const message = [job.message ?? `${jobName(job)} failed`, ...(lastLines.length === 0 ? [] : ['Last lines of its log:', ...lastLines])].join('\n')
    // A run the user said may fail (propagate_failure: false) leaves a green step: error annotations on it would contradict it.
    if (settings.propagateFailure) host.annotateError(message, title)
    else host.warning(`${title}: ${message}`)
  }
  const note = result.outcome === 'timed_out' ? `Stopped waiting after ${settings.timeoutMs / 1000} s; the run goes on` : undefined
  const logTails = tails.map(tail => ({ job: jobName(tail.job), lines: tail.lines }))
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

/**
 * The end of the failed jobs' logs, for the report on every host: in a collapsed group of the log
 * (the command line's stderr), then the summary and the annotations. `logs: all` already printed
 * them and kept their last lines; `failed` reads them now; `none` asks for nothing.
 */
async function failedJobTails(settings: Settings, provider: Provider, run: RunRef, failedJobs: readonly JobState[], outcome: Outcome, deps: Deps): Promise<LogTail[]> {
  const { host } = deps
  if (settings.logs === 'none' || failedJobs.length === 0) return []
  if (outcome.live !== undefined) return outcome.live.tails(failedJobs)
  const tails = await readFailedTails(provider, run, failedJobs, host)
  for (const tail of tails) {
    await host.group(`End of the log of ${jobName(tail.job)} (last ${tail.lines.length} lines)`, async () => {
      for (const line of tail.lines) host.info(line)
    })
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
