// The BlueKing API gateway's own errors (§3.1): body {code, code_name, message, result:false,
// data:null} and the X-Bkapi-Error-Code / X-Bkapi-Error-Message headers. A normal backend answer
// (bk-ci's {status, message, data}, errors included) passes through unwrapped.
import type { ApiResponse } from '../../shared/api-types.js'

export class GatewayError {
  constructor(
    readonly status: number,
    readonly code: number,
    readonly codeName: string,
    readonly message: string
  ) {}
}

/** The code names of §3.1; those for other statuses are emulator choices in the same pattern. */
const CODE_NAMES: Record<number, string> = {
  1640001: 'INVALID_ARGS',
  1640101: 'APP_VERIFY_FAILED',
  1640102: 'USER_VERIFY_FAILED',
  1640301: 'APP_NO_PERMISSION',
  1640401: 'API_NOT_FOUND',
  1641301: 'BODY_TOO_LARGE',
  1641401: 'URI_TOO_LARGE',
  1642901: 'RATE_LIMIT_RESTRICTION',
  1642902: 'RATE_LIMIT_RESTRICTION',
  1642903: 'RATE_LIMIT_RESTRICTION',
  1642904: 'CONCURRENCY_LIMIT_RESTRICTION',
  1650001: 'INTERNAL_SERVER_ERROR',
  1650201: 'ERROR_REQUESTING_RESOURCE',
  1650301: 'SERVICE_UNAVAILABLE',
  1650401: 'REQUEST_BACKEND_TIMEOUT'
}

/** The gateway's code for an HTTP status: `16` + status + `01` (1640001 for 400, 1650401 for 504...). */
export const codeForStatus = (status: number): number => Number(`16${status}01`)

export const codeName = (code: number): string => CODE_NAMES[code] ?? 'UNKNOWN_ERROR'

export function gatewayError(status: number, code: number, message: string): GatewayError {
  return new GatewayError(status, code, codeName(code), message)
}

/** Header values must be plain ASCII on one line. */
const headerSafe = (text: string): string => text.replace(/[^\x20-\x7e]/g, '?')

export function gatewayResponse(error: GatewayError): ApiResponse {
  return {
    status: error.status,
    body: { code: error.code, code_name: error.codeName, message: error.message, result: false, data: null },
    headers: { 'X-Bkapi-Error-Code': String(error.code), 'X-Bkapi-Error-Message': headerSafe(error.message) }
  }
}

export const apiNotFound = () => gatewayError(404, 1640401, 'API not found')
export const invalidArgs = (detail: string) => gatewayError(400, 1640001, `Parameters error [reason="${detail}"]`)
export const appVerifyFailed = (detail: string) => gatewayError(401, 1640101, `App authentication failed [reason="${detail}"]`)
export const userVerifyFailed = (detail: string) => gatewayError(401, 1640102, `User authentication failed [reason="${detail}"]`)
export const appNoPermission = (appCode: string, resource: string) =>
  gatewayError(403, 1640301, `App has no permission to the resource [app_code="${appCode}", resource="${resource}"]`)
export const rateLimited = () => gatewayError(429, 1642901, 'Request rejected by rate limit [reason="the app exceeded the stage rate limit"]')
export const backendTimeout = () => gatewayError(504, 1650401, 'Request backend timeout [reason="the backend did not answer within 30s"]')
