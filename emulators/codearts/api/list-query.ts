// ListPipelineRunsQuery (reference 1.5): filter, sort and page a pipeline's runs.
import type { RunState } from '../runs/types.js'
import type { JsonObject } from './json-body.js'
import { VendorError, invalidParameter } from './vendor-errors.js'

/** The documented run enum is the only accepted filter (reference 1.3). */
const RUN_STATUS_FILTER = ['COMPLETED', 'RUNNING', 'FAILED', 'CANCELED', 'PAUSED', 'SUSPEND', 'IGNORED']

/** Not documented; 10 is a common page size and what we answer when limit is absent. */
export const DEFAULT_LIMIT = 10

export interface ListQuery {
  status: string[]
  startTime?: number
  endTime?: number
  updateTime?: number
  offset: number
  limit: number
  sortKey: 'start_time' | 'update_time'
  sortDir: 'asc' | 'desc'
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/
/** The document does not give the zone of `yyyy-MM-dd HH:mm:ss`; we read it as China time (UTC+8). */
const CHINA_OFFSET_MS = 8 * 3600 * 1000

function parseTime(value: unknown, field: string): number | undefined | VendorError {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value)
  if (typeof value === 'string') {
    const m = DATE_TIME.exec(value)
    if (m) {
      const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
      return Date.UTC(y, mo - 1, d, h, mi, s) - CHINA_OFFSET_MS
    }
  }
  return invalidParameter(`${field} must be a timestamp or yyyy-MM-dd HH:mm:ss`)
}

function nonNegativeInt(value: unknown, field: string, fallback: number): number | VendorError {
  if (value === undefined || value === null) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    return invalidParameter(`${field} must be an integer >= 0`)
  }
  return value
}

const isError = (v: unknown): v is VendorError => v instanceof VendorError

export function parseListQuery(body: JsonObject): ListQuery | VendorError {
  let status: string[] = []
  if (body.status !== undefined && body.status !== null) {
    if (!Array.isArray(body.status) || !body.status.every((s) => typeof s === 'string' && RUN_STATUS_FILTER.includes(s))) {
      return invalidParameter(`status must be an array of ${RUN_STATUS_FILTER.join(', ')}`)
    }
    status = body.status
  }
  const startTime = parseTime(body.start_time, 'start_time')
  if (isError(startTime)) return startTime
  const endTime = parseTime(body.end_time, 'end_time')
  if (isError(endTime)) return endTime
  const updateTime = parseTime(body.update_time, 'update_time')
  if (isError(updateTime)) return updateTime
  const offset = nonNegativeInt(body.offset, 'offset', 0)
  if (isError(offset)) return offset
  const limit = nonNegativeInt(body.limit, 'limit', DEFAULT_LIMIT)
  if (isError(limit)) return limit
  const sortKey = body.sort_key ?? 'start_time'
  if (sortKey !== 'start_time' && sortKey !== 'update_time') return invalidParameter('sort_key must be start_time or update_time')
  const sortDir = body.sort_dir ?? 'desc'
  if (sortDir !== 'asc' && sortDir !== 'desc') return invalidParameter('sort_dir must be asc or desc')
  const query: ListQuery = { status, offset, limit, sortKey, sortDir }
  if (startTime !== undefined) query.startTime = startTime
  if (endTime !== undefined) query.endTime = endTime
  if (updateTime !== undefined) query.updateTime = updateTime
  return query
}

/** start_time/end_time bound when a run started; update_time keeps runs changed since then. */
export function selectRuns(runs: RunState[], query: ListQuery): { total: number; page: RunState[] } {
  const matching = runs.filter(
    (r) =>
      (query.status.length === 0 || query.status.includes(r.status)) &&
      (query.startTime === undefined || r.startTime >= query.startTime) &&
      (query.endTime === undefined || r.startTime <= query.endTime) &&
      (query.updateTime === undefined || r.updateTime >= query.updateTime)
  )
  const key = (r: RunState) => (query.sortKey === 'start_time' ? r.startTime : r.updateTime)
  const sign = query.sortDir === 'asc' ? 1 : -1
  matching.sort((a, b) => sign * (key(a) - key(b) || a.runNumber - b.runNumber))
  return { total: matching.length, page: matching.slice(query.offset, query.offset + query.limit) }
}
