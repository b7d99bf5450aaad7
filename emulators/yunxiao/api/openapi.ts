// The Yunxiao OpenAPI (§3): x-yunxiao-token, plain JSON, bare answers (an integer, an object,
// an array, `true`), errors from its code table.
import type { ApiRequest, ApiResponse } from '../../shared/api-types.js'
import { receivedHeader } from '../../shared/api-types.js'
import { authenticateOpenApi, type Caller } from '../auth/authenticate.js'
import { renderListItem, renderOpenApiRun, runStatus, TRIGGER_MODE_MANUAL } from '../runs/render.js'
import { type YunxiaoApiContext, openApiAuthResponse, openApiProblemResponse } from './context.js'
import { paginationHeaders, parseOpenApiListQuery, selectRuns } from './list-query.js'
import { findJob, findRun, latestRun, resolvePipeline, retryJobRun, startRun, stopRun } from './operations.js'
import { lastOf } from '../runs/log.js'
import { parseParams } from './params.js'
import { OpenApiAuthError, Problem, isProblem } from './problems.js'
import type { RouteMatch } from './routes.js'
import type { YunxiaoPipelineConfig } from '../options.js'
import { renderPipeline } from '../runs/pipeline.js'

const ok = (body: unknown, headers?: Record<string, string>): ApiResponse => (headers ? { status: 200, body, headers } : { status: 200, body })

/** CreatePipelineRun's body: JSON `{"params": "<JSON string>"}`; params may be left out. */
function readCreateBody(request: ApiRequest): string | undefined | Problem {
  const contentType = receivedHeader(request.headers, 'content-type') ?? ''
  if (!/^application\/json\b/i.test(contentType)) return new Problem('bad-request', `Content-Type must be application/json, got '${contentType}'`)
  const text = request.body.toString('utf8')
  if (text.trim() === '') return new Problem('bad-request', 'a JSON body is required ({} when there are no params)')
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return new Problem('bad-request', 'the body is not valid JSON')
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return new Problem('bad-request', 'the body must be a JSON object')
  const params = (body as Record<string, unknown>).params
  if (params === undefined || params === null) return undefined
  if (typeof params !== 'string') return new Problem('bad-params', `params must be a string holding JSON text, not ${Array.isArray(params) ? 'an array' : typeof params}`)
  return params
}

function handle(route: RouteMatch, request: ApiRequest, caller: Caller, pipeline: YunxiaoPipelineConfig, ctx: YunxiaoApiContext): ApiResponse | Problem {
  const render = ctx.render(pipeline)
  switch (route.op) {
    case 'pipeline':
      return ok(renderPipeline(pipeline))
    case 'run': {
      const text = readCreateBody(request)
      if (isProblem(text)) return text
      const params = parseParams(text)
      if (isProblem(params)) return params
      // The answer is the bare run id (§3.2).
      return ok(startRun(pipeline, caller, params, 'openapi', ctx).runId)
    }
    case 'detail': {
      const run = route.latest ? latestRun(pipeline, ctx) : findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const response = ok(renderOpenApiRun(run, render))
      // Rendered first, then moved: the first read shows the run as it was created.
      ctx.store.afterDetailRead(run)
      return response
    }
    case 'list': {
      const query = parseOpenApiListQuery(request.query)
      if (isProblem(query)) return query
      const runs = selectRuns(ctx.store.ofPipeline(pipeline.id), query.filter, (r) => runStatus(r.state, render), () => TRIGGER_MODE_MANUAL)
      const from = (query.page - 1) * query.perPage
      const page = runs.slice(from, from + query.perPage)
      return ok(
        page.map((r) => renderListItem(r, render)),
        paginationHeaders(runs.length, query.page, query.perPage)
      )
    }
    case 'stop': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const stopped = stopRun(run, ctx)
      return isProblem(stopped) ? stopped : ok(true)
    }
    case 'retry': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const retried = retryJobRun(run, route.jobId, ctx)
      return isProblem(retried) ? retried : ok(true)
    }
    case 'log': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const job = findJob(run, route.jobId)
      if (isProblem(job)) return job
      // The whole log so far; `more` while the job may still write (§1.3, "是否还有最新日志").
      return ok({ content: job.log, last: lastOf(job.log, ctx.logLastUnit), more: job.state === 'running' || job.state === 'awaiting' })
    }
  }
}

export function serveOpenApi(route: RouteMatch, request: ApiRequest, ctx: YunxiaoApiContext): ApiResponse {
  const caller = authenticateOpenApi(request, ctx.tokens)
  if (caller instanceof OpenApiAuthError) return openApiAuthResponse(caller, request.requestId, ctx)
  const write = route.op === 'run' || route.op === 'stop' || route.op === 'retry'
  const pipeline = resolvePipeline(route, caller, ctx, write)
  if (isProblem(pipeline)) return openApiProblemResponse(pipeline, request.requestId, ctx)
  const result = handle(route, request, caller, pipeline, ctx)
  return isProblem(result) ? openApiProblemResponse(result, request.requestId, ctx) : result
}
