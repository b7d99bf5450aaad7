// Every refusal the Yunxiao emulator can answer, API-neutral, and how each API words it: the POP
// API (reference §1.5) and the OpenAPI (§3.3). Codes marked "emulator choice" are documented
// nowhere we found.
import type { YunxiaoApi } from '../runs/types.js'

export type ProblemKind =
  | 'user-not-registered'
  | 'no-rdc-access'
  | 'organization-not-found'
  | 'not-member'
  | 'read-only-token'
  | 'pipeline-not-found'
  | 'run-not-found'
  | 'job-not-found'
  | 'bad-params'
  | 'bad-request'
  | 'params-not-form'
  | 'run-ended'
  | 'job-not-retryable'

/** A business refusal. A class so it can be told apart from a result with `instanceof`. */
export class Problem {
  constructor(
    readonly kind: ProblemKind,
    readonly detail: string
  ) {}
}

export const isProblem = (value: unknown): value is Problem => value instanceof Problem

/** An error as one API words it. `documented`: the document lists this code with its status. */
export interface WordedError {
  status: number
  code: string
  message: string
  documented: boolean
}

const w = (status: number, code: string, message: string, documented: boolean): WordedError => ({ status, code, message, documented })

/** The POP API's business codes (§1.5 lists them with their HTTP status). */
export function popWording(p: Problem): WordedError {
  switch (p.kind) {
    case 'user-not-registered':
      return w(400, 'InvalidUser.NotFound', 'The user that is invoking the API service is not a registered user.', true)
    case 'no-rdc-access':
    case 'read-only-token':
      return w(401, 'InvalidParam.NoPermission', `You are not authorized to operate on this resource: ${p.detail}`, true)
    case 'organization-not-found':
      return w(404, 'InvalidOrganization.NotFound', `The organization does not exist: ${p.detail}`, true)
    case 'not-member':
      return w(403, 'Forbidden.UserNotInCurrentOrganization', `The user is not a member of the current organization: ${p.detail}`, true)
    case 'pipeline-not-found':
      return w(404, 'InvalidPipeline.NotFound', `The pipeline does not exist: ${p.detail}`, true)
    case 'run-not-found':
      return w(404, 'InvalidPipelineRun.NotFound', `The pipeline run does not exist: ${p.detail}`, true)
    case 'params-not-form':
      return w(400, 'InvalidParam.ParamNotPresent', `Required parameter params is not present as a form field: ${p.detail}`, true)
    // Emulator choices, answered on HTTP 200 with success:false unless told otherwise.
    case 'job-not-found':
      return w(404, 'InvalidPipelineJobRun.NotFound', `The pipeline job run does not exist: ${p.detail}`, false)
    case 'bad-params':
    case 'bad-request':
      return w(400, 'InvalidParam.Params', `Invalid parameter: ${p.detail}`, false)
    case 'run-ended':
      return w(400, 'InvalidPipelineRun.Status', `The pipeline run has ended and cannot be stopped: ${p.detail}`, false)
    case 'job-not-retryable':
      return w(400, 'InvalidPipelineJobRun.Status', `The pipeline job run cannot be retried: ${p.detail}`, false)
  }
}

/**
 * The OpenAPI's codes come from its error-code table (§3.3), which has no 404: a missing
 * pipeline, run or job is a 400 BadRequest there (the stricter reading: stay in the table).
 */
export function openApiWording(p: Problem): WordedError {
  switch (p.kind) {
    case 'not-member':
    case 'organization-not-found':
      return w(403, 'Forbidden.InvalidUser.UserNotInCurrentOrganization', `The user is not a member of the current organization: ${p.detail}`, true)
    case 'user-not-registered':
    case 'no-rdc-access':
    case 'read-only-token':
      return w(403, 'Forbidden', `Forbidden: ${p.detail}`, true)
    case 'pipeline-not-found':
    case 'run-not-found':
    case 'job-not-found':
    case 'bad-params':
    case 'bad-request':
    case 'params-not-form':
    case 'run-ended':
    case 'job-not-retryable':
      return w(400, 'BadRequest', p.detail, true)
  }
}

export const wording = (api: YunxiaoApi, p: Problem): WordedError => (api === 'pop' ? popWording(p) : openApiWording(p))

// --- Errors that come before a request reaches Flow: authentication and the API gateway ---

/** The POP gateway shape {RequestId, HostId, Code, Message, Recommend} (§1.5). */
export class PopGatewayError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string,
    readonly headers?: Record<string, string>
  ) {}
}

/** Emulator choice, in POP's wording: no route for this method and path. */
export const popRouteNotFound = () =>
  new PopGatewayError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.')

/** x-acs-action must name the route's action (the header is what POP dispatches on). */
export const popActionMismatch = (action: string | undefined, expected: string) =>
  new PopGatewayError(404, 'InvalidAction.NotFound', `Specified api is not found: x-acs-action ${action ?? '(none)'}, this path is ${expected}.`)

export const popVersionInvalid = (version: string | undefined) =>
  new PopGatewayError(400, 'InvalidVersion', `Specified parameter Version is not valid: ${version ?? '(none)'}; devops needs 2021-06-25.`)

export const popNonceUsed = () => new PopGatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.')

/** The OpenAPI's own authentication errors (§3.3). */
export class OpenApiAuthError {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly message: string
  ) {}
}

export const tokenMissing = () => new OpenApiAuthError(401, 'Unauthorized', 'x-yunxiao-token is missing.')
export const tokenInvalid = () => new OpenApiAuthError(401, 'InvalidTokenError', 'The personal access token is invalid.')
export const tokenExpired = () => new OpenApiAuthError(401, 'ExpiredTokenError', 'The personal access token has expired.')
/** Emulator choice: the table has no 404; an unknown OpenAPI path answers NotFound. */
export const openApiRouteNotFound = () => new OpenApiAuthError(404, 'NotFound', 'No such API.')
