// Writes an answer to the socket, or breaks it the way a fault says. Everything vendor-shaped
// (content type, request-id headers, error bodies) comes from the vendor's ResponseStyle, so
// the network misbehaviour is the same for every emulator.
import type { ServerResponse } from 'node:http'
import { once } from 'node:events'
import type { ApiResponse } from './api-types.js'
import { DEFAULT_HUGE_BYTES, type Fault, type StatusFault, type ThrottleFault } from './fault-types.js'

/** How one vendor (or one API of a vendor) dresses its answers. */
export interface ResponseStyle {
  /** The service's own JSON content type. */
  contentType: string
  /** Headers every answer carries (request id...). */
  headers(requestId: string): Record<string, string>
  /** The answer to a `status` fault (a fault `body`, when given, replaces its body). */
  statusError(fault: StatusFault, requestId: string): ApiResponse
  /** The answer to a `throttle` fault, with its retry-after header when the fault has one. */
  throttled(fault: ThrottleFault, requestId: string): ApiResponse
  /** A JSON object that stands in for a body when the request was not carried out. */
  placeholder(requestId: string): Record<string, unknown>
  /** A 200 body that parses but is not what the operation returns. */
  wrongShape(requestId: string): unknown
  /** The page a proxy answers for `html`; default nginx's 502 page. */
  htmlPage?: string
}

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'

function writeWhole(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

async function drainOrClose(res: ServerResponse): Promise<void> {
  const ac = new AbortController()
  try {
    await Promise.race([once(res, 'drain', { signal: ac.signal }), once(res, 'close', { signal: ac.signal })])
  } catch {
    // an aborted wait: nothing to do
  } finally {
    ac.abort()
  }
}

async function streamHuge(res: ServerResponse, sizeBytes: number, requestId: string, style: ResponseStyle): Promise<void> {
  res.writeHead(200, { ...style.headers(requestId), 'Content-Type': style.contentType })
  const prefix = JSON.stringify(style.placeholder(requestId)).slice(0, -1)
  const head = `${prefix}${prefix === '{' ? '' : ','}"padding":"`
  const tail = '"}'
  let left = Math.max(0, sizeBytes - Buffer.byteLength(head) - tail.length)
  const chunk = Buffer.alloc(64 * 1024, 'x')
  if (!res.write(head)) await drainOrClose(res)
  while (left > 0 && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
    left -= piece.length
    if (!res.write(piece)) await drainOrClose(res)
  }
  if (!res.destroyed) res.end(tail)
}

function writeResponse(res: ServerResponse, r: ApiResponse, requestId: string, style: ResponseStyle): void {
  writeWhole(res, r.status, style.contentType, JSON.stringify(r.body), { ...style.headers(requestId), ...r.headers })
}

/**
 * `response` is what the API answered, or undefined when the fault kept the request from being
 * carried out.
 */
export async function deliver(
  res: ServerResponse,
  fault: Fault | undefined,
  response: ApiResponse | undefined,
  requestId: string,
  style: ResponseStyle
): Promise<void> {
  const answer: ApiResponse = response ?? { status: 200, body: style.placeholder(requestId) }
  const json = () => JSON.stringify(answer.body)
  const headers = () => ({ ...style.headers(requestId), ...answer.headers })
  switch (fault?.kind) {
    case undefined:
    case 'slow':
      writeResponse(res, answer, requestId, style)
      return
    case 'drop':
    case 'accept-then-cut':
      res.socket?.destroy()
      return
    case 'reset-mid-body': {
      // Headers promise the whole body; half of it arrives, then the connection dies.
      const bytes = Buffer.from(json())
      res.writeHead(answer.status, { ...headers(), 'Content-Type': style.contentType, 'Content-Length': bytes.length })
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
      return
    }
    case 'status': {
      const r = style.statusError(fault, requestId)
      if (fault.body !== undefined) r.body = fault.body
      if (fault.headers !== undefined) r.headers = { ...r.headers, ...fault.headers }
      writeResponse(res, r, requestId, style)
      return
    }
    case 'throttle':
      writeResponse(res, style.throttled(fault, requestId), requestId, style)
      return
    case 'malformed':
      // Valid JSON with its last character replaced: `{...,}` never parses.
      writeWhole(res, 200, style.contentType, json().slice(0, -1) + ',}', style.headers(requestId))
      return
    case 'html':
      writeWhole(res, 502, 'text/html', style.htmlPage ?? NGINX_502, style.headers(requestId))
      return
    case 'empty':
      writeWhole(res, 200, style.contentType, '', style.headers(requestId))
      return
    case 'huge':
      await streamHuge(res, fault.sizeBytes ?? DEFAULT_HUGE_BYTES, requestId, style)
      return
    case 'wrong-shape':
      writeWhole(res, 200, style.contentType, JSON.stringify(style.wrongShape(requestId)), style.headers(requestId))
      return
    default: {
      const unknown: never = fault
      throw new Error(`unknown fault ${JSON.stringify(unknown)}`)
    }
  }
}
