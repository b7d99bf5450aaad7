import type { CommonSettings } from './common.js'
import { readEndpoint } from './fields.js'
import { invalid, type Given, type InputName, type Read } from './names.js'

/**
 * Inputs of the bkci provider (reference/tencent-bkci.md): Tencent BlueKing CI through the BlueKing API gateway.
 * The endpoint is the gateway base ({BK_API_URL_TMPL with the gateway name}/{stage}); the credentials are a
 * BlueKing app (app_code/app_secret) or a gateway access_token, and bk-ci acts as `username` (X-DEVOPS-UID).
 */

export type BkciApi = 'v4' | 'v3'
export const BKCI_APIS: readonly BkciApi[] = ['v4', 'v3']

/**
 * How requests are authorized (reference §3.1), all in the X-Bkapi-Authorization header:
 * - `app`: {"bk_app_code", "bk_app_secret", "bk_username"} — app mode, the mode the apigw-app resources are made for;
 * - `token`: {"access_token"} alone — a token carries its own app and user. The documentation forbids mixing it
 *   with other credentials while the gateway's code accepts the mix (the token wins); sent alone it works either way.
 * `username` goes in both, as X-DEVOPS-UID: bk-ci declares that header required on every build resource.
 */
export type BkciCredentials =
  | { readonly kind: 'app'; readonly appCode: string; readonly appSecret: string; readonly username: string }
  | { readonly kind: 'token'; readonly accessToken: string; readonly username: string }

export interface BkciSettings extends CommonSettings {
  readonly provider: 'bkci'
  readonly api: BkciApi
  /** The gateway base, no trailing slash: https://bkapi.example.com/api/devops/prod */
  readonly endpoint: string
  /** The project's English name (bk-ci calls it projectId / projectCode). */
  readonly projectId: string
  /** The bk-ci web console origin, for run_url: derived from the endpoint (see consoleUrlFor). */
  readonly consoleUrl: string
  readonly credentials: BkciCredentials
}

/** The provider-specific inputs bkci reads; any other one is a mistake. */
export const BKCI_INPUTS: readonly InputName[] = ['project_id', 'endpoint', 'console_url', 'api', 'app_code', 'app_secret', 'username', 'token']

// Ids are a one-letter prefix, "-", and a UUID without hyphens: IdGenerator.getNextId() = "${prefix}-${UUIDUtil.generate()}"
// with prefix p (PipelineIdGenerator) and b (BuildIdGenerator) in bk-ci's process service.
const PIPELINE_ID = /^p-[0-9a-f]{32}$/
const BUILD_ID = /^b-[0-9a-f]{32}$/
// New projects: 2 to 32 characters, [a-z][a-zA-Z0-9-]+ (AbsProjectServiceImpl.validate). bk-ci's process service
// only warns about ids outside that rule, so older ones exist (stream projects are git_<number>): underscores and
// up to 64 characters (the PROJECT_ID columns) are let through.
const PROJECT_ID = /^[a-z][A-Za-z0-9_-]{1,63}$/
// bk-ci variable names: [A-Za-z_][A-Za-z_0-9.]* (PipelineUtils.ENGLISH_NAME_PATTERN).
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/
// A BlueKing user name: letters, digits and _ . @ - (no spaces); it travels in a header.
const USERNAME = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/
// Printable ASCII without spaces: header-safe, and what app secrets and tokens are made of.
const HEADER_SAFE = /^[\x21-\x7e]+$/

/** The gateway's own bounds (bk-auth-verify app-account-verifier): longer values are refused unverified. */
export const MAX_APP_CODE_LENGTH = 32
export const MAX_APP_SECRET_LENGTH = 128
/** bk-ci refuses a start value longer than this (2101256, T_PIPELINE_BUILD_VAR.VALUE varchar(4000)). */
export const MAX_VARIABLE_VALUE = 4000
/**
 * bk-ci cuts the build message to 255 characters (StartBuildContext: coerceAtMaxLength(255)). The correlation mark
 * " [relay:<10 hex digits>]" (19 characters) must survive the cut, so the message gets the rest.
 */
export const MAX_BUILD_MESSAGE = 255
export const MAX_BKCI_MESSAGE = MAX_BUILD_MESSAGE - ' [relay:0123456789]'.length
/** The start value bk-ci takes as the build message; we set it from `message` and the correlation mark. */
export const BUILD_MESSAGE_VARIABLE = 'BK_CI_BUILD_MSG'

export function readBkci(common: CommonSettings, read: Read, given: Given): BkciSettings {
  checkIds(common, read, given)
  checkOperation(common, read)
  const endpoint = readGatewayEndpoint(read, given)
  return {
    ...common,
    provider: 'bkci',
    api: readApi(read),
    endpoint,
    projectId: read('project_id'),
    consoleUrl: given('console_url') ? readEndpoint(read('console_url'), 'console_url') : consoleUrlFor(endpoint),
    credentials: readCredentials(read, given)
  }
}

function checkIds(common: CommonSettings, read: Read, given: Given): void {
  const pipelineId = common.pipelineId
  if (!PIPELINE_ID.test(pipelineId)) {
    const inUrl = /\/(p-[0-9a-f]{32})(?:[/?#]|$)/.exec(pipelineId)?.[1]
    const hint = inUrl !== undefined ? `; the pipeline id is the ${inUrl} part of that URL` : " (in the pipeline's URL: .../console/pipeline/<project>/<p-...>/...)"
    throw invalid('pipeline_id', `"${pipelineId}" is not a bk-ci pipeline id: "p-" and 32 lowercase hex digits${hint}`)
  }
  if (common.runId !== undefined && !BUILD_ID.test(common.runId)) {
    const runId = common.runId
    const hint = /^#?\d+$/.test(runId)
      ? `; ${runId} looks like a build number, while run_id is the build id`
      : ' (the run_id output of the step that started it, or the last part of the build URL .../detail/<b-...>)'
    throw invalid('run_id', `"${runId}" is not a bk-ci build id: "b-" and 32 lowercase hex digits${hint}`)
  }
  if (!given('project_id')) throw invalid('project_id', "is required for bkci: the project's English name (the part after /console/pipeline/ in the console URL)")
  const projectId = read('project_id')
  if (!PROJECT_ID.test(projectId)) {
    throw invalid(
      'project_id',
      `"${projectId}" is not a bk-ci project English name: a lowercase letter, then letters, digits, "-" or "_" (2 to 64 characters); the display name of the project is not it`
    )
  }
}

function checkOperation(common: CommonSettings, read: Read): void {
  const { operation } = common
  if (common.tag !== undefined) throw invalid('tag', 'is not supported by bkci: its start API takes a branch (for pipelines as code) but no tag')
  if (operation === 'run' && common.jobs.length > 0) {
    throw invalid('jobs', 'is not used by bkci with operation run: a bk-ci build runs the whole pipeline; jobs names what to retry')
  }
  if (operation === 'retry' && common.jobs.length > 1) {
    throw invalid('jobs', `names ${common.jobs.length} ids; a bk-ci retry takes one (a stage id, a job id or a step id)`)
  }
  if (operation !== 'run' && operation !== 'retry' && common.jobs.length > 0) throw invalid('jobs', `is not used with operation ${operation}`)
  if (common.skipFailed && operation !== 'retry') throw invalid('skip_failed', `is only used with operation retry, not ${operation}`)
  if (common.skipFailed && !common.failedOnly) {
    throw invalid('skip_failed', 'true skips the failed steps and goes on, which does not go with failed_only: false (re-run the whole build); set one of them')
  }
  checkVariables(common, read)
  if (common.message !== undefined && common.message.length > MAX_BKCI_MESSAGE) {
    throw invalid(
      'message',
      `is ${common.message.length} characters long; bkci takes at most ${MAX_BKCI_MESSAGE} (bk-ci keeps ${MAX_BUILD_MESSAGE} characters of a build message, and pipeline-relay adds a mark to find the build again)`
    )
  }
}

function checkVariables(common: CommonSettings, read: Read): void {
  const text = read('variables').trim()
  // bk-ci takes a flat JSON object of strings (map<string,string>); the common reader also takes CodeArts' array form
  // and turns numbers and booleans into text, which would hide a mistake here.
  if (text.startsWith('[')) throw invalid('variables', 'bkci takes KEY=VALUE lines or a flat JSON object of strings, not a JSON array')
  if (text.startsWith('{')) {
    for (const [name, value] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
      if (typeof value !== 'string') {
        throw invalid('variables', `the value of ${name} must be a JSON string (bk-ci start values are strings), not ${typeof value}: write "${String(value)}"`)
      }
    }
  }
  for (const { name, value } of common.variables) {
    if (name === BUILD_MESSAGE_VARIABLE) throw invalid('variables', `${BUILD_MESSAGE_VARIABLE} is set from the message input; use message instead`)
    if (!VARIABLE_NAME.test(name)) {
      throw invalid('variables', `"${name}" is not a bk-ci variable name: a letter or _, then letters, digits, _ or . (no "-")`)
    }
    if (value.length > MAX_VARIABLE_VALUE) {
      throw invalid('variables', `the value of ${name} is ${value.length} characters; bk-ci takes at most ${MAX_VARIABLE_VALUE}`)
    }
  }
}

function readApi(read: Read): BkciApi {
  const api = read('api')
  if (api === '') return 'v4'
  if (!(BKCI_APIS as readonly string[]).includes(api)) {
    throw invalid('api', `"${api}" is not a bkci API; expected v4 (the gateway's published resources, default) or v3 (the older paths, on gateways that still expose them)`)
  }
  return api as BkciApi
}

function readGatewayEndpoint(read: Read, given: Given): string {
  if (!given('endpoint')) {
    throw invalid('endpoint', 'is required for bkci: the BlueKing API gateway base of bk-ci, such as https://bkapi.example.com/api/devops/prod (gateway name and stage included)')
  }
  const endpoint = readEndpoint(read('endpoint'))
  const path = new URL(endpoint).pathname
  // The provider adds the resource path; a copied resource URL would double it.
  if (/\/apigw-(app|user)(\/|$)|\/v[34]\/apigw(\/|$)|\/v[34]$|\/build_[a-z]+$/.test(path)) {
    throw invalid('endpoint', `"${endpoint}" includes an API path; give the gateway base only (such as https://bkapi.example.com/api/devops/prod), pipeline-relay adds /v4/apigw-app/...`)
  }
  return endpoint
}

function readCredentials(read: Read, given: Given): BkciCredentials {
  if (!given('username')) {
    throw invalid('username', 'is required for bkci: the bk-ci user the builds run as (sent as X-DEVOPS-UID); it needs the pipeline permissions execute and view')
  }
  const username = read('username')
  if (!USERNAME.test(username)) throw invalid('username', `"${username}" is not a BlueKing user name: letters, digits, _ . @ - and no spaces (at most 64)`)

  const hasApp = given('app_code') || given('app_secret')
  if (given('token')) {
    if (hasApp) {
      const extra = given('app_code') ? 'app_code' : 'app_secret'
      throw invalid(extra, 'cannot be combined with token: the gateway takes an access_token alone (it carries its own app and user); give app_code/app_secret or token')
    }
    const token = read('token')
    if (!HEADER_SAFE.test(token)) throw invalid('token', 'contains white space or characters outside ASCII; paste the access_token value alone')
    return { kind: 'token', accessToken: token, username }
  }
  if (!hasApp) throw invalid('app_code', 'is required for bkci: the BlueKing app code and app_secret (or a gateway access_token in token)')
  if (!given('app_code')) throw invalid('app_code', 'is required with app_secret')
  if (!given('app_secret')) throw invalid('app_secret', 'is required with app_code')
  const appCode = read('app_code')
  const appSecret = read('app_secret')
  if (appCode.length > MAX_APP_CODE_LENGTH) throw invalid('app_code', `is ${appCode.length} characters; a BlueKing app code has at most ${MAX_APP_CODE_LENGTH}`)
  if (!HEADER_SAFE.test(appCode) || /[<>"\\]/.test(appCode)) throw invalid('app_code', `"${appCode}" is not an app code: no spaces, quotes or <>`)
  if (appSecret.length > MAX_APP_SECRET_LENGTH) throw invalid('app_secret', `is ${appSecret.length} characters; a BlueKing app secret has at most ${MAX_APP_SECRET_LENGTH}`)
  if (!HEADER_SAFE.test(appSecret)) throw invalid('app_secret', 'contains white space or characters outside ASCII')
  return { kind: 'app', appCode, appSecret, username }
}

/**
 * The bk-ci console for run_url. A BlueKing installation serves the gateway at bkapi.<domain> and bk-ci at
 * devops.<domain> (BK_API_URL_TMPL http://bkapi.{domain}/api/{api_name}/; bk-ci's own host is devops.<domain>), so
 * a first host label "bkapi" becomes "devops". Any other host (bk-ci reached directly, an emulator) is taken as the
 * console host itself. Scheme and port are kept; the path is dropped (the console lives at the root).
 */
export function consoleUrlFor(endpoint: string): string {
  const url = new URL(endpoint)
  const labels = url.hostname.split('.')
  if (labels.length > 2 && labels[0] === 'bkapi') url.hostname = ['devops', ...labels.slice(1)].join('.')
  return url.origin
}
