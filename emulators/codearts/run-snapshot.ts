// getRun(): a copy of a run's internal state, for assertions. Copies, so a test cannot change
// the run by accident.
import { jobLogText } from './api/log-handlers.js'
import type { NodeStatus, RunState, RunStatus, StepStatus, Variable } from './runs/types.js'

export interface RunSnapshot {
  id: string
  pipelineId: string
  projectId: string
  runNumber: number
  status: RunStatus
  /** 1, then +1 per retry (a new-id retry starts at its source's attempts + 1). */
  attempts: number
  /** Accepted stop requests. */
  stopCount: number
  description: string
  variables: Variable[]
  chooseJobs: string[]
  chooseStages: string[]
  sources: unknown[]
  startTime: number
  endTime: number
  pauseTime: number
  /** Set when the run was queued by a concurrency limit. */
  queueId?: string
  /** With retryNewRunId: the run this one retried. */
  retryOf?: string
  stages: {
    id: string
    name: string
    identifier: string
    status: NodeStatus
    jobs: {
      id: string
      name: string
      identifier: string
      status: NodeStatus
      message: string
      /** `log`: the step's log so far (it may end inside the line being written). */
      steps: { id: string; name: string; status: StepStatus; message: string; log: string }[]
      /** The job's log as v6 serves it: its steps' logs in order. */
      log: string
    }[]
  }[]
}

export function snapshotRun(run: RunState): RunSnapshot {
  const snapshot: RunSnapshot = {
    id: run.id,
    pipelineId: run.pipelineId,
    projectId: run.projectId,
    runNumber: run.runNumber,
    status: run.status,
    attempts: run.attempts,
    stopCount: run.stopCount,
    description: run.description,
    variables: structuredClone(run.variables),
    chooseJobs: [...run.chooseJobs],
    chooseStages: [...run.chooseStages],
    sources: structuredClone(run.sources),
    startTime: run.startTime,
    endTime: run.endTime,
    pauseTime: run.pauseTime,
    stages: run.stages.map((s) => ({
      id: s.id,
      name: s.template.name,
      identifier: s.template.identifier,
      status: s.status,
      jobs: s.jobs.map((j) => ({
        id: j.id,
        name: j.template.name,
        identifier: j.template.identifier,
        status: j.status,
        message: j.message,
        steps: j.steps.map((st) => ({ id: st.id, name: st.template.name, status: st.status, message: st.message, log: st.log })),
        log: jobLogText(j)
      }))
    }))
  }
  if (run.queueId !== undefined) snapshot.queueId = run.queueId
  if (run.retryOf !== undefined) snapshot.retryOf = run.retryOf
  return snapshot
}
