// The v6 GitCode pipeline ("PAC") actions of reference §3, on the same run store as v5. A PAC
// pipeline is found by its repository and file (run, list) or by its id (the rest); only pipelines
// configured with `pac` answer here, and only under the emulator's own domain id.
import type { PipelineConfig } from '../options.js'
import { renderPacDetail, renderPacListItem, type PacCasing } from '../runs/pac-render.js'
import { handleJobLog } from './log-handlers.js'
import { type RunState, isTerminal } from '../runs/types.js'
import type { ApiContext } from './handlers.js'
import { type ApiRequest, type ApiResponse, isVendorError } from './api-types.js'
import { readJsonObject, type JsonObject } from './json-body.js'
import { isChainOperation, type RouteMatch } from './routes.js'
import { VendorError, invalidParameter, pipelineNotFound, routeNotFound, runAlreadyEnded, runNotFound, runNotRetryable } from './vendor-errors.js'

export interface PacContext {
  domainId: string
  rerunNewRunId: boolean
  casing: PacCasing
  /** Accepted access_token values; undefined accepts any (or none). */
  gitcodeTokens?: ReadonlySet<string>
}

const ok = (body: unknown): ApiResponse => ({ status: 200, body })

// Emulator choices in the service's style: the documents list no error codes for these v6 APIs.
const domainMismatch = () => new VendorError(403, 'DEVPIPE.00011420', 'The domain id in the path is not the caller\'s account')
const repositoryRefused = () => new VendorError(401, 'DEVPIPE.00011421', 'The access_token cannot read the code source')
const noSuchPipelineFile = (url: string, file: string) => new VendorError(404, 'DEVPIPE.00011422', `No pipeline for ${url} ${file}`)

function text(body: JsonObject, key: string): string | undefined {
  const value = body[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

function pacPipelines(ctx: ApiContext): PipelineConfig[] {
  return [...ctx.pipelines.values()].filter(pipeline => pipeline.pac !== undefined)
}

function byId(pipelineId: string, ctx: ApiContext): PipelineConfig | VendorError {
  const pipeline = ctx.pipelines.get(pipelineId)
  return pipeline?.pac === undefined ? pipelineNotFound(pipelineId) : pipeline
}

function runOf(route: RouteMatch, pipeline: PipelineConfig, ctx: ApiContext): RunState | VendorError {
  const run = ctx.store.get(route.runId ?? '')
  return run === undefined || run.pipelineId !== pipeline.id ? runNotFound(route.runId ?? '') : run
}

function checkToken(body: JsonObject, pac: PacContext): VendorError | undefined {
  if (pac.gitcodeTokens === undefined) return undefined
  const token = text(body, 'access_token')
  return token !== undefined && pac.gitcodeTokens.has(token) ? undefined : repositoryRefused()
}

function handleRun(request: ApiRequest, ctx: ApiContext, pac: PacContext): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const url = text(body, 'https_url') ?? ''
  const file = text(body, 'file_path') ?? ''
  const commit = text(body, 'commit_id')
  if (commit !== undefined && !/^[0-9a-f]{40}$/.test(commit)) return invalidParameter('commit_id must be 40 characters')
  const refused = checkToken(body, pac)
  if (refused) return refused
  const pipeline = pacPipelines(ctx).find(p => p.pac?.repositoryUrl === url && p.pac.filePath === file)
  if (!pipeline) return noSuchPipelineFile(url, file)
  const buildParams = { build_type: text(body, 'tag') === undefined ? 'branch' : 'tag', target_branch: text(body, 'branch'), tag: text(body, 'tag'), commit_id: commit }
  const admission = ctx.store.create(pipeline, {
    sources: [{ type: 'code', params: { git_type: 'gitcode', git_url: url, build_params: buildParams } }],
    description: '',
    variables: [],
    chooseJobs: [],
    chooseStages: []
  })
  ctx.onRunCreated()
  return ok({ pipeline_id: pipeline.id, pipeline_run_id: admission.run.id })
}

function handleRerun(request: ApiRequest, ctx: ApiContext, pac: PacContext): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const refused = checkToken(body, pac)
  if (refused) return refused
  const pipeline = byId(text(body, 'pipeline_id') ?? '', ctx)
  if (isVendorError(pipeline)) return pipeline
  const run = runOf({ op: 'retry', api: 'v6', projectId: '', pipelineId: pipeline.id, runId: text(body, 'pipeline_run_id') ?? '' }, pipeline, ctx)
  if (isVendorError(run)) return run
  if (!ctx.store.canRetry(run)) return runNotRetryable(run.id, run.status)
  if (!pac.rerunNewRunId) {
    ctx.store.retryInPlace(run)
    return ok({ pipeline_id: pipeline.id, pipeline_run_id: run.id })
  }
  const admission = ctx.store.retryAsNewRun(run)
  ctx.onRunCreated()
  return ok({ pipeline_id: pipeline.id, pipeline_run_id: admission.run.id })
}

function handleStop(route: RouteMatch, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  // Like every POST behind the gateway, the stop needs a JSON body, `{}` (reference 1.2).
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const pipeline = byId(route.pipelineId, ctx)
  if (isVendorError(pipeline)) return pipeline
  const run = runOf(route, pipeline, ctx)
  if (isVendorError(run)) return run
  if (isTerminal(run.status)) return runAlreadyEnded(run.id, run.status)
  ctx.store.stop(run)
  return ok({ success: true })
}

function handleDetail(route: RouteMatch, ctx: ApiContext, pac: PacContext): ApiResponse | VendorError {
  const pipeline = byId(route.pipelineId, ctx)
  if (isVendorError(pipeline)) return pipeline
  const run = runOf(route, pipeline, ctx)
  if (isVendorError(run)) return run
  const response = ok(renderPacDetail(run, pipeline, pac.casing))
  ctx.store.afterDetailRead(run)
  return response
}

function handleList(request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  const url = text(body, 'https_url')
  if (url === undefined) return invalidParameter('https_url is required')
  const file = text(body, 'file_path')
  const runs = pacPipelines(ctx)
    .filter(p => p.pac?.repositoryUrl === url && (file === undefined || p.pac.filePath === file))
    .flatMap(p => ctx.store.ofPipeline(p.id).map(run => ({ run, pipeline: p })))
    .sort((a, b) => b.run.startTime - a.run.startTime || b.run.runNumber - a.run.runNumber)
  // Typed as the SDK models declare them (ActionsPipelineRunsQueryDTO): page an integer, page_size
  // a string. Refusing the other type is the emulator's choice (a lenient server might convert it),
  // so that a client sending what the models do not say is caught here.
  if (body.page !== undefined && !(Number.isInteger(body.page) && (body.page as number) > 0)) return invalidParameter('page must be an integer greater than 0')
  if (body.page_size !== undefined && typeof body.page_size !== 'string') return invalidParameter('page_size must be a string')
  const page = (body.page as number | undefined) ?? 1
  const size = 20
  const items = runs.slice((page - 1) * size, page * size).map(({ run, pipeline }) => renderPacListItem(run, pipeline))
  return ok({ total: runs.length, pipeline_runs: items })
}

function handleLog(route: RouteMatch, request: ApiRequest, ctx: ApiContext): ApiResponse | VendorError {
  const pipeline = byId(route.pipelineId, ctx)
  if (isVendorError(pipeline)) return pipeline
  const run = runOf(route, pipeline, ctx)
  if (isVendorError(run)) return run
  // job_run_id: "32位字符,由数字和字母组成" (ShowActionsPipelineJobLog).
  if (!/^[0-9a-zA-Z]{32}$/.test(route.jobRunId ?? '')) return invalidParameter('job_run_id must be 32 letters or digits')
  const job = run.stages.flatMap(stage => stage.jobs).find(candidate => candidate.id === route.jobRunId)
  if (!job) return runNotFound(`${run.id}/${route.jobRunId ?? ''}`)
  return handleJobLog(run, job, request, ctx.logs)
}

export function handlePac(route: RouteMatch, request: ApiRequest, ctx: ApiContext, pac: PacContext): ApiResponse | VendorError {
  if (route.domainId !== pac.domainId) return domainMismatch()
  // The definition, outputs and artifacts routes are v5 only: the router never gives them a v6 path.
  if (isChainOperation(route.op)) return routeNotFound()
  switch (route.op) {
    case 'run':
      return handleRun(request, ctx, pac)
    case 'retry':
      return handleRerun(request, ctx, pac)
    case 'stop':
      return handleStop(route, request, ctx)
    case 'detail':
      return handleDetail(route, ctx, pac)
    case 'list':
      return handleList(request, ctx)
    case 'log':
      return handleLog(route, request, ctx)
    case 'projects':
      // The IAM route is served before the v6 handlers; no v6 path has this operation.
      return runNotFound(route.runId ?? '')
  }
}
