/**
 * Chains that lose nothing (issue 13) on bk-ci and Yunxiao, end to end: the built bundle runs as a child
 * process against the emulators, which act on declared variables the way the vendors do (bk-ci drops an
 * undeclared value and keeps a constant's default), so these show the loss the check prevents.
 */
import { DEMO_FIXTURE as BK, defaultBkciOptions, startBkciEmulator, type BkciEmulator, type BkciPipelineConfig } from '../../emulators/bkci/index.js'
import { DEMO_FIXTURE as YX, startYunxiaoEmulator, type YunxiaoEmulator } from '../../emulators/yunxiao/index.js'
import { runStep, type StepResult } from '../../emulators/github-runner.js'

function step(inputs: Record<string, string>): Promise<StepResult> {
  return runStep({ inputs: { poll_interval: '100ms', request_timeout: '3s', timeout: '60s', ...inputs } })
}

// A pipeline of the demo project with a parameter that must be given (valueNotEmpty, no default).
const NEEDS_TARGET = 'p-e00000000000000000000000000000a1'

describe.each(['v4', 'v3'] as const)('bkci (%s): checked starts and results', api => {
  let emulator: BkciEmulator
  beforeAll(async () => {
    const demo = defaultBkciOptions()
    const needsTarget: BkciPipelineConfig = {
      id: NEEDS_TARGET,
      projectId: BK.projectId,
      scenario: 'succeed',
      params: [...BK.params.map(p => ({ ...p })), { id: 'TARGET', valueNotEmpty: true }]
    }
    emulator = await startBkciEmulator({ ...demo, advance: 'per-read', pipelines: [...(demo.pipelines ?? []), needsTarget] })
  })
  afterAll(() => emulator.close())
  const base = (pipeline: string = BK.pipelines.succeed) => ({
    provider: 'bkci',
    api,
    endpoint: emulator.gatewayUrl,
    project_id: BK.projectId,
    pipeline_id: pipeline,
    app_code: BK.app.appCode,
    app_secret: BK.app.appSecret,
    username: BK.username
  })

  test('an undeclared variable is refused before any start: no build is made', async () => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), variables: 'ENV=prod\nDEPLOY_TARGET=eu' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/Input variables: DEPLOY_TARGET is not a variable of the pipeline \(it declares ENV, GREETING/)
    expect(emulator.stats.runsCreated).toBe(before)
    expect(emulator.stats.start).toBe(0)
    expect(emulator.stats.startupInfo).toBeGreaterThan(0)
  })

  test('a constant is refused: a build would keep its default', async () => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), variables: 'REGION=eu-frankfurt' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/REGION is a constant of the pipeline: a run cannot change it/)
    expect(emulator.stats.runsCreated).toBe(before)
  })

  test('variables_check: warn starts with a warning, and the build shows the loss: the value dropped, the constant at its default', async () => {
    const result = await step({ ...base(), variables: 'ENV=prod\nDEPLOY_TARGET=eu\nREGION=eu-frankfurt', variables_check: 'warn' })
    expect(result.outputs.status).toBe('succeeded')
    expect(result.stdout).toMatch(/::warning::.*DEPLOY_TARGET is not a variable of the pipeline.*variables_check: warn/)
    expect(result.stdout).toMatch(/::warning::.*REGION is a constant of the pipeline/)
    const build = emulator.getRun(result.outputs.run_id!)!
    expect(build.values).toMatchObject({ ENV: 'prod', REGION: 'ap-guangzhou' })
    expect(build.values).not.toHaveProperty('DEPLOY_TARGET')
  })

  test('a required parameter (valueNotEmpty, no default) left out is refused before the start', async () => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(NEEDS_TARGET), variables: 'ENV=prod' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/the pipeline requires TARGET \(no default value\)/)
    expect(emulator.stats.runsCreated).toBe(before)
    const given = await step({ ...base(NEEDS_TARGET), variables: 'TARGET=eu' })
    expect(given.outputs.status).toBe('succeeded')
  })

  test('outputs (the variable a step set), artifacts and attempt come back; attempt is 2 after a retry, which names a task by its name', async () => {
    const first = await step({ ...base(BK.pipelines.fail), propagate_failure: 'false' })
    expect(first.outputs.status).toBe('failed')
    expect(first.outputs.attempt).toBe('1')
    expect(JSON.parse(first.outputs.outputs!)).not.toHaveProperty('IMAGE_TAG')
    const runId = first.outputs.run_id!
    const retried = await step({ ...base(BK.pipelines.fail), operation: 'retry', run_id: runId, jobs: 'Compile' })
    expect(retried.outputs.status).toBe('succeeded')
    expect(retried.outputs.attempt).toBe('2')
    const outputs = JSON.parse(retried.outputs.outputs!)
    expect(outputs.IMAGE_TAG).toBe('emulator-app:1.0.0')
    expect(outputs.ENV).toBe('dev')
    // The pipeline's own variables come before bk-ci's built-in BK_CI_* ones.
    expect(Object.keys(outputs).findIndex(name => name.startsWith('BK_CI_'))).toBeGreaterThan(Object.keys(outputs).indexOf('IMAGE_TAG'))
    if (api === 'v4') expect(JSON.parse(retried.outputs.artifacts!)).toEqual([{ name: 'app-1.0.0.tar.gz', size: 2_621_440 }])
    // v3 documents no artifact list: the output is left unset rather than claimed empty.
    else expect(retried.outputs.artifacts).toBeUndefined()
    // The retry went to the task Compile names (its element id), not to the whole build.
    const retryRequest = emulator.stats.requests.filter(r => /build_retry|\/retry$/.test(r.path)).at(-1)!
    const compile = emulator.getRun(runId)!.stages.flatMap(s => s.containers).flatMap(c => c.tasks).find(t => t.name === 'Compile')!
    expect(new URLSearchParams(retryRequest.query).get('taskId')).toBe(compile.id)
  })
})

describe('yunxiao: reserved names and a branch on a pipeline that never ran', () => {
  let emulator: YunxiaoEmulator
  beforeAll(async () => {
    emulator = await startYunxiaoEmulator({ advance: 'per-read' })
  })
  afterAll(() => emulator.close())
  const base = () => ({ provider: 'yunxiao', organization_id: YX.organizationId, endpoint: emulator.url })

  test('VERSION=… is an input error: nothing is sent', async () => {
    const requests = emulator.stats.requests.length
    const result = await step({ ...base(), pipeline_id: String(YX.pipelines.succeed), token: YX.token, variables: 'VERSION=1.2.3' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/Input variables: VERSION is a reserved word in Yunxiao Flow/)
    expect(emulator.stats.requests.length).toBe(requests)
  })

  test.each([
    ['OpenAPI, token', 'gate', { token: YX.token }],
    ['POP, AK/SK', 'long', { access_key_id: YX.accessKey.accessKeyId, access_key_secret: YX.accessKey.accessKeySecret }]
  ] as const)('%s: branch on a pipeline that never ran takes the code source from the pipeline', async (_name, scenario, credentials) => {
    const pipelineId = YX.pipelines[scenario]
    expect(emulator.stats.runsCreated).toBe(scenario === 'gate' ? 0 : 1)
    const result = await step({ ...base(), ...credentials, pipeline_id: String(pipelineId), branch: 'release/2.0', wait: 'false' })
    expect(result.exitCode).toBe(0)
    const params = emulator.getRun(result.outputs.run_id!, pipelineId)!.params
    expect(params.runningBranchs).toEqual({ [YX.repoUrl]: 'release/2.0' })
    expect(emulator.stats.pipeline).toBeGreaterThan(0)
  })
})
