// The two log reads: a v5 step's log (next-capabilities §1.1) and a v6 job's log (§1.2), paged
// over logs that grow while the run goes on (runs/step-log.ts). Where the documents are unsure
// (which v5 offset moves a read on; what v6 `limit` counts), the emulator plays the reading it is
// told to (options `stepLogReading`, `pacLogLimitUnit`), so a client is checked against both.
import type { JobState, RunState, StepState } from '../runs/types.js'
import { wholeLinesOf } from '../runs/step-log.js'
import type { ApiRequest, ApiResponse } from './api-types.js'
import { isVendorError } from './api-types.js'
import { readJsonObject, type JsonObject } from './json-body.js'
import { type VendorError, invalidParameter, logExpired } from './vendor-errors.js'

export interface LogSettings {
  stepLogReading: 'start' | 'end'
  pacLogLimitUnit: 'chars' | 'lines'
  /** The service's own bound on a page: lines (v5), characters (v6). */
  pageMax: number
}

const ok = (body: unknown): ApiResponse => ({ status: 200, body })

/** A Long field: absent is `fallback`; anything but a whole number ≥ 0 is refused. */
function long(body: JsonObject, key: string, fallback: number): number | VendorError {
  const value = body[key]
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return invalidParameter(`${key} must be a whole number, 0 or more`)
  return value
}

/** POST .../jobs/{job_run_id}/steps/{step_run_id}/logs {start_offset, end_offset, limit, sort}. */
export function handleStepLog(run: RunState, step: StepState, request: ApiRequest, settings: LogSettings): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  if (run.logsExpired) return logExpired(`step ${step.id}`)
  // The EU page marks limit and sort mandatory, the offsets optional.
  const sort = body.sort
  if (sort !== 'asc' && sort !== 'desc') return invalidParameter('sort must be asc or desc')
  if (body.limit === undefined) return invalidParameter('limit is required')
  const limit = long(body, 'limit', 0)
  const start = long(body, 'start_offset', 0)
  const end = long(body, 'end_offset', 0)
  for (const value of [limit, start, end]) if (isVendorError(value)) return value
  const [lines, from, to] = [limit as number, start as number, end as number]
  if (lines < 1) return invalidParameter('limit must be 1 or more')
  const take = Math.min(lines, settings.pageMax)
  // Only whole lines are served: the line a step is still writing comes once it is complete.
  const text = wholeLinesOf(step)
  const common = { location: 'jenkins', step_run_id: step.id }
  if (sort === 'desc') {
    // The last lines, newest first ("sort desc"); the offsets span them.
    const all = text === '' ? [] : text.slice(0, -1).split('\n')
    const last = all.slice(-take)
    const first = text.length - last.reduce((sum, line) => sum + line.length + 1, 0)
    return ok({ has_more: first > 0, start_offset: String(first), end_offset: String(text.length), log: last.reverse().map(line => `${line}\n`).join(''), ...common })
  }
  const pageStart = settings.stepLogReading === 'start' ? from : to
  if (pageStart > text.length) return invalidParameter(`offset ${pageStart} is past the end of the log (${text.length})`)
  const bound = settings.stepLogReading === 'start' && to > from ? Math.min(to, text.length) : text.length
  let pageEnd = pageStart
  for (let count = 0; count < take; count++) {
    const newline = text.indexOf('\n', pageEnd)
    if (newline < 0 || newline >= bound) break
    pageEnd = newline + 1
  }
  return ok({ has_more: pageEnd < text.length, start_offset: String(pageStart), end_offset: String(pageEnd), log: text.slice(pageStart, pageEnd), ...common })
}

/** A job's log as v6 serves it: its steps' logs one after the other, the line being written included. */
export function jobLogText(job: JobState): string {
  return job.steps.map(step => step.log).join('')
}

/** POST .../{pipeline_id}/{pipeline_run_id}/{job_run_id}/logs {offset, limit}: character offsets. */
export function handleJobLog(run: RunState, job: JobState, request: ApiRequest, settings: LogSettings): ApiResponse | VendorError {
  const body = readJsonObject(request)
  if (isVendorError(body)) return body
  if (run.logsExpired) return logExpired(`job ${job.id}`)
  const offset = long(body, 'offset', 0)
  if (isVendorError(offset)) return offset
  // Both are optional; no limit (or 0) is the service's own page bound.
  const limit = long(body, 'limit', 0)
  if (isVendorError(limit)) return limit
  const text = jobLogText(job)
  if (offset > text.length) return invalidParameter(`offset ${offset} is past the end of the log (${text.length})`)
  let end = Math.min(text.length, offset + settings.pageMax)
  if (limit > 0 && settings.pacLogLimitUnit === 'chars') end = Math.min(end, offset + limit)
  if (limit > 0 && settings.pacLogLimitUnit === 'lines') {
    let count = 0
    for (let at = offset; at < end; at++) {
      if (text[at] === '\n' && ++count === limit) {
        end = at + 1
        break
      }
    }
  }
  return ok({ has_more: end < text.length, start_offset: offset, end_offset: end, log: text.slice(offset, end), location: 'jenkins' })
}
