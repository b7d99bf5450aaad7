// getRun(): a copy of a run's state for assertions, with the statuses as the APIs render them.
// Copies, so a test cannot change the run by accident.
import { jobStatus, runStatus, stageStatus } from './runs/render.js'
import type { FlowRun, RunParams, YunxiaoApi } from './runs/types.js'

export interface YunxiaoRunSnapshot {
  organizationId: string
  pipelineId: number
  runId: number
  /** The API that started it. */
  api: YunxiaoApi
  creatorAccountId: string
  /** As the APIs render it: WAITING, RUNNING, SUCCESS, FAIL, CANCELED. */
  status: string
  /** 1, then +1 per job retry. */
  attempts: number
  /** Accepted stop requests. */
  stopCount: number
  createTime: number
  updateTime: number
  endTime: number | null
  /** Whether a manual-review job waits for approve(). */
  waitingForApproval: boolean
  /** What the start request's params said (envs, branches, tags, comment, ...). */
  params: RunParams
  stages: {
    name: string
    status: string
    jobs: { id: number; name: string; status: string; attempts: number; waitingForApproval: boolean; message: string }[]
  }[]
}

export function snapshotRun(run: FlowRun, gateRunStatus: 'WAITING' | 'RUNNING'): YunxiaoRunSnapshot {
  return {
    organizationId: run.organizationId,
    pipelineId: run.pipelineId,
    runId: run.runId,
    api: run.api,
    creatorAccountId: run.creatorAccountId,
    status: runStatus(run.state, { gateRunStatus }),
    attempts: run.attempts,
    stopCount: run.stopCount,
    createTime: run.createTime,
    updateTime: run.updateTime,
    endTime: run.endTime,
    waitingForApproval: run.state === 'awaiting',
    params: structuredClone(run.params),
    stages: run.stages.map((s) => ({
      name: s.template.name,
      status: stageStatus(s.state),
      jobs: s.jobs.map((j) => ({
        id: j.id,
        name: j.template.name,
        status: jobStatus(j.state),
        attempts: j.attempts,
        waitingForApproval: j.state === 'awaiting',
        message: j.message
      }))
    }))
  }
}
