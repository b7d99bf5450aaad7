// ListPipelineRuns of both APIs: filters, newest first, and each API's paging. OpenAPI (§3.2):
// perPage (default 10, max 30), page (default 1), startTime, `endTme` (sic, as documented: an
// `endTime` is not a parameter of this API and is ignored, as a server ignores unknown
// parameters), status, triggerMode; the page numbers come back in x-* headers. POP (§1.2):
// startTime, endTime, status, maxResults, nextToken, triggerMode. Times are epoch ms and bound
// when a run started.
import type { FlowRun } from '../runs/types.js'
import { Problem } from './problems.js'

export interface RunFilter {
  startTime?: number
  endTime?: number
  /** Vendor status words, any of them. */
  status?: string[]
  triggerMode?: number
}

function integer(query: URLSearchParams, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined | Problem {
  const text = query.get(name)
  if (text === null || text === '') return undefined
  if (!/^\d+$/.test(text)) return new Problem('bad-request', `${name} must be an integer`)
  const value = Number(text)
  if (value < min || value > max) return new Problem('bad-request', `${name} must be between ${min} and ${max}`)
  return value
}

function filter(query: URLSearchParams, endName: 'endTme' | 'endTime'): RunFilter | Problem {
  const f: RunFilter = {}
  const startTime = integer(query, 'startTime', 0)
  if (startTime instanceof Problem) return startTime
  if (startTime !== undefined) f.startTime = startTime
  const endTime = integer(query, endName, 0)
  if (endTime instanceof Problem) return endTime
  if (endTime !== undefined) f.endTime = endTime
  const triggerMode = integer(query, 'triggerMode', 0)
  if (triggerMode instanceof Problem) return triggerMode
  if (triggerMode !== undefined) f.triggerMode = triggerMode
  const status = query.get('status')
  if (status) f.status = status.split(',').map((s) => s.trim())
  return f
}

/** Newest first: by start time, then by run id. */
export function selectRuns(runs: FlowRun[], f: RunFilter, statusOf: (run: FlowRun) => string, triggerModeOf: (run: FlowRun) => number): FlowRun[] {
  return runs
    .filter(
      (r) =>
        (f.startTime === undefined || r.startTime >= f.startTime) &&
        (f.endTime === undefined || r.startTime <= f.endTime) &&
        (f.status === undefined || f.status.includes(statusOf(r))) &&
        (f.triggerMode === undefined || triggerModeOf(r) === f.triggerMode)
    )
    .sort((a, b) => b.startTime - a.startTime || b.runId - a.runId)
}

export const OPENAPI_MAX_PER_PAGE = 30

export interface OpenApiListQuery {
  filter: RunFilter
  page: number
  perPage: number
}

export function parseOpenApiListQuery(query: URLSearchParams): OpenApiListQuery | Problem {
  const f = filter(query, 'endTme')
  if (f instanceof Problem) return f
  // Over the documented maximum is refused, not clamped: the stricter reading.
  const perPage = integer(query, 'perPage', 1, OPENAPI_MAX_PER_PAGE)
  if (perPage instanceof Problem) return perPage
  const page = integer(query, 'page', 1)
  if (page instanceof Problem) return page
  return { filter: f, page: page ?? 1, perPage: perPage ?? 10 }
}

/** The pagination headers of a page (§3.2); a missing neighbour page is an empty value. */
export function paginationHeaders(total: number, page: number, perPage: number): Record<string, string> {
  const totalPages = Math.ceil(total / perPage)
  return {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-total': String(total),
    'x-total-pages': String(totalPages),
    'x-next-page': page < totalPages ? String(page + 1) : '',
    'x-prev-page': page > 1 ? String(Math.min(page - 1, Math.max(totalPages, 1))) : ''
  }
}

export interface PopListQuery {
  filter: RunFilter
  offset: number
  maxResults: number
}

/** nextToken is opaque to clients; here it is the base64url of the next offset. */
export const encodeNextToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString('base64url')

function decodeNextToken(token: string): number | undefined {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'))
  return m?.[1] === undefined ? undefined : Number(m[1])
}

/** maxResults: default 10, at most 100 (neither is documented; emulator choices). */
export function parsePopListQuery(query: URLSearchParams): PopListQuery | Problem {
  const f = filter(query, 'endTime')
  if (f instanceof Problem) return f
  const maxResults = integer(query, 'maxResults', 1, 100)
  if (maxResults instanceof Problem) return maxResults
  let offset = 0
  const token = query.get('nextToken')
  if (token) {
    const decoded = decodeNextToken(token)
    if (decoded === undefined) return new Problem('bad-request', 'nextToken is not one this service issued')
    offset = decoded
  }
  return { filter: f, offset, maxResults: maxResults ?? 10 }
}
