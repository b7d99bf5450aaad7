import { RelayError } from '../../core/errors.js'
import type { VendorClient } from '../../core/vendor-client.js'
import { record } from '../json.js'
import type { JobState, LogCursor, LogPage, StepState } from '../types.js'
import { hasEnded, hasStarted, idSegment, jobLabel, offsetOf, wholeLines } from './log-text.js'

/**
 * A CodeArts v5 job's log: the logs of its steps, in order (next-capabilities §1.1). Each step's
 * log is read with POST .../jobs/{job_run_id}/steps/{step_run_id}/logs and a body
 * {start_offset, end_offset, limit (lines), sort}; the answer gives has_more, start_offset and
 * end_offset (strings) and the text.
 *
 * Which request offset moves a read on is not settled by the documents: they say to put the
 * answer's end_offset into the request's end_offset, and its start_offset into start_offset, for
 * the next page. Two readings are served:
 *  - "start": the page starts at the request's start_offset; end_offset bounds it (0: no bound).
 *    The next page is {start_offset: previous end_offset, end_offset: 0}.
 *  - "end": the documents word for word: both answer offsets go back as they came, and the page
 *    starts where the request's end_offset says the previous one ended.
 * The first page of a step is {0, 0} ("both 0: the whole log", bounded by limit) under either.
 * The read starts with "start"; every later page's answer must start where the previous one
 * ended, so an answer that starts elsewhere shows the server reads the other way: its lines are
 * not printed (they would repeat the log) and the cursor switches reading once. A reading that
 * has worked, or a second mismatch, makes a mismatch a protocol error.
 */

/** Lines per page: the documents' own example asks for 500. */
export const STEP_LOG_PAGE_LINES = 500

type Reading = 'start' | 'end'

interface StepCursor {
  /** The step being read, by position in the job's steps. */
  step: number
  /** The last answer's offsets, as the vendor wrote them ('0' before the first page of a step). */
  start: string
  end: string
  reading: Reading
  /** The reading was seen to work (an answer started where asked) or was switched to: a mismatch is then an error. */
  settled: boolean
}

const FRESH: StepCursor = { step: 0, start: '0', end: '0', reading: 'start', settled: false }

function encodeCursor(cursor: StepCursor): LogCursor {
  return JSON.stringify(cursor)
}

function decodeCursor(from: LogCursor | undefined): StepCursor {
  if (from === undefined) return FRESH
  let value: unknown
  try {
    value = JSON.parse(from)
  } catch {
    value = undefined
  }
  const c = record(value)
  if (
    typeof c.step !== 'number' ||
    !Number.isSafeInteger(c.step) ||
    c.step < 0 ||
    offsetOf(c.start) === undefined ||
    offsetOf(c.end) === undefined ||
    (c.reading !== 'start' && c.reading !== 'end') ||
    typeof c.settled !== 'boolean'
  ) {
    throw new RelayError('protocol', `Not a CodeArts log cursor: ${from.slice(0, 80)}`)
  }
  return { step: c.step, start: String(c.start), end: String(c.end), reading: c.reading, settled: c.settled }
}

export interface StepLogAddress {
  /** .../pipeline-runs/{pipeline_run_id}, encoded. */
  runPath: string
  client: VendorClient
}

function stepPath(address: StepLogAddress, job: JobState, step: StepState): string {
  return `${address.runPath}/jobs/${idSegment(job.id, 'job run id')}/steps/${idSegment(step.id, 'step run id')}/logs`
}

interface Answer {
  hasMore: boolean
  start?: number
  end: number
  text: string
}

async function ask(address: StepLogAddress, job: JobState, step: StepState, body: Record<string, unknown>): Promise<Answer> {
  let answer: Record<string, unknown>
  try {
    answer = record(
      await address.client.send({ method: 'POST', path: stepPath(address, job, step), body, intent: 'read', action: `read the log of step ${step.name} of ${jobLabel(job)}` })
    )
  } catch (error) {
    // The ids came from the run's own detail, so "not found" here is the log itself: gone.
    if (error instanceof RelayError && error.kind === 'not_found') {
      throw new RelayError('not_found', `The log of step ${step.name} of ${jobLabel(job)} is no longer on CodeArts (expired or deleted): ${error.message}`, {
        status: error.status,
        vendorCode: error.vendorCode,
        requestId: error.requestId,
        hint: 'Open the run in the CodeArts console; logs are kept for a limited time'
      })
    }
    throw error
  }
  const end = offsetOf(answer.end_offset)
  if (end === undefined) throw new RelayError('protocol', `CodeArts answered the log read of step ${step.name} without an end_offset`)
  return {
    hasMore: answer.has_more === true,
    start: offsetOf(answer.start_offset),
    end,
    text: typeof answer.log === 'string' ? answer.log : ''
  }
}

/** Steps never started in an ended job, and skipped steps, have no log: the read goes past them. */
function firstReadable(steps: readonly StepState[], from: number, jobEnded: boolean): number {
  let index = from
  while (index < steps.length) {
    const step = steps[index]!
    const laterStarted = steps.slice(index + 1).some(hasStarted)
    if (step.status === 'skipped' || (!hasStarted(step) && (jobEnded || laterStarted))) index += 1
    else break
  }
  return index
}

/** One page of a job's log: one request, or none while no step has a log yet. */
export async function readStepLogPage(address: StepLogAddress, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
  const steps = job.steps ?? []
  const jobEnded = hasEnded(job)
  let cursor = decodeCursor(from)
  const index = firstReadable(steps, cursor.step, jobEnded)
  if (index !== cursor.step) cursor = { ...cursor, step: index, start: '0', end: '0' }
  const step = steps[index]
  if (step === undefined || !hasStarted(step)) return { lines: [], next: encodeCursor(cursor), more: !jobEnded }

  const fresh = cursor.end === '0'
  const body =
    fresh || cursor.reading === 'start'
      ? { start_offset: fresh ? 0 : Number(cursor.end), end_offset: 0, limit: STEP_LOG_PAGE_LINES, sort: 'asc' }
      : { start_offset: Number(cursor.start), end_offset: Number(cursor.end), limit: STEP_LOG_PAGE_LINES, sort: 'asc' }
  const answer = await ask(address, job, step, body)

  if (!fresh && answer.start !== undefined && answer.start !== Number(cursor.end)) {
    if (cursor.settled) {
      throw new RelayError(
        'protocol',
        `CodeArts answered the log read of step ${step.name} from offset ${answer.start}, not from ${cursor.end} where the previous page ended; the log is not printed twice`
      )
    }
    // This server reads the offsets the other way: the page is dropped, and the next read asks again.
    const other: Reading = cursor.reading === 'start' ? 'end' : 'start'
    return { lines: [], next: encodeCursor({ ...cursor, reading: other, settled: true }), more: true }
  }
  if (answer.end < Number(cursor.end)) {
    throw new RelayError('protocol', `CodeArts answered the log read of step ${step.name} with end_offset ${answer.end}, before ${cursor.end}`)
  }

  const lines = wholeLines(answer.text)
  const settled = cursor.settled || !fresh
  if (!answer.hasMore && hasEnded(step)) {
    // This step's log is complete: the next read is the next step's, from its start.
    const nextStep = firstReadable(steps, index + 1, jobEnded)
    const next: StepCursor = { ...cursor, step: nextStep, start: '0', end: '0', settled }
    const more = !jobEnded || steps.slice(nextStep).some(hasStarted)
    return { lines, next: encodeCursor(next), more }
  }
  return { lines, next: encodeCursor({ ...cursor, start: String(answer.start ?? cursor.end), end: String(answer.end), settled }), more: true }
}

// "[2026/12/02 10:00:00.123 GMT+08:00] [INFO] ...": the documented line form (next-capabilities §1.1).
const STAMP = /^\[(\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}\.\d{3})/

/**
 * The last lines of the job: its failed steps' (or, when none failed, its last started step's),
 * read with sort: desc and limit, one request a step. Whether a descending answer lists the last
 * lines newest first (the plain reading of "sort desc") or in their own order is not written down:
 * the lines' time stamps decide, and without a difference in them the plain reading is taken.
 * How to page on backwards is not written down either: a server that answers fewer lines than
 * asked while it has more (its own page bound) has the step read forward instead, bounded.
 */
export async function readStepLogTail(address: StepLogAddress, job: JobState, maxLines: number): Promise<string[]> {
  const steps = job.steps ?? []
  const failed = steps.filter(step => step.status === 'failed')
  const chosen = failed.length > 0 ? failed : steps.filter(hasStarted).slice(-1)
  let tail: string[] = []
  for (const step of chosen) {
    const answer = await ask(address, job, step, { start_offset: 0, end_offset: 0, limit: maxLines, sort: 'desc' })
    let lines = inLogOrder(wholeLines(answer.text))
    if (answer.hasMore && lines.length < maxLines) lines = await forwardTail(address, { ...job, steps: [step] }, maxLines)
    tail = [...tail, ...lines].slice(-maxLines)
  }
  return tail
}

// Pages a step's log is read forward for its tail, at most.
const TAIL_PAGES = 20

async function forwardTail(address: StepLogAddress, job: JobState, maxLines: number): Promise<string[]> {
  let tail: string[] = []
  let cursor: LogCursor | undefined
  for (let page = 0; page < TAIL_PAGES; page++) {
    const read = await readStepLogPage(address, job, cursor)
    tail = [...tail, ...read.lines].slice(-maxLines)
    if (!read.more || read.next === cursor) break
    cursor = read.next
  }
  return tail
}

function inLogOrder(lines: string[]): string[] {
  const stamps = lines.map(line => STAMP.exec(line)?.[1]).filter((stamp): stamp is string => stamp !== undefined)
  const first = stamps[0]
  const last = stamps[stamps.length - 1]
  if (first !== undefined && last !== undefined && first < last) return lines
  return [...lines].reverse()
}
