// What a test can read back: every request as received, and counters.
import type { IncomingHttpHeaders } from 'node:http'
import type { Operation } from './api/routes.js'

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
 * `run` ... `list` count the requests received for each operation, whatever happened to them
 * (refused, faulted, or served); `runsCreated` counts runs that came into existence.
 */
export interface CodeArtsEmulatorStats extends Record<Operation, number> {
  runsCreated: number
  requests: RecordedRequest[]
}

export function emptyStats(): CodeArtsEmulatorStats {
  return { runsCreated: 0, requests: [], run: 0, retry: 0, stop: 0, detail: 0, list: 0 }
}
