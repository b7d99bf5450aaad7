import { RelayError, kindForStatus } from '../../core/errors.js'
import type { HttpRequest, HttpResponse } from '../../core/http.js'
import { parseRetryAfter } from '../../core/retry.js'
import { VendorClient, preview, readJsonBody, type ApiRequest, type VendorDialect } from '../../core/vendor-client.js'
import type { HuaweiCredentials, HuaweiProjectScope } from '../../inputs/index.js'
import { signHuaweiRequest } from '../../signing/huawei-sdk-hmac-sha256.js'
import { arrayOf, record, stringOf } from '../json.js'
import type { CallOptions, ProviderDeps } from '../types.js'
import { signatureHint, vendorError } from './dialect.js'

/**
 * The X-Project-Id of Huawei requests signed with AK/SK, as the official SDK sends it
 * (huaweicloud-sdk-python-v3 3.1.211, huaweicloudsdkcore/auth/credentials.py,
 * `BasicCredentials.process_auth_params` and `sign_request`): the project id given, or else the one
 * IAM answers for `GET /v3/projects?name=<region>`, signed with the same AK/SK, asked once and kept.
 * No project of that name, or more than one, and the SDK stops and asks for the id; so do we.
 */
export interface ProjectScope {
  /** Resolves the project id if it still has to be looked up; the first call asks IAM, later calls reuse it. */
  prepare(options?: CallOptions): Promise<void>
  /** The headers that scope a request: X-Project-Id once known, none with an IAM token. */
  headers(): Readonly<Record<string, string>>
}

/** For the settings log: where X-Project-Id comes from (the id itself is logged once looked up). */
export function describeProjectScope(scope: HuaweiProjectScope): string[] {
  switch (scope.kind) {
    case 'token':
      return []
    case 'given':
      return [`X-Project-Id: ${scope.projectId} (given as iam_project_id)`]
    case 'lookup':
      return [`X-Project-Id: the IAM project of ${scope.region}, looked up from IAM at ${scope.iamEndpoint} (${scope.endpointFrom})`]
  }
}

export interface ProjectScopeDeps extends ProviderDeps {
  requestTimeoutMs: number
}

export function createProjectScope(scope: HuaweiProjectScope, credentials: HuaweiCredentials, deps: ProjectScopeDeps): ProjectScope {
  switch (scope.kind) {
    case 'token':
      return { prepare: () => Promise.resolve(), headers: () => ({}) }
    case 'given':
      return { prepare: () => Promise.resolve(), headers: () => ({ 'X-Project-Id': scope.projectId }) }
    case 'lookup':
      if (credentials.kind === 'token') throw new Error('an IAM project is looked up with AK/SK only')
      return new IamProjectLookup(scope, credentials, deps)
  }
}

class IamProjectLookup implements ProjectScope {
  private projectId: string | undefined
  private pending: Promise<string> | undefined
  private readonly client: VendorClient

  constructor(
    private readonly scope: Extract<HuaweiProjectScope, { kind: 'lookup' }>,
    credentials: Extract<HuaweiCredentials, { kind: 'aksk' }>,
    private readonly deps: ProjectScopeDeps
  ) {
    this.client = new VendorClient({ ...deps, baseUrl: scope.iamEndpoint, dialect: iamDialect(credentials) })
  }

  async prepare(options?: CallOptions): Promise<void> {
    if (this.projectId !== undefined) return
    // Requests that start together share one look-up. A failed one is forgotten, so that the
    // next request asks again (a poll after a network fault) instead of failing for good.
    this.pending ??= this.lookUp(options).finally(() => {
      this.pending = undefined
    })
    this.projectId = await this.pending
  }

  headers(): Readonly<Record<string, string>> {
    return this.projectId === undefined ? {} : { 'X-Project-Id': this.projectId }
  }

  private async lookUp(options?: CallOptions): Promise<string> {
    const { region, iamEndpoint } = this.scope
    // A read like any other, with the limits of the request that needs it (a stop while the job
    // is being canceled gets a short look-up).
    const answer = record(
      await this.client.send({
        method: 'GET',
        path: '/v3/projects',
        query: { name: region },
        intent: 'read',
        action: `look up the IAM project of region ${region}`,
        options
      })
    )
    const projects = arrayOf(answer.projects)
    const giveIt = 'give iam_project_id: the project id of the region, under My Credentials > API Credentials in the Huawei Cloud console'
    if (projects.length === 0) {
      // 'auth': these credentials cannot be scoped to the region, which every CodeArts request needs.
      throw new RelayError('auth', `IAM at ${iamEndpoint} has no project named ${region} for these credentials: check region, or ${giveIt}`)
    }
    const ids = projects.map(project => stringOf(project.id) ?? '?')
    if (projects.length > 1) {
      throw new RelayError('auth', `IAM at ${iamEndpoint} answered with ${projects.length} projects named ${region} (${ids.join(', ')}): ${giveIt}, to say which one`)
    }
    const id = ids[0] ?? '?'
    // Vendor text that becomes a header: only in the documented form of a project id.
    if (!/^[0-9a-zA-Z]{32}$/.test(id)) throw new RelayError('protocol', `IAM answered with a project id that is not 32 letters and digits: ${preview(id, 40)}`)
    this.deps.log.info(`X-Project-Id: ${id}, the IAM project of ${region} (from ${iamEndpoint})`)
    return id
  }
}

/** IAM takes the same AK/SK signature as the API gateway; the look-up itself carries no project. */
function iamDialect(credentials: Extract<HuaweiCredentials, { kind: 'aksk' }>): VendorDialect {
  return {
    authorize: (request: HttpRequest, now: Date): HttpRequest => ({
      ...request,
      headers: signHuaweiRequest({ method: request.method, url: request.url, headers: request.headers, body: request.body ?? '' }, credentials, now)
    }),
    interpret: interpretIamResponse
  }
}

function interpretIamResponse(response: HttpResponse, request: ApiRequest, nowMs: number): unknown {
  const body = readJsonBody(response)
  const requestId = response.headers['x-iam-trace-id'] ?? response.headers['x-request-id']
  const ok = response.status >= 200 && response.status < 300
  if (ok && body.kind === 'json') return body.value
  const retryAfterMs = parseRetryAfter(response.headers['retry-after'], nowMs)
  if (ok) throw new RelayError('protocol', `IAM answered "${request.action}" with ${body.kind === 'empty' ? 'an empty body' : 'a body that is not JSON'}`, { status: response.status, requestId })
  // IAM answers with the gateway's {error_code, error_msg} or Keystone's {error: {code, message}}.
  const error = body.kind === 'json' ? vendorError(body.value) : undefined
  const code = error?.code
  const message = error?.message ?? (body.kind === 'invalid' ? preview(body.text) : `HTTP ${response.status}`)
  const kind = code === 'APIG.0308' ? 'throttled' : kindForStatus(response.status)
  const hint = kind === 'auth' ? iamAuthHint(response, code, message, nowMs) : undefined
  throw new RelayError(kind, `IAM refused to ${request.action}: ${message}`, { status: response.status, vendorCode: code, requestId: error?.requestId ?? requestId, retryAfterMs, hint })
}

function iamAuthHint(response: HttpResponse, code: string | undefined, message: string, nowMs: number): string {
  if (response.status === 403) return 'The credentials may not list IAM projects (iam:projects:listProjects): give iam_project_id instead'
  // The same signature as CodeArts', refused for the same reasons: the same hints.
  return signatureHint(code ?? '', message, nowMs, response.headers.date)
}
