// Writes an answer to the socket, or breaks it the way a fault says. Bodies of vendor errors use
// the gateway shape; the 5xx codes below are emulator choices in the gateway's style.
import type { ServerResponse } from 'node:http'
import { once } from 'node:events'
import { type ApiResponse, errorResponse } from '../api/api-types.js'
import { VendorError, throttled } from '../api/vendor-errors.js'
import { DEFAULT_HUGE_BYTES, type Fault } from './fault-types.js'

/** The service's own content type. */
const JSON_TYPE = 'application/json;charset=UTF-8'

/** Emulator choices for a status fault without errorCode/errorMsg. */
function defaultStatusError(status: number): { code: string; message: string } {
  switch (status) {
    case 502:
      return { code: 'APIGW.0202', message: 'Backend unavailable' }
    case 503:
      return { code: 'APIGW.0204', message: 'Service unavailable, please try again later' }
    case 504:
      return { code: 'APIGW.0203', message: 'Backend timeout' }
    default:
      return { code: 'DEVPIPE.00010001', message: 'System error, please try again later' }
  }
}

function baseHeaders(requestId: string, extra?: Record<string, string>): Record<string, string> {
  return { 'X-Request-Id': requestId, ...extra }
}

function writeWhole(res: ServerResponse, status: number, contentType: string, text: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** Stands in for a body when the request was not carried out but the fault needs one. */
const placeholder = (requestId: string): ApiResponse => ({ status: 200, body: { request_id: requestId } })

async function streamHuge(res: ServerResponse, sizeBytes: number, requestId: string): Promise<void> {
  res.writeHead(200, { ...baseHeaders(requestId), 'Content-Type': JSON_TYPE })
  const head = `{"request_id":"${requestId}","padding":"`
  const tail = '"}'
  let left = Math.max(0, sizeBytes - head.length - tail.length)
  const chunk = Buffer.alloc(64 * 1024, 'x')
  if (!res.write(head)) await drainOrClose(res)
  while (left > 0 && !res.destroyed) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
    left -= piece.length
    if (!res.write(piece)) await drainOrClose(res)
  }
  if (!res.destroyed) res.end(tail)
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

/**
 * `response` is what the API answered, or undefined when the fault kept the request from being
 * carried out.
 */
export async function deliver(
  res: ServerResponse,
  fault: Fault | undefined,
  response: ApiResponse | undefined,
  requestId: string
): Promise<void> {
  const answer = response ?? placeholder(requestId)
  const json = () => JSON.stringify(answer.body)
  switch (fault?.kind) {
    case undefined:
    case 'slow':
      writeWhole(res, answer.status, JSON_TYPE, json(), baseHeaders(requestId, answer.headers))
      return
    case 'drop':
    case 'accept-then-cut':
      res.socket?.destroy()
      return
    case 'reset-mid-body': {
      // Headers promise the whole body; half of it arrives, then the connection dies.
      const bytes = Buffer.from(json())
      res.writeHead(answer.status, { ...baseHeaders(requestId, answer.headers), 'Content-Type': JSON_TYPE, 'Content-Length': bytes.length })
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy())
      return
    }
    case 'status': {
      const fallback = defaultStatusError(fault.status)
      const error = new VendorError(fault.status, fault.errorCode ?? fallback.code, fault.errorMsg ?? fallback.message)
      const r = errorResponse(error, requestId)
      writeWhole(res, r.status, JSON_TYPE, JSON.stringify(r.body), baseHeaders(requestId))
      return
    }
    case 'throttle': {
      const extra: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) }
      const r = errorResponse(throttled(), requestId)
      writeWhole(res, 429, JSON_TYPE, JSON.stringify(r.body), baseHeaders(requestId, extra))
      return
    }
    case 'malformed': {
      // Valid JSON with its closing brace replaced: `{...,}` never parses.
      writeWhole(res, 200, JSON_TYPE, json().slice(0, -1) + ',}', baseHeaders(requestId))
      return
    }
    case 'html':
      writeWhole(
        res,
        502,
        'text/html',
        '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
        baseHeaders(requestId)
      )
      return
    case 'empty':
      writeWhole(res, 200, JSON_TYPE, '', baseHeaders(requestId))
      return
    case 'huge':
      await streamHuge(res, fault.sizeBytes ?? DEFAULT_HUGE_BYTES, requestId)
      return
    case 'wrong-shape':
      writeWhole(res, 200, JSON_TYPE, JSON.stringify({ result: 'ok', data: null }), baseHeaders(requestId))
      return
    default: {
      const unknown: never = fault
      throw new Error(`unknown fault ${JSON.stringify(unknown)}`)
    }
  }
}
