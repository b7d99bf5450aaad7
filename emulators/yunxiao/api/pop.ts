// The devops 2021-06-25 POP API (§1, ROA): ACS3-signed AccessKeys, x-acs-action/x-acs-version,
// form-encoded StartPipelineRun, answers in {requestId, success, ...}.
import type { ApiRequest, ApiResponse } from '../../shared/api-types.js'
import { receivedHeader } from '../../shared/api-types.js'
import { authenticatePop, type Caller } from '../auth/authenticate.js'
import { renderListItem, renderPopRun, runStatus, TRIGGER_MODE_MANUAL } from '../runs/render.js'
import type { YunxiaoPipelineConfig } from '../options.js'
import { renderPipeline } from '../runs/pipeline.js'
import { type YunxiaoApiContext, popGatewayResponse, popProblemResponse } from './context.js'
import { encodeNextToken, parsePopListQuery, selectRuns } from './list-query.js'
import { findJob, findRun, resolvePipeline, retryJobRun, startRun, stopRun } from './operations.js'
import { parseParams } from './params.js'
import { PopGatewayError, Problem, isProblem } from './problems.js'
import type { RouteMatch } from './routes.js'

/**
 * StartPipelineRun's `params` travels as a form field (reqBodyType formData, §1.3). A body in any
 * other content type is refused rather than read as "no params", which would silently start the
 * pipeline with its defaults (whether JSON is accepted is uncertain: the stricter reading).
 */
function readFormParams(request: ApiRequest): string | undefined | Problem {
  const text = request.body.toString('utf8')
  if (text === '') return undefined
  const contentType = receivedHeader(request.headers, 'content-type') ?? ''
  if (!/^application\/x-www-form-urlencoded\b/i.test(contentType)) {
    return new Problem('params-not-form', `the body is '${contentType}'; params must be sent as application/x-www-form-urlencoded`)
  }
  return new URLSearchParams(text).get('params') ?? undefined
}

function handle(route: RouteMatch, request: ApiRequest, caller: Caller, pipeline: YunxiaoPipelineConfig, ctx: YunxiaoApiContext): ApiResponse | Problem {
  const requestId = request.requestId
  const render = ctx.render(pipeline)
  const ok = (extra: Record<string, unknown> = {}): ApiResponse => ({ status: 200, body: { requestId, success: true, ...extra } })
  switch (route.op) {
    case 'pipeline':
      return ok({ pipeline: renderPipeline(pipeline) })
    case 'run': {
      const text = readFormParams(request)
      if (isProblem(text)) return text
      const params = parseParams(text)
      if (isProblem(params)) return params
      return ok({ pipelineRunId: startRun(pipeline, caller, params, 'pop', ctx).runId })
    }
    case 'detail': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const response = ok({ pipelineRun: renderPopRun(run, render) })
      ctx.store.afterDetailRead(run)
      return response
    }
    case 'list': {
      const query = parsePopListQuery(request.query)
      if (isProblem(query)) return query
      const runs = selectRuns(ctx.store.ofPipeline(pipeline.id), query.filter, (r) => runStatus(r.state, render), () => TRIGGER_MODE_MANUAL)
      const end = query.offset + query.maxResults
      const body: Record<string, unknown> = {
        pipelineRuns: runs.slice(query.offset, end).map((r) => renderListItem(r, render)),
        totalCount: runs.length
      }
      if (end < runs.length) body.nextToken = encodeNextToken(end)
      return ok(body)
    }
    case 'stop': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const stopped = stopRun(run, ctx)
      return isProblem(stopped) ? stopped : ok()
    }
    case 'retry': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const retried = retryJobRun(run, route.jobId, ctx)
      return isProblem(retried) ? retried : ok()
    }
    case 'log': {
      const run = findRun(route, pipeline, ctx)
      if (isProblem(run)) return run
      const job = findJob(run, route.jobId)
      if (isProblem(job)) return job
      // LogPipelineJobRunResponseBody: the whole log in `log.content`, and `log.more`.
      return ok({ log: { content: job.log, more: job.state === 'running' || job.state === 'awaiting' } })
    }
  }
}

export function servePop(route: RouteMatch, request: ApiRequest, ctx: YunxiaoApiContext): ApiResponse {
  if (!route.action) throw new Error('emulator bug: a POP route without an action')
  const caller = authenticatePop(request, route.action, ctx.accessKeys, ctx.nonces, ctx.now())
  if (caller instanceof PopGatewayError) return popGatewayResponse(caller, request.requestId)
  const write = route.op === 'run' || route.op === 'stop' || route.op === 'retry'
  const pipeline = resolvePipeline(route, caller, ctx, write)
  if (isProblem(pipeline)) return popProblemResponse(pipeline, request.requestId, ctx)
  const result = handle(route, request, caller, pipeline, ctx)
  return result instanceof Problem ? popProblemResponse(result, request.requestId, ctx) : result
}
