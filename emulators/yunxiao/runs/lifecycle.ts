// How a Flow run moves. One call to advance() is one phase. Stages run one after another, the
// jobs of a stage in parallel. Every function takes the moment `at` from the caller so timed
// mode can replay phases at their own moments.
import type { FlowRun, JobRun, StageRun } from './types.js'
import { hasEnded } from './types.js'
import { logJobEnd, logJobPhase, logJobStart } from './log.js'

function startJob(job: JobRun, at: number): void {
  job.attempts += 1
  job.startTime = at
  job.endTime = null
  job.message = ''
  job.phasesLeft = job.template.phases ?? 1
  job.state = job.template.gate ? 'awaiting' : 'running'
  logJobStart(job)
}

function finishJob(job: JobRun, at: number): void {
  job.endTime = at
  const fails = job.template.failOnAttempts !== undefined && job.attempts <= job.template.failOnAttempts
  if (fails) {
    job.state = 'failed'
    job.message = job.template.failMessage ?? `${job.template.name} failed`
  } else {
    job.state = 'succeeded'
  }
  logJobEnd(job)
}

/** Starts the first stage still pending; when none is left the run has succeeded. */
function startNextStage(run: FlowRun, at: number): void {
  const stage = run.stages.find((s) => s.state === 'pending')
  if (!stage) {
    run.state = 'succeeded'
    run.endTime = at
    return
  }
  stage.state = 'running'
  stage.startTime = at
  stage.endTime = null
  for (const job of stage.jobs) if (job.state === 'pending') startJob(job, at)
  settle(run, stage, at)
}

/**
 * After a job changed: the run keeps running while a job runs, waits while only a review is
 * open, and otherwise the stage ends (failed before canceled before succeeded).
 */
function settle(run: FlowRun, stage: StageRun, at: number): void {
  if (stage.jobs.some((j) => j.state === 'running')) {
    run.state = 'running'
    return
  }
  if (stage.jobs.some((j) => j.state === 'awaiting')) {
    run.state = 'awaiting'
    return
  }
  stage.endTime = at
  if (stage.jobs.some((j) => j.state === 'failed')) {
    stage.state = 'failed'
    run.state = 'failed'
    run.endTime = at
    return
  }
  if (stage.jobs.some((j) => j.state === 'canceled')) {
    stage.state = 'canceled'
    run.state = 'canceled'
    run.endTime = at
    return
  }
  stage.state = 'succeeded'
  startNextStage(run, at)
}

/** One phase. Returns whether anything changed: a waiting or ended run does not move. */
export function advance(run: FlowRun, at: number): boolean {
  switch (run.state) {
    case 'queued':
      run.queuedPhasesLeft -= 1
      if (run.queuedPhasesLeft <= 0) {
        run.state = 'running'
        startNextStage(run, at)
      }
      break
    case 'running': {
      const stage = run.stages.find((s) => s.state === 'running')
      if (!stage) {
        startNextStage(run, at)
        break
      }
      for (const job of stage.jobs) {
        if (job.state !== 'running') continue
        logJobPhase(job)
        job.phasesLeft -= 1
        if (job.phasesLeft <= 0) finishJob(job, at)
      }
      settle(run, stage, at)
      break
    }
    default:
      return false
  }
  run.updateTime = at
  return true
}

/** Starts a fresh run at once when it has no queued phases. */
export function startIfDue(run: FlowRun, at: number): void {
  if (run.state === 'queued' && run.queuedPhasesLeft <= 0) {
    run.state = 'running'
    startNextStage(run, at)
  }
}

/** Stop: the run, its running stage and its unfinished started jobs become canceled. */
export function cancelRun(run: FlowRun, at: number): void {
  run.state = 'canceled'
  run.endTime = at
  run.stopCount += 1
  for (const stage of run.stages) {
    if (stage.state !== 'running') continue
    stage.state = 'canceled'
    stage.endTime = at
    for (const job of stage.jobs) {
      if (job.state === 'running' || job.state === 'awaiting') {
        job.state = 'canceled'
        job.endTime = at
        logJobEnd(job)
      }
    }
  }
  run.updateTime = at
}

/** A job can be retried when its run has ended and the job itself failed or was canceled. */
export function isJobRetryable(run: FlowRun, job: JobRun): boolean {
  return (run.state === 'failed' || run.state === 'canceled') && (job.state === 'failed' || job.state === 'canceled')
}

/**
 * RetryPipelineJobRun: the job runs again inside the same run (the answer carries no run id, so
 * it cannot be a new run); its stage and the run go back to running, later stages follow.
 */
export function retryJob(run: FlowRun, job: JobRun, at: number): void {
  const stage = run.stages.find((s) => s.jobs.includes(job))
  if (!stage) throw new Error(`emulator bug: job ${job.id} is in no stage of its run`)
  run.attempts += 1
  run.endTime = null
  stage.state = 'running'
  stage.endTime = null
  startJob(job, at)
  settle(run, stage, at)
  run.updateTime = at
}

/** Passes the manual review the run waits at. Returns false when it waits at none. */
export function approveReview(run: FlowRun, at: number): boolean {
  if (run.state !== 'awaiting' || hasEnded(run)) return false
  const stage = run.stages.find((s) => s.state === 'running')
  const job = stage?.jobs.find((j) => j.state === 'awaiting')
  if (!stage || !job) return false
  job.state = 'succeeded'
  job.endTime = at
  logJobEnd(job)
  settle(run, stage, at)
  run.updateTime = at
  return true
}
