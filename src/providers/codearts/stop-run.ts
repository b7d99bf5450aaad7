import type { VendorClient } from '../../core/vendor-client.js'
import { record } from '../json.js'
import { stopUnlessEnded } from '../stop.js'
import type { CallOptions, CancelOutcome, RunRef, RunState } from '../types.js'

/**
 * The stop of a CodeArts run, v5 or v6: POST to the run's `.../stop` path, answered `{success}`.
 * The documents say "no body", but the gateway rejects a POST without a JSON body, so it gets `{}`.
 */
export function stopCodeArtsRun(
  client: VendorClient,
  stopPath: string,
  run: RunRef,
  options: CallOptions | undefined,
  readState: () => Promise<RunState>
): Promise<CancelOutcome> {
  return stopUnlessEnded(
    'CodeArts',
    run,
    async () => {
      const answer = await client.send({ method: 'POST', path: stopPath, body: {}, intent: 'write', action: `stop run ${run.runId}`, options })
      return record(answer).success !== false
    },
    readState
  )
}
