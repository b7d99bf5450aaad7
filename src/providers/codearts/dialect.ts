import { RelayError, clockSkewHint, kindForStatus, type ErrorKind } from '../../core/errors.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import { parseRetryAfter } from '../../core/retry.js'
import { preview, readJsonBody, type ApiRequest, type VendorDialect } from '../../core/vendor-client.js'
import { signHuaweiRequest } from '../../signing/huawei-sdk-hmac-sha256.js'
import type { HuaweiCredentials } from '../../inputs/index.js'
import { record, stringOf } from '../json.js'
import type { ProjectScope } from './iam-project.js'

/**
 * How CodeArts (and the Huawei API gateway in front of it) carries credentials and reports
 * errors. Shared by the v5 `codearts` provider and, later, the v6 `codearts-pac` one.
 * Facts: reference/huawei-codearts.md §1.6 (errors) and §2 (auth).
 */

/** Codes in a 2xx body that mean "the run exists and waits in the queue", not a failure ([tf]). */
export const QUEUED_CODES = new Set(['DEVPIPE.00011169', 'DEVPIPE.00011170'])

interface VendorErrorFields {
  code?: string
  message?: string
  requestId?: string
}

/** Both error shapes the gateway and the service use: top-level error_code/error_msg, or error{code,message}. */
export function vendorError(body: unknown): VendorErrorFields | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const fields = record(body)
  const nested = record(fields.error)
  const code = stringOf(fields.error_code) ?? stringOf(nested.code)
  const message = stringOf(fields.error_msg) ?? stringOf(nested.message)
  if (code === undefined && message === undefined) return undefined
  return { code, message, requestId: stringOf(fields.request_id) }
}

/** `scope` adds X-Project-Id, looked up before the first request where it must be (iam-project.ts). */
export function createHuaweiDialect(credentials: HuaweiCredentials, extraHeaders: Readonly<Record<string, string>>, scope?: ProjectScope): VendorDialect {
  return {
    prepare: async request => scope?.prepare(request.options),
    authorize(request: HttpRequest, now: Date): HttpRequest {
      const headers = { ...request.headers, ...extraHeaders, ...scope?.headers() }
      if (credentials.kind === 'token') return { ...request, headers: { ...headers, 'X-Auth-Token': credentials.token } }
      return { ...request, headers: signHuaweiRequest({ method: request.method, url: request.url, headers, body: request.body ?? '' }, credentials, now) }
    },
    interpret: interpretHuaweiResponse
  }
}

export function interpretHuaweiResponse(response: HttpResponse, request: ApiRequest, nowMs: number): unknown {
  const body = readJsonBody(response)
  const requestId = response.headers['x-request-id']
  const ok = response.status >= 200 && response.status < 300
  if (body.kind === 'json') {
    const error = vendorError(body.value)
    if (ok && (error === undefined || QUEUED_CODES.has(error.code ?? ''))) return body.value
    if (error !== undefined) throw errorFromVendor(response, request, error, nowMs, requestId)
  }
  if (ok) {
    const what = body.kind === 'empty' ? 'an empty body' : `a body that is not JSON: ${preview(body.kind === 'invalid' ? body.text : '')}`
    throw new RelayError('protocol', `CodeArts answered "${request.action}" with ${what}`, { status: response.status, requestId })
  }
  const detail = body.kind === 'invalid' ? `: ${preview(body.text)}` : ''
  throw new RelayError(kindForStatus(response.status), `CodeArts refused to ${request.action} (HTTP ${response.status}${detail})`, {
    status: response.status,
    requestId,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs),
    hint: response.status === 403 ? PERMISSION_HINT : undefined
  })
}

function errorFromVendor(response: HttpResponse, request: ApiRequest, error: VendorErrorFields, nowMs: number, headerRequestId?: string): RelayError {
  const code = error.code ?? ''
  const known = KNOWN_ERRORS[code]
  const kind: ErrorKind = known?.kind ?? (response.status >= 200 && response.status < 300 ? 'client' : kindForStatus(response.status))
  const message = error.message ?? 'no message'
  let hint = known?.hint
  if (code === 'APIGW.0301' || code === 'APIGW.0303') hint = signatureHint(code, message, nowMs, response.headers.date)
  if (/token must be updated|token expired|token is expired/i.test(message)) hint = 'The IAM token has expired (tokens last 24 hours) or was revoked: get a new one, or use access_key_id/access_key_secret'
  if (hint === undefined && kind === 'auth') hint = response.status === 403 ? PERMISSION_HINT : 'Check the credentials (token, or access_key_id with access_key_secret)'
  return new RelayError(kind, `CodeArts refused to ${request.action}: ${message}`, {
    status: response.status,
    vendorCode: error.code,
    requestId: error.requestId ?? headerRequestId,
    hint,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs)
  })
}

const PERMISSION_HINT =
  'The credentials were accepted but lack permission: give the IAM user CodeArts Pipeline permissions and make it a member of the CodeArts project'
const PROJECT_HINT =
  'project_id must be the CodeArts project id (32 characters, from the project URL .../cicd/project/<id>/...), not the IAM project id of the region, and the IAM user must be a member of that project'

const KNOWN_ERRORS: Readonly<Record<string, { kind: ErrorKind; hint?: string }>> = {
  'APIGW.0301': { kind: 'auth' },
  'APIGW.0303': { kind: 'auth' },
  'APIGW.0101': { kind: 'not_found', hint: 'The API is not published in this region: check region or endpoint' },
  'APIG.0308': { kind: 'throttled' },
  'DEVPIPE.00011401': { kind: 'not_found', hint: 'Check pipeline_id (the last part of the pipeline URL) and that the pipeline belongs to project_id' },
  'DEVPIPE.00011136': { kind: 'client', hint: `The pipeline does not belong to this project. ${PROJECT_HINT}` },
  'DEVPIPE.00011412': { kind: 'not_found', hint: PROJECT_HINT },
  'DEV_21_100169': { kind: 'not_found', hint: PROJECT_HINT },
  'pipeline.00060101': { kind: 'not_found', hint: PROJECT_HINT },
  // Reported by a third-party tool as "concurrency limited, try later" (uncertain): a refusal, so it is retried.
  'DEVPIPE.00011104': { kind: 'throttled' },
  'DEVPIPE.00011105': { kind: 'throttled' },
  PARSE_REQUEST_DATA_EXCEPTION: { kind: 'client' }
}

export function signatureHint(code: string, message: string, nowMs: number, serverDate: string | undefined): string {
  // 0303 is the gateway's clock-skew code; 0301 says so in words ("signature expired, ... server time").
  if (code === 'APIGW.0303' || /expired|server time|signature time/i.test(message)) return clockSkewHint('Huawei Cloud', nowMs, serverDate)
  if (/not exist/i.test(message)) return 'The access key id is unknown to Huawei Cloud IAM: check access_key_id (and that the key was not deleted)'
  return 'The signature did not match: check that access_key_secret belongs to access_key_id and that nothing rewrites the request on the way (a proxy)'
}
