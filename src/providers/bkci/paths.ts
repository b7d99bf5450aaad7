import type { HttpMethod } from '../../core/http.js'
import type { BkciApi } from '../../inputs/bkci.js'
import { pathSegment } from '../ids.js'

/**
 * Where each bk-ci build operation lives, for both API flavours (reference/tencent-bkci.md §1).
 *
 * - v4, the resources the current gateway publishes: /v4/apigw-app/projects/{projectId}/<operation>, the pipeline and
 *   build ids in the query. On the gateway the version comes first, then the apigw type.
 * - v3, the older paths: /apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/<...>, ids in the path.
 *
 * Always `apigw-app`: app credentials (or an access_token, which also names the app) and X-DEVOPS-UID.
 */

export type BkciOperation = 'start' | 'retry' | 'stop' | 'status' | 'detail' | 'history' | 'logInit' | 'logAfter'

interface RouteTemplate {
  method: HttpMethod
  /** Below the endpoint; {projectId}, {pipelineId} and {buildId} are filled in. */
  path: string
  /** Query parameters that carry ids (v4). */
  ids: readonly ('pipelineId' | 'buildId')[]
}

export const ROUTES: Readonly<Record<BkciApi, Readonly<Record<BkciOperation, RouteTemplate>>>> = {
  v4: {
    start: { method: 'POST', path: '/v4/apigw-app/projects/{projectId}/build_start', ids: ['pipelineId'] },
    retry: { method: 'POST', path: '/v4/apigw-app/projects/{projectId}/build_retry', ids: ['pipelineId', 'buildId'] },
    stop: { method: 'POST', path: '/v4/apigw-app/projects/{projectId}/build_stop', ids: ['pipelineId', 'buildId'] },
    status: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/build_status', ids: ['pipelineId', 'buildId'] },
    detail: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/build_detail', ids: ['pipelineId', 'buildId'] },
    history: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/build_histories', ids: ['pipelineId'] },
    // The build log (ApigwLogResourceV4): the first page, then the lines from a line number on.
    logInit: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/logs/init_logs', ids: ['pipelineId', 'buildId'] },
    logAfter: { method: 'GET', path: '/v4/apigw-app/projects/{projectId}/logs/after_line_logs', ids: ['pipelineId', 'buildId'] }
  },
  v3: {
    start: { method: 'POST', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/start', ids: [] },
    retry: { method: 'POST', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/retry', ids: [] },
    stop: { method: 'POST', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/stop', ids: [] },
    status: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/status', ids: [] },
    detail: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/detail', ids: [] },
    history: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/history', ids: [] },
    // ApigwLogResourceV3: the same two reads below the build.
    logInit: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/logs/init', ids: [] },
    logAfter: { method: 'GET', path: '/apigw-app/v3/projects/{projectId}/pipelines/{pipelineId}/builds/{buildId}/logs/after', ids: [] }
  }
}

export interface RouteIds {
  projectId: string
  pipelineId: string
  buildId?: string
}

export interface Route {
  method: HttpMethod
  path: string
  query: Record<string, string>
}

/** The method, path and id query of one operation; other query parameters are the caller's. */
export function routeFor(api: BkciApi, operation: BkciOperation, ids: RouteIds): Route {
  const template = ROUTES[api][operation]
  const value = (name: keyof RouteIds): string => {
    const id = ids[name]
    if (id === undefined) throw new Error(`bkci ${operation} needs ${name}`)
    return id
  }
  const path = template.path.replace(/\{(projectId|pipelineId|buildId)\}/g, (_, name: keyof RouteIds) => pathSegment(value(name)))
  const query: Record<string, string> = {}
  for (const name of template.ids) query[name] = value(name)
  return { method: template.method, path, query }
}
