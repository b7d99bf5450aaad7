// build_histories (§1.2): page (from 1), pageSize (default 20, capped at 100), updateTimeDesc, and
// the filters status (BuildStatus list), trigger (StartType list), buildMsg (LIKE %x%), remark,
// startUser, startTimeStartTime/startTimeEndTime (ms). Other documented filters are accepted and
// ignored (no build here has materials or build-number aliases to filter on).
import { BUILD_STATUSES, type Build, type BuildStatus } from '../builds/types.js'
import { type BkciError, paramInvalid } from './errors.js'

export const START_TYPES = ['MANUAL', 'TIME_TRIGGER', 'WEB_HOOK', 'SERVICE', 'PIPELINE', 'REMOTE'] as const

export interface HistoriesQuery {
  page: number
  pageSize: number
  updateTimeDesc: boolean
  status: BuildStatus[]
  trigger: string[]
  buildMsg?: string
  remark?: string
  startUser: string[]
  startTimeStartTime?: number
  startTimeEndTime?: number
}

/** Repeated parameters and comma lists both give lists (Jersey List<…> parameters). */
const list = (query: URLSearchParams, name: string): string[] =>
  query
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '')

function int(query: URLSearchParams, name: string): number | undefined | BkciError {
  const text = query.get(name)
  if (text === null || text === '') return undefined
  if (!/^\d+$/.test(text)) return paramInvalid(`${name} must be an integer`)
  return Number(text)
}

const isError = (v: unknown): v is BkciError => typeof v === 'object' && v !== null && 'httpStatus' in v

export function parseHistoriesQuery(query: URLSearchParams): HistoriesQuery | BkciError {
  const page = int(query, 'page')
  if (isError(page)) return page
  const pageSize = int(query, 'pageSize')
  if (isError(pageSize)) return pageSize
  const status = list(query, 'status')
  const unknown = status.find((s) => !(BUILD_STATUSES as readonly string[]).includes(s))
  if (unknown) return paramInvalid(`status ${unknown} is not a BuildStatus`)
  const trigger = list(query, 'trigger')
  const badTrigger = trigger.find((t) => !(START_TYPES as readonly string[]).includes(t))
  if (badTrigger) return paramInvalid(`trigger ${badTrigger} is not a StartType`)
  const from = int(query, 'startTimeStartTime')
  if (isError(from)) return from
  const to = int(query, 'startTimeEndTime')
  if (isError(to)) return to
  const q: HistoriesQuery = {
    page: Math.max(1, page ?? 1),
    pageSize: Math.min(100, Math.max(1, pageSize ?? 20)),
    updateTimeDesc: query.get('updateTimeDesc') === 'true',
    status: status as BuildStatus[],
    trigger,
    startUser: list(query, 'startUser')
  }
  const buildMsg = query.get('buildMsg')
  if (buildMsg) q.buildMsg = buildMsg
  const remark = query.get('remark')
  if (remark) q.remark = remark
  if (from !== undefined) q.startTimeStartTime = from
  if (to !== undefined) q.startTimeEndTime = to
  return q
}

const updatedAt = (b: Build): number => b.endTime ?? b.startTime

export function selectBuilds(builds: Build[], q: HistoriesQuery): { count: number; records: Build[] } {
  const matching = builds
    .filter(
      (b) =>
        (q.status.length === 0 || q.status.includes(b.status)) &&
        (q.trigger.length === 0 || q.trigger.includes(b.startType)) &&
        (q.buildMsg === undefined || b.buildMsg.includes(q.buildMsg)) &&
        q.remark === undefined &&
        (q.startUser.length === 0 || q.startUser.includes(b.startUser)) &&
        (q.startTimeStartTime === undefined || b.startTime >= q.startTimeStartTime) &&
        (q.startTimeEndTime === undefined || b.startTime <= q.startTimeEndTime)
    )
    .sort((a, b) => (q.updateTimeDesc ? updatedAt(b) - updatedAt(a) || b.buildNum - a.buildNum : b.buildNum - a.buildNum))
  const from = (q.page - 1) * q.pageSize
  return { count: matching.length, records: matching.slice(from, from + q.pageSize) }
}
