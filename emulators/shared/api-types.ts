// What a vendor's handlers receive and return. The shared request pipeline turns an ApiResponse
// into bytes, or lets a fault replace or break it.
import type { IncomingHttpHeaders } from 'node:http'

export interface ApiRequest {
  method: string
  /** The raw request target (path + '?query'). */
  url: string
  /** The raw path, without the query, exactly as received (still percent-encoded). */
  path: string
  /** The raw query string, without '?' ('' when none). */
  rawQuery: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
  requestId: string
}

export interface ApiResponse {
  status: number
  /** Sent as JSON (JSON.stringify), so a bare number or boolean is a valid body too. */
  body: unknown
  headers?: Record<string, string>
}

/** A header's value as received; a repeated header is joined with ','. Absent gives undefined. */
export function receivedHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()]
  if (value === undefined) return undefined
  return Array.isArray(value) ? value.join(',') : value
}
