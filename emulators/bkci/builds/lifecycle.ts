// How a bk-ci build moves. One call to advance() is one phase. Stages run one after another,
// the containers (jobs) of a stage in parallel, the tasks of a container one after another. A
// `vmBuild` container spends a phase in PREPARE_ENV first. Every function takes the moment `at`
// from the caller so timed mode can replay phases at their own moments.
import { newContainerHashId, newElementId } from './ids.js'
import { LINES_PER_PHASE, writeLog } from './log.js'
import {
  type Build,
  type BuildStatus,
  type ContainerRun,
  FINISHED_STATUSES,
  type ScenarioTemplate,
  type StageRun,
  type TaskRun,
  type TaskTemplate
} from './types.js'

/**
 * `BuildInfo.isFinish()` (§2.2): the finished statuses, and STAGE_SUCCESS only with an end time
 * after the start time (a build parked at a stage review is STAGE_SUCCESS without one).
 */
export function isBuildFinished(build: Build): boolean {
  if (FINISHED_STATUSES.includes(build.status)) return true
  return build.status === 'STAGE_SUCCESS' && build.endTime !== null && build.endTime > 0 && build.endTime > build.startTime
}

function newTask(template: TaskTemplate): TaskRun {
  const id = newElementId()
  return { id, stepId: '', template, status: 'QUEUE', executeCount: 1, retryCountManual: 0, phasesLeft: 0, startEpoch: null, endEpoch: null, errorMsg: null }
}

/** Stage-1 (the trigger) and the scenario's stages, every node QUEUE. */
export function buildStages(scenario: ScenarioTemplate): StageRun[] {
  let containerSeq = 0
  let jobSeq = 0
  const trigger: StageRun = {
    id: 'stage-1',
    name: 'Trigger',
    status: 'QUEUE',
    hasReview: false,
    executeCount: 1,
    startEpoch: null,
    endEpoch: null,
    containers: [
      {
        id: String(containerSeq++),
        containerHashId: newContainerHashId(),
        jobId: '',
        type: 'trigger',
        name: 'Trigger',
        status: 'QUEUE',
        startVMStatus: null,
        executeCount: 1,
        prepPhasesLeft: 0,
        startEpoch: null,
        endEpoch: null,
        tasks: [newTask({ name: 'Manual trigger', atomCode: 'manualTrigger', elementType: 'marketBuild' })]
      }
    ]
  }
  const stages = scenario.stages.map(
    (template, i): StageRun => ({
      id: `stage-${i + 2}`,
      name: template.name,
      status: 'QUEUE',
      hasReview: template.review ?? false,
      executeCount: 1,
      startEpoch: null,
      endEpoch: null,
      containers: template.containers.map(
        (c): ContainerRun => ({
          id: String(containerSeq++),
          containerHashId: newContainerHashId(),
          jobId: `job_${++jobSeq}`,
          type: c.type,
          name: c.name,
          status: 'QUEUE',
          startVMStatus: null,
          executeCount: 1,
          prepPhasesLeft: 0,
          startEpoch: null,
          endEpoch: null,
          tasks: c.tasks.map(newTask)
        })
      )
    })
  )
  for (const s of stages) for (const c of s.containers) c.tasks.forEach((t, i) => (t.stepId = `${c.jobId}_step_${i + 1}`))
  return [trigger, ...stages]
}

const isActive = (s: BuildStatus): boolean => s === 'RUNNING' || s === 'PREPARE_ENV'

/** Marks what never ran UNEXEC ("final, invisible", §2.1) when the build ends. */
function markUnexecuted(build: Build): void {
  for (const stage of build.stages) {
    if (stage.status === 'QUEUE') stage.status = 'UNEXEC'
    for (const container of stage.containers) {
      if (container.status === 'QUEUE') container.status = 'UNEXEC'
      for (const task of container.tasks) if (task.status === 'QUEUE') task.status = 'UNEXEC'
    }
  }
}

function endBuild(build: Build, status: BuildStatus, at: number): void {
  build.status = status
  // STAGE_SUCCESS only counts as ended with endTime > startTime (§2.2); keep that true even
  // when the emulator's clock has not moved since the start.
  build.endTime = status === 'STAGE_SUCCESS' ? Math.max(at, build.startTime + 1) : at
  markUnexecuted(build)
}

function startTask(task: TaskRun, container: ContainerRun, build: Build, at: number): void {
  writeLog(build, container, task, [`>>> ${task.template.name} (${task.template.atomCode}) starts, execution ${build.executeCount}`], at)
  task.status = 'RUNNING'
  task.executeCount = build.executeCount
  task.startEpoch = at
  task.endEpoch = null
  task.errorMsg = null
  task.phasesLeft = task.template.phases ?? 1
}

/** Starts the container's next QUEUE task; with none left the container has succeeded. */
function startNextTask(container: ContainerRun, build: Build, at: number): void {
  const next = container.tasks.find((t) => t.status === 'QUEUE')
  if (next) {
    startTask(next, container, build, at)
    return
  }
  container.status = 'SUCCEED'
  container.endEpoch = at
}

function startContainer(container: ContainerRun, build: Build, at: number): void {
  container.executeCount = build.executeCount
  container.startEpoch = at
  container.endEpoch = null
  if (container.type === 'vmBuild') {
    writeLog(build, container, undefined, [`Preparing a build machine for ${container.name}`], at)
    container.status = 'PREPARE_ENV'
    container.startVMStatus = 'RUNNING'
    container.prepPhasesLeft = 1
  } else {
    container.status = 'RUNNING'
    startNextTask(container, build, at)
  }
}

function finishTask(task: TaskRun, container: ContainerRun, build: Build, at: number): void {
  task.endEpoch = at
  const fails = task.template.failOnExecuteCount !== undefined && build.executeCount <= task.template.failOnExecuteCount
  if (fails) {
    task.status = 'FAILED'
    task.errorMsg = task.template.failMessage ?? `${task.template.name} failed`
    writeLog(build, container, task, [`ERROR: ${task.errorMsg}`, `<<< ${task.template.name} failed`], at)
    container.status = 'FAILED'
    container.endEpoch = at
    return
  }
  task.status = 'SUCCEED'
  writeLog(build, container, task, [`<<< ${task.template.name} succeeded`], at)
  Object.assign(build.setVariables, task.template.setVariables ?? {})
  for (const file of task.template.archives ?? []) build.artifacts.set(file.name, { ...file, modifiedTime: at })
  startNextTask(container, build, at)
}

/**
 * Enters a stage. A stage with a review that has not been passed pauses: the stage is PAUSE and
 * the build STAGE_SUCCESS without an end time (§2.3). Otherwise QUEUE containers start and
 * running containers without a running task take their next one (after a retry).
 */
function startStage(build: Build, stage: StageRun, at: number): void {
  stage.startEpoch ??= at
  stage.endEpoch = null
  stage.executeCount = build.executeCount
  if (stage.hasReview && stage.review?.status !== 'REVIEW_PROCESSED') {
    stage.status = 'PAUSE'
    stage.review = { status: 'REVIEWING', reviewer: null }
    build.status = 'STAGE_SUCCESS'
    return
  }
  stage.status = 'RUNNING'
  build.status = 'RUNNING'
  for (const container of stage.containers) {
    if (container.status === 'QUEUE') startContainer(container, build, at)
    else if (container.status === 'RUNNING' && !container.tasks.some((t) => t.status === 'RUNNING')) startNextTask(container, build, at)
  }
  settleStage(build, stage, at)
}

function startNextStage(build: Build, at: number): void {
  const stage = build.stages.find((s) => s.status === 'QUEUE')
  if (!stage) {
    endBuild(build, 'SUCCEED', at)
    return
  }
  startStage(build, stage, at)
}

function settleStage(build: Build, stage: StageRun, at: number): void {
  if (stage.containers.some((c) => isActive(c.status))) return
  stage.endEpoch = at
  if (stage.containers.some((c) => c.status === 'FAILED')) {
    stage.status = 'FAILED'
    endBuild(build, 'FAILED', at)
    return
  }
  stage.status = 'SUCCEED'
  startNextStage(build, at)
}

function leaveQueue(build: Build, at: number): void {
  build.status = 'RUNNING'
  build.startTime = at
  const trigger = build.stages[0]
  if (trigger) {
    trigger.status = 'SUCCEED'
    trigger.startEpoch = at
    trigger.endEpoch = at
    for (const c of trigger.containers) {
      c.status = 'SUCCEED'
      c.startEpoch = at
      c.endEpoch = at
      for (const t of c.tasks) {
        t.status = 'SUCCEED'
        t.startEpoch = at
        t.endEpoch = at
      }
    }
  }
  startNextStage(build, at)
}

/** A stop takes effect: the build and whatever runs or waits is CANCELED, the rest UNEXEC. */
export function finalizeCancel(build: Build, at: number): void {
  build.cancelPhasesLeft = 0
  for (const stage of build.stages) {
    if (isActive(stage.status) || stage.status === 'PAUSE') {
      stage.status = 'CANCELED'
      stage.endEpoch = at
    }
    for (const container of stage.containers) {
      if (isActive(container.status)) {
        container.status = 'CANCELED'
        container.endEpoch = at
        if (container.startVMStatus === 'RUNNING') container.startVMStatus = 'CANCELED'
      }
      for (const task of container.tasks) {
        if (task.status === 'RUNNING') {
          task.status = 'CANCELED'
          task.endEpoch = at
        }
      }
    }
  }
  endBuild(build, 'CANCELED', at)
}

/** One phase. Returns whether anything changed: a parked or finished build does not move. */
export function advance(build: Build, at: number): boolean {
  if (build.cancelPhasesLeft > 0) {
    build.cancelPhasesLeft -= 1
    if (build.cancelPhasesLeft === 0) finalizeCancel(build, at)
    return true
  }
  switch (build.status) {
    case 'QUEUE':
      build.queuePhasesLeft -= 1
      if (build.queuePhasesLeft <= 0) leaveQueue(build, at)
      return true
    case 'RUNNING': {
      const stage = build.stages.find((s) => s.status === 'RUNNING')
      if (!stage) {
        startNextStage(build, at)
        return true
      }
      for (const container of stage.containers) {
        if (container.status === 'PREPARE_ENV') {
          container.prepPhasesLeft -= 1
          if (container.prepPhasesLeft <= 0) {
            container.startVMStatus = 'SUCCEED'
            container.status = 'RUNNING'
            startNextTask(container, build, at)
          }
          continue
        }
        if (container.status !== 'RUNNING') continue
        const task = container.tasks.find((t) => t.status === 'RUNNING')
        if (!task) {
          startNextTask(container, build, at)
          continue
        }
        const written = build.logs.length
        writeLog(build, container, task, Array.from({ length: LINES_PER_PHASE }, (_, i) => `${task.template.name}: output ${written + i + 1}`), at)
        task.phasesLeft -= 1
        if (task.phasesLeft <= 0) finishTask(task, container, build, at)
      }
      settleStage(build, stage, at)
      return true
    }
    default:
      return false
  }
}

/** Starts a fresh build at once when it has no queued phases. */
export function startIfDue(build: Build, at: number): void {
  if (build.status === 'QUEUE' && build.queuePhasesLeft <= 0) leaveQueue(build, at)
}

const reviewedStage = (build: Build): StageRun | undefined =>
  build.status === 'STAGE_SUCCESS' && build.endTime === null ? build.stages.find((s) => s.status === 'PAUSE' && s.review?.status === 'REVIEWING') : undefined

/** Passes the stage review the build waits at: STAGE_SUCCESS goes back to RUNNING (§2.3). */
export function approveReview(build: Build, at: number, reviewer: string): boolean {
  const stage = reviewedStage(build)
  if (!stage || build.cancelPhasesLeft > 0) return false
  stage.review = { status: 'REVIEW_PROCESSED', reviewer }
  startStage(build, stage, at)
  return true
}

/** Rejects the review: the build ends STAGE_SUCCESS, now with an end time (§2.3). */
export function rejectReview(build: Build, at: number, reviewer: string): boolean {
  const stage = reviewedStage(build)
  if (!stage || build.cancelPhasesLeft > 0) return false
  stage.review = { status: 'REVIEW_ABORT', reviewer }
  // "stage manual review cancelled → success (stage/pipeline final)" (§2.1, STAGE_SUCCESS).
  stage.status = 'STAGE_SUCCESS'
  stage.endEpoch = at
  endBuild(build, 'STAGE_SUCCESS', at)
  return true
}

// --- Retry (§1.4): same build id, executeCount + 1 ---

export type RetryTarget =
  | { kind: 'all' }
  | { kind: 'stage'; stage: StageRun }
  | { kind: 'container'; stage: StageRun; container: ContainerRun }
  | { kind: 'task'; stage: StageRun; container: ContainerRun; task: TaskRun }

function resetContainer(container: ContainerRun): void {
  container.status = 'QUEUE'
  container.startVMStatus = null
  container.startEpoch = null
  container.endEpoch = null
  for (const task of container.tasks) {
    task.status = 'QUEUE'
    task.startEpoch = null
    task.endEpoch = null
    task.errorMsg = null
  }
}

function resetStage(stage: StageRun): void {
  stage.status = 'QUEUE'
  stage.startEpoch = null
  stage.endEpoch = null
  if (stage.hasReview) delete stage.review
  for (const container of stage.containers) resetContainer(container)
}

/** skip=true on a stage: its failed tasks become SKIP and their containers go on. */
function skipFailedTasks(stage: StageRun, at: number): void {
  for (const container of stage.containers) {
    if (!container.tasks.some((t) => t.status === 'FAILED')) continue
    for (const task of container.tasks) {
      if (task.status === 'FAILED') {
        task.status = 'SKIP'
        task.endEpoch = at
      } else if (task.status === 'UNEXEC' || task.status === 'CANCELED') {
        task.status = 'QUEUE'
      }
    }
    container.status = 'RUNNING'
    container.endEpoch = null
  }
}

function archive(build: Build): void {
  build.records.push({
    executeCount: build.executeCount,
    status: build.status,
    startUser: build.startUser,
    startTime: build.startTime,
    endTime: build.endTime,
    stages: structuredClone(build.stages)
  })
}

/**
 * Re-runs a finished build in place. `all`: every stage after the trigger again. A stage: that
 * stage (only its failed containers with failedContainer; skipping its failed tasks with skip)
 * and the stages after it. A container: that container. A task: that task and the ones after it
 * in its container (with skip: the task becomes SKIP and the next one runs). Stages after the
 * target always run again. The caller has checked the build may be retried.
 */
export function retryBuild(build: Build, target: RetryTarget, options: { skip: boolean; failedContainer: boolean }, at: number): void {
  archive(build)
  build.executeCount += 1
  build.endTime = null
  build.cancelUser = null
  build.cancelRequestedAt = null
  build.cancelPhasesLeft = 0
  build.status = 'RUNNING'
  if (build.stages[0]?.status !== 'SUCCEED') {
    // Stopped before it left the queue: nothing ran, so everything runs, from the trigger on.
    for (const stage of build.stages.slice(1)) resetStage(stage)
    leaveQueue(build, at)
    return
  }
  const index = target.kind === 'all' ? 0 : build.stages.indexOf(target.stage)
  for (const stage of build.stages.slice(index + 1)) resetStage(stage)
  switch (target.kind) {
    case 'all':
      break
    case 'stage':
      if (options.skip) {
        skipFailedTasks(target.stage, at)
        target.stage.status = 'RUNNING'
      } else if (options.failedContainer) {
        for (const c of target.stage.containers) if (c.status !== 'SUCCEED') resetContainer(c)
        target.stage.status = 'RUNNING'
      } else {
        resetStage(target.stage)
      }
      break
    case 'container':
      resetContainer(target.container)
      target.stage.status = 'RUNNING'
      break
    case 'task': {
      const { container, task } = target
      const from = container.tasks.indexOf(task)
      container.tasks.forEach((t, i) => {
        if (i < from) return
        t.status = 'QUEUE'
        t.startEpoch = null
        t.endEpoch = null
        t.errorMsg = null
      })
      if (options.skip) {
        task.status = 'SKIP'
        task.endEpoch = at
      } else {
        task.retryCountManual += 1
      }
      container.status = 'RUNNING'
      container.endEpoch = null
      target.stage.status = 'RUNNING'
      break
    }
  }
  const resumeAt = build.stages.find((s) => s.status === 'RUNNING')
  if (resumeAt) startStage(build, resumeAt, at)
  else startNextStage(build, at)
}
