// One request, for any emulator: read it whole, record it, count its operation, let a fault take
// it, have the vendor serve it (unless the fault keeps it from being carried out), answer.
// Faults come before the vendor's own checks because they stand for the network and gateways.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { ApiRequest, ApiResponse } from './api-types.js'
import { readBody } from './body.js'
import { type ResponseStyle, deliver } from './deliver.js'
import type { FaultQueue } from './fault-queue.js'
import { type Fault, isProcessed } from './fault-types.js'
import type { BaseStats, RecordedRequest } from './stats.js'

export interface RoutedOperation<Op extends string> {
  op: Op
}

export interface RequestPipeline<Op extends string, R extends RoutedOperation<Op>> {
  /** The live stats object (a getter: resetStats() replaces it). */
  stats(): BaseStats & Record<Op, number>
  faults: FaultQueue<Fault<Op>>
  now(): number
  /** From EmulatorServer. */
  sleep(ms: number): Promise<void>
  isClosed(): boolean
  /** Which operation a request is; undefined for an unknown API. */
  match(method: string, path: string, query: URLSearchParams): R | undefined
  /** A fresh request id in the vendor's form. */
  newRequestId(route: R | undefined, request: { path: string }): string
  /** The vendor's answer to a request that reaches it. */
  serve(route: R | undefined, request: ApiRequest): ApiResponse
  /** How this request's answers (and fault answers) are dressed. */
  style(route: R | undefined, request: ApiRequest): ResponseStyle
  /** Called once per request right after it is recorded, before faults (e.g. to flag things). */
  observe?(record: RecordedRequest, route: R | undefined, request: ApiRequest): void
}

function splitTarget(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) }
}

export function createRequestListener<Op extends string, R extends RoutedOperation<Op>>(p: RequestPipeline<Op, R>) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    res.on('error', () => undefined)
    // The server's own clock, as a real server's Date header shows it (clients report clock skew with it).
    res.setHeader('Date', new Date(p.now()).toUTCString())
    const body = await readBody(req)
    if (body === undefined || p.isClosed()) return
    const url = req.url ?? '/'
    const { path, rawQuery } = splitTarget(url)
    const method = req.method ?? 'GET'
    const query = new URLSearchParams(rawQuery)
    const stats = p.stats()
    const record: RecordedRequest = {
      method,
      path,
      query: rawQuery,
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      body: body.toString('utf8'),
      at: p.now()
    }
    stats.requests.push(record)
    const route = p.match(method, path, query)
    if (route) (stats as Record<Op, number>)[route.op] += 1
    const requestId = p.newRequestId(route, { path })
    const request: ApiRequest = { method, url, path, rawQuery, query, headers: req.headers, body, requestId }
    p.observe?.(record, route, request)

    const fault = p.faults.take(route?.op)
    if (fault?.kind === 'slow') {
      await p.sleep(fault.delayMs)
      if (p.isClosed()) return
    }
    const response = isProcessed(fault) ? p.serve(route, request) : undefined
    if (fault?.kind === 'status' && fault.delayMs !== undefined && fault.delayMs > 0) {
      await p.sleep(fault.delayMs)
      if (p.isClosed()) return
    }
    try {
      await deliver(res, fault, response, requestId, p.style(route, request))
    } catch {
      res.socket?.destroy()
    }
  }
}
