// How Yunxiao answers look when a fault shapes them: one style per API. The POP gateway speaks
// {RequestId, HostId, Code, Message, Recommend} with x-acs-request-id, and throttles with HTTP
// 400 `Throttling.User` plus x-acs-retry-after (in milliseconds: the unit Alibaba's SDK retry
// policies read; the reference does not give one). The OpenAPI uses its code table (§3.3) and
// 429 TooManyRequests with Retry-After (seconds, or a date verbatim).
import type { ResponseStyle } from '../../shared/deliver.js'
import { type YunxiaoApiContext, openApiErrorBody, popGatewayBody } from '../api/context.js'

const WRONG_SHAPE = { result: 'ok', data: null }

/** Emulator choices for a status fault without errorCode/errorMsg, POP wording. */
function popDefault(status: number): { code: string; message: string } {
  switch (status) {
    case 500:
      return { code: 'InternalError', message: 'The request processing has failed due to some unknown error, exception or failure.' }
    case 502:
      return { code: 'BadGateway', message: 'The gateway received an invalid response from the service.' }
    case 503:
      return { code: 'ServiceUnavailable', message: 'The request has failed due to a temporary failure of the server.' }
    case 504:
      return { code: 'GatewayTimeout', message: 'The service did not answer the gateway in time.' }
    default:
      return status >= 500 ? { code: 'InternalError', message: 'Internal error.' } : { code: 'InvalidParameter', message: 'The request is invalid.' }
  }
}

/** The OpenAPI table's codes (§3.3) by status; 404 and the 5xx other than 500 are emulator choices. */
const OPENAPI_CODES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout'
}

function retryHeader(name: string, value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { [name]: value }
}

const retryAfterMs = (value: number | string): string => (typeof value === 'number' ? String(Math.round(value * 1000)) : value)

export const POP_STYLE: ResponseStyle = {
  contentType: 'application/json;charset=utf-8',
  headers: (requestId) => ({ 'x-acs-request-id': requestId }),
  statusError: (fault, requestId) => {
    const fallback = popDefault(fault.status)
    return { status: fault.status, body: popGatewayBody(fault.errorCode ?? fallback.code, fault.errorMsg ?? fallback.message, requestId) }
  },
  throttled: (fault, requestId) => ({
    status: fault.status ?? 400,
    body: popGatewayBody(fault.errorCode ?? 'Throttling.User', 'Request was denied due to user flow control.', requestId),
    headers: retryHeader('x-acs-retry-after', fault.retryAfter === undefined ? undefined : retryAfterMs(fault.retryAfter))
  }),
  placeholder: (requestId) => ({ requestId }),
  wrongShape: () => WRONG_SHAPE
}

export function openApiStyle(ctx: Pick<YunxiaoApiContext, 'openApiErrorShape'>): ResponseStyle {
  return {
    contentType: 'application/json',
    headers: () => ({}),
    statusError: (fault, requestId) => {
      const code = fault.errorCode ?? OPENAPI_CODES[fault.status] ?? (fault.status >= 500 ? 'InternalServerError' : 'BadRequest')
      return { status: fault.status, body: openApiErrorBody(fault.status, code, fault.errorMsg ?? code, requestId, ctx.openApiErrorShape) }
    },
    throttled: (fault, requestId) => {
      const status = fault.status ?? 429
      const code = fault.errorCode ?? 'TooManyRequests'
      return {
        status,
        body: openApiErrorBody(status, code, 'Too many requests, please try again later.', requestId, ctx.openApiErrorShape),
        headers: retryHeader('Retry-After', fault.retryAfter === undefined ? undefined : String(fault.retryAfter))
      }
    },
    placeholder: () => ({}),
    wrongShape: () => WRONG_SHAPE
  }
}

