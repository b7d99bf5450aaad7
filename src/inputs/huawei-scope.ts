import { RelayError } from '../core/errors.js'
import { GLOBAL_IAM_ENDPOINT, IAM_ENDPOINT_VARIABLE, regionIamEndpoint } from '../providers/codearts/iam-endpoints.js'
import type { HuaweiCredentials } from './codearts.js'
import { readEndpoint } from './fields.js'
import { invalid, type Given, type Read } from './names.js'

/**
 * Which IAM project a Huawei request is scoped to (X-Project-Id). The official SDK signs every
 * CodeArts call, v5 and v6, with project credentials (BasicCredentials): the project id given, or
 * else the one IAM names for the region, looked up once (see iam-endpoints.ts for the sources).
 * An IAM token is already scoped to a project when it is issued, so it needs neither.
 */
export type HuaweiProjectScope =
  | { readonly kind: 'token' }
  | { readonly kind: 'given'; readonly projectId: string }
  | {
      readonly kind: 'lookup'
      /** The region whose project IAM is asked for (the project is named after its region). */
      readonly region: string
      readonly iamEndpoint: string
      /** Where the endpoint came from, for the log. */
      readonly endpointFrom: string
    }

const IAM_PROJECT_ID = /^[0-9a-zA-Z]{32}$/

export function readHuaweiProjectScope(
  read: Read,
  given: Given,
  region: string,
  credentials: HuaweiCredentials,
  env: Readonly<Record<string, string | undefined>> = process.env
): HuaweiProjectScope {
  if (credentials.kind === 'token') {
    const scoped = 'an IAM token is already scoped to the project it was issued for; remove it'
    if (given('iam_project_id')) throw invalid('iam_project_id', `is used with access_key_id/access_key_secret only: ${scoped}`)
    if (given('iam_endpoint')) throw invalid('iam_endpoint', `is used with access_key_id/access_key_secret only: ${scoped}`)
    return { kind: 'token' }
  }
  if (given('iam_project_id')) {
    if (!IAM_PROJECT_ID.test(read('iam_project_id'))) throw invalid('iam_project_id', 'is not an IAM project id: 32 letters and digits')
    if (given('iam_endpoint')) throw invalid('iam_endpoint', 'is only used to look up the IAM project id, which iam_project_id already gives; remove one of them')
    return { kind: 'given', projectId: read('iam_project_id') }
  }
  if (given('iam_endpoint')) return { kind: 'lookup', region, iamEndpoint: readEndpoint(read('iam_endpoint'), 'iam_endpoint'), endpointFrom: 'iam_endpoint' }
  const fromEnvironment = (env[IAM_ENDPOINT_VARIABLE] ?? '').trim()
  if (fromEnvironment !== '') {
    return { kind: 'lookup', region, iamEndpoint: environmentEndpoint(fromEnvironment), endpointFrom: IAM_ENDPOINT_VARIABLE }
  }
  const iamEndpoint = regionIamEndpoint(region)
  return { kind: 'lookup', region, iamEndpoint, endpointFrom: iamEndpoint === GLOBAL_IAM_ENDPOINT ? 'the global IAM endpoint' : `the IAM endpoint of ${region}` }
}

function environmentEndpoint(text: string): string {
  try {
    return readEndpoint(text, 'iam_endpoint')
  } catch (error) {
    // The same checks as the input, reported against the variable the value came from.
    const reason = error instanceof Error ? error.message.replace(/^Input iam_endpoint: /, '') : String(error)
    throw new RelayError('input', `Environment variable ${IAM_ENDPOINT_VARIABLE}: ${reason}`)
  }
}
