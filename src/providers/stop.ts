import { RelayError } from '../core/errors.js'
import type { CancelOutcome, RunRef, RunState } from './types.js'

/**
 * The stop shared by the providers whose APIs answer a stop of a finished run with a refusal (or a
 * plain "no"): `stop` sends one request and says whether it was accepted. A refusal is fine when
 * the run had already ended, which one state read tells; otherwise the refusal stands, and the
 * message says what the vendor answered (its reason, when it gave one).
 */
export async function stopUnlessEnded(
  vendor: string,
  run: RunRef,
  stop: () => Promise<boolean>,
  readState: () => Promise<RunState>
): Promise<CancelOutcome> {
  let answer: string
  try {
    if (await stop()) return 'stopped'
    answer = 'it answered that the stop did not succeed'
  } catch (error) {
    if (!(error instanceof RelayError) || error.kind !== 'client') throw error
    answer = error.describe()
  }
  const state = await readState()
  if (state.terminal) return 'already-ended'
  throw new RelayError('client', `${vendor} did not stop run ${run.runId}; it is still ${state.rawStatus} (${answer})`)
}
