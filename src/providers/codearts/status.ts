import type { PartStatus, Status, StatusMeaning } from '../types.js'

/**
 * CodeArts status values and what they mean (reference/huawei-codearts.md §1.3).
 * Run level: the 7 documented values, plus INIT and QUEUED, which the document expects to show up
 * at run level too although the enum leaves them out (uncertain: both readings are covered).
 */
export const RUN_STATUS: Readonly<Record<string, StatusMeaning>> = {
  COMPLETED: { status: 'succeeded', terminal: true },
  RUNNING: { status: 'running', terminal: false },
  FAILED: { status: 'failed', terminal: true },
  CANCELED: { status: 'canceled', terminal: true },
  // Both wait for a person: a manual review, a delay step, a paused run.
  PAUSED: { status: 'waiting', terminal: false },
  SUSPEND: { status: 'waiting', terminal: false },
  // Uncertain in the document ("probably terminal"). A run the service chose to ignore will not
  // move again, and waiting on it until the timeout would hide that, so it ends the wait as canceled.
  IGNORED: { status: 'canceled', terminal: true },
  INIT: { status: 'queued', terminal: false },
  QUEUED: { status: 'queued', terminal: false }
}

/** Stage and job level: the 14 documented values. */
export const PART_STATUS: Readonly<Record<string, StatusMeaning<PartStatus>>> = {
  INIT: { status: 'queued', terminal: false },
  QUEUED: { status: 'queued', terminal: false },
  REDISPATCH: { status: 'queued', terminal: false },
  RUNNING: { status: 'running', terminal: false },
  ASYNC_RUNNING: { status: 'running', terminal: false },
  PAUSED: { status: 'waiting', terminal: false },
  SUSPEND: { status: 'waiting', terminal: false },
  COMPLETED: { status: 'succeeded', terminal: true },
  FAILED: { status: 'failed', terminal: true },
  ASYNC_FAILED: { status: 'failed', terminal: true },
  CANCELED: { status: 'canceled', terminal: true },
  SKIPPED: { status: 'skipped', terminal: true },
  IGNORED: { status: 'skipped', terminal: true },
  UNSELECTED: { status: 'skipped', terminal: true }
}

/** An unknown value is `unknown` and not terminal: keep polling until the timeout. */
export function runStatus(raw: string): StatusMeaning<Status> {
  return RUN_STATUS[raw.toUpperCase()] ?? { status: 'unknown', terminal: false }
}

export function partStatus(raw: string): PartStatus {
  return PART_STATUS[raw.toUpperCase()]?.status ?? 'unknown'
}
