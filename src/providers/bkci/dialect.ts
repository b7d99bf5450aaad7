import { RelayError, kindForStatus, type ErrorKind } from '../../core/errors.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import { parseRetryAfter } from '../../core/retry.js'
import { preview, readJsonBody, type ApiRequest, type VendorDialect } from '../../core/vendor-client.js'
import type { BkciCredentials } from '../../inputs/bkci.js'
import { numberOf, record, stringOf } from '../json.js'

/**
 * How the BlueKing API gateway and bk-ci behind it take credentials and report errors
 * (reference/tencent-bkci.md §0, §3 and §4.3).
 *
 * - Credentials travel in headers only: X-Bkapi-Authorization (a JSON object) for the gateway and X-DEVOPS-UID for
 *   bk-ci. The gateway's legacy form (app_code/app_secret in the query) is never used.
 * - bk-ci answers {status, message, data}; only status 0 is a success. Errors come with HTTP 4xx/5xx and a non-zero
 *   status: a 7-digit bk-ci code (21 platform, 01 process, 3 digits detail) or an HTTP-like 400/403/404/500.
 * - The gateway answers its own refusals with {code, code_name, message, result: false, data: null} and the headers
 *   X-Bkapi-Error-Code / X-Bkapi-Error-Message. Its codes are 16 + HTTP status + 2 digits (1640301 is a 403), which
 *   also tells the meaning when the gateway is set to rewrite every status to 200.
 */

export const AUTHORIZATION_HEADER = 'X-Bkapi-Authorization'
export const USER_HEADER = 'X-DEVOPS-UID'

/** The X-Bkapi-Authorization value: app code and secret (with bk_username), or an access_token alone. */
export function authorizationFor(credentials: BkciCredentials): string {
  if (credentials.kind === 'token') return JSON.stringify({ access_token: credentials.accessToken })
  return JSON.stringify({ bk_app_code: credentials.appCode, bk_app_secret: credentials.appSecret, bk_username: credentials.username })
}

export function createBkciDialect(credentials: BkciCredentials): VendorDialect {
  const authorization = authorizationFor(credentials)
  return {
    authorize(request: HttpRequest): HttpRequest {
      return { ...request, headers: { ...request.headers, [AUTHORIZATION_HEADER]: authorization, [USER_HEADER]: credentials.username } }
    },
    interpret: (response, request, nowMs) => interpretBkciResponse(response, request, nowMs, credentials.kind)
  }
}

type CredentialsKind = BkciCredentials['kind']

/** The `data` of a bk-ci answer whose status is 0, or the RelayError the answer means. */
export function interpretBkciResponse(response: HttpResponse, request: ApiRequest, nowMs: number, credentials: CredentialsKind = 'app'): unknown {
  const ok = response.status >= 200 && response.status < 300
  const requestId = response.headers['x-bkapi-request-id'] ?? response.headers['x-request-id']
  const headerCode = response.headers['x-bkapi-error-code']
  const body = readJsonBody(response)
  const context: ErrorContext = { response, request, nowMs, requestId, credentials }

  if (body.kind === 'json') {
    const value = record(body.value)
    if (isGatewayError(value) || (headerCode !== undefined && !('status' in value))) {
      const code = stringOf(value.code) ?? headerCode ?? ''
      const message = stringOf(value.message) ?? response.headers['x-bkapi-error-message'] ?? 'no message'
      throw gatewayError(context, code, stringOf(value.code_name), message)
    }
    if ('status' in value) {
      const status = numberOf(value.status) ?? stringOf(value.status)
      if (status === 0 && ok) return value.data ?? null
      if (status !== 0 && status !== undefined) throw bkciError(context, String(status), stringOf(value.message) ?? 'no message')
    }
  } else if (headerCode !== undefined) {
    throw gatewayError(context, headerCode, undefined, response.headers['x-bkapi-error-message'] ?? 'no message')
  }

  if (ok) {
    const what =
      body.kind === 'empty' ? 'an empty body' : body.kind === 'invalid' ? `a body that is not JSON: ${preview(body.text)}` : 'JSON without the {status, message, data} envelope'
    throw new RelayError('protocol', `bk-ci answered "${request.action}" with ${what}`, { status: response.status, requestId })
  }
  const detail = body.kind === 'invalid' ? `: ${preview(body.text)}` : ''
  const kind = kindForStatus(response.status)
  throw new RelayError(kind, `bk-ci refused to ${request.action} (HTTP ${response.status}${detail})`, {
    status: response.status,
    requestId,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs),
    hint: kind === 'auth' ? (response.status === 403 ? PERMISSION_HINT : credentialsHint(credentials)) : response.status === 404 ? ENDPOINT_HINT : undefined
  })
}

interface ErrorContext {
  response: HttpResponse
  request: ApiRequest
  nowMs: number
  requestId?: string
  credentials: CredentialsKind
}

function isGatewayError(value: Record<string, unknown>): boolean {
  return value.result === false && 'code' in value && !('status' in value)
}

interface KnownError {
  kind: ErrorKind
  /** What the code means, in English: bk-ci's own messages are often Chinese. */
  meaning: string
  hint?: string
}

const PERMISSION_HINT =
  'The user in username (X-DEVOPS-UID) lacks permission on this pipeline (execute to start, retry and stop; view to watch), or the app is not bound to the project: grant it in bk-ci'
const PIPELINE_HINT = "Check pipeline_id (p-…) and project_id (the project's English name, not its display name)"
const BUILD_HINT = 'Check run_id (b-…) and that it is a build of pipeline_id in project_id'
const ENDPOINT_HINT =
  'Check endpoint (the gateway base with its name and stage, such as https://bkapi.example.com/api/devops/prod) and api (current gateways publish v4 only; v3 needs an older one)'

/** bk-ci error codes a trigger client meets (ProcessMessageCode, reference §4.3). */
export const BKCI_ERRORS: Readonly<Record<string, KnownError>> = {
  '2101020': {
    kind: 'throttled',
    meaning: 'the pipeline was started too often',
    hint: "bk-ci limits how often a pipeline may start (the pipeline's queue size setting); the start is tried again after a pause"
  },
  '2101182': { kind: 'client', meaning: 'the build has already ended', hint: 'There is nothing to stop: the build had finished' },
  '2101019': {
    kind: 'client',
    meaning: 'the build is already being canceled',
    hint: 'Someone canceled it less than 60 s ago; a second cancel after that forces the build to end'
  },
  '2101258': {
    kind: 'client',
    meaning: 'the retry window has passed',
    hint: 'bk-ci retries only builds started within the last 28 days: start a new build with operation run'
  },
  '2101129': {
    kind: 'client',
    meaning: 'a retry of this build is already under way',
    hint: 'The build is running a retry already, or it waits at a manual stage review: wait for it (operation watch) or cancel it first'
  },
  '2101081': { kind: 'client', meaning: 'the build data has expired and cannot be retried', hint: 'Start a new build with operation run' },
  '2101114': { kind: 'client', meaning: 'the stage has not failed, so it cannot be retried', hint: 'Check jobs: a stage retry needs a failed or canceled stage' },
  '2101273': {
    kind: 'client',
    meaning: 'the stage is not running, so a step cannot be retried on its own',
    hint: 'Retry the stage or the whole build instead: leave jobs empty, or give the stage id'
  },
  '2101277': { kind: 'client', meaning: 'the step has not failed or been canceled', hint: 'Only a failed or canceled step can be retried: check jobs' },
  '2101163': { kind: 'not_found', meaning: 'the build does not exist', hint: BUILD_HINT },
  '2101164': { kind: 'not_found', meaning: 'the pipeline does not exist', hint: PIPELINE_HINT },
  '2101038': { kind: 'not_found', meaning: 'the pipeline does not exist', hint: PIPELINE_HINT },
  '2101039': { kind: 'not_found', meaning: 'the pipeline model does not exist', hint: PIPELINE_HINT },
  '2101058': { kind: 'client', meaning: 'the build belongs to another pipeline', hint: 'run_id is a build of another pipeline: check pipeline_id and run_id' },
  '2101047': { kind: 'client', meaning: 'the pipeline is locked', hint: 'The pipeline is disabled in its settings: enable it in bk-ci' },
  '2101049': { kind: 'client', meaning: "the pipeline's queue is full", hint: 'Too many builds wait for this pipeline: let some finish, or raise its queue size' },
  '2101190': { kind: 'client', meaning: 'the pipeline has no released version', hint: 'Release the pipeline in bk-ci: a draft cannot run' },
  '2101254': { kind: 'client', meaning: 'a required start parameter is empty', hint: 'Give it in variables (KEY=VALUE lines or a JSON object)' },
  '2101256': { kind: 'client', meaning: 'a start parameter is longer than 4000 characters', hint: 'Shorten the value in variables' },
  '2101021': { kind: 'client', meaning: 'the pipeline cannot be started manually' },
  '2101008': { kind: 'auth', meaning: 'the user lacks a permission on the pipeline', hint: PERMISSION_HINT },
  '2100006': { kind: 'auth', meaning: 'permission denied', hint: PERMISSION_HINT },
  '2101340': {
    kind: 'auth',
    meaning: 'only the user who started the build or a pipeline manager may cancel it',
    hint: "The pipeline restricts cancelling: set username to the build's trigger user or to a pipeline manager"
  }
}

function bkciError(context: ErrorContext, code: string, message: string): RelayError {
  const { response, request, nowMs, requestId } = context
  const known = BKCI_ERRORS[code]
  // An HTTP-like status in the body (400, 403, 404, 500) means what it says, also when the gateway rewrote the HTTP status to 200.
  const httpLike = /^[1-5]\d\d$/.test(code) ? Number(code) : undefined
  const ok = response.status >= 200 && response.status < 300
  let kind: ErrorKind = known?.kind ?? (ok ? (httpLike === undefined ? 'client' : kindForStatus(httpLike)) : kindForStatus(response.status))
  let hint = known?.hint
  // Refusals bk-ci words rather than codes (ApiAspect, checkPipelineId, the gateway filter).
  if (/invalid buildId/i.test(message)) {
    kind = 'not_found'
    hint = BUILD_HINT
  } else if (/userId cannot be empty|userId.*(blank|empty)/i.test(message)) {
    hint = 'bk-ci got no user: set username (sent as X-DEVOPS-UID)'
  } else if (/app auth fail|access_token/i.test(message)) {
    kind = 'auth'
    hint = credentialsHint(context.credentials)
  } else if (/Permission denied: apigwType/i.test(message)) {
    kind = 'auth'
    hint = 'bk-ci does not let this app use the project: ask the bk-ci admin to bind app_code to project_id (or its group)'
  } else if (/ProjectId \[.*\] not find/i.test(message)) {
    kind = 'not_found'
    hint = PIPELINE_HINT
  }
  if (hint === undefined && kind === 'auth') hint = PERMISSION_HINT
  if (hint === undefined && kind === 'not_found') hint = PIPELINE_HINT
  const meaning = known === undefined ? '' : ` (${known.meaning})`
  return new RelayError(kind, `bk-ci refused to ${request.action}: ${message}${meaning}`, {
    status: response.status,
    vendorCode: code,
    requestId,
    hint,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs)
  })
}

/** The gateway's codes (bk-core/errorx.lua). */
const GATEWAY_ERRORS: Readonly<Record<string, ErrorKind>> = {
  '1640001': 'client',
  '1640004': 'auth',
  '1640100': 'auth',
  '1640101': 'auth',
  '1640102': 'auth',
  '1640301': 'auth',
  '1640302': 'auth',
  '1640303': 'auth',
  '1640304': 'auth',
  '1640401': 'not_found',
  '1641301': 'client',
  '1641401': 'client',
  '1642901': 'throttled',
  '1642902': 'throttled',
  '1642903': 'throttled',
  '1642904': 'throttled',
  '1650200': 'server',
  '1650201': 'server',
  '1650300': 'unavailable',
  '1650401': 'server'
}

function gatewayError(context: ErrorContext, code: string, codeName: string | undefined, message: string): RelayError {
  const { response, request, nowMs, requestId, credentials } = context
  // 16 + HTTP status + 2 digits.
  const implied = /^16[1-5]\d\d\d\d$/.test(code) ? Number(code.slice(2, 5)) : undefined
  let kind: ErrorKind = GATEWAY_ERRORS[code] ?? kindForStatus(implied ?? (response.status >= 400 ? response.status : 500))
  let hint: string | undefined
  if (code === '1640001' && /app|user|verif|auth|token|secret/i.test(message)) kind = 'auth'
  if (code === '1640101' || code === '1640100' || code === '1640004' || (code === '1640001' && kind === 'auth')) hint = credentialsHint(credentials)
  else if (code === '1640102') {
    hint = 'The gateway wants a verified user for this resource, and username alone (bk_username) is not one: pass a user access_token in token, or ask the gateway admin why the devops apigw-app resources require a user'
  } else if (code === '1640301') {
    hint = `The app is not allowed to call this resource of the devops gateway: apply for its permission (BlueKing developer center, the app's cloud API permissions, gateway devops) or ask the gateway admin to grant it`
  } else if (code.startsWith('16403')) hint = 'The gateway refused the request by its access rules (IP, user or tenant): ask the gateway admin'
  else if (code === '1640401') hint = ENDPOINT_HINT
  else if (kind === 'throttled') hint = 'The gateway rate-limited the request; it is tried again after a pause'
  else if (code === '1650401') hint = 'bk-ci did not answer the gateway in time (30 s for build resources)'
  const name = codeName === undefined ? '' : ` (${codeName})`
  return new RelayError(kind, `The BlueKing API gateway refused to ${request.action}: ${message}${name}`, {
    status: response.status,
    vendorCode: code === '' ? undefined : code,
    requestId,
    hint,
    retryAfterMs: parseRetryAfter(response.headers['retry-after'], nowMs)
  })
}

function credentialsHint(credentials: CredentialsKind): string {
  return credentials === 'token'
    ? 'The gateway did not accept the access_token in token: it may have expired; get a new one, or use app_code and app_secret'
    : 'The gateway did not accept the app: check app_code and app_secret (the BlueKing app code and its secret)'
}
