import { RelayError } from '../core/errors.js'

/** The names of all inputs, which are credentials, and their defaults. */

/** Inputs every provider reads. */
export const COMMON_INPUTS = [
  'provider',
  'operation',
  'pipeline_id',
  'run_id',
  'variables',
  'branch',
  'tag',
  'message',
  'jobs',
  'failed_only',
  'skip_failed',
  'wait',
  'timeout',
  'poll_interval',
  'request_timeout',
  'propagate_failure',
  'cancel_on_abort',
  'logs',
  'variables_check',
  'output_prefix'
] as const

/** Ids, endpoints and credentials: each provider reads some of these (PROVIDER_INPUTS). */
const PROVIDER_SPECIFIC_INPUTS = [
  'project_id',
  'iam_project_id',
  'iam_endpoint',
  'domain_id',
  'organization_id',
  'region',
  'endpoint',
  'console_url',
  'api',
  'token',
  'access_key_id',
  'access_key_secret',
  'security_token',
  'app_code',
  'app_secret',
  'username',
  'gitcode_token',
  'repository_url',
  'pipeline_file',
  'commit'
] as const

export const INPUT_NAMES = [...COMMON_INPUTS, ...PROVIDER_SPECIFIC_INPUTS] as const

export type InputName = (typeof INPUT_NAMES)[number]

/** Credentials: masked the moment they are read. */
export const SECRET_INPUTS: ReadonlySet<InputName> = new Set<InputName>([
  'token',
  'access_key_id',
  'access_key_secret',
  'security_token',
  'app_secret',
  'gitcode_token'
])

/** Returns an input's raw value, '' when it was not given. */
export type InputSource = (name: InputName) => string

/**
 * Defaults for inputs left empty (action.yml states the same ones). Only inputs every provider
 * reads have one: GitHub passes an action.yml default as if the user had given it, so a
 * provider-specific default (region) is applied by its provider's reader instead.
 */
export const DEFAULTS: Partial<Record<InputName, string>> = {
  operation: 'run',
  failed_only: 'true',
  skip_failed: 'false',
  wait: 'true',
  timeout: '60m',
  poll_interval: 'auto',
  request_timeout: '40s',
  propagate_failure: 'true',
  cancel_on_abort: 'true',
  logs: 'failed',
  variables_check: 'strict',
  output_prefix: 'RELAY_'
}

export function invalid(input: InputName, message: string): RelayError {
  return new RelayError('input', `Input ${input}: ${message}`)
}

/** An input's value after defaults ('' when not given), and whether it was given. */
export type Read = (name: InputName) => string
export type Given = (name: InputName) => boolean
