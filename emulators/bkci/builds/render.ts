// The wire shapes of a build (§2.4): BuildId (start, retry), BuildHistory and BuildHistoryWithVars
// (build_histories, build_status), ModelRecord (build_detail). Times are epoch ms; a time that
// has not happened is null (Kotlin's Long?).
import { isBuildFinished } from './lifecycle.js'
import type { AttemptRecord, Build, BuildStatus, ContainerRun, StageRun, TaskRun } from './types.js'

/** StartType.SERVICE, as the open API starts builds (§1.4). */
const TRIGGER_TEXT = 'OpenAPI'

export function renderBuildId(build: Build) {
  return { id: build.id, executeCount: build.executeCount, projectId: build.projectId, pipelineId: build.pipelineId, num: build.buildNum }
}

const elapsed = (start: number | null, end: number | null, now: number): number => (start === null ? 0 : (end ?? now) - start)

function stageStatusList(stages: StageRun[], now: number) {
  return stages.map((s) => {
    const cost = elapsed(s.startEpoch, s.endEpoch, now)
    return {
      stageId: s.id,
      name: s.name,
      status: s.status,
      startEpoch: s.startEpoch,
      elapsed: cost,
      tag: [],
      showMsg: s.status === 'PAUSE' ? 'Waiting for stage review' : null,
      timeCost: { totalCost: cost, executeCost: cost, waitCost: 0, queueCost: 0, systemCost: 0 }
    }
  })
}

function errorInfoList(stages: StageRun[]) {
  return stages.flatMap((s) =>
    s.containers.flatMap((c) =>
      c.tasks
        .filter((t) => t.status === 'FAILED')
        .map((t) => ({
          stageId: s.id,
          containerId: c.id,
          jobId: c.jobId,
          taskId: t.id,
          taskName: t.template.name,
          atomCode: t.template.atomCode,
          errorType: 'USER',
          errorCode: 2199001,
          errorMsg: t.errorMsg
        }))
    )
  )
}

function material(build: Build) {
  if (!build.material) return []
  return [
    { aliasName: build.material.name ?? null, url: build.material.url ?? null, branchName: null, newCommitId: build.material.id ?? null, newCommitComment: null, commitTimes: 0, scmType: 'CUSTOM' }
  ]
}

/** Every build variable: the startup values and the built-ins a build sets. */
export function buildVariables(build: Build): Record<string, string> {
  const vars: Record<string, string> = {
    ...build.values,
    ...build.setVariables,
    BK_CI_PROJECT_NAME: build.projectId,
    BK_CI_PIPELINE_ID: build.pipelineId,
    BK_CI_PIPELINE_NAME: build.values.BK_CI_PIPELINE_NAME ?? build.pipelineName,
    BK_CI_BUILD_ID: build.id,
    BK_CI_BUILD_NUM: String(build.buildNum),
    BK_CI_START_TYPE: build.startType,
    BK_CI_START_USER_ID: build.startUser,
    BK_CI_BUILD_MSG: build.buildMsg
  }
  if (build.buildNo !== undefined) vars.BK_CI_BUILD_NO = String(build.buildNo)
  return vars
}

/** BuildHistory (a build_histories record). */
export function renderHistory(build: Build, now: number) {
  const end = build.endTime
  const started = build.status !== 'QUEUE'
  return {
    id: build.id,
    userId: build.startUser,
    trigger: TRIGGER_TEXT,
    buildNum: build.buildNum,
    pipelineVersion: 1,
    startTime: build.startTime,
    endTime: end,
    status: build.status,
    stageStatus: stageStatusList(build.stages, now),
    deleteReason: '',
    currentTimestamp: now,
    material: material(build),
    queueTime: build.queueTime,
    artifactList: [],
    remark: null,
    totalTime: (end ?? now) - build.queueTime,
    executeTime: started ? (end ?? now) - build.startTime : 0,
    buildParameters: Object.entries(build.values).map(([key, value]) => ({ key, value, valueType: 'STRING', readOnly: false })),
    webHookType: null,
    startType: build.startType,
    recommendVersion: null,
    retry: build.executeCount > 1,
    errorInfoList: errorInfoList(build.stages),
    buildMsg: build.buildMsg,
    buildNumAlias: null,
    webhookInfo: null,
    executeCount: build.executeCount
  }
}

/** BuildHistoryWithVars (build_status). */
export function renderStatus(build: Build, now: number) {
  const ready: BuildStatus[] = ['QUEUE', 'QUEUE_CACHE', 'RETRY', 'DEPENDENT_WAITING']
  return {
    ...renderHistory(build, now),
    variables: buildVariables(build),
    currentQueuePosition: ready.includes(build.status) ? 1 : 0
  }
}

function renderTask(task: TaskRun, finished: boolean, now: number) {
  const failed = task.status === 'FAILED'
  return {
    '@type': task.template.atomCode === 'manualTrigger' ? 'manualTrigger' : task.template.elementType,
    id: task.id,
    stepId: task.stepId,
    name: task.template.name,
    atomCode: task.template.atomCode,
    version: '1.*',
    status: task.status,
    executeCount: task.executeCount,
    retryCount: task.retryCountManual,
    retryCountManual: task.retryCountManual,
    retryCountAuto: 0,
    canRetry: failed && finished,
    canSkip: failed && finished,
    errorType: failed ? 'USER' : null,
    errorCode: failed ? 2199001 : null,
    errorMsg: task.errorMsg,
    startEpoch: task.startEpoch,
    elapsed: elapsed(task.startEpoch, task.endEpoch, now),
    additionalOptions: { enable: true, continueWhenFailed: false, manualSkip: true, manualRetry: true }
  }
}

function renderContainer(c: ContainerRun, finished: boolean, now: number) {
  return {
    '@type': c.type,
    id: c.id,
    containerId: c.id,
    containerHashId: c.containerHashId,
    jobId: c.jobId || null,
    name: c.name,
    status: c.status,
    startVMStatus: c.startVMStatus,
    executeCount: c.executeCount,
    startEpoch: c.startEpoch,
    systemElapsed: 0,
    elementElapsed: elapsed(c.startEpoch, c.endEpoch, now),
    ...(c.type === 'vmBuild' ? { baseOS: 'LINUX' } : {}),
    elements: c.tasks.map((t) => renderTask(t, finished, now))
  }
}

function reviewGroupStatus(status: string | undefined): string | null {
  if (status === 'REVIEW_PROCESSED') return 'PROCESS'
  if (status === 'REVIEW_ABORT') return 'ABORT'
  return null
}

function renderStage(s: StageRun, finished: boolean, startUser: string, now: number) {
  return {
    id: s.id,
    name: s.name,
    stageIdForUser: null,
    tag: [],
    status: s.status,
    finally: false,
    fastKill: false,
    executeCount: s.executeCount,
    startEpoch: s.startEpoch,
    elapsed: elapsed(s.startEpoch, s.endEpoch, now),
    checkIn: s.hasReview
      ? {
          manualTrigger: true,
          status: s.review?.status ?? null,
          reviewGroups: [{ name: 'Release approval', reviewers: [startUser], status: reviewGroupStatus(s.review?.status), operator: s.review?.reviewer ?? null }],
          timeout: 24
        }
      : null,
    checkOut: null,
    containers: s.containers.map((c) => renderContainer(c, finished, now))
  }
}

/** ModelRecord (build_detail); `attempt` renders an earlier execution (executeCount=N). */
export function renderDetail(build: Build, now: number, attempt?: AttemptRecord) {
  const stages = attempt?.stages ?? build.stages
  const status = attempt?.status ?? build.status
  const endTime = attempt ? attempt.endTime : build.endTime
  const finished = attempt ? true : isBuildFinished(build)
  const attempts = [...build.records.map((r) => ({ executeCount: r.executeCount, startUser: r.startUser, startTime: r.startTime, endTime: r.endTime })), {
    executeCount: build.executeCount,
    startUser: build.startUser,
    startTime: build.startTime,
    endTime: build.endTime
  }]
  return {
    id: build.id,
    pipelineId: build.pipelineId,
    pipelineName: build.pipelineName,
    userId: build.startUser,
    triggerUser: build.startUser,
    trigger: TRIGGER_TEXT,
    startTime: attempt?.startTime ?? build.startTime,
    endTime,
    status,
    model: {
      name: build.pipelineName,
      desc: '',
      stages: stages.map((s) => renderStage(s, finished, build.startUser, now)),
      labels: [],
      instanceFromTemplate: false,
      pipelineCreator: build.startUser,
      latestVersion: 1
    },
    currentTimestamp: now,
    buildNum: build.buildNum,
    cancelUserId: attempt ? null : build.cancelUser,
    curVersion: 1,
    latestVersion: 1,
    executeTime: status === 'QUEUE' ? 0 : (endTime ?? now) - (attempt?.startTime ?? build.startTime),
    errorInfoList: errorInfoList(stages),
    stageStatus: stageStatusList(stages, now),
    executeCount: attempt?.executeCount ?? build.executeCount,
    startUserList: attempts.map((a) => a.startUser),
    recordList: attempts.map((a) => ({ startUser: a.startUser, executeCount: a.executeCount, timeCost: { totalCost: (a.endTime ?? now) - a.startTime } })),
    buildMsg: build.buildMsg,
    material: material(build),
    remark: null,
    webhookInfo: null,
    queueTime: build.queueTime,
    pipelineVersion: 1,
    triggerReviewers: null
  }
}
