import { RelayError } from '../../core/errors.js'
import type { JobState, LogCursor, LogPage } from '../types.js'
import { arrayOf, numberOf, record, stringOf, type JsonRecord } from '../json.js'
import { ID_FORMS, requiredId } from '../ids.js'

/**
 * Reading a bk-ci build log (reference/next-capabilities.md §1.4): `init_logs` for the first page, then
 * `after_line_logs?start=N` for the lines numbered N and up, each page at most 10 000 lines, until the
 * answer says `finished` and no `hasMore`. The log is filtered to one job by its container hash id and to
 * one execution by `executeCount` (bk-ci reads execution 1 when it is not given, which after a retry is
 * the old attempt's log).
 */

/** What addresses a job's log: bk-ci's container hash id (`c-…`) and the execution the job last ran in. */
export interface BkciLogAddress {
  containerHashId: string
  executeCount?: number
}

/** A bk-ci job as the provider reads it from build_detail, carrying the address of its log. */
export interface BkciJob extends JobState {
  log?: BkciLogAddress
}

// QueryLogs.status (LogStatus.kt): 0 SUCCEED, 1 EMPTY, 2 CLEAN (index expired), 3 CLOSED (index closed), 999 FAIL.
const LOG_EXPIRED: Readonly<Record<number, string>> = { 2: 'CLEAN', 3: 'CLOSED' }
const LOG_QUERY_FAILED = 999

// Build ids are `b-` and container hash ids `c-`, each with 32 hex digits (reference/tencent-bkci.md §1.1):
// anything else is not put into a request.
const CONTAINER_HASH_ID = /^c-[0-9a-f]{32}$/i

export function checkBuildId(buildId: string): string {
  return requiredId(buildId, ID_FORMS.bkciBuildId, { vendor: 'bk-ci', field: 'build id of the log to read' })
}

export function checkContainerHashId(id: string | undefined): string | undefined {
  return id !== undefined && CONTAINER_HASH_ID.test(id) ? id : undefined
}

/** The cursor is the next line number to ask for; undefined: the first page (init_logs). */
export function lineOf(cursor: LogCursor | undefined): number | undefined {
  if (cursor === undefined) return undefined
  if (!/^\d+$/.test(cursor)) throw new Error(`bkci: a log cursor is a line number, not "${cursor}"`)
  return Number(cursor)
}

/**
 * One QueryLogs answer as a page of the job's log. The lines of other jobs are left out even though the
 * request asked for one job only: an older gateway that does not know the `containerHashId` filter answers
 * with the whole build's log (its lines carry the hash in `containerHashId`, or in `jobId` on the oldest).
 * The cursor moves past every line the answer had, ours or not, so nothing is read twice.
 */
export function logPage(answer: unknown, address: BkciLogAddress, from: LogCursor | undefined, buildId: string): LogPage {
  const data = record(answer)
  const status = numberOf(data.status) ?? 0
  const said = stringOf(data.message)
  const expired = LOG_EXPIRED[status]
  if (expired !== undefined) {
    throw new RelayError('not_found', `The log of build ${buildId} is no longer kept by bk-ci (log status ${status} ${expired}${said === undefined ? '' : `: ${said}`})`, {
      hint: "bk-ci deletes build logs after its retention period; the run's page still shows the build"
    })
  }
  if (status === LOG_QUERY_FAILED) {
    throw new RelayError('server', `bk-ci could not query the log of build ${buildId} (log status 999 FAIL${said === undefined ? '' : `: ${said}`})`)
  }
  const entries = arrayOf(data.logs)
  const lines: string[] = []
  let last = -1
  for (const entry of entries) {
    const lineNo = numberOf(entry.lineNo)
    if (lineNo !== undefined) last = Math.max(last, lineNo)
    if (ofJob(entry, address.containerHashId)) lines.push(...linesOf(entry.message))
  }
  const next = last >= 0 ? String(last + 1) : (from ?? '0')
  // More now (another page), or more to come: bk-ci says finished once the job's log is closed.
  const more = data.hasMore === true || data.finished !== true
  return { lines, next, more }
}

function ofJob(entry: JsonRecord, containerHashId: string): boolean {
  const hash = stringOf(entry.containerHashId)
  if (hash !== undefined) return hash === containerHashId
  const job = stringOf(entry.jobId)
  // On the oldest servers `jobId` held the container hash; elsewhere it is the job's own id (`job_1`).
  if (job !== undefined && job.startsWith('c-')) return job === containerHashId
  return true
}

/** A message is one line as bk-ci stores it; one that holds line breaks is printed as its lines. */
function linesOf(message: unknown): string[] {
  const text = typeof message === 'string' ? message : ''
  const lines = text.split(/\r?\n/)
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines
}
