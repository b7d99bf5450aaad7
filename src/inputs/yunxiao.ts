import type { CommonSettings } from './common.js'
import { readEndpoint } from './fields.js'
import { invalid, type Given, type InputName, type Read } from './names.js'

/**
 * Inputs of the yunxiao provider (reference/aliyun-yunxiao.md): the API flavour, the organization, the endpoint and
 * the credentials — a personal access token for the Yunxiao OpenAPI, or an Alibaba Cloud AK/SK (optionally STS) for
 * the legacy `devops` 2021-06-25 POP API.
 */

export type YunxiaoApi = 'openapi' | 'devops-2021-06-25'
export const YUNXIAO_APIS: readonly YunxiaoApi[] = ['openapi', 'devops-2021-06-25']

export type YunxiaoCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'aksk'; readonly accessKeyId: string; readonly accessKeySecret: string; readonly securityToken?: string }

export interface YunxiaoSettings extends CommonSettings {
  readonly provider: 'yunxiao'
  readonly api: YunxiaoApi
  /**
   * The organization (企业) id. Always set for devops-2021-06-25 and for the central OpenAPI; left out only for an
   * OpenAPI region edition (own endpoint), whose paths have no /organizations/{id} part.
   */
  readonly organizationId?: string
  /** Base URL without a trailing slash; for the OpenAPI without `/oapi/v1` (the provider adds it). */
  readonly endpoint: string
  /** True when the endpoint is the default one (central OpenAPI, or devops.cn-hangzhou for the POP API). */
  readonly defaultEndpoint: boolean
  readonly credentials: YunxiaoCredentials
}

/** The provider-specific inputs yunxiao reads; any other one is a mistake. */
export const YUNXIAO_INPUTS: readonly InputName[] = [
  'organization_id',
  'endpoint',
  'api',
  'token',
  'access_key_id',
  'access_key_secret',
  'security_token'
]

export const OPENAPI_ENDPOINT = 'https://openapi-rdc.aliyuncs.com'
/** The only endpoint any user of the devops API is seen to set; the SDK has no endpoint table (reference §1.1). */
export const DEVOPS_ENDPOINT = 'https://devops.cn-hangzhou.aliyuncs.com'

// Yunxiao ids are numbers: pipelineId (long) and pipelineRunId, the run's number within its pipeline (reference §1.2, §2).
const NUMERIC_ID = /^[1-9]\d{0,18}$/
// No format is documented for organization ids (24 hex digits in practice; the SDK examples use other forms).
const ORGANIZATION_ID = /^[A-Za-z0-9_-]{1,64}$/
// Variable names the API refuses (reference §1.3: "`version` is a reserved word and cannot be used as a variable
// name"). Compared without case: environment variable names differ by case only in looks, and VERSION is the
// spelling people write; refusing it here beats a run that starts without it.
const RESERVED_VARIABLES = new Set(['version'])
// Our own bound, not a documented limit: the params JSON travels in one request body.
const MAX_VARIABLES_CHARACTERS = 65_536

export function readYunxiao(common: CommonSettings, read: Read, given: Given): YunxiaoSettings {
  checkIds(common)
  checkOperation(common)
  const credentials = readCredentials(read, given)
  const api = readApi(read, given, credentials)
  const { endpoint, defaultEndpoint } = readYunxiaoEndpoint(read, given, api)
  const organizationId = readOrganization(read, given, api, defaultEndpoint)
  return { ...common, provider: 'yunxiao', api, organizationId, endpoint, defaultEndpoint, credentials }
}

function checkIds(common: CommonSettings): void {
  if (!NUMERIC_ID.test(common.pipelineId)) {
    const inUrl = /\/pipelines\/(\d+)/.exec(common.pipelineId)?.[1]
    const suggestion = inUrl === undefined ? '' : `; use ${inUrl}`
    throw invalid('pipeline_id', `"${common.pipelineId}" is not a Yunxiao pipeline id: a number, as in https://flow.aliyun.com/pipelines/<id>/current${suggestion}`)
  }
  if (common.runId !== undefined && !NUMERIC_ID.test(common.runId)) {
    const digits = /^#(\d+)$/.exec(common.runId)?.[1]
    const suggestion = digits === undefined ? '' : `; use ${digits}`
    throw invalid('run_id', `"${common.runId}" is not a Yunxiao run id: the run's number within the pipeline (pipelineRunId), e.g. 12${suggestion}`)
  }
}

function checkOperation(common: CommonSettings): void {
  if (common.skipFailed) throw invalid('skip_failed', 'is only supported by bkci; Yunxiao re-runs failed jobs on retry')
  if (common.jobs.length > 0 && common.operation !== 'retry') {
    const why = common.operation === 'run' ? 'Flow runs the whole pipeline' : `operation ${common.operation} takes no jobs`
    throw invalid('jobs', `is only used by yunxiao with operation retry (the jobs to re-run, by id or name); ${why}`)
  }
  if (common.operation === 'retry' && !common.failedOnly && common.jobs.length === 0) {
    throw invalid('failed_only', 'false needs jobs with yunxiao: Yunxiao retries single jobs, so name the ones to re-run in jobs (or start a new run)')
  }
  let characters = 0
  for (const variable of common.variables) {
    if (RESERVED_VARIABLES.has(variable.name.toLowerCase())) {
      throw invalid('variables', `${variable.name} is a reserved word in Yunxiao Flow and cannot be a variable name, in any case; rename it, e.g. APP_${variable.name}`)
    }
    characters += variable.name.length + variable.value.length
  }
  if (characters > MAX_VARIABLES_CHARACTERS) {
    throw invalid('variables', `add up to ${characters} characters; at most ${MAX_VARIABLES_CHARACTERS} are sent in one run request`)
  }
}

function readCredentials(read: Read, given: Given): YunxiaoCredentials {
  const hasKeys = given('access_key_id') || given('access_key_secret')
  if (given('token') && hasKeys) {
    throw invalid('token', 'and access_key_id/access_key_secret were both given; use one way to sign in: a personal access token (api openapi), or an AK/SK pair (api devops-2021-06-25)')
  }
  if (given('token')) {
    if (given('security_token')) throw invalid('security_token', 'goes with access_key_id/access_key_secret (temporary AK/SK), not with token')
    const token = read('token')
    if (/\s/.test(token)) throw invalid('token', 'contains white space; paste the personal access token (pt-…) alone, without "Bearer" or a header name')
    return { kind: 'token', token }
  }
  if (!hasKeys) {
    if (given('security_token')) throw invalid('security_token', 'goes with access_key_id and access_key_secret (a temporary AK/SK), which are missing')
    throw invalid(
      'token',
      'yunxiao needs credentials: a Yunxiao personal access token in token (api openapi), or an Alibaba Cloud AK/SK in access_key_id and access_key_secret (api devops-2021-06-25)'
    )
  }
  if (!given('access_key_id')) throw invalid('access_key_id', 'is required with access_key_secret')
  if (!given('access_key_secret')) throw invalid('access_key_secret', 'is required with access_key_id')
  const accessKeyId = read('access_key_id')
  if (!/^[A-Za-z0-9.]{10,128}$/.test(accessKeyId)) throw invalid('access_key_id', 'is not an Alibaba Cloud AccessKey ID: 10 to 128 letters, digits and dots (LTAI…, or STS.… for temporary keys)')
  if (/\s/.test(read('access_key_secret'))) throw invalid('access_key_secret', 'contains white space')
  if (given('security_token') && /\s/.test(read('security_token'))) throw invalid('security_token', 'contains white space')
  if (accessKeyId.startsWith('STS.') && !given('security_token')) {
    throw invalid('security_token', 'is required with a temporary AccessKey ID (STS.…): pass the STS security token that came with it')
  }
  return {
    kind: 'aksk',
    accessKeyId,
    accessKeySecret: read('access_key_secret'),
    securityToken: given('security_token') ? read('security_token') : undefined
  }
}

function readApi(read: Read, given: Given, credentials: YunxiaoCredentials): YunxiaoApi {
  const implied: YunxiaoApi = credentials.kind === 'token' ? 'openapi' : 'devops-2021-06-25'
  if (!given('api')) return implied
  const api = read('api')
  if (!(YUNXIAO_APIS as readonly string[]).includes(api)) {
    throw invalid('api', `"${api}" is not a Yunxiao API; expected ${YUNXIAO_APIS.join(' or ')} (or leave it empty to choose from the credentials)`)
  }
  if (api !== implied) {
    throw invalid(
      'api',
      api === 'openapi'
        ? '"openapi" signs in with a personal access token in token, but access_key_id/access_key_secret were given; pass token, or use api devops-2021-06-25'
        : '"devops-2021-06-25" signs in with an AK/SK pair in access_key_id and access_key_secret, but token was given; pass the AK/SK, or use api openapi'
    )
  }
  return api
}

function readYunxiaoEndpoint(read: Read, given: Given, api: YunxiaoApi): { endpoint: string; defaultEndpoint: boolean } {
  if (!given('endpoint')) return { endpoint: api === 'openapi' ? OPENAPI_ENDPOINT : DEVOPS_ENDPOINT, defaultEndpoint: true }
  const endpoint = readEndpoint(read('endpoint'))
  const host = new URL(endpoint).hostname
  if (api === 'devops-2021-06-25' && (host === 'openapi-rdc.aliyuncs.com' || new URL(endpoint).pathname.startsWith('/oapi/'))) {
    throw invalid('endpoint', `${endpoint} is a Yunxiao OpenAPI address; api devops-2021-06-25 is served at ${DEVOPS_ENDPOINT} (leave endpoint empty)`)
  }
  if (api === 'openapi' && /^devops(\.[a-z0-9-]+)?\.aliyuncs\.com$/.test(host)) {
    throw invalid('endpoint', `${endpoint} is the devops POP API; the Yunxiao OpenAPI is served at ${OPENAPI_ENDPOINT} or a region edition's own domain`)
  }
  // The OpenAPI paths are added below /oapi/v1 by the provider; a base that already names it is taken as well.
  const base = api === 'openapi' ? endpoint.replace(/\/oapi\/v1$/, '') : endpoint
  return { endpoint: base, defaultEndpoint: base === (api === 'openapi' ? OPENAPI_ENDPOINT : DEVOPS_ENDPOINT) }
}

function readOrganization(read: Read, given: Given, api: YunxiaoApi, defaultEndpoint: boolean): string | undefined {
  if (!given('organization_id')) {
    if (api === 'openapi' && !defaultEndpoint) return undefined
    const where = api === 'openapi' ? ' (only a region edition, with its own endpoint, goes without one)' : ''
    throw invalid('organization_id', `is required for yunxiao${where}: the organization id in https://devops.aliyun.com/organization/<id>`)
  }
  const organizationId = read('organization_id')
  if (!ORGANIZATION_ID.test(organizationId)) {
    const inUrl = /\/organization\/([A-Za-z0-9_-]+)/.exec(organizationId)?.[1]
    const suggestion = inUrl === undefined ? '' : `; use ${inUrl}`
    throw invalid('organization_id', `"${organizationId}" is not an organization id: letters, digits, _ and -, as in https://devops.aliyun.com/organization/<id>${suggestion}`)
  }
  return organizationId
}
