import type { PartStatus, Status, StatusMeaning } from '../types.js'

/**
 * bk-ci BuildStatus values and what they mean (reference/tencent-bkci.md §2).
 *
 * A value is terminal exactly when bk-ci's own BuildStatus.isFinish() says so, and it is `succeeded`, `failed` or
 * `canceled` exactly when isSuccess(), isFailure() or isCancel() does. The one exception is bk-ci's own too:
 * BuildInfo.isFinish() counts STAGE_SUCCESS as a finished success only once the build has an end time after its
 * start time. Without one the build is parked at a manual stage review, which waits for a person.
 *
 * The non-terminal values are ours to name: a person needed (review, pause, quality gate, trigger review) is
 * `waiting`; not started yet (queue, retry, dependency) is `queued`; the rest is `running`. bk-ci's timeouts
 * (QUEUE_TIMEOUT, EXEC_TIMEOUT, HEARTBEAT_TIMEOUT) are failures of the run: our `timed_out` means that our wait ran
 * out while the run goes on, which is not what they say.
 */

/** All 29 values of com.tencent.devops.common.pipeline.enums.BuildStatus, in ordinal order (UNKNOWN is 99). */
export const BUILD_STATUSES = [
  'SUCCEED',
  'FAILED',
  'CANCELED',
  'RUNNING',
  'TERMINATE',
  'REVIEWING',
  'REVIEW_ABORT',
  'REVIEW_PROCESSED',
  'HEARTBEAT_TIMEOUT',
  'PREPARE_ENV',
  'UNEXEC',
  'SKIP',
  'QUALITY_CHECK_FAIL',
  'QUEUE',
  'LOOP_WAITING',
  'CALL_WAITING',
  'TRY_FINALLY',
  'QUEUE_TIMEOUT',
  'EXEC_TIMEOUT',
  'QUEUE_CACHE',
  'RETRY',
  'PAUSE',
  'STAGE_SUCCESS',
  'QUOTA_FAILED',
  'DEPENDENT_WAITING',
  'QUALITY_CHECK_PASS',
  'QUALITY_CHECK_WAIT',
  'TRIGGER_REVIEWING',
  'UNKNOWN'
] as const

export type BuildStatusName = (typeof BUILD_STATUSES)[number]

// bk-ci's helper sets (BuildStatus.kt, reference §2.2).
export const BKCI_SUCCESS: ReadonlySet<BuildStatusName> = new Set(['SUCCEED', 'SKIP', 'REVIEW_PROCESSED', 'QUALITY_CHECK_PASS'])
export const BKCI_PASSIVE_STOP: ReadonlySet<BuildStatusName> = new Set(['TERMINATE', 'REVIEW_ABORT', 'QUALITY_CHECK_FAIL'])
export const BKCI_TIMEOUT: ReadonlySet<BuildStatusName> = new Set(['QUEUE_TIMEOUT', 'EXEC_TIMEOUT', 'HEARTBEAT_TIMEOUT'])
export const BKCI_FAILURE: ReadonlySet<BuildStatusName> = new Set(['FAILED', 'QUOTA_FAILED', ...BKCI_PASSIVE_STOP, ...BKCI_TIMEOUT])
export const BKCI_CANCEL: ReadonlySet<BuildStatusName> = new Set(['CANCELED'])
export const BKCI_FINISH: ReadonlySet<BuildStatusName> = new Set([...BKCI_FAILURE, ...BKCI_SUCCESS, ...BKCI_CANCEL])
export const BKCI_RUNNING: ReadonlySet<BuildStatusName> = new Set(['RUNNING', 'LOOP_WAITING', 'REVIEWING', 'PREPARE_ENV', 'CALL_WAITING', 'PAUSE'])
export const BKCI_READY_TO_RUN: ReadonlySet<BuildStatusName> = new Set(['QUEUE', 'QUEUE_CACHE', 'RETRY', 'DEPENDENT_WAITING'])
export const BKCI_NEVER_RUN: ReadonlySet<BuildStatusName> = new Set(['UNEXEC', 'TRIGGER_REVIEWING'])

const succeeded: StatusMeaning = { status: 'succeeded', terminal: true }
const failed: StatusMeaning = { status: 'failed', terminal: true }
const canceled: StatusMeaning = { status: 'canceled', terminal: true }
const queued: StatusMeaning = { status: 'queued', terminal: false }
const running: StatusMeaning = { status: 'running', terminal: false }
const waiting: StatusMeaning = { status: 'waiting', terminal: false }

/** Build (run) level. STAGE_SUCCESS is listed as it reads without an end time; see runStatus for the ended case. */
export const BUILD_STATUS: Readonly<Record<BuildStatusName, StatusMeaning>> = {
  SUCCEED: succeeded,
  FAILED: failed,
  CANCELED: canceled,
  RUNNING: running,
  TERMINATE: failed,
  // A manual review step waits for its reviewers (bk-ci counts it as running).
  REVIEWING: waiting,
  REVIEW_ABORT: failed,
  REVIEW_PROCESSED: succeeded,
  HEARTBEAT_TIMEOUT: failed,
  PREPARE_ENV: running,
  // "Never run": not finished for bk-ci. Only parts show it; a build never does (reference §2.3).
  UNEXEC: queued,
  SKIP: succeeded,
  QUALITY_CHECK_FAIL: failed,
  QUEUE: queued,
  // Waiting for a mutex group: bk-ci counts it as running.
  LOOP_WAITING: running,
  CALL_WAITING: running,
  // Unused by bk-ci; not finished.
  TRY_FINALLY: running,
  QUEUE_TIMEOUT: failed,
  EXEC_TIMEOUT: failed,
  QUEUE_CACHE: queued,
  RETRY: queued,
  // Paused before a step until someone continues it.
  PAUSE: waiting,
  STAGE_SUCCESS: waiting,
  // "Unused", but in isFailure().
  QUOTA_FAILED: failed,
  DEPENDENT_WAITING: queued,
  QUALITY_CHECK_PASS: succeeded,
  // A quality gate waiting for its approvers.
  QUALITY_CHECK_WAIT: waiting,
  // Trigger review before the build queues: waits for the reviewers.
  TRIGGER_REVIEWING: waiting,
  UNKNOWN: { status: 'unknown', terminal: false }
}

/** Stage, job and step level: the same, except that what never ran or was skipped is `skipped`. */
export const PART_STATUS: Readonly<Record<BuildStatusName, PartStatus>> = {
  ...(Object.fromEntries(Object.entries(BUILD_STATUS).map(([name, meaning]) => [name, meaning.status])) as Record<BuildStatusName, PartStatus>),
  UNEXEC: 'skipped',
  SKIP: 'skipped',
  // For a stage: its review was refused or canceled and the stage ended there.
  STAGE_SUCCESS: 'succeeded'
}

/** The times bk-ci's STAGE_SUCCESS rule looks at (epoch ms; absent, null or 0 when not set). */
export interface BuildTimes {
  startTime?: number
  endTime?: number
}

/** BuildInfo.isFinish() for STAGE_SUCCESS: endTime > 0, a start time, and endTime > startTime. */
export function stageSuccessEnded(times: BuildTimes): boolean {
  const { startTime, endTime } = times
  return endTime !== undefined && endTime > 0 && startTime !== undefined && endTime > startTime
}

/** What a build's status means, given its start and end time (the STAGE_SUCCESS rule). Unknown values keep polling. */
export function runStatus(raw: string, times: BuildTimes = {}): StatusMeaning<Status> {
  const name = raw.trim().toUpperCase()
  if (name === 'STAGE_SUCCESS' && stageSuccessEnded(times)) return succeeded
  return isBuildStatus(name) ? BUILD_STATUS[name] : { status: 'unknown', terminal: false }
}

export function partStatus(raw: string): PartStatus {
  const name = raw.trim().toUpperCase()
  return isBuildStatus(name) ? PART_STATUS[name] : 'unknown'
}

export function isBuildStatus(name: string): name is BuildStatusName {
  return Object.prototype.hasOwnProperty.call(BUILD_STATUS, name)
}
