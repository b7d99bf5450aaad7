import { RelayError } from '../../core/errors.js'
import type { JobState, LogCursor, LogPage } from '../types.js'
import { record } from '../json.js'
import { ID_FORMS, requiredId } from '../ids.js'

/**
 * Reading a Yunxiao job log (reference/next-capabilities.md §1.3). Both APIs hand back the job's whole log
 * so far on every read, with no paging parameter: the OpenAPI's GetPipelineJobRunLog as
 * `{content, last, more}`, the POP API's LogPipelineJobRun as `{log: {content, more}}`.
 *
 * Why this read and not the OpenAPI's step log (GetPipelineJobSteps, then GetPipelineJobStepLog with
 * `offset`/`limit`): the step log takes back an offset whose unit (bytes, characters or lines) no source
 * states, so a wrong guess would repeat or skip text without anyone noticing, and it needs two more
 * requests per job (its steps, each step's buildId) where this needs one. The whole log is re-read on each
 * poll, which costs transfer, not correctness; it is bounded by the transport's answer size limit (a log
 * past it fails that read with a warning, as any read may).
 *
 * So the cursor is ours, counted on the text itself: the number of complete lines already printed, and
 * the attempt of the job they belong to. `last` (a number whose unit is undocumented: a line count or a
 * character offset) is not used to position anything, so either reading gives the same result.
 */

export interface WholeLog {
  content: string
  /** "是否还有最新日志": more may still be written; undefined when the answer does not say. */
  more: boolean | undefined
}

/** The OpenAPI's bare `{content, last, more}` or the POP envelope's `log: {content, more}`. */
export function wholeLogOf(answer: unknown): WholeLog {
  const body = record(answer)
  const log = body.log !== null && typeof body.log === 'object' ? record(body.log) : body
  const content = log.content
  if (content !== undefined && content !== null && typeof content !== 'string') throw new RelayError('protocol', 'The job log answer has a content that is not text')
  return { content: typeof content === 'string' ? content : '', more: typeof log.more === 'boolean' ? log.more : undefined }
}

// Job ids and run ids are integers (reference §1.4, §3.2): anything else is not put into a path.

export function checkIntegerId(what: string, id: string): string {
  return requiredId(id, what === 'run' ? ID_FORMS.yunxiaoRunId : ID_FORMS.yunxiaoJobId, { vendor: 'Yunxiao', field: `${what} id of the log to read` })
}

interface Cursor {
  /** The start time of the job attempt whose lines were printed, when known. */
  attempt?: number
  printed: number
  /** The length of the text the last read had: an ended job's log that did not grow since is complete. */
  seen?: number
}

function cursorOf(from: LogCursor | undefined): Cursor {
  if (from === undefined) return { printed: 0 }
  const match = /^(\d+|-)\/(\d+)\/(\d+)$/.exec(from)
  if (match === null) throw new Error(`yunxiao: a log cursor is "<attempt>/<lines>/<characters>", not "${from}"`)
  return { attempt: match[1] === '-' ? undefined : Number(match[1]), printed: Number(match[2]), seen: Number(match[3]) }
}

function cursorText(cursor: Cursor): LogCursor {
  return `${cursor.attempt ?? '-'}/${cursor.printed}/${cursor.seen ?? 0}`
}

function ended(job: JobState): boolean {
  return job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled' || job.status === 'skipped'
}

/** The text split into its complete lines and what follows the last line break (maybe ''). */
function splitLines(content: string): { complete: string[]; partial: string } {
  const parts = content.split(/\r?\n/)
  const partial = parts.pop() ?? ''
  return { complete: parts, partial }
}

/**
 * The lines of `log` not printed yet. A line still being written (no line break after it yet) waits for
 * its end, unless the job has ended and its log is complete (the vendor says nothing more comes, or
 * the text has not changed since the last read): then it is printed, and counted, once. A job retried
 * since (another start time) has a new log: it is read from its start.
 */
export function pageOfWholeLog(log: WholeLog, job: JobState, from: LogCursor | undefined): LogPage {
  const cursor = cursorOf(from)
  const attempt = job.startedAt
  const retried = cursor.attempt !== undefined && attempt !== undefined && attempt !== cursor.attempt
  const printed = retried ? 0 : cursor.printed
  const { complete, partial } = splitLines(log.content)
  const unchanged = !retried && cursor.seen !== undefined && cursor.seen === log.content.length
  const done = ended(job) && (log.more !== true || unchanged)
  const lines = done && partial !== '' ? [...complete, partial] : complete
  // A log shorter than what was printed (a read that came back empty or cut) prints nothing: never twice.
  const fresh = lines.length > printed ? lines.slice(printed) : []
  const next = cursorText({ attempt: attempt ?? cursor.attempt, printed: printed + fresh.length, seen: log.content.length })
  return { lines: fresh, next, more: done ? false : (log.more ?? !ended(job)) }
}

/** The last `maxLines` lines of the whole log, the unfinished last one included. */
export function tailOfWholeLog(log: WholeLog, maxLines: number): string[] {
  const { complete, partial } = splitLines(log.content)
  const lines = partial === '' ? complete : [...complete, partial]
  return lines.slice(-maxLines)
}
