/**
 * Issue 13's chain, end to end on the GitHub runner harness: a CodeArts build's run id is handed to a
 * bk-ci deploy as a declared parameter, and the deploy's outputs (its build variables, artifacts)
 * come back, each step the built bundle as a child process against its emulator. And the loss the
 * chain exists to prevent: the same hand-over to a pipeline that does not declare the parameter is
 * refused before any build, instead of a green build that never got the value.
 */
import { DEMO_FIXTURE as CA, startCodeArtsEmulator, type CodeArtsEmulator } from '../../emulators/codearts/index.js'
import { DEMO_FIXTURE as BK, defaultBkciOptions, startBkciEmulator, type BkciEmulator, type BkciPipelineConfig } from '../../emulators/bkci/index.js'
import { runStep } from '../../emulators/github-runner.js'

const PACE = { poll_interval: '100ms', request_timeout: '3s', timeout: '60s' }
// A bk-ci deploy pipeline of the demo project that declares the CodeArts run it deploys.
const DEPLOY = 'p-c0de0000000000000000000000000a75'

let codearts: CodeArtsEmulator
let bkci: BkciEmulator
beforeAll(async () => {
  codearts = await startCodeArtsEmulator({ advance: 'per-read' })
  const demo = defaultBkciOptions()
  const deploy: BkciPipelineConfig = {
    id: DEPLOY,
    projectId: BK.projectId,
    scenario: 'succeed',
    params: [...BK.params.map(param => ({ ...param })), { id: 'CODEARTS_RUN_ID', valueNotEmpty: true }]
  }
  bkci = await startBkciEmulator({ ...demo, advance: 'per-read', pipelines: [...(demo.pipelines ?? []), deploy] })
})
afterAll(async () => {
  await codearts.close()
  await bkci.close()
})

const bkciInputs = (pipeline: string, variables: string) => ({
  provider: 'bkci',
  endpoint: bkci.gatewayUrl,
  project_id: BK.projectId,
  pipeline_id: pipeline,
  app_code: BK.app.appCode,
  app_secret: BK.app.appSecret,
  username: BK.username,
  variables,
  ...PACE
})

test('a CodeArts run id reaches a bk-ci deploy as a declared parameter, and the deploy’s outputs come back', async () => {
  const build = await runStep({ inputs: { provider: 'codearts', project_id: CA.projectId, pipeline_id: CA.pipelines.succeed, endpoint: codearts.url, token: CA.token, ...PACE } })
  expect(build.exitCode).toBe(0)
  const codeartsRunId = build.outputs.run_id ?? ''
  expect(codeartsRunId).toMatch(/^[0-9a-f]{32}$/)
  expect(JSON.parse(build.outputs.outputs ?? 'null')).toEqual(expect.any(Object))

  const deploy = await runStep({ inputs: bkciInputs(DEPLOY, `CODEARTS_RUN_ID=${codeartsRunId}`) })
  expect(deploy.exitCode).toBe(0)
  expect(deploy.outputs.status).toBe('succeeded')
  // The value arrived: the deploy build carries it, and it comes back among the build's variables.
  const outputs = JSON.parse(deploy.outputs.outputs ?? '{}') as Record<string, string>
  expect(outputs.CODEARTS_RUN_ID).toBe(codeartsRunId)
  expect(Object.keys(outputs).length).toBeGreaterThan(1)
  expect(JSON.parse(deploy.outputs.artifacts ?? '[]')).toEqual(expect.arrayContaining([expect.objectContaining({ name: expect.any(String) })]))
})

test('the same hand-over to a pipeline that does not declare the parameter starts nothing, and says why', async () => {
  const before = bkci.stats.runsCreated
  const deploy = await runStep({ inputs: bkciInputs(BK.pipelines.succeed, 'CODEARTS_RUN_ID=0123456789abcdef0123456789abcdef') })
  expect(deploy.exitCode).toBe(1)
  expect(deploy.stdout).toMatch(/Input variables: CODEARTS_RUN_ID is not a variable of the pipeline \(it declares /)
  expect(bkci.stats.runsCreated).toBe(before)
  expect(deploy.outputs.run_id).toBeUndefined()
})
