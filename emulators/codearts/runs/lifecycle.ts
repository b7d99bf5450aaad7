// How a run moves. One call to advance() is one phase. Stages run one after another, the jobs
// of a stage in parallel, the steps of a job one after another. All functions take the time
// `at` from the caller so the store can replay phases at their own moments in timed mode.
import { freshStep } from './build-run.js'
import type { JobState, NodeStatus, RunState, StageState } from './types.js'
import { logStepCanceled, logStepEnd, logStepPhase, logStepStart } from './step-log.js'

/** Statuses of a stage or job that has not ended (a stop turns these into CANCELED). */
const UNFINISHED: readonly NodeStatus[] = ['INIT', 'RUNNING', 'PAUSED']

function touch(run: RunState, at: number): void {
  run.updateTime = at
}

function startStep(run: RunState, stage: StageState, job: JobState, at: number): void {
  const step = job.steps[job.currentStep]
  if (!step) return
  step.status = 'RUNNING'
  step.startTime = at
  logStepStart(run, step, at)
  if (step.template.gate) {
    // A manual review: the step waits RUNNING, its job and stage and the run are PAUSED.
    job.status = 'PAUSED'
    stage.status = 'PAUSED'
    stage.pauseTime = at
    run.status = 'PAUSED'
    run.pauseTime = at
  }
}

function startJob(run: RunState, stage: StageState, job: JobState, at: number): void {
  job.status = 'RUNNING'
  job.startTime = at
  job.endTime = 0
  job.message = ''
  startStep(run, stage, job, at)
}

function finishJobStep(run: RunState, stage: StageState, job: JobState, at: number): void {
  const step = job.steps[job.currentStep]
  if (!step) return
  step.endTime = at
  const fails = step.template.failOnAttempts !== undefined && run.attempts <= step.template.failOnAttempts
  if (fails) {
    const message = step.template.failMessage ?? `${step.template.name} failed`
    step.status = 'FAILED'
    step.message = message
    logStepEnd(run, step, at)
    job.status = 'FAILED'
    job.message = message
    job.endTime = at
    return
  }
  step.status = 'COMPLETED'
  logStepEnd(run, step, at)
  job.currentStep += 1
  if (job.currentStep < job.steps.length) {
    startStep(run, stage, job, at)
  } else {
    job.status = 'COMPLETED'
    job.endTime = at
  }
}

/** Starts the first stage still INIT; when none is left the run is COMPLETED. */
function startNextStage(run: RunState, at: number): void {
  for (const stage of run.stages) {
    if (stage.status !== 'INIT') continue
    stage.status = 'RUNNING'
    stage.startTime = at
    stage.endTime = 0
    for (const job of stage.jobs) {
      if (job.status === 'INIT') startJob(run, stage, job, at)
    }
    if (stage.status === 'RUNNING' && !stage.jobs.some((j) => j.status === 'RUNNING')) {
      // Nothing left to run here (all jobs done before a retry, or unselected).
      stage.status = 'COMPLETED'
      stage.endTime = at
      continue
    }
    return
  }
  run.status = 'COMPLETED'
  run.endTime = at
}

function advanceRunningStage(run: RunState, at: number): void {
  const stage = run.stages.find((s) => s.status === 'RUNNING')
  if (!stage) {
    startNextStage(run, at)
    return
  }
  for (const job of stage.jobs) {
    if (job.status !== 'RUNNING') continue
    const step = job.steps[job.currentStep]
    if (!step) continue
    step.phasesLeft -= 1
    if (step.phasesLeft <= 0) finishJobStep(run, stage, job, at)
    else logStepPhase(run, step, at)
  }
  if (run.status === 'PAUSED') return
  if (stage.jobs.some((j) => j.status === 'RUNNING')) return
  stage.endTime = at
  if (stage.jobs.some((j) => j.status === 'FAILED')) {
    stage.status = 'FAILED'
    run.status = 'FAILED'
    run.endTime = at
    return
  }
  stage.status = 'COMPLETED'
  startNextStage(run, at)
}

/**
 * One phase. `mayLeaveQueue` answers whether a concurrency slot is free for this run.
 * Returns whether anything changed. PAUSED and ended runs do not move.
 */
export function advance(run: RunState, at: number, mayLeaveQueue: () => boolean): boolean {
  switch (run.status) {
    case 'QUEUED':
      if (run.queuedPhasesLeft > 0) {
        run.queuedPhasesLeft -= 1
        touch(run, at)
        return true
      }
      if (!mayLeaveQueue()) return false
      run.status = 'INIT'
      break
    case 'INIT':
      run.status = 'RUNNING'
      startNextStage(run, at)
      break
    case 'RUNNING':
      advanceRunningStage(run, at)
      break
    default:
      return false
  }
  touch(run, at)
  return true
}

/** Stop: the run and everything not yet ended become CANCELED. The caller checks it has not ended. */
export function cancelRun(run: RunState, at: number): void {
  run.status = 'CANCELED'
  run.endTime = at
  run.stopCount += 1
  run.queuedPhasesLeft = 0
  for (const stage of run.stages) {
    if (UNFINISHED.includes(stage.status)) {
      stage.status = 'CANCELED'
      stage.endTime = at
    }
    for (const job of stage.jobs) {
      if (UNFINISHED.includes(job.status)) {
        job.status = 'CANCELED'
        job.endTime = at
      }
      for (const step of job.steps) {
        if (step.status === 'INIT' || step.status === 'RUNNING') {
          if (step.status === 'RUNNING') logStepCanceled(step, at)
          step.status = 'CANCELED'
          step.endTime = at
        }
      }
    }
  }
  touch(run, at)
}

/** Only a FAILED or CANCELED run can be retried (the brief's rule; the docs say nothing). */
export const isRetryable = (run: RunState): boolean => run.status === 'FAILED' || run.status === 'CANCELED'

/**
 * Re-runs what did not complete: failed or canceled jobs start over from their first step,
 * completed jobs keep their result. The run goes back to RUNNING at once (or to QUEUED when
 * `queued` says no slot is free), and end_time is cleared until it ends again.
 */
export function restartRun(run: RunState, at: number, queued: boolean): void {
  run.attempts += 1
  run.endTime = 0
  run.pauseTime = 0
  for (const stage of run.stages) {
    if (stage.status !== 'FAILED' && stage.status !== 'CANCELED') continue
    stage.status = 'INIT'
    stage.startTime = 0
    stage.endTime = 0
    stage.pauseTime = 0
    for (const job of stage.jobs) {
      if (job.status !== 'FAILED' && job.status !== 'CANCELED') continue
      job.status = 'INIT'
      job.message = ''
      job.startTime = 0
      job.endTime = 0
      job.currentStep = 0
      job.steps = job.template.steps.map(freshStep)
    }
  }
  if (queued) {
    run.status = 'QUEUED'
  } else {
    run.status = 'RUNNING'
    startNextStage(run, at)
  }
  touch(run, at)
}

/** Passes the manual review the run waits at. Returns false when it waits at none. */
export function approveGate(run: RunState, at: number): boolean {
  if (run.status !== 'PAUSED') return false
  // Resume first: finishing the review step may start another gate, which pauses again.
  run.status = 'RUNNING'
  for (const stage of run.stages) {
    for (const job of stage.jobs) {
      if (job.status !== 'PAUSED') continue
      stage.status = 'RUNNING'
      stage.pauseTime = 0
      job.status = 'RUNNING'
      finishJobStep(run, stage, job, at)
    }
  }
  touch(run, at)
  return true
}

