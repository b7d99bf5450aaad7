/**
 * End to end: the X-Project-Id of AK/SK requests, as the official SDK sends it. The built
 * dist/index.js runs as a child process against the CodeArts emulator, which is also the IAM
 * endpoint (iam_endpoint) and scopes signed requests the way the gateway does.
 */
import { request as httpRequest } from 'node:http'
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type CodeArtsEmulatorOptions, type RecordedRequest } from '../../emulators/codearts/index.js'
import { runStep, type StepResult } from '../../emulators/github-runner.js'
import { signHuaweiRequest } from '../../src/signing/huawei-sdk-hmac-sha256.js'
import { findLeaks } from './secrets.js'

const F = DEMO_FIXTURE
const SECRETS = [F.token, F.accessKey.accessKeyId, F.accessKey.secretAccessKey]
const OTHER_PROJECT = 'emuIamOtherProject00000000000001'

const running: CodeArtsEmulator[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map(emulator => emulator.close()))
})

async function emulatorWith(options: CodeArtsEmulatorOptions = {}): Promise<CodeArtsEmulator> {
  const emulator = await startCodeArtsEmulator({ advance: 'per-read', ...options })
  running.push(emulator)
  return emulator
}

const pace = { poll_interval: '100ms', request_timeout: '3s', timeout: '60s' }

function v5(emulator: CodeArtsEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'codearts',
    project_id: F.projectId,
    pipeline_id: F.pipelines.succeed,
    endpoint: emulator.url,
    iam_endpoint: emulator.url,
    access_key_id: F.accessKey.accessKeyId,
    access_key_secret: F.accessKey.secretAccessKey,
    ...pace,
    ...extra
  }
}

function v6(emulator: CodeArtsEmulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'codearts-pac',
    domain_id: F.domainId,
    repository_url: F.pac.repositoryUrl,
    pipeline_file: F.pac.files.succeed,
    gitcode_token: F.pac.gitcodeToken,
    endpoint: emulator.url,
    iam_endpoint: emulator.url,
    access_key_id: F.accessKey.accessKeyId,
    access_key_secret: F.accessKey.secretAccessKey,
    ...pace,
    ...extra
  }
}

async function step(inputs: Record<string, string>): Promise<StepResult> {
  const result = await runStep({ inputs })
  expect(findLeaks([result.stdout, result.stderr, result.written], SECRETS)).toEqual([])
  return result
}

const isLookup = (request: RecordedRequest) => request.path === '/v3/projects'
const codeArtsRequests = (emulator: CodeArtsEmulator) => emulator.stats.requests.filter(request => !isLookup(request))

function expectScopedTo(emulator: CodeArtsEmulator, projectId: string): void {
  const sent = codeArtsRequests(emulator)
  expect(sent.length).toBeGreaterThan(1)
  for (const request of sent) {
    expect(request.headers['x-project-id']).toBe(projectId)
    expect(request.headers['x-domain-id']).toBeUndefined()
    expect(String(request.headers.authorization)).toMatch(/SignedHeaders=[a-z;-]*x-project-id/)
  }
}

describe.each([
  ['codearts (v5)', v5],
  ['codearts-pac (v6)', v6]
] as const)('%s with AK/SK', (_name, inputsFor) => {
  test('without iam_project_id: the project of the region is looked up once from IAM, first, and sent on every request', async () => {
    const emulator = await emulatorWith()
    const result = await step(inputsFor(emulator))
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    const [first] = emulator.stats.requests
    expect(first).toMatchObject({ method: 'GET', path: '/v3/projects', query: 'name=cn-north-4' })
    expect(String(first!.headers.authorization)).toMatch(/^SDK-HMAC-SHA256 Access=EMULATORAK0000000001, /)
    expect(first!.headers['x-project-id']).toBeUndefined()
    expect(emulator.stats.projects).toBe(1)
    expectScopedTo(emulator, F.iamProjectId)
    expect(result.stdout).toContain(`looked up from IAM at ${emulator.url} (iam_endpoint)`)
    expect(result.stdout).toContain(`X-Project-Id: ${F.iamProjectId}, the IAM project of cn-north-4`)
  })

  test('with iam_project_id: no look-up, the given id on every request', async () => {
    const emulator = await emulatorWith({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, { id: OTHER_PROJECT, name: 'cn-north-4_team' }] })
    const { iam_endpoint: _unused, ...inputs } = inputsFor(emulator, { iam_project_id: OTHER_PROJECT })
    const result = await step(inputs)
    expect(result.exitCode).toBe(0)
    expect(emulator.stats.projects).toBe(0)
    expectScopedTo(emulator, OTHER_PROJECT)
    expect(result.stdout).toContain(`X-Project-Id: ${OTHER_PROJECT} (given as iam_project_id)`)
  })

  test('IAM names no project of the region: the step stops asking for iam_project_id, no CodeArts request sent', async () => {
    const emulator = await emulatorWith({ iamProjects: [{ id: F.iamProjectId, name: 'ap-southeast-3' }] })
    const result = await step(inputsFor(emulator))
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/has no project named cn-north-4 .*give iam_project_id/)
    expect(codeArtsRequests(emulator)).toHaveLength(0)
    expect(emulator.stats.runsCreated).toBe(0)
  })
})

describe('an account with several projects in the region', () => {
  const SEVERAL = { iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, { id: OTHER_PROJECT, name: 'cn-north-4_team' }] }

  test('the gateway refuses a signed request without X-Project-Id, with its error', async () => {
    const emulator = await emulatorWith(SEVERAL)
    const url = `${emulator.url}/v5/${F.projectId}/api/pipelines/${F.pipelines.succeed}/run`
    const body = '{}'
    const headers = signHuaweiRequest({ method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body }, F.accessKey, new Date())
    const answer = await post(url, headers, body)
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.body)).toMatchObject({ error_code: 'APIGW.0301', error_msg: expect.stringContaining('X-Project-Id is required') })
    expect(emulator.stats.runsCreated).toBe(0)
  })

  test('a step with AK/SK runs there: it looks up the project named after the region and sends it', async () => {
    const emulator = await emulatorWith(SEVERAL)
    const result = await step(v5(emulator))
    expect(result.exitCode).toBe(0)
    expectScopedTo(emulator, F.iamProjectId)
  })

  test('IAM answers with two projects of that name: the step stops asking for iam_project_id, no CodeArts request sent', async () => {
    const emulator = await emulatorWith({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, { id: OTHER_PROJECT, name: 'cn-north-4' }] })
    const result = await step(v5(emulator))
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toContain(`answered with 2 projects named cn-north-4 (${F.iamProjectId}, ${OTHER_PROJECT}): give iam_project_id`)
    expect(codeArtsRequests(emulator)).toHaveLength(0)
  })
})

test('an IAM token: no look-up and no X-Project-Id, even where the account has several projects', async () => {
  const emulator = await emulatorWith({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, { id: OTHER_PROJECT, name: 'cn-north-4_team' }] })
  const result = await step({ provider: 'codearts', project_id: F.projectId, pipeline_id: F.pipelines.succeed, endpoint: emulator.url, token: F.token, ...pace })
  expect(result.exitCode).toBe(0)
  expect(emulator.stats.projects).toBe(0)
  expect(emulator.stats.requests.every(request => request.headers['x-project-id'] === undefined)).toBe(true)
})

function post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) }, agent: false }, response => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(body)
  })
}
