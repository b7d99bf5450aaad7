// The fixed world tests, the demo and benchmarks share. Every value is obviously fake.
import type { CodeArtsEmulatorOptions, EmulatedVariable, PipelineConfig } from './options.js'

export const DEMO_FIXTURE = {
  /** The CodeArts project (32 chars) that owns the five scenario pipelines. */
  projectId: 'emuProject0000000000000000000001',
  /** A second project, owning `pipelines.other`: for DEVPIPE.00011136 (project does not own pipeline). */
  otherProjectId: 'emuProjectOther00000000000000002',
  domainId: 'emuDomain00000000000000000000001',
  /** The IAM project of cn-north-4 (what X-Project-Id carries), and a sub-project of that region. */
  iamProjectId: 'emuIamProjectCnNorth400000000001',
  iamSubProjectId: 'emuIamSubProject0000000000000001',
  pipelines: {
    succeed: 'emuPipelineSucceed00000000000000',
    fail: 'emuPipelineFail00000000000000000',
    gate: 'emuPipelineGate00000000000000000',
    queued: 'emuPipelineQueued000000000000000',
    long: 'emuPipelineLong00000000000000000',
    /** Plays `succeed`, in otherProjectId. */
    other: 'emuPipelineOther0000000000000000',
    /** Plays `succeed`; no test starts it, so it never ran: its code source is in its definition only. */
    neverRun: 'emuPipelineNeverRun0000000000000',
    /** Plays `succeed`, with no code source in its definition (and it never ran either). */
    noSource: 'emuPipelineNoSource0000000000000'
  },
  /**
   * The custom variables of every v5 demo pipeline (ShowPipelineDetail `variables[]`): ENV and
   * VERSION are set at run time; REGION is not, so a run keeps cn-north-4 whatever it is sent.
   */
  variables: [
    { name: 'ENV', value: 'dev', isRuntime: true },
    { name: 'VERSION', value: '1.0.0', isRuntime: true },
    { name: 'REGION', value: 'cn-north-4', isRuntime: false }
  ],
  /** Accepted in X-Auth-Token. */
  token: 'emulator-iam-token-valid-0001',
  /** Answered with 401 "The token must be updated." */
  expiredToken: 'emulator-iam-token-expired-0001',
  /** A permanent AK/SK pair. */
  accessKey: { accessKeyId: 'EMULATORAK0000000001', secretAccessKey: 'EmulatorFakeSecretKey0000000000000000000' },
  /** GitCode pipelines (v6 "PAC"): one repository, one pipeline file per scenario. */
  pac: {
    repositoryUrl: 'https://gitcode.com/emulator/app.git',
    /** The access_token the service accepts for that repository. */
    gitcodeToken: 'emulator-gitcode-token-0001',
    files: {
      succeed: '.gitcode/workflows/succeed.yml',
      fail: '.gitcode/workflows/fail.yml',
      gate: '.gitcode/workflows/gate.yml',
      long: '.gitcode/workflows/long.yml'
    },
    pipelines: {
      succeed: 'emuPacSucceed0000000000000000000',
      fail: 'emuPacFail0000000000000000000000',
      gate: 'emuPacGate0000000000000000000000',
      long: 'emuPacLong0000000000000000000000'
    }
  },
  /** A temporary AK/SK: requests must carry X-Security-Token, signed. */
  temporaryAccessKey: {
    accessKeyId: 'EMULATORSTSAK0000001',
    secretAccessKey: 'EmulatorFakeStsSecretKey0000000000000000',
    securityToken: 'emulator-security-token-0001'
  }
} as const

function demoPipelines(): PipelineConfig[] {
  const { projectId, otherProjectId, pipelines } = DEMO_FIXTURE
  const variables: EmulatedVariable[] = DEMO_FIXTURE.variables.map(variable => ({ ...variable }))
  return [
    { id: pipelines.succeed, projectId, name: 'emulator-succeed', scenario: 'succeed', variables },
    { id: pipelines.fail, projectId, name: 'emulator-fail', scenario: 'fail', variables },
    { id: pipelines.gate, projectId, name: 'emulator-gate', scenario: 'gate', variables },
    { id: pipelines.queued, projectId, name: 'emulator-queued', scenario: 'queued', variables },
    { id: pipelines.long, projectId, name: 'emulator-long', scenario: 'long', variables },
    { id: pipelines.other, projectId: otherProjectId, name: 'emulator-other-project', scenario: 'succeed', variables },
    { id: pipelines.neverRun, projectId, name: 'emulator-never-run', scenario: 'succeed', variables },
    { id: pipelines.noSource, projectId, name: 'emulator-no-source', scenario: 'succeed', variables, sources: [] },
    ...(['succeed', 'fail', 'gate', 'long'] as const).map(scenario => ({
      id: DEMO_FIXTURE.pac.pipelines[scenario],
      projectId,
      name: `gitcode-${scenario}`,
      scenario,
      pac: { repositoryUrl: DEMO_FIXTURE.pac.repositoryUrl, filePath: DEMO_FIXTURE.pac.files[scenario] }
    }))
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
    iamProjects: [{ id: f.iamProjectId, name: 'cn-north-4' }],
    gitcodeTokens: [f.pac.gitcodeToken],
    ...overrides
  }
}
