// How CodeArts answers look when a fault shapes them: the API gateway's error body
// {"error_msg","error_code","request_id"}, X-Request-Id on every answer. The 5xx codes below are
// emulator choices in the gateway's style.
import type { ResponseStyle } from '../../shared/deliver.js'
import { errorResponse } from '../api/api-types.js'
import { VendorError, throttled } from '../api/vendor-errors.js'

/** The service's own content type. */
export const JSON_TYPE = 'application/json;charset=UTF-8'

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

export const CODEARTS_STYLE: ResponseStyle = {
  contentType: JSON_TYPE,
  headers: (requestId) => ({ 'X-Request-Id': requestId }),
  statusError: (fault, requestId) => {
    const fallback = defaultStatusError(fault.status)
    const error = new VendorError(fault.status, fault.errorCode ?? fallback.code, fault.errorMsg ?? fallback.message)
    // The status fault's answer carries no extra headers, whatever the error would.
    return { status: fault.status, body: errorResponse(error, requestId).body }
  },
  throttled: (fault, requestId) => {
    const base = throttled()
    const error = new VendorError(fault.status ?? base.status, fault.errorCode ?? base.code, base.message)
    const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': String(fault.retryAfter) }
    return { status: error.status, body: errorResponse(error, requestId).body, headers }
  },
  placeholder: (requestId) => ({ request_id: requestId }),
  wrongShape: () => ({ result: 'ok', data: null })
}
