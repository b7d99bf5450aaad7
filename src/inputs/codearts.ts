import { CODEARTS_ENDPOINTS, DEFAULT_REGION } from '../providers/codearts/regions.js'
import type { CommonSettings } from './common.js'
import { readEndpoint } from './fields.js'
import { invalid, type Given, type InputName, type Read } from './names.js'
import { readHuaweiProjectScope, type HuaweiProjectScope } from './huawei-scope.js'

/** Inputs of the Huawei providers: CodeArts ids, region or endpoint, and IAM credentials. */

export type HuaweiCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'aksk'; readonly accessKeyId: string; readonly secretAccessKey: string; readonly securityToken?: string }

export interface CodeArtsSettings extends CommonSettings {
  readonly provider: 'codearts'
  /** The CodeArts project id (32 characters), which is not the IAM project id. */
  readonly projectId: string
  /** The IAM project the requests are scoped to (X-Project-Id): given, looked up, or the token's own. */
  readonly projectScope: HuaweiProjectScope
  readonly region: string
  readonly endpoint: string
  readonly credentials: HuaweiCredentials
}

const MAX_VARIABLE_VALUE = 8192

/** The provider-specific inputs codearts reads; any other one is a mistake. */
export const CODEARTS_INPUTS: readonly InputName[] = ['project_id', 'iam_project_id', 'iam_endpoint', 'region', 'endpoint', 'token', 'access_key_id', 'access_key_secret', 'security_token']

export const ID_32 = /^[0-9a-zA-Z]{32}$/

export function readCodeArts(common: CommonSettings, read: Read, given: Given): CodeArtsSettings {
  const kindOfId = 'a CodeArts id: 32 letters and digits'
  if (!ID_32.test(common.pipelineId)) throw invalid('pipeline_id', `"${common.pipelineId}" is not ${kindOfId} (the last part of the pipeline's URL)`)
  if (common.runId !== undefined && !ID_32.test(common.runId)) throw invalid('run_id', `"${common.runId}" is not a CodeArts run id: 32 letters and digits`)
  if (!given('project_id')) throw invalid('project_id', 'is required for codearts: the CodeArts project id (32 characters, in the project URL), not the IAM project id')
  if (!ID_32.test(read('project_id'))) throw invalid('project_id', `"${read('project_id')}" is not ${kindOfId}; hyphens and spaces are not part of it`)

  if (common.operation === 'retry') {
    if (common.jobs.length > 0) throw invalid('jobs', 'is not used by codearts on retry: CodeArts re-runs the failed jobs of the run itself')
    if (!common.failedOnly) throw invalid('failed_only', 'false is not supported by codearts: its retry re-runs the failed jobs only; start a new run instead')
  }
  if (common.skipFailed) throw invalid('skip_failed', 'is only supported by bkci')
  if (common.operation !== 'run' && common.operation !== 'retry' && common.jobs.length > 0) throw invalid('jobs', `is not used with operation ${common.operation}`)
  for (const variable of common.variables) {
    if (variable.value.length > MAX_VARIABLE_VALUE) throw invalid('variables', `the value of ${variable.name} is ${variable.value.length} characters; CodeArts takes at most ${MAX_VARIABLE_VALUE}`)
  }

  const where = readHuaweiEndpoint(read, given)
  const credentials = readHuaweiCredentials(read, given)
  return {
    ...common,
    provider: 'codearts',
    projectId: read('project_id'),
    ...where,
    credentials,
    projectScope: readHuaweiProjectScope(read, given, where.region, credentials)
  }
}

/** The region (cn-north-4 when empty) and the endpoint: `endpoint` if given, else the region's from the official table. */
export function readHuaweiEndpoint(read: Read, given: Given): { region: string; endpoint: string } {
  const region = given('region') ? read('region') : DEFAULT_REGION
  const endpoint = given('endpoint') ? readEndpoint(read('endpoint')) : CODEARTS_ENDPOINTS[region]
  if (!/^[a-z]{2}-[a-z]+-\d$/.test(region)) throw invalid('region', `"${region}" is not a region name like cn-north-4`)
  if (endpoint === undefined) {
    throw invalid('region', `"${region}" has no CodeArts Pipeline endpoint; known regions: ${Object.keys(CODEARTS_ENDPOINTS).join(', ')} (or set endpoint)`)
  }
  return { region, endpoint }
}

export function readHuaweiCredentials(read: Read, given: Given): HuaweiCredentials {
  const hasKeys = given('access_key_id') || given('access_key_secret')
  if (given('token') && hasKeys) {
    throw invalid('token', 'and access_key_id/access_key_secret were both given; use one way to sign in: an IAM token, or an AK/SK pair')
  }
  if (given('token')) {
    if (given('security_token')) throw invalid('security_token', 'goes with access_key_id/access_key_secret (temporary AK/SK), not with token')
    const token = read('token')
    if (/\s/.test(token)) throw invalid('token', 'contains white space; paste the X-Subject-Token value alone')
    return { kind: 'token', token }
  }
  if (!hasKeys) {
    if (given('security_token')) throw invalid('security_token', 'goes with access_key_id and access_key_secret (a temporary AK/SK), which are missing')
    throw invalid('token', 'codearts needs credentials: an IAM token in token, or an AK/SK pair in access_key_id and access_key_secret')
  }
  if (!given('access_key_id')) throw invalid('access_key_id', 'is required with access_key_secret')
  if (!given('access_key_secret')) throw invalid('access_key_secret', 'is required with access_key_id')
  if (!/^[A-Za-z0-9]{10,64}$/.test(read('access_key_id'))) throw invalid('access_key_id', 'is not an access key id: 10 to 64 letters and digits')
  if (/\s/.test(read('access_key_secret'))) throw invalid('access_key_secret', 'contains white space')
  if (given('security_token') && /\s/.test(read('security_token'))) throw invalid('security_token', 'contains white space')
  return {
    kind: 'aksk',
    accessKeyId: read('access_key_id'),
    secretAccessKey: read('access_key_secret'),
    securityToken: given('security_token') ? read('security_token') : undefined
  }
}

