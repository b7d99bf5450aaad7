// The HTTP side: read the whole request, record it, let a fault take it, authenticate, route,
// answer. Faults come before authentication because they stand for the network and the gateway.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { type ApiRequest, type ApiResponse, errorResponse } from './api/api-types.js'
import { type ApiContext, handleApi } from './api/handlers.js'
import { type RouteMatch, matchRoute } from './api/routes.js'
import { VendorError, routeNotFound } from './api/vendor-errors.js'
import { type AuthConfig, authenticate } from './auth/authenticate.js'
import { deliver } from './faults/deliver.js'
import type { FaultQueue } from './faults/fault-queue.js'
import { isProcessed } from './faults/fault-types.js'
import { newId } from './runs/ids.js'
import type { CodeArtsEmulatorStats } from './stats.js'

export interface ServerDeps {
  api: ApiContext
  auth: AuthConfig
  faults: FaultQueue
  stats: CodeArtsEmulatorStats
  now: () => number
  /** Resolves after ms, or at once when the emulator closes. */
  sleep(ms: number): Promise<void>
  isClosed(): boolean
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve(undefined))
    req.on('aborted', () => resolve(undefined))
  })
}

function serve(route: RouteMatch | undefined, request: ApiRequest, deps: ServerDeps): ApiResponse {
  // The gateway looks the API up before it checks who calls it.
  if (!route) return errorResponse(routeNotFound(), request.requestId)
  const caller = authenticate(request, deps.auth, deps.now())
  if (caller instanceof VendorError) return errorResponse(caller, request.requestId)
  return handleApi(route, request, deps.api)
}

export function createRequestListener(deps: ServerDeps) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => undefined)
    const body = await readBody(req)
    if (body === undefined || deps.isClosed()) return
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    const path = q < 0 ? url : url.slice(0, q)
    const rawQuery = q < 0 ? '' : url.slice(q + 1)
    const method = req.method ?? 'GET'
    const requestId = newId()
    deps.stats.requests.push({
      method,
      path,
      query: rawQuery,
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      body: body.toString('utf8'),
      at: deps.now()
    })
    const route = matchRoute(method, path)
    if (route) deps.stats[route.op] += 1

    const fault = deps.faults.take(route?.op)
    if (fault?.kind === 'slow') {
      await deps.sleep(fault.delayMs)
      if (deps.isClosed()) return
    }
    const request: ApiRequest = {
      method,
      url,
      path,
      query: new URLSearchParams(rawQuery),
      headers: req.headers,
      body,
      requestId
    }
    const response = isProcessed(fault) ? serve(route, request, deps) : undefined
    try {
      await deliver(res, fault, response, requestId)
    } catch {
      res.socket?.destroy()
    }
  }
}
