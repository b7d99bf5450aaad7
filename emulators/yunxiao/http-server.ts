// The HTTP side: the shared request pipeline with the Yunxiao parts. One server answers both
// APIs; the path tells them apart (POP paths start /organization(s)/, the OpenAPI's /oapi/).
import { randomBytes, randomUUID } from 'node:crypto'
import type { ApiRequest, ApiResponse } from '../shared/api-types.js'
import type { ResponseStyle } from '../shared/deliver.js'
import type { FaultQueue } from '../shared/fault-queue.js'
import { createRequestListener } from '../shared/request-pipeline.js'
import { type YunxiaoApiContext, openApiAuthResponse, popGatewayResponse } from './api/context.js'
import { serveOpenApi } from './api/openapi.js'
import { servePop } from './api/pop.js'
import { openApiRouteNotFound, popRouteNotFound } from './api/problems.js'
import { type Operation, type RouteMatch, apiOfPath, matchRoute } from './api/routes.js'
import type { YunxiaoFault } from './faults/fault-types.js'
import { POP_STYLE, openApiStyle } from './faults/style.js'
import type { YunxiaoEmulatorStats } from './stats.js'

export interface ServerDeps {
  api: YunxiaoApiContext
  faults: FaultQueue<YunxiaoFault>
  stats(): YunxiaoEmulatorStats
  sleep(ms: number): Promise<void>
  isClosed(): boolean
}

function serve(route: RouteMatch | undefined, request: ApiRequest, ctx: YunxiaoApiContext): ApiResponse {
  // The gateway looks the API up before it checks who calls it.
  if (!route) {
    return apiOfPath(request.path) === 'pop'
      ? popGatewayResponse(popRouteNotFound(), request.requestId)
      : openApiAuthResponse(openApiRouteNotFound(), request.requestId, ctx)
  }
  return route.api === 'pop' ? servePop(route, request, ctx) : serveOpenApi(route, request, ctx)
}

export function createYunxiaoListener(deps: ServerDeps) {
  const openApi: ResponseStyle = openApiStyle(deps.api)
  return createRequestListener<Operation, RouteMatch>({
    stats: deps.stats,
    faults: deps.faults,
    now: deps.api.now,
    sleep: deps.sleep,
    isClosed: deps.isClosed,
    match: (method, path) => matchRoute(method, path),
    // POP request ids are upper-case UUIDs; the OpenAPI's traceId is 32 hex digits.
    newRequestId: (route, { path }) => ((route?.api ?? apiOfPath(path)) === 'pop' ? randomUUID().toUpperCase() : randomBytes(16).toString('hex')),
    serve: (route, request) => serve(route, request, deps.api),
    style: (route, request) => ((route?.api ?? apiOfPath(request.path)) === 'pop' ? POP_STYLE : openApi),
    observe: (_record, route, request) => {
      deps.stats().byApi[route?.api ?? apiOfPath(request.path)] += 1
    }
  })
}
