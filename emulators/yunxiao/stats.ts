// What a test can read back: every request as received, and counters.
import { type BaseStats, zeroCounts } from '../shared/stats.js'
import { OPERATIONS, type Operation } from './api/routes.js'
import type { YunxiaoApi } from './runs/types.js'

export type { RecordedRequest } from '../shared/stats.js'

/**
 * `run` ... `retry` count the requests received for each operation over both APIs, whatever
 * happened to them (refused, faulted, or served); `byApi` splits all requests by API (an unknown
 * path counts for the API its prefix names); `runsCreated` counts runs that came into existence.
 */
export interface YunxiaoEmulatorStats extends BaseStats, Record<Operation, number> {
  byApi: Record<YunxiaoApi, number>
}

export function emptyStats(): YunxiaoEmulatorStats {
  return { runsCreated: 0, requests: [], ...zeroCounts(OPERATIONS), byApi: { openapi: 0, pop: 0 } }
}
