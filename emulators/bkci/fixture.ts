// The fixed world tests, the demo and benchmarks share. Every value is obviously fake.
import type { BkciEmulatorOptions, BkciPipelineConfig, BkciPipelineParam } from './options.js'

export const DEMO_FIXTURE = {
  /** `/api/{gateway name}/{stage}`: the devops gateway, stage prod. */
  basePath: '/api/devops/prod',
  /** Project English names. */
  projectId: 'emulator-demo',
  /** A project `app` is not bound to; it owns `pipelines.other`. */
  otherProjectId: 'emulator-other',
  /** `p-` + 32 hex, one per scenario. */
  pipelines: {
    succeed: 'p-e0000000000000000000000000000001',
    fail: 'p-e0000000000000000000000000000002',
    gate: 'p-e0000000000000000000000000000003',
    long: 'p-e0000000000000000000000000000004',
    /** Plays `succeed`, in otherProjectId. */
    other: 'p-e0000000000000000000000000000005'
  },
  /** An app granted the devops resources and bound to projectId. */
  app: { appCode: 'emulator-app', appSecret: 'emulator-fake-app-secret-0000000000000001' },
  /** Known to the gateway but not granted the devops resources: 403 1640301. */
  ungrantedApp: { appCode: 'emulator-app-nogrant', appSecret: 'emulator-fake-app-secret-0000000000000002' },
  /** X-DEVOPS-UID with EXECUTE permission. */
  username: 'emulator-user',
  /** X-DEVOPS-UID with VIEW permission only. */
  viewer: 'emulator-viewer',
  /** A gateway access_token of `username` through `app`. */
  accessToken: 'emulator-fake-access-token-0000000001',
  expiredAccessToken: 'emulator-fake-access-token-0000000002',
  /** Variables declared on every demo pipeline's trigger. */
  params: [
    { id: 'ENV', defaultValue: 'dev' },
    { id: 'GREETING', defaultValue: 'hello' },
    { id: 'REGION', defaultValue: 'ap-guangzhou', constant: true }
  ] as const satisfies readonly BkciPipelineParam[]
} as const

function demoPipelines(): BkciPipelineConfig[] {
  const { projectId, otherProjectId, pipelines } = DEMO_FIXTURE
  const params = DEMO_FIXTURE.params.map((p) => ({ ...p }))
  return [
    { id: pipelines.succeed, projectId, name: 'emulator-succeed', scenario: 'succeed', params },
    { id: pipelines.fail, projectId, name: 'emulator-fail', scenario: 'fail', params },
    { id: pipelines.gate, projectId, name: 'emulator-gate', scenario: 'gate', params },
    { id: pipelines.long, projectId, name: 'emulator-long', scenario: 'long', params },
    { id: pipelines.other, projectId: otherProjectId, name: 'emulator-other-project', scenario: 'succeed', params }
  ]
}

/** The demo world as emulator options; `overrides` win field by field. */
export function defaultBkciOptions(overrides: BkciEmulatorOptions = {}): BkciEmulatorOptions {
  const f = DEMO_FIXTURE
  return {
    basePath: f.basePath,
    projects: [f.projectId, f.otherProjectId],
    pipelines: demoPipelines(),
    apps: {
      [f.app.appCode]: { secret: f.app.appSecret, projects: [f.projectId] },
      [f.ungrantedApp.appCode]: { secret: f.ungrantedApp.appSecret, granted: false }
    },
    accessTokens: {
      [f.accessToken]: { appCode: f.app.appCode, username: f.username },
      [f.expiredAccessToken]: { appCode: f.app.appCode, username: f.username, expired: true }
    },
    users: { [f.username]: 'execute', [f.viewer]: 'view' },
    ...overrides
  }
}
