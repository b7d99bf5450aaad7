// What a test can read back: every request as received, and counters.
import type { BaseStats } from '../shared/stats.js'
import { zeroCounts } from '../shared/stats.js'
import { OPERATIONS, type Operation } from './api/routes.js'

export type { RecordedRequest } from '../shared/stats.js'

/**
 * `run` ... `list` count the requests received for each operation, whatever happened to them
 * (refused, faulted, or served); `runsCreated` counts runs that came into existence.
 */
export interface CodeArtsEmulatorStats extends BaseStats, Record<Operation, number> {}

export function emptyStats(): CodeArtsEmulatorStats {
  return { runsCreated: 0, requests: [], ...zeroCounts(OPERATIONS) }
}
