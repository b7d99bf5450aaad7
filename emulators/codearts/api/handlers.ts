// The five operations. Each checks the ids it was given (project, then pipeline, then the
// pipeline's ownership, then the run), reads its body, changes the store, and answers in the
// vendor's shapes.
import type { PipelineConfig } from '../options.js'
import type { RunStore, Admission } from '../runs/run-store.js'
import { type RenderContext, renderDetail, renderListItem } from '../runs/render.js'
import { type RunState, isTerminal } from '../runs/types.js'
import { type ApiRequest, type ApiResponse, errorResponse, isVendorError } from './api-types.js'
import { readJsonObject } from './json-body.js'
import { parseListQuery, selectRuns } from './list-query.js'
import { parseRunRequest } from './run-body.js'
import type { RouteMatch } from './routes.js'
import { handlePac, type PacContext } from './pac-handlers.js'
import { handleStepLog, type LogSettings } from './log-handlers.js'
import { renderArtifacts, renderPipeline, renderStepOutputs } from './chain-handlers.js'
import { isChainOperation } from './routes.js'
import {
  QUEUED_BY_PIPELINE_LIMIT,
  QUEUED_BY_TENANT_LIMIT,
  type VendorError,
  invalidParameter,
  pipelineNotFound,
  projectNotFound,
  projectPipelineMismatch,
  runAlreadyEnded,
  runNotFound,
  runNotRetryable
} from './vendor-errors.js'

export interface ApiContext {
  store: RunStore
  projects: ReadonlySet<string>
  pipelines: ReadonlyMap<string, PipelineConfig>
  retryNewRunId: boolean
  renderContext(pipeline: PipelineConfig): RenderContext
  /** Counts every run that comes into existence (a /run, or a retry that makes a new id). */
  onRunCreated(): void
  /** The v6 GitCode pipeline settings. */
  pac: PacContext
  /** How the log reads page (both APIs). */
  logs: LogSettings
}

/** Path ids are 32 characters of [0-9a-zA-Z] ([apidef] minLength = maxLength = 32). */
const ID_FORM = /^[0-9a-zA-Z]{32}$/

function checkId(value: string, name: string): VendorError | undefined {
  return ID_FORM.test(value) ? undefined : invalidParameter(`${name} must be 32 letters or digits`)
}

function resolvePipeline(route: RouteMatch, ctx: ApiContext): PipelineConfig | VendorError {
  const badId = checkId(route.projectId, 'project_id') ?? checkId(route.pipelineId, 'pipeline_id')
  if (badId) return badId
  if (!ctx.projects.has(route.projectId)) return projectNotFound(route.projectId)
  const pipeline = ctx.pipelines.get(route.pipelineId)
  if (!pipeline) return pipelineNotFound(route.pipelineId)
  if (pipeline.projectId !== route.projectId) return projectPipelineMismatch()
  return pipeline
}

function findRun(runId: string, pipeline: PipelineConfig, ctx: ApiContext): RunState | VendorError {
  const badId = checkId(runId, 'pipeline_run_id')
  if (badId) return badId
  const run = ctx.store.get(runId)
  // A run of another pipeline is "not found" from this pipeline's path.
  if (!run || run.pipelineId !== pipeline.id) return runNotFound(runId)
  return run
}

const ok = (body: unknown): ApiResponse => ({ status: 200, body })

/**
 * The queued answer follows what terraform reads ([tf] runPipeline/retryPipeline): HTTP 2xx,
 * error_code/error_msg at the top, the run id and queue id under `error`. The run id is NOT
 * repeated at the top level: a client that only reads `pipeline_run_id` must fail here.
 */
function queuedBody(admission: Admission, extra: Record<string, unknown>): Record<string, unknown> {
  const queued = admission.queued
  if (!queued) return extra
  const code = queued.reason === 'tenant' ? QUEUED_BY_TENANT_LIMIT : QUEUED_BY_PIPELINE_LIMIT
  return {
    ...extra,
    error_code: code.code,
    error_msg: code.message,
    error: { pipeline_run_id: admission.run.id, queue_id: queued.queueId }
  }
}

function handleRun(pipeline: PipelineConfig, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const runRequest = parseRunRequest(body)
  if (isVendorError(runRequest)) return runRequest
  const admission = ctx.store.create(pipeline, runRequest)
  ctx.onRunCreated()
  return ok(admission.queued ? queuedBody(admission, {}) : { pipeline_run_id: admission.run.id })
}

/** Retry has no body (reference 1.1); whatever is sent is ignored. */
function handleRetry(pipeline: PipelineConfig, route: RouteMatch, ctx: ApiContext): ApiResponse | VendorError {
  const run = findRun(route.runId ?? '', pipeline, ctx)
  if (isVendorError(run)) return run
  if (!ctx.store.canRetry(run)) return runNotRetryable(run.id, run.status)
  if (ctx.retryNewRunId) {
    const admission = ctx.store.retryAsNewRun(run)
    ctx.onRunCreated()
    return ok(queuedBody(admission, { success: true, pipeline_run_id: admission.run.id }))
  }
  return ok(queuedBody(ctx.store.retryInPlace(run), { success: true }))
}

function handleStop(pipeline: PipelineConfig, route: RouteMatch, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  // The docs say "no body", but the service rejects a POST without one (reference 1.2): `{}` is required.
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const run = findRun(route.runId ?? '', pipeline, ctx)
  if (isVendorError(run)) return run
  if (isTerminal(run.status)) return runAlreadyEnded(run.id, run.status)
  ctx.store.stop(run)
  return ok({ success: true })
}

/**
 * Without pipeline_run_id: the latest run, and a not-found error when the pipeline has none
 * ("only the pipeline data with execution records is returned"). An empty pipeline_run_id is
 * an error, not "the latest": a client that sends one has lost its run id.
 */
function handleDetail(pipeline: PipelineConfig, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  let run: RunState | VendorError | undefined
  if (request.query.has('pipeline_run_id')) {
    run = findRun(request.query.get('pipeline_run_id') ?? '', pipeline, ctx)
  } else {
    run = ctx.store.latest(pipeline.id) ?? runNotFound('(latest)')
  }
  if (isVendorError(run)) return run
  const response = ok(renderDetail(run, ctx.renderContext(pipeline)))
  // Rendered first, then moved: the first read shows the run as it was created.
  ctx.store.afterDetailRead(run)
  return response
}

/** The step is looked up through its run and job, each id checked against the documented form first. */
function handleLog(pipeline: PipelineConfig, route: RouteMatch, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const run = findRun(route.runId ?? '', pipeline, ctx)
  if (isVendorError(run)) return run
  const badId = checkId(route.jobRunId ?? '', 'job_run_id') ?? checkId(route.stepRunId ?? '', 'step_run_id')
  if (badId) return badId
  const job = run.stages.flatMap((stage) => stage.jobs).find((candidate) => candidate.id === route.jobRunId)
  const step = job?.steps.find((candidate) => candidate.id === route.stepRunId)
  if (!step) return runNotFound(`${run.id}/${route.jobRunId ?? ''}/${route.stepRunId ?? ''}`)
  return handleStepLog(run, step, request, ctx.logs)
}

function handleList(pipeline: PipelineConfig, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const query = parseListQuery(body)
  if (isVendorError(query)) return query
  const { total, page } = selectRuns(ctx.store.ofPipeline(pipeline.id), query)
  const render = ctx.renderContext(pipeline)
  return ok({ offset: query.offset, limit: query.limit, total, pipeline_runs: page.map((r) => renderListItem(r, render)) })
}

export function handleApi(route: RouteMatch, request: ApiRequest, ctx: ApiContext): ApiResponse {
  if (route.api === 'v6') {
    const answer = handlePac(route, request, ctx, ctx.pac)
    return isVendorError(answer) ? errorResponse(answer, request.requestId) : answer
  }
  const pipeline = resolvePipeline(route, ctx)
  if (isVendorError(pipeline)) return errorResponse(pipeline, request.requestId)
  if (isChainOperation(route.op)) {
    const answer = handleChain(route, pipeline, request, ctx)
    return isVendorError(answer) ? errorResponse(answer, request.requestId) : answer
  }
  let result: ApiResponse | VendorError
  switch (route.op) {
    case 'run':
      result = handleRun(pipeline, request, ctx)
      break
    case 'retry':
      result = handleRetry(pipeline, route, ctx)
      break
    case 'stop':
      result = handleStop(pipeline, route, request, ctx)
      break
    case 'detail':
      result = handleDetail(pipeline, request, ctx)
      break
    case 'list':
      result = handleList(pipeline, request, ctx)
      break
    case 'log':
      result = handleLog(pipeline, route, request, ctx)
      break
    case 'projects':
      // No v5 route has these operations (the IAM route is served before); the router never gives them.
      result = runNotFound(route.runId ?? '')
      break
  }
  return isVendorError(result) ? errorResponse(result, request.requestId) : result
}

/** The definition, step outputs and artifacts (chain-handlers.ts); a GitCode (v6) pipeline has no v5 definition here. */
function handleChain(route: RouteMatch, pipeline: PipelineConfig, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const render = ctx.renderContext(pipeline)
  if (route.op === 'pipeline') return renderPipeline(pipeline, render.consoleUrl)
  const run = findRun(route.runId ?? '', pipeline, ctx)
  if (isVendorError(run)) return run
  return route.op === 'outputs' ? renderStepOutputs(run, pipeline, request, render.now) : renderArtifacts(run, pipeline)
}
