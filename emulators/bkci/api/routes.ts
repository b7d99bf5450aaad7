// The operations, behind the gateway's base path (`/api/{gateway}/{stage}`, §1.1, §3.1). v4 (the
// gateway resource file's form, version before apigwType): `/v4/{apigwType}/projects/{p}/build_*`.
// v3 (older gateways, apigwType before version): `/{apigwType}/v3/projects/{p}/pipelines/{pl}/builds/...`.
// apigwType is `apigw-app` or `apigw-user`; the legacy plain `apigw` is not a gateway resource.

// The log reads (ApigwLogResourceV4: `logs/init_logs`, `logs/after_line_logs`; V3: `logs/init`, `logs/after`).
/** The reads a chain makes besides the build operations: the start parameters and the artifact list. */
export type ChainOperation = 'startupInfo' | 'artifacts'

export type Operation = 'start' | 'retry' | 'stop' | 'status' | 'detail' | 'histories' | 'logInit' | 'logAfter' | ChainOperation

export const OPERATIONS: readonly Operation[] = ['start', 'retry', 'stop', 'status', 'detail', 'histories', 'logInit', 'logAfter', 'startupInfo', 'artifacts']

export type ApigwType = 'apigw-app' | 'apigw-user'

export interface RouteMatch {
  op: Operation
  version: 'v3' | 'v4'
  apigwType: ApigwType
  projectId: string
  /** v3: from the path. */
  pipelineId?: string
  /** v3: from the path. */
  buildId?: string
}

const V4_OPS: Record<string, { op: Operation; method: string }> = {
  build_start: { op: 'start', method: 'POST' },
  build_retry: { op: 'retry', method: 'POST' },
  build_stop: { op: 'stop', method: 'POST' },
  build_status: { op: 'status', method: 'GET' },
  build_detail: { op: 'detail', method: 'GET' },
  build_histories: { op: 'histories', method: 'GET' },
  'logs/init_logs': { op: 'logInit', method: 'GET' },
  'logs/after_line_logs': { op: 'logAfter', method: 'GET' },
  build_manual_startup_info: { op: 'startupInfo', method: 'GET' },
  'artifactories/file_info': { op: 'artifacts', method: 'GET' }
}

const SEG = '([^/]+)'
const TYPE = '(apigw-app|apigw-user)'
const V4 = new RegExp(`^/v4/${TYPE}/projects/${SEG}/(build_[a-z_]+|logs/[a-z_]+|artifactories/file_info)$`)
const V3_BUILDS = `^/${TYPE}/v3/projects/${SEG}/pipelines/${SEG}/builds`
const V3: { pattern: RegExp; method: string; op: Operation; hasBuildId: boolean }[] = [
  { pattern: new RegExp(`${V3_BUILDS}/start$`), method: 'POST', op: 'start', hasBuildId: false },
  { pattern: new RegExp(`${V3_BUILDS}/history$`), method: 'GET', op: 'histories', hasBuildId: false },
  { pattern: new RegExp(`${V3_BUILDS}/manualStartupInfo$`), method: 'GET', op: 'startupInfo', hasBuildId: false },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/retry$`), method: 'POST', op: 'retry', hasBuildId: true },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/stop$`), method: 'POST', op: 'stop', hasBuildId: true },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/status$`), method: 'GET', op: 'status', hasBuildId: true },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/detail$`), method: 'GET', op: 'detail', hasBuildId: true },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/logs/init$`), method: 'GET', op: 'logInit', hasBuildId: true },
  { pattern: new RegExp(`${V3_BUILDS}/${SEG}/logs/after$`), method: 'GET', op: 'logAfter', hasBuildId: true }
]

const decode = (s: string): string => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

export function matchRoute(method: string, fullPath: string, basePath: string, enableV3: boolean): RouteMatch | undefined {
  if (!fullPath.startsWith(basePath + '/')) return undefined
  const path = fullPath.slice(basePath.length)
  const verb = method.toUpperCase()
  const v4 = V4.exec(path)
  if (v4 && v4[1] && v4[2] && v4[3]) {
    const spec = V4_OPS[v4[3]]
    if (!spec || spec.method !== verb) return undefined
    return { op: spec.op, version: 'v4', apigwType: v4[1] as ApigwType, projectId: decode(v4[2]) }
  }
  if (!enableV3) return undefined
  for (const route of V3) {
    if (route.method !== verb) continue
    const m = route.pattern.exec(path)
    if (!m || !m[1] || !m[2] || !m[3]) continue
    const match: RouteMatch = { op: route.op, version: 'v3', apigwType: m[1] as ApigwType, projectId: decode(m[2]), pipelineId: decode(m[3]) }
    if (route.hasBuildId && m[4]) match.buildId = decode(m[4])
    return match
  }
  return undefined
}
