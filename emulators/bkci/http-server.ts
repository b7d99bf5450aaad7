// The HTTP side: the shared request pipeline with the bk-ci parts. A request goes through the
// gateway (route, credentials, app permission) and then bk-ci's open API (X-DEVOPS-UID, the app's
// project binding, the operation).
import { randomUUID } from 'node:crypto'
import type { ApiRequest, ApiResponse } from '../shared/api-types.js'
import { receivedHeader } from '../shared/api-types.js'
import type { FaultQueue } from '../shared/fault-queue.js'
import type { Fault } from '../shared/fault-types.js'
import { createRequestListener } from '../shared/request-pipeline.js'
import { appNotBound, bkciErrorResponse, isBkciError, paramBlank, projectNotFound } from './api/errors.js'
import { type BkciApiContext, handleBuildApi } from './api/handlers.js'
import { type Operation, type RouteMatch, matchRoute } from './api/routes.js'
import { BKCI_STYLE } from './faults/style.js'
import { type GatewayConfig, authenticateGateway, credentialsIn } from './gateway/auth.js'
import { GatewayError, apiNotFound, gatewayResponse } from './gateway/errors.js'
import type { BkciAppConfig } from './options.js'
import type { BkciEmulatorStats } from './stats.js'

export interface ServerDeps {
  api: BkciApiContext
  gateway: GatewayConfig
  basePath: string
  enableV3: boolean
  gatewayAuth: boolean
  projects: ReadonlySet<string>
  faults: FaultQueue<Fault<Operation>>
  stats(): BkciEmulatorStats
  sleep(ms: number): Promise<void>
  isClosed(): boolean
}

function boundTo(app: BkciAppConfig | undefined, projectId: string): boolean {
  const projects = app?.projects ?? '*'
  return projects === '*' || projects.includes(projectId)
}

function serve(route: RouteMatch | undefined, request: ApiRequest, deps: ServerDeps): ApiResponse {
  if (!route) return gatewayResponse(apiNotFound())
  const caller = authenticateGateway(route, request, deps.gateway)
  if (caller instanceof GatewayError) return gatewayResponse(caller)

  // bk-ci: the user is the verified one (apigw-user, the JWT overwrites X-DEVOPS-UID) or the
  // X-DEVOPS-UID header, required on every build endpoint (§3.2).
  const user = caller.verifiedUser ?? receivedHeader(request.headers, 'x-devops-uid')
  if (!user) return bkciErrorResponse(paramBlank('userId'))
  if (deps.gatewayAuth) {
    if (!deps.projects.has(route.projectId)) return bkciErrorResponse(projectNotFound(route.projectId))
    if (route.apigwType === 'apigw-app' && caller.appCode !== undefined && !boundTo(deps.gateway.apps[caller.appCode], route.projectId)) {
      return bkciErrorResponse(appNotBound(caller.appCode, route.projectId))
    }
  }
  const result = handleBuildApi(route, user, request, deps.api)
  return isBkciError(result) ? bkciErrorResponse(result) : result
}

export function createBkciListener(deps: ServerDeps) {
  return createRequestListener<Operation, RouteMatch>({
    stats: deps.stats,
    faults: deps.faults,
    now: deps.api.now,
    sleep: deps.sleep,
    isClosed: deps.isClosed,
    match: (method, path) => matchRoute(method, path, deps.basePath, deps.enableV3),
    newRequestId: () => randomUUID().replace(/-/g, ''),
    serve: (route, request) => serve(route, request, deps),
    style: () => BKCI_STYLE,
    observe: (_record, route, request) => {
      const stats = deps.stats()
      if (route) stats.byVersion[route.version] += 1
      if (credentialsIn(request.query).length > 0) stats.credentialsInQuery += 1
    }
  })
}
