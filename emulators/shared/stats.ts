// What a test can read back from any emulator: every request as received, and counters.
import type { IncomingHttpHeaders } from 'node:http'

export interface RecordedRequest {
  method: string
  /** The raw path, without the query. */
  path: string
  /** The raw query string, without '?' ('' when none). */
  query: string
  /** Node's lower-cased header map. */
  headers: IncomingHttpHeaders
  /** Header names and values exactly as sent, alternating. */
  rawHeaders: string[]
  /** The body as UTF-8 text ('' when none). */
  body: string
  /** The emulator clock when the request arrived. */
  at: number
}

/**
 * The part every emulator's stats share. Each vendor adds one counter per operation: the
 * requests received for it, whatever happened to them (refused, faulted, or served).
 */
export interface BaseStats {
  /** Runs (builds) that came into existence. */
  runsCreated: number
  requests: RecordedRequest[]
}

/** A zero counter per operation. */
export function zeroCounts<Op extends string>(operations: readonly Op[]): Record<Op, number> {
  const counts = {} as Record<Op, number>
  for (const op of operations) counts[op] = 0
  return counts
}
