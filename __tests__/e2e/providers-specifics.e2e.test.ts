/**
 * What the shared lifecycle suite cannot say for every provider: what each one sends (variables,
 * branches, messages), its own credentials and error hints, and its own fault cases. The built
 * bundle runs as a child process against each emulator, as everywhere in __tests__/e2e.
 */
import { DEMO_FIXTURE as BK, startBkciEmulator, type BkciEmulator } from '../../emulators/bkci/index.js'
import { DEMO_FIXTURE as CA, startCodeArtsEmulator, type CodeArtsEmulator } from '../../emulators/codearts/index.js'
import { DEMO_FIXTURE as YX, startYunxiaoEmulator, type YunxiaoEmulator } from '../../emulators/yunxiao/index.js'
import { runStep, type StepResult } from '../../emulators/github-runner.js'
import { findLeaks } from './secrets.js'

const written: string[] = []
async function step(inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep({ inputs: { poll_interval: '100ms', request_timeout: '3s', timeout: '60s', ...inputs } })
  written.push(result.stdout, result.stderr, result.written)
  return result
}

describe('yunxiao specifics', () => {
  let emulator: YunxiaoEmulator
  beforeAll(async () => {
    emulator = await startYunxiaoEmulator({ advance: 'per-read' })
  })
  afterAll(() => emulator.close())
  const base = () => ({ provider: 'yunxiao', organization_id: YX.organizationId, pipeline_id: String(YX.pipelines.succeed), endpoint: emulator.url })

  test('variables, branch and message reach the run params (OpenAPI, token)', async () => {
    // The branch is set on the code source the latest run shows, so there must be one.
    await step({ ...base(), token: YX.token, wait: 'false' })
    const result = await step({ ...base(), token: YX.token, variables: 'ENV=staging\nAPP_VERSION=1.2.3', branch: 'release/1.2', message: 'Deploy 1.2' })
    expect(result.outputs.status).toBe('succeeded')
    const params = emulator.getRun(result.outputs.run_id!, YX.pipelines.succeed)!.params
    expect(params.envs).toEqual({ ENV: 'staging', APP_VERSION: '1.2.3' })
    expect(params.runningBranchs).toEqual({ [YX.repoUrl]: 'release/1.2' })
    expect(params.comment).toMatch(/^Deploy 1\.2 \[relay:[0-9a-f]{10}\]$/)
  })

  test('STS credentials: the security token is sent, signed, and the run succeeds (POP API)', async () => {
    const { accessKeyId, accessKeySecret, securityToken } = YX.temporaryAccessKey
    const result = await step({ ...base(), access_key_id: accessKeyId, access_key_secret: accessKeySecret, security_token: securityToken })
    expect(result.outputs.status).toBe('succeeded')
    expect(emulator.getRun(result.outputs.run_id!, YX.pipelines.succeed)!.api).toBe('pop')
  })

  test.each([
    ['an AccessKey of someone outside the organization', { access_key_id: YX.outsiderAccessKey.accessKeyId, access_key_secret: YX.outsiderAccessKey.accessKeySecret }, /UserNotInCurrentOrganization/],
    ['an AccessKey without the RAM policy', { access_key_id: YX.noPermissionAccessKey.accessKeyId, access_key_secret: YX.noPermissionAccessKey.accessKeySecret }, /NoPermission/],
    ['an AccessKey of a user unknown to Yunxiao', { access_key_id: YX.unregisteredAccessKey.accessKeyId, access_key_secret: YX.unregisteredAccessKey.accessKeySecret }, /InvalidUser\.NotFound/],
    ['an expired personal access token', { token: YX.expiredToken }, /token/i]
  ])('%s: the step fails with the vendor code and a hint, no run made', async (_name, credentials, code) => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), ...credentials })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(code)
    expect(emulator.stats.runsCreated).toBe(before)
  })
})

describe('bkci specifics', () => {
  let emulator: BkciEmulator
  beforeAll(async () => {
    emulator = await startBkciEmulator({ advance: 'per-read', gatewayTimeoutMs: 1500 })
  })
  afterAll(() => emulator.close())
  const base = () => ({ provider: 'bkci', endpoint: emulator.gatewayUrl, project_id: BK.projectId, pipeline_id: BK.pipelines.succeed, app_code: BK.app.appCode, app_secret: BK.app.appSecret, username: BK.username })

  test('variables and the message (BK_CI_BUILD_MSG) reach the build', async () => {
    const result = await step({ ...base(), variables: 'ENV=prod\nGREETING=hi', message: 'Release 2.0' })
    expect(result.outputs.status).toBe('succeeded')
    const build = emulator.getRun(result.outputs.run_id!)!
    expect(build.values).toMatchObject({ ENV: 'prod', GREETING: 'hi' })
    expect(build.buildMsg).toMatch(/^Release 2\.0 \[relay:[0-9a-f]{10}\]$/)
    expect(result.outputs.run_url).toBe(`${new URL(emulator.gatewayUrl).origin}/console/pipeline/${BK.projectId}/${BK.pipelines.succeed}/detail/${result.outputs.run_id}`)
  })

  test('a start the gateway times out after creating the build: found in the histories, never sent twice', async () => {
    emulator.injectFault({ on: 'start', kind: 'gateway-timeout', delayMs: 1500 })
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), request_timeout: '10s' })
    expect(emulator.stats.runsCreated - before).toBe(1)
    expect(emulator.stats.start).toBeGreaterThanOrEqual(1)
    expect(result.outputs.status).toBe('succeeded')
  }, 30_000)

  test('retry with skip_failed skips the failed task, as a new attempt of the same build', async () => {
    const failed = await step({ ...base(), pipeline_id: BK.pipelines.fail })
    expect(failed.outputs.status).toBe('failed')
    const skipped = await step({ ...base(), pipeline_id: BK.pipelines.fail, operation: 'retry', run_id: failed.outputs.run_id!, skip_failed: 'true' })
    expect(skipped.outputs.run_id).toBe(failed.outputs.run_id)
    expect(emulator.getRun(failed.outputs.run_id!)!.executeCount).toBe(2)
    expect(skipped.outputs.status).toBe('succeeded')
  })

  test('an app without the devops grant is refused by the gateway with a hint; no build made', async () => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), app_code: BK.ungrantedApp.appCode, app_secret: BK.ungrantedApp.appSecret })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/1640301|not (been )?granted|permission/i)
    expect(emulator.stats.runsCreated).toBe(before)
    expect(emulator.stats.credentialsInQuery).toBe(0)
  })
})

describe('codearts-pac specifics', () => {
  let emulator: CodeArtsEmulator
  beforeAll(async () => {
    emulator = await startCodeArtsEmulator({ advance: 'per-read', pacCasing: 'camel' })
  })
  afterAll(() => emulator.close())
  const base = () => ({
    provider: 'codearts-pac',
    domain_id: CA.domainId,
    endpoint: emulator.url,
    token: CA.token,
    gitcode_token: CA.pac.gitcodeToken,
    repository_url: CA.pac.repositoryUrl
  })

  test('a failed GitCode run: the summary ends with the tail of the failed job log; the detail came in camelCase', async () => {
    const result = await step({ ...base(), pipeline_file: CA.pac.files.fail, branch: 'main' })
    expect(result.outputs.status).toBe('failed')
    expect(result.outputs.pipeline_id).toBe(CA.pac.pipelines.fail)
    expect(result.summary).toMatch(/<details><summary>End of the log of [^<]+<\/summary>/)
    // The emulator writes lines in the documented form "[time GMT+08:00] [ERROR] …".
    expect(result.summary).toMatch(/\[ERROR\] Build failed/)
    expect(emulator.stats.log).toBeGreaterThanOrEqual(1)
  })

  test('a GitCode token the service does not accept is refused, with no run made', async () => {
    const before = emulator.stats.runsCreated
    const result = await step({ ...base(), pipeline_file: CA.pac.files.succeed, gitcode_token: 'not-the-right-token-000' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/access_token cannot read the code source/)
    expect(emulator.stats.runsCreated).toBe(before)
  })
})

test('no credential of any provider appears in anything these steps wrote', () => {
  const secrets = [YX.token, YX.expiredToken, YX.accessKey.accessKeySecret, YX.temporaryAccessKey.accessKeySecret, YX.temporaryAccessKey.securityToken, BK.app.appSecret, BK.ungrantedApp.appSecret, BK.accessToken, CA.token, CA.pac.gitcodeToken]
  expect(written.length).toBeGreaterThan(20)
  expect(findLeaks(written, secrets)).toEqual([])
})
