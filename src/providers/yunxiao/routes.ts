import type { HttpMethod } from '../../core/http.js'
import { pathSegment } from '../ids.js'

/**
 * Where each question goes, per API flavour. The two differ in every path (reference/aliyun-yunxiao.md §1.2, §3.2):
 * - OpenAPI: /oapi/v1/flow[/organizations/{org}]/pipelines/{id}/runs[/{runId}], job retry under .../pipelineRuns/...;
 * - devops 2021-06-25: start under /organizations/ (plural), everything else under /organization/ (singular).
 */
export interface Route {
  method: HttpMethod
  path: string
  query?: Readonly<Record<string, string>>
}

export interface YunxiaoRoutes {
  /** The start request; its `params` travel as JSON (OpenAPI) or as a form field (POP). */
  start(params: string): Route & { body?: unknown; form?: Readonly<Record<string, string>> }
  run(runId: string): Route
  /** The newest runs of the pipeline (newest first, as far as the API says; the provider sorts anyway). */
  list(count: number): Route
  stop(runId: string): Route
  retryJob(runId: string, jobId: string): Route
  /** A job's whole log so far (GetPipelineJobRunLog / LogPipelineJobRun): no paging parameter exists. */
  jobLog(runId: string, jobId: string): Route
  /** A direct "latest run" request where the API has one. */
  latest?(): Route
}

const segment = pathSegment

export function openApiRoutes(pipelineId: string, organizationId?: string): YunxiaoRoutes {
  const org = organizationId === undefined ? '' : `/organizations/${segment(organizationId)}`
  const pipeline = `/oapi/v1/flow${org}/pipelines/${segment(pipelineId)}`
  return {
    start: params => ({ method: 'POST', path: `${pipeline}/runs`, body: { params } }),
    run: runId => ({ method: 'GET', path: `${pipeline}/runs/${segment(runId)}` }),
    // perPage is at most 30 (reference §3.2).
    list: count => ({ method: 'GET', path: `${pipeline}/runs`, query: { page: '1', perPage: String(Math.min(count, 30)) } }),
    // UpdatePipelineRun: PUT on the run itself stops it (path from two third-party sources, reference §3.2).
    stop: runId => ({ method: 'PUT', path: `${pipeline}/runs/${segment(runId)}` }),
    retryJob: (runId, jobId) => ({ method: 'PUT', path: `${pipeline}/pipelineRuns/${segment(runId)}/jobs/${segment(jobId)}/retry` }),
    // `runs/…/job/…/log`, singular `job`, as the official client calls it (reference §3.2).
    jobLog: (runId, jobId) => ({ method: 'GET', path: `${pipeline}/runs/${segment(runId)}/job/${segment(jobId)}/log` }),
    latest: () => ({ method: 'GET', path: `${pipeline}/runs/latestPipelineRun` })
  }
}

export function popRoutes(pipelineId: string, organizationId: string): YunxiaoRoutes {
  const org = segment(organizationId)
  const pipeline = `/organization/${org}/pipelines/${segment(pipelineId)}`
  return {
    start: params => ({ method: 'POST', path: `/organizations/${org}/pipelines/${segment(pipelineId)}/run`, form: { params } }),
    run: runId => ({ method: 'GET', path: `${pipeline}/pipelineRuns/${segment(runId)}` }),
    list: count => ({ method: 'GET', path: `${pipeline}/pipelineRuns`, query: { maxResults: String(count) } }),
    stop: runId => ({ method: 'PUT', path: `${pipeline}/pipelineRuns/${segment(runId)}/stop` }),
    retryJob: (runId, jobId) => ({ method: 'PUT', path: `${pipeline}/pipelineRuns/${segment(runId)}/jobs/${segment(jobId)}` }),
    // LogPipelineJobRun: singular `pipeline`, `pipelineRun` and `job`, then `logs` (reference §1.2).
    jobLog: (runId, jobId) => ({
      method: 'GET',
      path: `/organization/${org}/pipeline/${segment(pipelineId)}/pipelineRun/${segment(runId)}/job/${segment(jobId)}/logs`
    })
  }
}
