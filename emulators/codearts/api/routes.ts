// The five v5 operations, with paths exactly as in reference 1.1. Anything else is an
// unpublished API for the gateway (APIGW.0101). A trailing '/' does not match: the SDKs send
// the path without it (the '/' only exists in the canonical URI).

export type Operation = 'run' | 'retry' | 'stop' | 'detail' | 'list'

export const OPERATIONS: readonly Operation[] = ['run', 'retry', 'stop', 'detail', 'list']

export interface RouteMatch {
  op: Operation
  projectId: string
  pipelineId: string
  runId?: string
}

const SEG = '([^/?]+)'
const PREFIX = `^/v5/${SEG}/api/pipelines/${SEG}`

const ROUTES: { op: Operation; method: string; pattern: RegExp }[] = [
  { op: 'run', method: 'POST', pattern: new RegExp(`${PREFIX}/run$`) },
  { op: 'retry', method: 'PUT', pattern: new RegExp(`${PREFIX}/pipeline-runs/${SEG}/retry$`) },
  { op: 'stop', method: 'POST', pattern: new RegExp(`${PREFIX}/pipeline-runs/${SEG}/stop$`) },
  // detail and list come first among the pipeline-runs paths only by method; the literal
  // segments cannot be taken for a run id because retry/stop need a further segment.
  { op: 'detail', method: 'GET', pattern: new RegExp(`${PREFIX}/pipeline-runs/detail$`) },
  { op: 'list', method: 'POST', pattern: new RegExp(`${PREFIX}/pipeline-runs/list$`) }
]

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  for (const route of ROUTES) {
    if (route.method !== method.toUpperCase()) continue
    const m = route.pattern.exec(path)
    if (!m || m[1] === undefined || m[2] === undefined) continue
    const match: RouteMatch = { op: route.op, projectId: m[1], pipelineId: m[2] }
    if (m[3] !== undefined) match.runId = m[3]
    return match
  }
  return undefined
}
