// Turns a scenario and a run request into a fresh run: every stage, job and step INIT, with
// the unselected ones marked UNSELECTED (reference 1.2: choose_stages wins over choose_jobs).
import { newId } from './ids.js'
import type { JobState, JobTemplate, RunRequest, RunState, ScenarioTemplate, StageState, StepState, StepTemplate } from './types.js'

export function freshStep(template: StepTemplate): StepState {
  return { id: newId(), template, status: 'INIT', message: '', startTime: 0, endTime: 0, phasesLeft: template.phases ?? 1, log: '', logLines: 0, logClock: 0, progressOpen: false }
}

function freshJob(template: JobTemplate, selected: boolean): JobState {
  return {
    id: newId(),
    template,
    status: selected ? 'INIT' : 'UNSELECTED',
    message: '',
    startTime: 0,
    endTime: 0,
    selected,
    execId: newId(),
    currentStep: 0,
    steps: template.steps.map(freshStep)
  }
}

/**
 * Selection: an empty or absent list selects everything. Jobs and stages are matched by their
 * identifier only (not by the per-run id), the stricter of the two readings of "<job id>".
 */
function buildStages(scenario: ScenarioTemplate, request: RunRequest): StageState[] {
  return scenario.stages.map((stage) => {
    const stageSelected = request.chooseStages.length === 0 || request.chooseStages.includes(stage.identifier)
    const jobs = stage.jobs.map((job) =>
      freshJob(job, stageSelected && (request.chooseJobs.length === 0 || request.chooseJobs.includes(job.identifier)))
    )
    const selected = stageSelected && jobs.some((j) => j.selected)
    return {
      id: newId(),
      template: stage,
      status: selected ? 'INIT' : 'UNSELECTED',
      startTime: 0,
      endTime: 0,
      pauseTime: 0,
      selected,
      jobs
    }
  })
}

export interface NewRunInput {
  pipelineId: string
  projectId: string
  runNumber: number
  scenario: ScenarioTemplate
  request: RunRequest
  at: number
  logLinesPerPhase: number
}

export function buildRun(input: NewRunInput): RunState {
  const { scenario, request, at } = input
  const queuedPhases = scenario.startQueuedPhases ?? 0
  return {
    ...request,
    id: newId(),
    pipelineId: input.pipelineId,
    projectId: input.projectId,
    runNumber: input.runNumber,
    status: queuedPhases > 0 ? 'QUEUED' : 'INIT',
    startTime: at,
    endTime: 0,
    pauseTime: 0,
    updateTime: at,
    attempts: 1,
    stopCount: 0,
    queuedPhasesLeft: queuedPhases,
    clockAt: at,
    logLinesPerPhase: input.logLinesPerPhase,
    logsExpired: false,
    stages: buildStages(scenario, request)
  }
}

/** A deep copy with new ids, for a retry that creates a new run (retryNewRunId). */
export function cloneRunForRetry(source: RunState, runNumber: number, at: number): RunState {
  const clone = structuredClone(source)
  clone.id = newId()
  clone.runNumber = runNumber
  clone.retryOf = source.id
  clone.startTime = at
  clone.stopCount = 0
  clone.clockAt = at
  clone.logsExpired = false
  delete clone.queueId
  for (const stage of clone.stages) {
    stage.id = newId()
    for (const job of stage.jobs) {
      job.id = newId()
      for (const step of job.steps) step.id = newId()
    }
  }
  return clone
}
