// The fixed world tests, the demo and benchmarks share. Every value is obviously fake.
import type { CodeArtsEmulatorOptions, PipelineConfig } from './options.js'

export const DEMO_FIXTURE = {
  /** The CodeArts project (32 chars) that owns the five scenario pipelines. */
  projectId: 'emuProject0000000000000000000001',
  /** A second project, owning `pipelines.other`: for DEVPIPE.00011136 (project does not own pipeline). */
  otherProjectId: 'emuProjectOther00000000000000002',
  domainId: 'emuDomain00000000000000000000001',
  pipelines: {
    succeed: 'emuPipelineSucceed00000000000000',
    fail: 'emuPipelineFail00000000000000000',
    gate: 'emuPipelineGate00000000000000000',
    queued: 'emuPipelineQueued000000000000000',
    long: 'emuPipelineLong00000000000000000',
    /** Plays `succeed`, in otherProjectId. */
    other: 'emuPipelineOther0000000000000000'
  },
  /** Accepted in X-Auth-Token. */
  token: 'emulator-iam-token-valid-0001',
  /** Answered with 401 "The token must be updated." */
  expiredToken: 'emulator-iam-token-expired-0001',
  /** A permanent AK/SK pair. */
  accessKey: { accessKeyId: 'EMULATORAK0000000001', secretAccessKey: 'EmulatorFakeSecretKey0000000000000000000' },
  /** A temporary AK/SK: requests must carry X-Security-Token, signed. */
  temporaryAccessKey: {
    accessKeyId: 'EMULATORSTSAK0000001',
    secretAccessKey: 'EmulatorFakeStsSecretKey0000000000000000',
    securityToken: 'emulator-security-token-0001'
  }
} as const

function demoPipelines(): PipelineConfig[] {
  const { projectId, otherProjectId, pipelines } = DEMO_FIXTURE
  return [
    { id: pipelines.succeed, projectId, name: 'emulator-succeed', scenario: 'succeed' },
    { id: pipelines.fail, projectId, name: 'emulator-fail', scenario: 'fail' },
    { id: pipelines.gate, projectId, name: 'emulator-gate', scenario: 'gate' },
    { id: pipelines.queued, projectId, name: 'emulator-queued', scenario: 'queued' },
    { id: pipelines.long, projectId, name: 'emulator-long', scenario: 'long' },
    { id: pipelines.other, projectId: otherProjectId, name: 'emulator-other-project', scenario: 'succeed' }
  ]
}

/** The demo world as emulator options; `overrides` win field by field. */
export function defaultCodeArtsOptions(overrides: CodeArtsEmulatorOptions = {}): CodeArtsEmulatorOptions {
  const f = DEMO_FIXTURE
  return {
    projects: [f.projectId, f.otherProjectId],
    pipelines: demoPipelines(),
    tokens: [f.token],
    expiredTokens: [f.expiredToken],
    accessKeys: {
      [f.accessKey.accessKeyId]: { secretAccessKey: f.accessKey.secretAccessKey },
      [f.temporaryAccessKey.accessKeyId]: {
        secretAccessKey: f.temporaryAccessKey.secretAccessKey,
        securityToken: f.temporaryAccessKey.securityToken
      }
    },
    domainId: f.domainId,
    ...overrides
  }
}
