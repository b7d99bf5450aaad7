import { RelayError, clockSkewHint, kindForStatus, type ErrorKind } from '../../core/errors.js'
import type { HttpResponse } from '../../core/http.js'
import { parseRetryAfter } from '../../core/retry.js'
import { preview, readJsonBody, type ApiRequest } from '../../core/vendor-client.js'
import type { YunxiaoApi } from '../../inputs/yunxiao.js'
import { record, stringOf } from '../json.js'

/**
 * How Yunxiao answers, for both APIs (reference/aliyun-yunxiao.md §1.5 and §3.3):
 * - business errors: `{success: false, errorCode, errorMessage, requestId}` — on HTTP 200 as well as on 4xx/5xx;
 *   the OpenAPI variant `{errorCode, errorMessage, errorDescription, traceId, code: <HTTP status>}`;
 * - POP gateway errors (signature, throttling): `{Code, Message, RequestId, HostId, Recommend}`;
 * - `x-acs-retry-after` (milliseconds, as the official SDKs read it) marks throttling whatever the status.
 */

export interface YunxiaoErrorFields {
  code?: string
  message?: string
  requestId?: string
}

/** The error an answer body carries, if any. A body with `success: true` is never an error. */
export function yunxiaoError(body: unknown): YunxiaoErrorFields | undefined {
  const fields = errorFields(body)
  const success = record(body).success
  if (fields === undefined || success === true) return undefined
  return success === false || fields.code !== undefined ? fields : undefined
}

/** Code, message and request id of a body in either shape, whether or not it reads as an error. */
function errorFields(body: unknown): YunxiaoErrorFields | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined
  const fields = record(body)
  // The OpenAPI error body has `code` = the HTTP status (a number): only a textual `code` is an error code.
  const code = stringOf(fields.errorCode) ?? stringOf(fields.Code) ?? (typeof fields.code === 'string' && !/^\d+$/.test(fields.code) ? stringOf(fields.code) : undefined)
  const message = stringOf(fields.errorMessage) ?? stringOf(fields.Message) ?? stringOf(fields.errorDescription) ?? stringOf(fields.message)
  const requestId = stringOf(fields.requestId) ?? stringOf(fields.RequestId) ?? stringOf(fields.traceId)
  return { code, message, requestId }
}

export function interpretYunxiaoResponse(response: HttpResponse, request: ApiRequest, nowMs: number, api: YunxiaoApi): unknown {
  const body = readJsonBody(response)
  const ok = response.status >= 200 && response.status < 300
  const headerRequestId = response.headers['x-acs-request-id'] ?? response.headers['x-request-id']
  if (body.kind === 'json') {
    const error = yunxiaoError(body.value)
    if (error !== undefined) throw errorFromVendor(response, request, error, nowMs, api, headerRequestId)
    if (ok) return body.value
    // A refusal in neither documented shape still says what it can (a message, a request id).
    const loose = errorFields(body.value)
    if (loose !== undefined && (loose.message !== undefined || loose.requestId !== undefined)) {
      throw errorFromVendor(response, request, loose, nowMs, api, headerRequestId)
    }
  }
  // Stop and retry may answer with nothing; the provider decides whether a payload was needed.
  if (ok && body.kind === 'empty') return undefined
  if (ok) {
    throw new RelayError('protocol', `Yunxiao answered "${request.action}" with a body that is not JSON: ${preview(body.kind === 'invalid' ? body.text : '')}`, {
      status: response.status,
      requestId: headerRequestId
    })
  }
  const retryAfterMs = retryAfterOf(response, nowMs)
  const kind = retryAfterOf(response, nowMs, true) !== undefined ? 'throttled' : kindForStatus(response.status)
  const detail = body.kind === 'invalid' ? `: ${preview(body.text)}` : ''
  throw new RelayError(kind, `Yunxiao refused to ${request.action} (HTTP ${response.status}${detail})`, {
    status: response.status,
    requestId: headerRequestId,
    retryAfterMs,
    hint: kind === 'auth' ? authHint(response.status, api) : undefined
  })
}

/** `x-acs-retry-after` is milliseconds (official SDKs); a standard Retry-After is seconds or a date. */
function retryAfterOf(response: HttpResponse, nowMs: number, acsOnly = false): number | undefined {
  const acs = response.headers['x-acs-retry-after']?.trim()
  if (acs !== undefined && /^\d+$/.test(acs)) return Number(acs)
  return acsOnly ? undefined : parseRetryAfter(response.headers['retry-after'], nowMs)
}

function errorFromVendor(
  response: HttpResponse,
  request: ApiRequest,
  error: YunxiaoErrorFields,
  nowMs: number,
  api: YunxiaoApi,
  headerRequestId: string | undefined
): RelayError {
  const code = error.code ?? ''
  const known = knownError(code, nowMs, response.headers.date)
  const ok = response.status >= 200 && response.status < 300
  let kind: ErrorKind = known?.kind ?? (ok ? 'client' : kindForStatus(response.status))
  if (retryAfterOf(response, nowMs, true) !== undefined) kind = 'throttled'
  const hint = known?.hint ?? (kind === 'auth' ? authHint(response.status, api) : undefined)
  const said = error.message ?? error.code
  const message = said === undefined ? `Yunxiao refused to ${request.action} (HTTP ${response.status})` : `Yunxiao refused to ${request.action}: ${said}`
  return new RelayError(kind, message, {
    status: response.status,
    vendorCode: error.code,
    requestId: error.requestId ?? headerRequestId,
    hint,
    retryAfterMs: retryAfterOf(response, nowMs)
  })
}

const TOKEN_HINT =
  'The personal access token is invalid, expired or revoked: create a new one (Yunxiao personal settings → personal access tokens) with read/write access to pipeline runs, and pass it in token'
const TOKEN_SCOPE_HINT =
  "The personal access token was accepted but lacks permission: give it read/write access to 流水线运行实例 (pipeline runs) and 流水线运行任务 (run jobs), and check that its user may run this pipeline"
const AKSK_HINT = 'Check access_key_id and access_key_secret (and security_token for temporary credentials)'
const RAM_HINT =
  'The RAM user lacks permission for Yunxiao: attach the AliyunRDCFullAccess policy to it (https://help.aliyun.com/document_detail/2360597.html), and make it a member of the organization'
const NOT_A_USER_HINT =
  'The caller is not a registered Yunxiao user: sign in to Yunxiao (devops.aliyun.com) once with this account or RAM user and have it added to the organization'
const NOT_A_MEMBER_HINT =
  'The caller is not a member of this organization: check organization_id (the id in https://devops.aliyun.com/organization/<id>) and that the user belongs to it'
const SIGNATURE_HINT =
  'The signature did not match: check that access_key_secret belongs to access_key_id and that nothing rewrites the request on the way (a proxy)'

function authHint(status: number, api: YunxiaoApi): string {
  if (api === 'openapi') return status === 403 ? TOKEN_SCOPE_HINT : TOKEN_HINT
  return status === 403 ? RAM_HINT : AKSK_HINT
}

interface Known {
  kind: ErrorKind
  hint?: string
}

const KNOWN_ERRORS: Readonly<Record<string, Known>> = {
  // devops 2021-06-25 (reference §1.5)
  'InvalidParam.ParamNotPresent': { kind: 'client' },
  'InvalidUser.NotFound': { kind: 'auth', hint: NOT_A_USER_HINT },
  'Forbidden.UserNotInCurrentOrganization': { kind: 'auth', hint: NOT_A_MEMBER_HINT },
  'InvalidParam.NoPermission': { kind: 'auth', hint: RAM_HINT },
  'InvalidOrganization.NotFound': { kind: 'not_found', hint: 'Check organization_id: the id in https://devops.aliyun.com/organization/<id>' },
  'InvalidPipeline.NotFound': {
    kind: 'not_found',
    hint: 'Check pipeline_id (the number in https://flow.aliyun.com/pipelines/<id>/current) and that the pipeline belongs to organization_id'
  },
  'InvalidPipelineRun.NotFound': { kind: 'not_found', hint: "Check run_id: the run's number within the pipeline (#12 → 12)" },
  // POP gateway (reference §1.5)
  SignatureDoesNotMatch: { kind: 'auth', hint: SIGNATURE_HINT },
  IncompleteSignature: { kind: 'auth', hint: SIGNATURE_HINT },
  'InvalidAccessKeyId.NotFound': { kind: 'auth', hint: 'The access key id is unknown to Alibaba Cloud: check access_key_id (and that the key was not deleted)' },
  'InvalidAccessKeyId.Inactive': { kind: 'auth', hint: 'The access key is disabled: enable it in the RAM console or use another one' },
  SignatureNonceUsed: { kind: 'client', hint: 'The signature nonce was used before; run the job again' },
  // new OpenAPI (reference §3.3)
  BadRequest: { kind: 'client' },
  UnsupportedInCurrentEnv: {
    kind: 'client',
    hint: 'The API is not available on this Yunxiao edition: check endpoint (leave it empty for the central edition; region editions have their own domain and no organization_id in their paths)'
  },
  UnsupportedCurrentTokenType: { kind: 'auth', hint: 'Use a personal access token (it starts with pt-) in token' },
  Unauthorized: { kind: 'auth', hint: TOKEN_HINT },
  ExpiredTokenError: { kind: 'auth', hint: TOKEN_HINT },
  InvalidTokenError: { kind: 'auth', hint: TOKEN_HINT },
  'Forbidden.InvalidUser.UserNotInCurrentOrganization': { kind: 'auth', hint: NOT_A_MEMBER_HINT },
  'Forbidden.InvalidOrganizationMember': { kind: 'auth', hint: NOT_A_MEMBER_HINT },
  Forbidden: { kind: 'auth', hint: TOKEN_SCOPE_HINT },
  TooManyRequests: { kind: 'throttled' },
  InternalServerError: { kind: 'server' },
  ServiceUnavailable: { kind: 'unavailable' }
}

function knownError(code: string, nowMs: number, serverDate: string | undefined): Known | undefined {
  if (code === 'InvalidTimeStamp.Expired') return { kind: 'auth', hint: clockSkewHint('Alibaba Cloud', nowMs, serverDate) }
  // Throttling, Throttling.User, Throttling.Api, ...: the request was refused before anything was done.
  if (code === 'Throttling' || code.startsWith('Throttling.')) return { kind: 'throttled' }
  if (code.startsWith('InvalidSecurityToken.')) {
    return { kind: 'auth', hint: 'The STS security token is invalid or expired, or does not belong to access_key_id: get fresh temporary credentials' }
  }
  return Object.hasOwn(KNOWN_ERRORS, code) ? KNOWN_ERRORS[code] : undefined
}
