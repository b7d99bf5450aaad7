// getRun(): a copy of a build's state for assertions. Copies, so a test cannot change the build.
import { isBuildFinished } from './builds/lifecycle.js'
import type { Build, BuildStatus, ReviewStatus } from './builds/types.js'

export interface BkciBuildSnapshot {
  buildId: string
  projectId: string
  pipelineId: string
  buildNum: number
  status: BuildStatus
  /** isFinish() as §2.2 defines it (STAGE_SUCCESS only with an end time). */
  finished: boolean
  /** 1, then +1 per retry. */
  executeCount: number
  startUser: string
  /** BK_CI_BUILD_MSG (or the default message). */
  buildMsg: string
  /** The startup values the build took. */
  values: Record<string, string>
  /** Start-body keys that were not taken (undeclared, or constants). */
  ignoredValues: Record<string, string>
  buildNo?: number
  material?: { id?: string; name?: string; url?: string }
  apiVersion: 'v3' | 'v4'
  queueTime: number
  startTime: number
  endTime: number | null
  /** Stops accepted. */
  stopCount: number
  cancelUser: string | null
  /** Whether a stage review waits for approve() / reject(). */
  waitingForReview: boolean
  stages: {
    id: string
    name: string
    status: BuildStatus
    review?: ReviewStatus
    containers: { id: string; containerHashId: string; jobId: string; name: string; status: BuildStatus; tasks: { id: string; stepId: string; name: string; status: BuildStatus; executeCount: number; retryCountManual: number }[] }[]
  }[]
}

export function snapshotBuild(build: Build): BkciBuildSnapshot {
  const snapshot: BkciBuildSnapshot = {
    buildId: build.id,
    projectId: build.projectId,
    pipelineId: build.pipelineId,
    buildNum: build.buildNum,
    status: build.status,
    finished: isBuildFinished(build),
    executeCount: build.executeCount,
    startUser: build.startUser,
    buildMsg: build.buildMsg,
    values: { ...build.values },
    ignoredValues: { ...build.ignoredValues },
    apiVersion: build.apiVersion,
    queueTime: build.queueTime,
    startTime: build.startTime,
    endTime: build.endTime,
    stopCount: build.stopCount,
    cancelUser: build.cancelUser,
    waitingForReview: build.stages.some((s) => s.review?.status === 'REVIEWING') && build.status === 'STAGE_SUCCESS' && build.endTime === null,
    stages: build.stages.map((s) => {
      const stage: BkciBuildSnapshot['stages'][number] = {
        id: s.id,
        name: s.name,
        status: s.status,
        containers: s.containers.map((c) => ({
          id: c.id,
          containerHashId: c.containerHashId,
          jobId: c.jobId,
          name: c.name,
          status: c.status,
          tasks: c.tasks.map((t) => ({ id: t.id, stepId: t.stepId, name: t.template.name, status: t.status, executeCount: t.executeCount, retryCountManual: t.retryCountManual }))
        }))
      }
      if (s.review?.status) stage.review = s.review.status
      return stage
    })
  }
  if (build.buildNo !== undefined) snapshot.buildNo = build.buildNo
  if (build.material) snapshot.material = { ...build.material }
  return snapshot
}
