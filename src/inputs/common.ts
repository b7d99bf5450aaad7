import type { Variable } from '../providers/types.js'
import { parseList, parseVariables, readBoolean, readDuration, readRefName } from './fields.js'
import { invalid, type Given, type Read } from './names.js'

/** The inputs every provider shares: what to do, to which pipeline, and how to wait. */

export type Operation = 'run' | 'retry' | 'cancel' | 'watch'
export const OPERATIONS: readonly Operation[] = ['run', 'retry', 'cancel', 'watch']

/** How much of the remote run's log is shown: the failed jobs' last lines, everything live, or nothing (no log request at all). */
export type LogsMode = 'failed' | 'all' | 'none'
export const LOGS_MODES: readonly LogsMode[] = ['failed', 'all', 'none']

/** What a variable the pipeline would ignore (undeclared, a constant) does: stop the start, or only warn. */
export type VariablesCheck = 'strict' | 'warn'
export const VARIABLES_CHECKS: readonly VariablesCheck[] = ['strict', 'warn']

// A prefix of GitLab dotenv names: what GitLab takes as a variable name, with room for the output's own.
const OUTPUT_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/

export interface CommonSettings {
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
  readonly logs: LogsMode
  readonly variablesCheck: VariablesCheck
  /** GitLab: the dotenv names' prefix. */
  readonly outputPrefix: string
}

const MAX_TIMEOUT_MS = 7 * 24 * 3_600_000
// CodeArts: the run description is at most 1024 characters; the correlation mark takes a few.
export const MAX_MESSAGE_LENGTH = 960

/**
 * `pipelineIdOnRun: 'optional'` is for GitCode pipelines, whose run is addressed by repository and
 * file and answers with the pipeline id.
 */
export function readCommon(read: Read, given: Given, pipelineIdOnRun: 'required' | 'optional' = 'required'): CommonSettings {
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
  if (!given('pipeline_id') && !(op === 'run' && pipelineIdOnRun === 'optional')) throw invalid('pipeline_id', 'is required: the id of the pipeline')

  const timeoutMs = readDuration(read, 'timeout', 1000, MAX_TIMEOUT_MS)
  const pollInterval = read('poll_interval') === 'auto' ? 'auto' : readDuration(read, 'poll_interval', 50, MAX_TIMEOUT_MS)
  if (pollInterval !== 'auto' && pollInterval > timeoutMs) throw invalid('poll_interval', 'is longer than timeout; the wait would end before the first pause does')

  const logs = read('logs')
  if (!(LOGS_MODES as readonly string[]).includes(logs)) throw invalid('logs', `"${logs}" is not a logs mode; expected one of ${LOGS_MODES.join(', ')}`)

  const variablesCheck = read('variables_check')
  if (!(VARIABLES_CHECKS as readonly string[]).includes(variablesCheck)) {
    throw invalid('variables_check', `"${variablesCheck}" is not a check; expected strict (refuse a variable the pipeline would ignore) or warn`)
  }
  const outputPrefix = read('output_prefix')
  if (!OUTPUT_PREFIX.test(outputPrefix)) throw invalid('output_prefix', 'must be a variable-name prefix: a letter or _, then up to 31 letters, digits or _ (e.g. BUILD_)')

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
    cancelOnAbort: readBoolean(read, 'cancel_on_abort'),
    logs: logs as LogsMode,
    variablesCheck: variablesCheck as VariablesCheck,
    outputPrefix
  }
}

