import { RelayError } from './core/errors.js'
import { formatDuration, parseDuration } from './core/duration.js'
import type { ProviderId, Variable } from './providers/types.js'
import { CODEARTS_ENDPOINTS, DEFAULT_REGION } from './providers/codearts/regions.js'

/**
 * The only reader of inputs. Every input is read once, checked, and turned into a read-only,
 * typed Settings object; a bad input stops everything with one message that names the input and
 * the form it expects, before any request is sent.
 */

/** Inputs every provider reads. */
const COMMON_INPUTS = [
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
  'cancel_on_abort'
] as const

/** Ids, endpoints and credentials: each provider reads some of these (PROVIDER_INPUTS). */
const PROVIDER_SPECIFIC_INPUTS = [
  'project_id',
  'iam_project_id',
  'domain_id',
  'organization_id',
  'region',
  'endpoint',
  'api',
  'token',
  'access_key_id',
  'access_key_secret',
  'security_token',
  'app_code',
  'app_secret',
  'username',
  'gitcode_token'
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

export type Operation = 'run' | 'retry' | 'cancel' | 'watch'
export const OPERATIONS: readonly Operation[] = ['run', 'retry', 'cancel', 'watch']

export type HuaweiCredentials =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'aksk'; readonly accessKeyId: string; readonly secretAccessKey: string; readonly securityToken?: string }

interface CommonSettings {
  readonly operation: Operation
  readonly pipelineId: string
  readonly runId?: string
  readonly variables: readonly Variable[]
  readonly branch?: string
  readonly tag?: string
  readonly message?: string
  readonly jobs: readonly string[]
  readonly failedOnly: boolean
  readonly skipFailed: boolean
  readonly wait: boolean
  readonly timeoutMs: number
  /** 'auto', or a fixed pause in milliseconds. */
  readonly pollInterval: 'auto' | number
  readonly requestTimeoutMs: number
  readonly propagateFailure: boolean
  readonly cancelOnAbort: boolean
}

export interface CodeArtsSettings extends CommonSettings {
  readonly provider: 'codearts'
  /** The CodeArts project id (32 characters), which is not the IAM project id. */
  readonly projectId: string
  /** Sent as X-Project-Id when given (see the README: whether the gateway needs it is unconfirmed). */
  readonly iamProjectId?: string
  readonly region: string
  readonly endpoint: string
  readonly credentials: HuaweiCredentials
}

/** One member per provider; later providers join the union. */
export type Settings = CodeArtsSettings

const PROVIDERS_AVAILABLE: readonly ProviderId[] = ['codearts']
const PROVIDERS_PLANNED: readonly ProviderId[] = ['codearts-pac', 'yunxiao', 'bkci']

/** Inputs each provider reads beyond the common ones; any other provider-specific input is a mistake. */
const PROVIDER_INPUTS: Readonly<Record<'codearts', readonly (typeof PROVIDER_SPECIFIC_INPUTS)[number][]>> = {
  codearts: ['project_id', 'iam_project_id', 'region', 'endpoint', 'token', 'access_key_id', 'access_key_secret', 'security_token']
}

/** Defaults for inputs left empty (action.yml states the same ones). */
export const DEFAULTS: Partial<Record<InputName, string>> = {
  operation: 'run',
  region: DEFAULT_REGION,
  failed_only: 'true',
  skip_failed: 'false',
  wait: 'true',
  timeout: '60m',
  poll_interval: 'auto',
  request_timeout: '40s',
  propagate_failure: 'true',
  cancel_on_abort: 'true'
}

const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000
// CodeArts: the run description is at most 1024 characters; the correlation mark takes a few.
export const MAX_MESSAGE_LENGTH = 960
const MAX_VARIABLE_VALUE = 8192

export function invalid(input: InputName, message: string): RelayError {
  return new RelayError('input', `Input ${input}: ${message}`)
}

export function readSettings(source: InputSource, mask: (secret: string) => void): Settings {
  const raw = readAll(source, mask)
  const read = (name: InputName): string => raw.get(name) ?? ''
  const given = (name: InputName): boolean => read(name) !== ''

  const provider = read('provider')
  if (provider === '') throw invalid('provider', `is required: ${PROVIDERS_AVAILABLE.join(', ')} (planned: ${PROVIDERS_PLANNED.join(', ')})`)
  if ((PROVIDERS_PLANNED as readonly string[]).includes(provider)) {
    throw invalid('provider', `"${provider}" is planned but not in this version yet; available: ${PROVIDERS_AVAILABLE.join(', ')}`)
  }
  if (provider !== 'codearts') {
    throw invalid('provider', `"${provider}" is not a provider; expected one of ${[...PROVIDERS_AVAILABLE, ...PROVIDERS_PLANNED].join(', ')}`)
  }

  const allowed = new Set<InputName>([...COMMON_INPUTS, ...PROVIDER_INPUTS[provider]])
  for (const name of INPUT_NAMES) {
    if (given(name) && !allowed.has(name)) throw invalid(name, `is not used by provider ${provider}; remove it`)
  }

  const common = readCommon(read, given)
  return readCodeArts(common, read, given)
}

function readAll(source: InputSource, mask: (secret: string) => void): Map<InputName, string> {
  const values = new Map<InputName, string>()
  for (const name of INPUT_NAMES) {
    const value = source(name)
    if (SECRET_INPUTS.has(name) && value.trim() !== '') mask(value.trim())
    // Multi-line inputs keep their inner line breaks; everything else is one trimmed line.
    const text = value.trim()
    values.set(name, text === '' ? (DEFAULTS[name] ?? '') : text)
  }
  for (const [name, value] of values) rejectControlCharacters(name, value)
  return values
}

const MULTILINE_INPUTS: ReadonlySet<InputName> = new Set<InputName>(['variables', 'jobs', 'message'])

function rejectControlCharacters(name: InputName, value: string): void {
  const allowed = MULTILINE_INPUTS.has(name) ? /[\t\n\r]/ : /\t/
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
    if (control && !allowed.test(char)) {
      const where = MULTILINE_INPUTS.has(name) ? '' : ' (line breaks included)'
      throw invalid(name, `contains a control character (U+${code.toString(16).padStart(4, '0').toUpperCase()}); control characters${where} are not allowed`)
    }
  }
}

type Read = (name: InputName) => string
type Given = (name: InputName) => boolean

function readCommon(read: Read, given: Given): CommonSettings {
  const operation = read('operation')
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw invalid('operation', `"${operation}" is not an operation; expected one of ${OPERATIONS.join(', ')}`)
  }
  const op = operation as Operation
  if (op === 'run' && given('run_id')) throw invalid('run_id', 'is not used with operation run (a new run gets a new id); remove it or use operation retry, cancel or watch')
  if (op !== 'run' && !given('run_id')) throw invalid('run_id', `is required with operation ${op}: the id of the run to ${op}`)
  if (op !== 'run') {
    for (const name of ['variables', 'branch', 'tag', 'message'] as const) {
      if (given(name)) throw invalid(name, `is only used with operation run, not ${op}`)
    }
  }
  if (given('branch') && given('tag')) throw invalid('tag', 'cannot be given together with branch: a run builds one or the other')
  if (!given('pipeline_id')) throw invalid('pipeline_id', 'is required: the id of the pipeline')

  const timeoutMs = readDuration(read, 'timeout', 1000, MAX_TIMEOUT_MS)
  const pollInterval = read('poll_interval') === 'auto' ? 'auto' : readDuration(read, 'poll_interval', 50, MAX_TIMEOUT_MS)
  if (pollInterval !== 'auto' && pollInterval > timeoutMs) throw invalid('poll_interval', 'is longer than timeout; the wait would end before the first pause does')

  const message = given('message') ? read('message') : undefined
  if (message !== undefined && message.length > MAX_MESSAGE_LENGTH) {
    throw invalid('message', `is ${message.length} characters long; at most ${MAX_MESSAGE_LENGTH} are allowed`)
  }

  return {
    operation: op,
    pipelineId: read('pipeline_id'),
    runId: given('run_id') ? read('run_id') : undefined,
    variables: parseVariables(read('variables')),
    branch: given('branch') ? readRefName(read, 'branch') : undefined,
    tag: given('tag') ? readRefName(read, 'tag') : undefined,
    message,
    jobs: parseList(read, 'jobs'),
    failedOnly: readBoolean(read, 'failed_only'),
    skipFailed: readBoolean(read, 'skip_failed'),
    wait: readBoolean(read, 'wait'),
    timeoutMs,
    pollInterval,
    requestTimeoutMs: readDuration(read, 'request_timeout', 100, 600_000),
    propagateFailure: readBoolean(read, 'propagate_failure'),
    cancelOnAbort: readBoolean(read, 'cancel_on_abort')
  }
}

const ID_32 = /^[0-9a-zA-Z]{32}$/

function readCodeArts(common: CommonSettings, read: Read, given: Given): CodeArtsSettings {
  const kindOfId = 'a CodeArts id: 32 letters and digits'
  if (!ID_32.test(common.pipelineId)) throw invalid('pipeline_id', `"${common.pipelineId}" is not ${kindOfId} (the last part of the pipeline's URL)`)
  if (common.runId !== undefined && !ID_32.test(common.runId)) throw invalid('run_id', `"${common.runId}" is not a CodeArts run id: 32 letters and digits`)
  if (!given('project_id')) throw invalid('project_id', 'is required for codearts: the CodeArts project id (32 characters, in the project URL), not the IAM project id')
  if (!ID_32.test(read('project_id'))) throw invalid('project_id', `"${read('project_id')}" is not ${kindOfId}; hyphens and spaces are not part of it`)
  if (given('iam_project_id') && !ID_32.test(read('iam_project_id'))) throw invalid('iam_project_id', 'is not an IAM project id: 32 letters and digits')

  if (common.operation === 'retry') {
    if (common.jobs.length > 0) throw invalid('jobs', 'is not used by codearts on retry: CodeArts re-runs the failed jobs of the run itself')
    if (!common.failedOnly) throw invalid('failed_only', 'false is not supported by codearts: its retry re-runs the failed jobs only; start a new run instead')
  }
  if (common.skipFailed) throw invalid('skip_failed', 'is only supported by bkci')
  if (common.operation !== 'run' && common.operation !== 'retry' && common.jobs.length > 0) throw invalid('jobs', `is not used with operation ${common.operation}`)
  for (const variable of common.variables) {
    if (variable.value.length > MAX_VARIABLE_VALUE) throw invalid('variables', `the value of ${variable.name} is ${variable.value.length} characters; CodeArts takes at most ${MAX_VARIABLE_VALUE}`)
  }

  const region = read('region')
  const endpoint = given('endpoint') ? readEndpoint(read('endpoint')) : CODEARTS_ENDPOINTS[region]
  if (!/^[a-z]{2}-[a-z]+-\d$/.test(region)) throw invalid('region', `"${region}" is not a region name like cn-north-4`)
  if (endpoint === undefined) {
    throw invalid('region', `"${region}" has no CodeArts Pipeline endpoint; known regions: ${Object.keys(CODEARTS_ENDPOINTS).join(', ')} (or set endpoint)`)
  }

  return {
    ...common,
    provider: 'codearts',
    projectId: read('project_id'),
    iamProjectId: given('iam_project_id') ? read('iam_project_id') : undefined,
    region,
    endpoint,
    credentials: readHuaweiCredentials(read, given)
  }
}

function readHuaweiCredentials(read: Read, given: Given): HuaweiCredentials {
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

const LOOPBACK_HOSTS = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/

/** An https base URL, or http on loopback only (the emulators); no credentials, query or fragment. */
export function readEndpoint(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    // Not echoed whole: whatever sits before an "@" may be a password.
    throw invalid('endpoint', `"${text.replace(/\/\/[^/]*@/, '//***@')}" is not a URL; expected a base URL such as https://host[:port][/path]`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.test(url.hostname))) {
    throw invalid('endpoint', `must use https:// (http:// is accepted for loopback addresses only), not ${url.protocol}//`)
  }
  if (url.username !== '' || url.password !== '') throw invalid('endpoint', 'must not carry credentials; pass them in their own inputs')
  if (url.search !== '' || url.hash !== '') throw invalid('endpoint', 'must not have a query or fragment')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function readBoolean(read: Read, name: InputName): boolean {
  const value = read(name)
  // The YAML 1.2 core schema spellings, the ones @actions/core accepts.
  if (['true', 'True', 'TRUE'].includes(value)) return true
  if (['false', 'False', 'FALSE'].includes(value)) return false
  throw invalid(name, `"${value}" is not a boolean; expected true or false`)
}

function readDuration(read: Read, name: InputName, minMs: number, maxMs: number): number {
  const value = read(name)
  const ms = parseDuration(value)
  const form = 'a duration such as 90s, 30m, 2h or a number of seconds'
  if (ms === undefined) throw invalid(name, `"${value}" is not ${form}`)
  if (ms < minMs) throw invalid(name, `"${value}" is too short; the least is ${minMs >= 1000 ? formatDuration(minMs) : `${minMs}ms`}`)
  if (ms > maxMs) throw invalid(name, `"${value}" is too long; the most is ${formatDuration(maxMs)}`)
  return ms
}

function readRefName(read: Read, name: 'branch' | 'tag'): string {
  const value = read(name)
  // git check-ref-format, in short: no spaces, no "..", none of ~^:?*[\ and no leading "-".
  if (/[\s~^:?*[\\]|\.\.|^-|\/$|\.lock$|@\{/.test(value)) throw invalid(name, `"${value}" is not a valid git ${name} name`)
  return value
}

function parseList(read: Read, name: InputName): string[] {
  const items = read(name)
    .split(/[\n,]/)
    .map(item => item.trim())
    .filter(item => item !== '')
  for (const item of items) {
    if (!/^[A-Za-z0-9_.:-]{1,128}$/.test(item)) throw invalid(name, `"${item}" is not an id; expected letters, digits, _ . : - (one per line or comma-separated)`)
  }
  return items
}

const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/

/** `KEY=VALUE` lines (blank lines and # comments skipped) or a JSON object of scalars. */
export function parseVariables(text: string): Variable[] {
  if (text.trim() === '') return []
  const entries = /^[[{]/.test(text.trim()) ? variablesFromJson(text) : variablesFromLines(text)
  const seen = new Set<string>()
  for (const { name } of entries) {
    if (!VARIABLE_NAME.test(name)) throw invalid('variables', `"${name}" is not a variable name; expected a letter or _ followed by letters, digits, _ . -`)
    if (seen.has(name)) throw invalid('variables', `${name} is given twice`)
    seen.add(name)
  }
  return entries
}

function variablesFromJson(text: string): Variable[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw invalid('variables', `is not valid JSON (${(error as Error).message}); expected a JSON object or KEY=VALUE lines`)
  }
  // CodeArts' own form, [{"name": ..., "value": ...}], is taken as well as an object.
  if (Array.isArray(parsed)) return parsed.map(variableFromPair)
  if (parsed === null || typeof parsed !== 'object') throw invalid('variables', 'must be a JSON object of names to values')
  return Object.entries(parsed as Record<string, unknown>).map(([name, value]) => {
    if (typeof value === 'string') return { name, value }
    if (typeof value === 'number' || typeof value === 'boolean') return { name, value: String(value) }
    throw invalid('variables', `the value of ${name} must be a string, number or boolean, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`)
  })
}

function variableFromPair(item: unknown): Variable {
  const pair = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {}
  if (typeof pair.name !== 'string' || !['string', 'number', 'boolean'].includes(typeof pair.value)) {
    throw invalid('variables', 'as a JSON array, each item must be {"name": "...", "value": "..."}')
  }
  return { name: pair.name, value: String(pair.value) }
}

function variablesFromLines(text: string): Variable[] {
  const variables: Variable[] = []
  for (const [index, rawLine] of text.split('\n').entries()) {
    const line = rawLine.replace(/\r$/, '')
    if (line.trim() === '' || line.trim().startsWith('#')) continue
    const equals = line.indexOf('=')
    if (equals < 0) throw invalid('variables', `line ${index + 1} has no "="; expected KEY=VALUE lines or a JSON object`)
    // Values are trimmed like the names (the input as a whole is trimmed anyway); JSON keeps edge spaces.
    variables.push({ name: line.slice(0, equals).trim(), value: line.slice(equals + 1).trim() })
  }
  return variables
}
