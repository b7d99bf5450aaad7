// What a test can read back: every request as received, and counters.
import { type BaseStats, zeroCounts } from '../shared/stats.js'
import { OPERATIONS, type Operation } from './api/routes.js'

export type { RecordedRequest } from '../shared/stats.js'

/**
 * `start` ... `histories` count the requests received for each operation (v3 and v4), whatever
 * happened to them; `byVersion` splits those by API version; `credentialsInQuery` counts requests
 * (any path) that carried gateway credentials in the URL query, which the gateway refuses;
 * `runsCreated` counts builds that came into existence.
 */
export interface BkciEmulatorStats extends BaseStats, Record<Operation, number> {
  byVersion: { v3: number; v4: number }
  credentialsInQuery: number
}

export function emptyStats(): BkciEmulatorStats {
  return { runsCreated: 0, requests: [], ...zeroCounts(OPERATIONS), byVersion: { v3: 0, v4: 0 }, credentialsInQuery: 0 }
}
