// What handlers receive and return. The server turns an ApiResponse into bytes, or lets a
// fault replace or break it.
import type { IncomingHttpHeaders } from 'node:http'
import { VendorError } from './vendor-errors.js'

export interface ApiRequest {
  method: string
  /** The raw request target (path + '?query'). */
  url: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: Buffer
  requestId: string
}

export interface ApiResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export function errorResponse(error: VendorError, requestId: string): ApiResponse {
  const response: ApiResponse = {
    status: error.status,
    body: { error_msg: error.message, error_code: error.code, request_id: requestId }
  }
  if (error.headers) response.headers = error.headers
  return response
}

export const isVendorError = (value: unknown): value is VendorError => value instanceof VendorError
