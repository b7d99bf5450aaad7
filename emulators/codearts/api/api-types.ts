// What handlers receive and return (the shared shapes), and the CodeArts error body.
import type { ApiResponse } from '../../shared/api-types.js'
import { VendorError } from './vendor-errors.js'

export type { ApiRequest, ApiResponse } from '../../shared/api-types.js'

export function errorResponse(error: VendorError, requestId: string): ApiResponse {
  const response: ApiResponse = {
    status: error.status,
    body: { error_msg: error.message, error_code: error.code, request_id: requestId }
  }
  if (error.headers) response.headers = error.headers
  return response
}

export const isVendorError = (value: unknown): value is VendorError => value instanceof VendorError
