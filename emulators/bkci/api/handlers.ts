// The six operations behind the gateway, as the bk-ci open API answers them: resolve the
// pipeline and build (v4 from the query, v3 from the path), check the user's pipeline
// permission, act, answer {status:0, message:null, data}.
import type { ApiRequest, ApiResponse } from '../../shared/api-types.js'
import type { BuildStore } from '../builds/build-store.js'
import type { RetryTarget } from '../builds/lifecycle.js'
import { isBuildFinished } from '../builds/lifecycle.js'
import { renderBuildId, renderDetail, renderHistory, renderStatus } from '../builds/render.js'
import type { Build } from '../builds/types.js'
import { logLinesOf, type LogFilter } from '../builds/log.js'
import type { BkciPermission, BkciPipelineConfig } from '../options.js'
import {
  type BkciError,
  buildAlreadyEnded,
  buildNotFound,
  buildPipelineMismatch,
  cancelInProgress,
  duplicateRetry,
  invalidBuildId,
  isBkciError,
  noCancelPermission,
  noPermission,
  paramBlank,
  paramInvalid,
  pipelineLocked,
  pipelineNotFound,
  retryWindowPassed,
  startTooOften
} from './errors.js'
import { parseHistoriesQuery, selectBuilds } from './histories-query.js'
import type { Operation, RouteMatch } from './routes.js'
import { readStartBody, resolveStartValues } from './start-values.js'
import { renderFileInfo, renderStartupInfo } from './chain-reads.js'

export interface BkciApiContext {
  store: BuildStore
  pipelines: ReadonlyMap<string, BkciPipelineConfig>
  users: Record<string, BkciPermission>
  retryLimitDays: number
  /** Lines a log read answers at most (bk-ci: Constants.NORMAL_MAX_LINES, 10 000). */
  logPageLines: number
  now(): number
  onRunCreated(): void
}

const DAY_MS = 86_400_000

const ok = (data: unknown): ApiResponse => ({ status: 200, body: { status: 0, message: null, data } })

const WRITES: readonly Operation[] = ['start', 'retry', 'stop']

/** EXECUTE for start, retry and stop; VIEW for the reads (§3.2). */
function checkPermission(user: string, pipeline: BkciPipelineConfig, op: Operation, ctx: BkciApiContext): BkciError | undefined {
  const granted = Object.hasOwn(ctx.users, user) ? ctx.users[user] : undefined
  const write = WRITES.includes(op)
  if (granted === 'execute' || (granted === 'view' && !write)) return undefined
  if (op === 'stop') return noCancelPermission(user)
  return noPermission(user, pipeline.id, write ? 'EXECUTE' : 'VIEW')
}

function pipelineIn(projectId: string, pipelineId: string, ctx: BkciApiContext): BkciPipelineConfig | BkciError {
  const pipeline = ctx.pipelines.get(pipelineId)
  return pipeline && pipeline.projectId === projectId ? pipeline : pipelineNotFound(pipelineId)
}

interface Target {
  pipeline: BkciPipelineConfig
  build?: Build
}

/**
 * v4: the build comes from `buildId` (or `buildNumber` for a retry) and decides the pipeline; a
 * given `pipelineId` must match it, else HTTP 400 "Invalid buildId" (checkPipelineId). v3: the
 * pipeline comes from the path, and a build of another pipeline is 2101058.
 */
function resolveTarget(route: RouteMatch, request: ApiRequest, ctx: BkciApiContext): Target | BkciError {
  const q = request.query
  const needsBuild = route.op !== 'start' && route.op !== 'histories' && route.op !== 'startupInfo'
  if (route.version === 'v3') {
    const pipeline = pipelineIn(route.projectId, route.pipelineId ?? '', ctx)
    if (isBkciError(pipeline)) return pipeline
    if (!needsBuild) return { pipeline }
    const buildId = route.buildId ?? ''
    const build = ctx.store.get(buildId)
    if (!build || build.projectId !== route.projectId) return buildNotFound(buildId)
    if (build.pipelineId !== pipeline.id) return buildPipelineMismatch(buildId, pipeline.id)
    return { pipeline, build }
  }
  const pipelineId = q.get('pipelineId') || undefined
  if (!needsBuild || (route.op === 'retry' && !q.get('buildId') && q.get('buildNumber'))) {
    if (!pipelineId) return paramBlank('pipelineId')
    const pipeline = pipelineIn(route.projectId, pipelineId, ctx)
    if (isBkciError(pipeline)) return pipeline
    if (!needsBuild) return { pipeline }
    const number = q.get('buildNumber') ?? ''
    if (!/^\d+$/.test(number)) return paramInvalid('buildNumber must be an integer')
    const build = ctx.store.byNumber(pipeline.id, Number(number))
    return build ? { pipeline, build } : buildNotFound(`#${number}`)
  }
  if ((route.op === 'stop' || route.op === 'retry') && !pipelineId) return paramBlank('pipelineId')
  const buildId = q.get('buildId')
  if (!buildId) return paramBlank('buildId')
  const build = ctx.store.get(buildId)
  if (!build || build.projectId !== route.projectId || (pipelineId !== undefined && build.pipelineId !== pipelineId)) return invalidBuildId(buildId)
  const pipeline = ctx.pipelines.get(build.pipelineId)
  if (!pipeline) throw new Error(`emulator bug: build ${build.id} has no pipeline`)
  return { pipeline, build }
}

function handleStart(route: RouteMatch, pipeline: BkciPipelineConfig, user: string, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  if (pipeline.locked) return pipelineLocked()
  const buildNoText = request.query.get('buildNo')
  if (buildNoText && !/^\d+$/.test(buildNoText)) return paramInvalid('buildNo must be an integer')
  const body = readStartBody(request)
  if (isBkciError(body)) return body
  const resolved = resolveStartValues(pipeline, body)
  if (isBkciError(resolved)) return resolved
  if (!ctx.store.takeStartToken(pipeline)) return startTooOften()
  const input: Parameters<BuildStore['create']>[0] = { pipeline, startUser: user, ...resolved, apiVersion: route.version }
  if (buildNoText) input.buildNo = Number(buildNoText)
  const build = ctx.store.create(input)
  ctx.onRunCreated()
  return ok(renderBuildId(build))
}

function readBool(request: ApiRequest, name: string): boolean | BkciError {
  const v = request.query.get(name)
  if (v === null || v === '' || v === 'false') return false
  if (v === 'true') return true
  return paramInvalid(`${name} must be true or false`)
}

/** taskId names a stage, a container (id, hash id or jobId) or a task (element id or stepId). */
function retryTarget(build: Build, taskId: string | null): RetryTarget | BkciError {
  if (!taskId) return { kind: 'all' }
  for (const stage of build.stages.slice(1)) {
    if (stage.id === taskId) return { kind: 'stage', stage }
    for (const container of stage.containers) {
      if (container.id === taskId || container.containerHashId === taskId || container.jobId === taskId) return { kind: 'container', stage, container }
      for (const task of container.tasks) if (task.id === taskId || task.stepId === taskId) return { kind: 'task', stage, container, task }
    }
  }
  return paramInvalid(`taskId ${taskId} is not a stage, job or step of build ${build.id}`)
}

function handleRetry(build: Build, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  const skip = readBool(request, 'skip')
  if (isBkciError(skip)) return skip
  const failedContainer = readBool(request, 'failedContainer')
  if (isBkciError(failedContainer)) return failedContainer
  const taskId = request.query.get('taskId')
  if (skip && !taskId) return paramBlank('taskId')
  if (ctx.now() - build.startTime > ctx.retryLimitDays * DAY_MS) return retryWindowPassed(ctx.retryLimitDays)
  // A build that has not finished (STAGE_SUCCESS at a review included) is a duplicate retry.
  if (!isBuildFinished(build)) return duplicateRetry()
  const target = retryTarget(build, taskId)
  if (isBkciError(target)) return target
  ctx.store.retry(build, target, { skip, failedContainer })
  return ok(renderBuildId(build))
}

function handleStop(build: Build, user: string, ctx: BkciApiContext): ApiResponse | BkciError {
  const outcome = ctx.store.stop(build, user)
  switch (outcome.kind) {
    case 'ended':
      return buildAlreadyEnded()
    case 'in-progress':
      return cancelInProgress(outcome.by, outcome.retryAfterSeconds)
    case 'accepted':
      return ok(true)
  }
}

function handleDetail(build: Build, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  const text = request.query.get('executeCount')
  if (text && text !== String(build.executeCount)) {
    const attempt = /^\d+$/.test(text) ? build.records.find((r) => r.executeCount === Number(text)) : undefined
    if (!attempt) return paramInvalid(`executeCount ${text} is not an execution of build ${build.id}`)
    return ok(renderDetail(build, ctx.now(), attempt))
  }
  const response = ok(renderDetail(build, ctx.now()))
  // Rendered first, then moved: the first read shows the build as it was created.
  ctx.store.afterRead(build)
  return response
}

function handleHistories(pipeline: BkciPipelineConfig, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  const q = parseHistoriesQuery(request.query)
  if (isBkciError(q)) return q
  const { count, records } = selectBuilds(ctx.store.ofPipeline(pipeline.id), q)
  return ok({
    count,
    page: q.page,
    pageSize: q.pageSize,
    totalPages: Math.ceil(count / q.pageSize),
    records: records.map((b) => renderHistory(b, ctx.now())),
    hasDownloadPermission: true,
    pipelineVersion: 1
  })
}

const ACTIVE_CONTAINER = ['QUEUE', 'PREPARE_ENV', 'RUNNING']

/**
 * init_logs / after_line_logs (v4) and logs/init, logs/after (v3): the lines of the filters given,
 * execution 1 unless executeCount says otherwise, from line `start` on (after), at most
 * logPageLines of them, `hasMore` when more matched. `finished`: the job (with containerHashId)
 * or the build has ended, as the log service's isFinish does. An expired log answers status 2/3
 * with no lines.
 */
function handleLogs(route: RouteMatch, build: Build, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  const q = request.query
  const countText = q.get('executeCount')
  if (countText && !/^\d+$/.test(countText)) return paramInvalid('executeCount must be an integer')
  const filter: LogFilter = { executeCount: countText ? Number(countText) : 1 }
  for (const name of ['tag', 'containerHashId', 'jobId', 'stepId'] as const) {
    const value = q.get(name)
    if (value) filter[name] = value
  }
  let start = 0
  if (route.op === 'logAfter') {
    const text = q.get('start')
    if (!text) return paramBlank('start')
    if (!/^\d+$/.test(text)) return paramInvalid('start must be an integer')
    start = Number(text)
  }
  const container = filter.containerHashId === undefined ? undefined : build.stages.flatMap((s) => s.containers).find((c) => c.containerHashId === filter.containerHashId)
  const finished = isBuildFinished(build) || (container !== undefined && !ACTIVE_CONTAINER.includes(container.status))
  if (build.logStatus !== 0) {
    return ok({ buildId: build.id, finished: true, hasMore: false, logs: [], timeUsed: 1, status: build.logStatus, subTags: null, message: 'The log index has been cleaned' })
  }
  const matching = logLinesOf(build, filter).filter((line) => line.lineNo >= start)
  const logs = matching.slice(0, ctx.logPageLines)
  return ok({ buildId: build.id, finished, hasMore: matching.length > logs.length, logs, timeUsed: 1, status: logs.length === 0 ? 1 : 0, subTags: null, message: null })
}

export function handleBuildApi(route: RouteMatch, user: string, request: ApiRequest, ctx: BkciApiContext): ApiResponse | BkciError {
  const target = resolveTarget(route, request, ctx)
  if (isBkciError(target)) return target
  const denied = checkPermission(user, target.pipeline, route.op, ctx)
  if (denied) return denied
  const { pipeline, build } = target
  if (route.op === 'start') return handleStart(route, pipeline, user, request, ctx)
  if (route.op === 'histories') return handleHistories(pipeline, request, ctx)
  if (route.op === 'startupInfo') return ok(renderStartupInfo(pipeline))
  if (!build) throw new Error(`emulator bug: ${route.op} without a build`)
  switch (route.op) {
    case 'retry':
      return handleRetry(build, request, ctx)
    case 'stop':
      return handleStop(build, user, ctx)
    case 'status': {
      const response = ok(renderStatus(build, ctx.now()))
      ctx.store.afterRead(build)
      return response
    }
    case 'detail':
      return handleDetail(build, request, ctx)
    case 'logInit':
    case 'logAfter':
      return handleLogs(route, build, request, ctx)
    case 'artifacts': {
      const page = renderFileInfo(build, request)
      return isBkciError(page) ? page : ok(page)
    }
  }
}
