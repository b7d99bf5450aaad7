// The five v5 operations, with paths exactly as in reference 1.1, plus a step's log
// (next-capabilities §1.1), and the v6 GitCode pipeline ("PAC") actions of reference §3 (the same
// operations, plus a job's log). `log` counts both logs. Anything else is an
// unpublished API for the gateway (APIGW.0101). A trailing '/' does not match: the SDKs send
// the path without it (the '/' only exists in the canonical URI).

export type Operation = 'run' | 'retry' | 'stop' | 'detail' | 'list' | 'log' | 'projects' | ChainOperation

/** The pipeline definition, a run's step outputs and its artifacts (chain-handlers.ts). */
export type ChainOperation = 'pipeline' | 'outputs' | 'artifacts'

export const OPERATIONS: readonly Operation[] = ['run', 'retry', 'stop', 'detail', 'list', 'log', 'projects', 'pipeline', 'outputs', 'artifacts']

export const isChainOperation = (op: Operation): op is ChainOperation => op === 'pipeline' || op === 'outputs' || op === 'artifacts'


export interface RouteMatch {
  op: Operation
  /**
   * v5: /v5/{project_id}/api/pipelines/...; v6: /v6/{domain_id}/api/pac/pipelines/actions/...;
   * iam: IAM's KeystoneListProjects (GET /v3/projects), served on the same port so that one
   * emulator is both the CodeArts endpoint and the IAM endpoint.
   */
  api: 'v5' | 'v6' | 'iam'
  /** v5 only ('' on v6). */
  projectId: string
  /** '' where the path has none (v6 run, rerun and list take it from the body). */
  pipelineId: string
  runId?: string
  /** v6 only. */
  domainId?: string
  /** The logs only. */
  jobRunId?: string
  /** v5 log only. */
  stepRunId?: string
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
  { op: 'list', method: 'POST', pattern: new RegExp(`${PREFIX}/pipeline-runs/list$`) },
  { op: 'log', method: 'POST', pattern: new RegExp(`${PREFIX}/pipeline-runs/${SEG}/jobs/${SEG}/steps/${SEG}/logs$`) }
]

const ACTIONS = `^/v6/${SEG}/api/pac/pipelines/actions`

// The literal paths (run, rerun, the list itself) come before the ones with ids: `run` could
// otherwise be read as a pipeline id.
const PAC_ROUTES: { op: Operation; method: string; pattern: RegExp; ids: ('pipelineId' | 'runId' | 'jobRunId')[] }[] = [
  { op: 'run', method: 'POST', pattern: new RegExp(`${ACTIONS}/run$`), ids: [] },
  { op: 'retry', method: 'POST', pattern: new RegExp(`${ACTIONS}/rerun$`), ids: [] },
  { op: 'list', method: 'POST', pattern: new RegExp(`${ACTIONS}$`), ids: [] },
  { op: 'stop', method: 'POST', pattern: new RegExp(`${ACTIONS}/${SEG}/${SEG}/stop$`), ids: ['pipelineId', 'runId'] },
  { op: 'log', method: 'POST', pattern: new RegExp(`${ACTIONS}/${SEG}/${SEG}/${SEG}/logs$`), ids: ['pipelineId', 'runId', 'jobRunId'] },
  { op: 'detail', method: 'GET', pattern: new RegExp(`${ACTIONS}/${SEG}/${SEG}$`), ids: ['pipelineId', 'runId'] }
]

// ShowPipelineDetail, ShowStepOutputs, ShowPipelineArtifacts (reference/next-capabilities.md §4).
const CHAIN_ROUTES: { op: ChainOperation; method: string; pattern: RegExp }[] = [
  { op: 'pipeline', method: 'GET', pattern: new RegExp(`${PREFIX}$`) },
  { op: 'outputs', method: 'GET', pattern: new RegExp(`${PREFIX}/pipeline-runs/${SEG}/steps/outputs$`) },
  { op: 'artifacts', method: 'GET', pattern: new RegExp(`${PREFIX}/pipeline-runs/${SEG}/artifacts$`) }
]

export function matchRoute(method: string, path: string): RouteMatch | undefined {
  if (method.toUpperCase() === 'GET' && path === '/v3/projects') return { op: 'projects', api: 'iam', projectId: '', pipelineId: '' }
  for (const route of [...ROUTES, ...CHAIN_ROUTES]) {
    if (route.method !== method.toUpperCase()) continue
    const m = route.pattern.exec(path)
    if (!m || m[1] === undefined || m[2] === undefined) continue
    const match: RouteMatch = { op: route.op, api: 'v5', projectId: m[1], pipelineId: m[2] }
    if (m[3] !== undefined) match.runId = m[3]
    if (m[4] !== undefined) match.jobRunId = m[4]
    if (m[5] !== undefined) match.stepRunId = m[5]
    return match
  }
  for (const route of PAC_ROUTES) {
    if (route.method !== method.toUpperCase()) continue
    const m = route.pattern.exec(path)
    if (!m || m[1] === undefined) continue
    const match: RouteMatch = { op: route.op, api: 'v6', projectId: '', pipelineId: '', domainId: m[1] }
    route.ids.forEach((id, index) => {
      match[id] = m[index + 2] ?? ''
    })
    return match
  }
  return undefined
}
