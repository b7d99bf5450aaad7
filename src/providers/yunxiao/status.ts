import type { PartStatus, StatusMeaning } from '../types.js'

/**
 * Yunxiao Flow status values and what they mean (reference/aliyun-yunxiao.md §2). No official enum exists:
 * the tables hold every value the reference has seen, at the level it was seen.
 */

/**
 * Run level. RUNNING, SUCCESS, FAIL (GetPipelineRun / ListPipelineRuns docs), CANCELED and WAITING (the
 * ListPipelines status filter, third-party run types). Terminal: SUCCESS, FAIL, CANCELED only.
 * CANCELLING and UNKOWN (sic) are task-level values that may plausibly show at run level too (after a stop, before
 * scheduling); both are non-terminal, so nothing is lost if they never appear there.
 * FINISH is left out on purpose: seen at task level only, and the terminal set is SUCCESS/FAIL/CANCELED; at run level
 * it is `unknown` (warned about, and polled until the timeout) rather than a guessed outcome.
 */
export const RUN_STATUS: Readonly<Record<string, StatusMeaning>> = {
  RUNNING: { status: 'running', terminal: false },
  // Queued or stopped at a manual gate (reference §2): refined by `runMeaning` from the jobs.
  WAITING: { status: 'waiting', terminal: false },
  SUCCESS: { status: 'succeeded', terminal: true },
  FAIL: { status: 'failed', terminal: true },
  CANCELED: { status: 'canceled', terminal: true },
  // A stop in progress: the run still runs until it reports CANCELED.
  CANCELLING: { status: 'running', terminal: false },
  // "Unknown" is what a task reports before it is scheduled: not started yet. Both spellings.
  UNKOWN: { status: 'queued', terminal: false },
  UNKNOWN: { status: 'queued', terminal: false }
}

/**
 * Stage and job level: the nine `task.statusCode` values of the Flow webhook notification (reference §2), which
 * include the run-level ones. FINISH (a task that ended without a pass/fail verdict) counts as succeeded; SKIP is a
 * task that did not run.
 */
export const PART_STATUS: Readonly<Record<string, StatusMeaning<PartStatus>>> = {
  UNKOWN: { status: 'queued', terminal: false },
  UNKNOWN: { status: 'queued', terminal: false },
  RUNNING: { status: 'running', terminal: false },
  // A job WAITING has not started; only its pass/refuse actions show a manual gate (see atManualGate).
  WAITING: { status: 'queued', terminal: false },
  CANCELLING: { status: 'running', terminal: false },
  CANCELED: { status: 'canceled', terminal: true },
  FINISH: { status: 'succeeded', terminal: true },
  SUCCESS: { status: 'succeeded', terminal: true },
  FAIL: { status: 'failed', terminal: true },
  SKIP: { status: 'skipped', terminal: true }
}

const UNKNOWN_RUN: StatusMeaning = { status: 'unknown', terminal: false }

/** An unknown value is `unknown` and not terminal: keep polling until the timeout. */
export function runStatus(raw: string): StatusMeaning {
  const key = raw.toUpperCase()
  return (Object.hasOwn(RUN_STATUS, key) ? RUN_STATUS[key] : undefined) ?? UNKNOWN_RUN
}

export function partStatus(raw: string): PartStatus {
  const key = raw.toUpperCase()
  return (Object.hasOwn(PART_STATUS, key) ? PART_STATUS[key]?.status : undefined) ?? 'unknown'
}

/** What a job needs to show a manual gate: a waiting status, or a pending "pass the validation" action. */
export interface GateSignals {
  status: PartStatus
  /** The types of the job's actions (`PassPipelineValidate`, `RetryPipelineJobRun`, ...). */
  actions: readonly string[]
}

const GATE_ACTIONS = new Set(['PassPipelineValidate', 'RefusePipelineValidate', 'RefusePipelineValidator'])

/**
 * True when an unfinished job waits for a person: a manual gate (人工卡点). A WAITING status alone
 * does not say so: jobs not yet started wait too. The pending pass/refuse action does (reference §2).
 */
export function atManualGate(job: GateSignals): boolean {
  return !isFinished(job.status) && job.actions.some(action => GATE_ACTIONS.has(action))
}

function isFinished(status: PartStatus): boolean {
  return ['succeeded', 'failed', 'canceled', 'skipped'].includes(status)
}

/**
 * The run's meaning with its jobs taken into account. Whether a run stopped at a manual gate reports WAITING or
 * RUNNING is not documented (reference §7.2), so both readings are covered: an unfinished run with a job at a gate is
 * `waiting`; a WAITING run with no job at a gate is waiting for a runner, i.e. `queued`.
 */
export function runMeaning(raw: string, jobs: readonly GateSignals[]): StatusMeaning {
  const meaning = runStatus(raw)
  // A finished run is finished whatever its jobs show; an unknown value stays unknown (and is warned about).
  if (meaning.terminal || meaning.status === 'unknown') return meaning
  if (jobs.some(atManualGate)) return { status: 'waiting', terminal: false }
  if (meaning.status === 'waiting') return { status: 'queued', terminal: false }
  return meaning
}
