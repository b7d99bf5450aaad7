// The operations of both APIs, one server. Paths exactly as reference §1.2 (POP, ROA) and §3.2
// (OpenAPI, central edition): note POP's plural `/organizations/` for StartPipelineRun only, and
// the OpenAPI's mix of `runs/` and `pipelineRuns/`. Anything else is an unknown API.
import { decodeLenient } from '../../shared/percent-encoding.js'
import type { YunxiaoApi } from '../runs/types.js'

// `log`: a job's whole log (OpenAPI GetPipelineJobRunLog, POP LogPipelineJobRun); `pipeline`: the pipeline itself (GetPipeline).
export type Operation = 'run' | 'detail' | 'list' | 'stop' | 'retry' | 'log' | 'pipeline'

export const OPERATIONS: readonly Operation[] = ['run', 'detail', 'list', 'stop', 'retry', 'log', 'pipeline']

/** The POP action names, which x-acs-action must carry. */
export type PopAction = 'GetPipeline' | 'StartPipelineRun' | 'GetPipelineRun' | 'ListPipelineRuns' | 'StopPipelineRun' | 'RetryPipelineJobRun' | 'LogPipelineJobRun'

export interface RouteMatch {
  op: Operation
  api: YunxiaoApi
  /** POP only. */
  action?: PopAction
  organizationId: string
  /** Path segments, percent-decoded (they are checked against the fixture later). */
  pipelineId: string
  runId?: string
  jobId?: string
  /** OpenAPI GetLatestPipelineRun. */
  latest?: boolean
}

const SEG = '([^/]+)'
const OAPI = `^/oapi/v1/flow/organizations/${SEG}/pipelines/${SEG}`
const POP = `^/organization/${SEG}/pipelines/${SEG}`

interface Route {
  method: string
  pattern: RegExp
  api: YunxiaoApi
  op: Operation
  action?: PopAction
  latest?: boolean
  /** Names of the captures after organization and pipeline. */
  rest: ('runId' | 'jobId')[]
}

// Order matters where a literal segment could be read as an id (latestPipelineRun).
const ROUTES: Route[] = [
  // GetPipeline: the pipeline itself, with its code sources (OpenAPI as the official MCP server calls it; POP §1.2).
  { method: 'GET', pattern: new RegExp(`${OAPI}$`), api: 'openapi', op: 'pipeline', rest: [] },
  { method: 'GET', pattern: new RegExp(`${POP}$`), api: 'pop', op: 'pipeline', action: 'GetPipeline', rest: [] },
  { method: 'POST', pattern: new RegExp(`${OAPI}/runs$`), api: 'openapi', op: 'run', rest: [] },
  { method: 'GET', pattern: new RegExp(`${OAPI}/runs/latestPipelineRun$`), api: 'openapi', op: 'detail', latest: true, rest: [] },
  { method: 'GET', pattern: new RegExp(`${OAPI}/runs/${SEG}$`), api: 'openapi', op: 'detail', rest: ['runId'] },
  { method: 'GET', pattern: new RegExp(`${OAPI}/runs$`), api: 'openapi', op: 'list', rest: [] },
  { method: 'PUT', pattern: new RegExp(`${OAPI}/runs/${SEG}$`), api: 'openapi', op: 'stop', rest: ['runId'] },
  { method: 'PUT', pattern: new RegExp(`${OAPI}/pipelineRuns/${SEG}/jobs/${SEG}/retry$`), api: 'openapi', op: 'retry', rest: ['runId', 'jobId'] },
  { method: 'GET', pattern: new RegExp(`${OAPI}/runs/${SEG}/job/${SEG}/log$`), api: 'openapi', op: 'log', rest: ['runId', 'jobId'] },
  {
    method: 'POST',
    pattern: new RegExp(`^/organizations/${SEG}/pipelines/${SEG}/run$`),
    api: 'pop',
    op: 'run',
    action: 'StartPipelineRun',
    rest: []
  },
  { method: 'GET', pattern: new RegExp(`${POP}/pipelineRuns/${SEG}$`), api: 'pop', op: 'detail', action: 'GetPipelineRun', rest: ['runId'] },
  { method: 'GET', pattern: new RegExp(`${POP}/pipelineRuns$`), api: 'pop', op: 'list', action: 'ListPipelineRuns', rest: [] },
  { method: 'PUT', pattern: new RegExp(`${POP}/pipelineRuns/${SEG}/stop$`), api: 'pop', op: 'stop', action: 'StopPipelineRun', rest: ['runId'] },
  {
    method: 'PUT',
    pattern: new RegExp(`${POP}/pipelineRuns/${SEG}/jobs/${SEG}$`),
    api: 'pop',
    op: 'retry',
    action: 'RetryPipelineJobRun',
    rest: ['runId', 'jobId']
  },
  // LogPipelineJobRun: singular `pipeline`, `pipelineRun` and `job` (§1.2).
  {
    method: 'GET',
    pattern: new RegExp(`^/organization/${SEG}/pipeline/${SEG}/pipelineRun/${SEG}/job/${SEG}/logs$`),
    api: 'pop',
    op: 'log',
    action: 'LogPipelineJobRun',
    rest: ['runId', 'jobId']
  }
]

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase()) continue
    const m = route.pattern.exec(path)
    if (!m || m[1] === undefined || m[2] === undefined) continue
    const match: RouteMatch = { op: route.op, api: route.api, organizationId: decodeLenient(m[1]), pipelineId: decodeLenient(m[2]) }
    if (route.action) match.action = route.action
    if (route.latest) match.latest = true
    route.rest.forEach((name, i) => {
      const value = m[3 + i]
      if (value !== undefined) match[name] = decodeLenient(value)
    })
    return match
  }
  return undefined
}

/** Which API an unknown path was meant for: its error comes in that API's shape. */
export const apiOfPath = (path: string): YunxiaoApi => (path.startsWith('/oapi/') ? 'openapi' : 'pop')
