// The HTTP side: the shared request pipeline (read, record, fault, answer) with the CodeArts
// parts: routes, authentication before routing's handlers, and the gateway's answer style.
import type { ApiRequest, ApiResponse } from '../shared/api-types.js'
import type { FaultQueue } from '../shared/fault-queue.js'
import { createRequestListener } from '../shared/request-pipeline.js'
import { errorResponse } from './api/api-types.js'
import { type ApiContext, handleApi } from './api/handlers.js'
import { type Operation, type RouteMatch, matchRoute } from './api/routes.js'
import { VendorError, projectIdRequired, projectIdUnknown, routeNotFound } from './api/vendor-errors.js'
import { type IamContext, handleListProjects, projectsOfRegion } from './api/iam-handlers.js'
import { receivedHeader } from '../shared/api-types.js'
import { type AuthConfig, authenticate } from './auth/authenticate.js'
import type { Fault } from './faults/fault-types.js'
import { CODEARTS_STYLE } from './faults/style.js'
import { newId } from './runs/ids.js'
import type { CodeArtsEmulatorStats } from './stats.js'

export interface ServerDeps {
  api: ApiContext
  auth: AuthConfig
  iam: IamContext
  /** The region the emulated gateway serves: an AK/SK request is scoped to one of its projects. */
  region: string
  faults: FaultQueue<Fault>
  stats: CodeArtsEmulatorStats
  now: () => number
  /** Resolves after ms, or at once when the emulator closes. */
  sleep(ms: number): Promise<void>
  isClosed(): boolean
}

function serve(route: RouteMatch | undefined, request: ApiRequest, deps: ServerDeps): ApiResponse {
  // The gateway looks the API up before it checks who calls it.
  if (!route) return errorResponse(routeNotFound(), request.requestId)
  const caller = authenticate(request, deps.auth, deps.now())
  if (caller instanceof VendorError) return errorResponse(caller, request.requestId)
  // IAM checks the same AK/SK signature; listing projects needs no project of its own.
  if (route.api === 'iam') return handleListProjects(request, deps.iam)
  if (caller.kind === 'aksk') {
    const unscoped = checkProjectScope(request, deps)
    if (unscoped) return errorResponse(unscoped, request.requestId)
  }
  return handleApi(route, request, deps.api)
}

/**
 * The gateway scopes an AK/SK request to an IAM project of its region: the X-Project-Id sent, or,
 * without one, the region's only project. An account with several (sub-projects) must say which.
 * An IAM token carries its project, so it is not checked here. No configured projects: no check.
 */
function checkProjectScope(request: ApiRequest, deps: ServerDeps): VendorError | undefined {
  if (deps.iam.projects.length === 0) return undefined
  const ofRegion = projectsOfRegion(deps.iam.projects, deps.region)
  const projectId = receivedHeader(request.headers, 'x-project-id')
  if (projectId === undefined) return ofRegion.length === 1 ? undefined : projectIdRequired(deps.region, ofRegion.length)
  return ofRegion.some(project => project.id === projectId) ? undefined : projectIdUnknown(projectId, deps.region)
}

export function createCodeArtsListener(deps: ServerDeps) {
  return createRequestListener<Operation, RouteMatch>({
    stats: () => deps.stats,
    faults: deps.faults,
    now: deps.now,
    sleep: deps.sleep,
    isClosed: deps.isClosed,
    match: (method, path) => matchRoute(method, path),
    newRequestId: () => newId(),
    serve: (route, request) => serve(route, request, deps),
    style: () => CODEARTS_STYLE
  })
}
