import { RelayError } from '../../core/errors.js'
import type { VendorClient } from '../../core/vendor-client.js'
import { record } from '../json.js'
import type { JobState, LogCursor, LogPage } from '../types.js'
import { hasEnded, idSegment, jobLabel, linesWithCarry, offsetOf } from '../codearts/log-text.js'
import { field } from './fields.js'

/**
 * A GitCode pipeline job's log through POST .../{pipeline_id}/{pipeline_run_id}/{job_run_id}/logs
 * with {offset, limit}; the answer gives has_more, start_offset and end_offset as CHARACTER
 * offsets, and the text (next-capabilities §1.2). A page ends at a character offset, so maybe
 * inside a line: the unfinished line is kept in the cursor and printed once its end has come, so a
 * line is never printed twice nor split. The next page starts at the answer's end_offset, as the
 * vendor counts, so nothing here depends on how it counts.
 *
 * Whether `limit` counts lines or characters is not settled ("每次查询的条目数量", entries per
 * query): the page size is one that is sane either way (32 Ki characters a page; 32 Ki lines stay
 * under the 8 MiB answer bound for lines of up to ~250 characters), and the reading above does
 * not care where a page ends.
 */
export const JOB_LOG_PAGE_LIMIT = 32_768

interface JobCursor {
  offset: number
  /** The start of a line whose end has not come yet. */
  carry: string
}

function decodeCursor(from: LogCursor | undefined): JobCursor {
  if (from === undefined) return { offset: 0, carry: '' }
  let value: unknown
  try {
    value = JSON.parse(from)
  } catch {
    value = undefined
  }
  const c = record(value)
  const offset = offsetOf(c.offset)
  if (offset === undefined || typeof c.carry !== 'string') throw new RelayError('protocol', `Not a GitCode pipeline log cursor: ${from.slice(0, 80)}`)
  return { offset, carry: c.carry }
}

/** .../actions/{pipeline_id}/{pipeline_run_id}, encoded. */
export interface JobLogAddress {
  runPath: string
  client: VendorClient
}

/** One page of the job's log: one request. */
export async function readJobLogPage(address: JobLogAddress, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
  const cursor = decodeCursor(from)
  const path = `${address.runPath}/${idSegment(job.id, 'job run id')}/logs`
  let answer: Record<string, unknown>
  try {
    answer = record(
      await address.client.send({
        method: 'POST',
        path,
        body: { offset: cursor.offset, limit: JOB_LOG_PAGE_LIMIT },
        intent: 'read',
        action: `read the log of ${jobLabel(job)}`
      })
    )
  } catch (error) {
    // The ids came from the run's own detail, so "not found" here is the log itself: gone.
    if (error instanceof RelayError && error.kind === 'not_found') {
      throw new RelayError('not_found', `The log of ${jobLabel(job)} is no longer on CodeArts (expired or deleted): ${error.message}`, {
        status: error.status,
        vendorCode: error.vendorCode,
        requestId: error.requestId,
        hint: 'Open the run in the CodeArts console; logs are kept for a limited time'
      })
    }
    throw error
  }
  const page = typeof field(answer, 'log') === 'string' ? (field(answer, 'log') as string) : ''
  const start = offsetOf(field(answer, 'start_offset'))
  // Without an end_offset, the documented unit (characters) says where the page ended.
  const end = offsetOf(field(answer, 'end_offset')) ?? (start ?? cursor.offset) + page.length
  if (end < cursor.offset) throw new RelayError('protocol', `CodeArts answered the log read of ${jobLabel(job)} with end_offset ${end}, before ${cursor.offset}`)
  const text = fromCursor(job, cursor.offset, page, start, end)
  const hasMore = field(answer, 'has_more') === true
  // The job has ended and the vendor has nothing after this page: the log is complete, and an
  // unfinished last line is a line.
  const complete = hasEnded(job) && !hasMore
  const { lines, carry } = linesWithCarry(cursor.carry, text, complete)
  return { lines, next: JSON.stringify({ offset: end, carry }), more: !complete }
}

/**
 * The part of a page after the cursor. A page that starts where it was asked to is all new. One
 * that starts earlier (a server that reads "start_offset" as the log's own start, not the page's)
 * is cut where the cursor is, when its offsets count the characters of its text as documented;
 * otherwise, or when it starts later (text would be missing), nothing of it is printed.
 */
function fromCursor(job: JobState, offset: number, page: string, start: number | undefined, end: number): string {
  if (start === undefined || start === offset) return page
  if (start < offset && end - start === page.length) return page.slice(offset - start)
  throw new RelayError('protocol', `CodeArts answered the log read of ${jobLabel(job)} from offset ${start}, not from ${offset}; the log is not printed twice nor with a gap`)
}

/** The last lines of the job's log: its pages from the start (the v6 API reads forward only), bounded. */
export async function readJobLogTail(address: JobLogAddress, job: JobState, maxLines: number, maxPages: number): Promise<string[]> {
  let tail: string[] = []
  let cursor: LogCursor | undefined
  for (let page = 0; page < maxPages; page++) {
    const read = await readJobLogPage(address, job, cursor)
    tail = [...tail, ...read.lines].slice(-maxLines)
    if (!read.more || read.next === cursor) break
    cursor = read.next
  }
  return tail
}
