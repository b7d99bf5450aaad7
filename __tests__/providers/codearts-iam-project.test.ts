import { createRequire } from 'node:module'
import { readSettings, type InputName } from '../../src/inputs/index.js'
import { run } from '../../src/main.js'
import { createProvider } from '../../src/providers/index.js'
import type { HttpRequest } from '../../src/core/http.js'
import { AK, PIPELINE, PROJECT, RUN, SK, codeArtsInputs, detail } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

/**
 * The X-Project-Id of AK/SK requests, as the official SDK sends it: given, or looked up once from
 * IAM (GET /v3/projects?name=<region>, signed with the same AK/SK) at the endpoint the SDK picks.
 */

type Inputs = Partial<Record<InputName, string>>

const IAM_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9'
const OTHER_IAM_PROJECT = 'f9e8d7c6b5a4039281706f5e4d3c2b1a'
const AKSK: Inputs = { token: '', access_key_id: AK, access_key_secret: SK }
const DOMAIN = 'fedcba9876543210fedcba9876543210'
const V5 = `/v5/${PROJECT}/api/pipelines/${PIPELINE}`
const V6 = `/v6/${DOMAIN}/api/pac/pipelines/actions`
const VARIABLE = 'HUAWEICLOUD_SDK_IAM_ENDPOINT'

const projects = (...ids: string[]) => json(200, { projects: ids.map(id => ({ id, name: 'cn-north-4', enabled: true })), links: { self: 'https://iam/v3/projects' } }, { 'x-iam-trace-id': 'trace-1' })

function provider(inputs: Inputs, transport: FakeTransport, host = new FakeHost({})) {
  return createProvider(readSettings(name => inputs[name] ?? '', () => undefined), { transport: transport.send, clock: new FakeClock(), log: host })
}

const iamRequests = (transport: FakeTransport): HttpRequest[] => transport.requests.filter(request => new URL(request.url).pathname === '/v3/projects')
const codeArtsRequests = (transport: FakeTransport): HttpRequest[] => transport.requests.filter(request => new URL(request.url).pathname !== '/v3/projects')

const saved = process.env[VARIABLE]
beforeEach(() => {
  delete process.env[VARIABLE]
})
afterAll(() => {
  if (saved !== undefined) process.env[VARIABLE] = saved
})

describe('codearts with AK/SK and no iam_project_id: the project of the region is looked up once from IAM', () => {
  test('the look-up: GET /v3/projects?name=<region> at the IAM endpoint of the region, signed with the same AK/SK, carrying no project', async () => {
    const transport = new FakeTransport().on('GET /v3/projects', projects(IAM_PROJECT)).on(`GET ${V5}/pipeline-runs/detail`, json(200, detail('RUNNING')))
    await provider(codeArtsInputs(AKSK), transport).getState({ runId: RUN })
    const [lookup, ...rest] = transport.requests
    expect(rest).toHaveLength(1)
    expect(lookup!.method).toBe('GET')
    expect(lookup!.url).toBe('https://iam.cn-north-4.myhuaweicloud.com/v3/projects?name=cn-north-4')
    expect(lookup!.headers['X-Project-Id']).toBeUndefined()
    expect(lookup!.headers.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=HPUATESTAKEXAMPLE000, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/)
    expect(lookup!.body).toBeUndefined()
  })

  test('its signature is the one the official SDK signer computes for the same request', async () => {
    const transport = new FakeTransport().on('GET /v3/projects', projects(IAM_PROJECT)).on(`GET ${V5}/pipeline-runs/detail`, json(200, detail('RUNNING')))
    await provider(codeArtsInputs(AKSK), transport).getState({ runId: RUN })
    const lookup = transport.requests[0]!
    const unsigned = Object.fromEntries(Object.entries(lookup.headers).filter(([name]) => !['authorization', 'host'].includes(name.toLowerCase())))
    const theirs = AKSKSigner.sign(
      { endpoint: 'https://iam.cn-north-4.myhuaweicloud.com/v3/projects', method: 'GET', headers: unsigned, queryParams: { name: 'cn-north-4' } },
      { getAk: () => AK, getSk: () => SK }
    )
    expect(lookup.headers.Authorization).toBe(theirs.Authorization)
  })

  test.each<[string, Inputs, string | undefined, string]>([
    ['iam_endpoint, like the SDK credentials iam_endpoint', { iam_endpoint: 'https://iam.example.com' }, 'https://iam.from-variable.example.com', 'https://iam.example.com/v3/projects'],
    ['HUAWEICLOUD_SDK_IAM_ENDPOINT, before the region table', {}, 'https://iam.from-variable.example.com', 'https://iam.from-variable.example.com/v3/projects'],
    ["the region's IAM endpoint from the SDK table", { region: 'ap-southeast-3', endpoint: '' }, undefined, 'https://iam.ap-southeast-3.myhuaweicloud.com/v3/projects'],
    ['the global IAM endpoint for a region the table lacks', { region: 'af-north-1', endpoint: '' }, undefined, 'https://iam.myhuaweicloud.com/v3/projects']
  ])('the IAM endpoint: %s', async (_title, extra, variable, url) => {
    if (variable !== undefined) process.env[VARIABLE] = variable
    const transport = new FakeTransport().on('GET /v3/projects', projects(IAM_PROJECT)).on('GET /v5/', json(200, detail('RUNNING')))
    await provider(codeArtsInputs({ ...AKSK, ...extra }), transport).getState({ runId: RUN })
    const region = extra.region ?? 'cn-north-4'
    expect(iamRequests(transport).map(request => request.url)).toEqual([`${url}?name=${region}`])
  })

  test('asked once per step: two CodeArts requests, one IAM request, X-Project-Id signed on both', async () => {
    const transport = new FakeTransport()
      .on('GET /v3/projects', projects(IAM_PROJECT))
      .on(`POST ${V5}/run`, json(200, { pipeline_run_id: RUN }))
      .on(`GET ${V5}/pipeline-runs/detail`, json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs(AKSK), transport)
    await codearts.start({ variables: [], jobs: [], correlationId: 'abc' })
    await codearts.getState({ runId: RUN })
    expect(iamRequests(transport)).toHaveLength(1)
    expect(transport.requests[0]!.url).toContain('/v3/projects')
    const sent = codeArtsRequests(transport)
    expect(sent).toHaveLength(2)
    for (const request of sent) {
      expect(request.headers['X-Project-Id']).toBe(IAM_PROJECT)
      expect(request.headers.Authorization).toContain('x-project-id')
    }
  })

  test('requests that start together share one look-up', async () => {
    const transport = new FakeTransport().on('GET /v3/projects', projects(IAM_PROJECT)).always('GET /v5/', json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs(AKSK), transport)
    await Promise.all([codearts.getState({ runId: RUN }), codearts.getState({ runId: RUN })])
    expect(iamRequests(transport)).toHaveLength(1)
    expect(codeArtsRequests(transport).map(request => request.headers['X-Project-Id'])).toEqual([IAM_PROJECT, IAM_PROJECT])
  })

  test('the look-up is a read: a 503 is retried (after a pause of the fake clock), then the CodeArts request goes out', async () => {
    const transport = new FakeTransport()
      .on('GET /v3/projects', json(503, { error_code: 'APIGW.0202', error_msg: 'unavailable' }), projects(IAM_PROJECT))
      .on('GET /v5/', json(200, detail('RUNNING')))
    await provider(codeArtsInputs(AKSK), transport).getState({ runId: RUN })
    expect(iamRequests(transport)).toHaveLength(2)
    expect(codeArtsRequests(transport)[0]!.headers['X-Project-Id']).toBe(IAM_PROJECT)
  })

  test('the look-up takes the limits of the request that needs it: a stop with one attempt looks up with one attempt', async () => {
    const transport = new FakeTransport().always('GET /v3/projects', json(503, { error_code: 'APIGW.0202', error_msg: 'unavailable' }))
    await expect(provider(codeArtsInputs(AKSK), transport).cancel({ runId: RUN }, { maxAttempts: 1, timeoutMs: 5_000 })).rejects.toThrow(/IAM refused/)
    expect(iamRequests(transport)).toHaveLength(1)
    expect(iamRequests(transport)[0]!.timeoutMs).toBe(5_000)
    expect(codeArtsRequests(transport)).toHaveLength(0)
  })

  test('a failed look-up is not kept: the next request asks again', async () => {
    const transport = new FakeTransport()
      .on('GET /v3/projects', json(401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: verify aksk signature fail' }), projects(IAM_PROJECT))
      .on('GET /v5/', json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs(AKSK), transport)
    await expect(codearts.getState({ runId: RUN })).rejects.toMatchObject({ kind: 'auth', vendorCode: 'APIGW.0301' })
    await codearts.getState({ runId: RUN })
    expect(iamRequests(transport)).toHaveLength(2)
    expect(codeArtsRequests(transport)).toHaveLength(1)
  })

  test.each<[string, ReturnType<typeof projects>, RegExp]>([
    ['no project of that name', projects(), /IAM at https:\/\/iam\.cn-north-4\.myhuaweicloud\.com has no project named cn-north-4 .*give iam_project_id/],
    ['several projects of that name', projects(IAM_PROJECT, OTHER_IAM_PROJECT), new RegExp(`answered with 2 projects named cn-north-4 \\(${IAM_PROJECT}, ${OTHER_IAM_PROJECT}\\): give iam_project_id`)]
  ])('%s: the step stops with an error that asks for iam_project_id, before any CodeArts request', async (_title, answer, message) => {
    const host = new FakeHost(codeArtsInputs(AKSK))
    const transport = new FakeTransport().on('GET /v3/projects', answer)
    await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
    expect(host.failure).toMatch(message)
    expect(iamRequests(transport)).toHaveLength(1)
    expect(codeArtsRequests(transport)).toHaveLength(0)
  })

  test('a project id that is not one is not sent as a header', async () => {
    const transport = new FakeTransport().on('GET /v3/projects', json(200, { projects: [{ id: 'x\r\nInjected: 1', name: 'cn-north-4' }] }))
    await expect(provider(codeArtsInputs(AKSK), transport).getState({ runId: RUN })).rejects.toMatchObject({ kind: 'protocol' })
    expect(codeArtsRequests(transport)).toHaveLength(0)
  })

  test('the settings log says where X-Project-Id comes from; the id is logged once looked up', async () => {
    const host = new FakeHost({})
    const transport = new FakeTransport().on('GET /v3/projects', projects(IAM_PROJECT)).on('GET /v5/', json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs(AKSK), transport, host)
    expect(codearts.describe()).toContain('X-Project-Id: the IAM project of cn-north-4, looked up from IAM at https://iam.cn-north-4.myhuaweicloud.com (the IAM endpoint of cn-north-4)')
    await codearts.getState({ runId: RUN })
    expect(host.lines.join('\n')).toContain(`X-Project-Id: ${IAM_PROJECT}, the IAM project of cn-north-4`)
  })
})

describe('no look-up where the scope is known', () => {
  test('iam_project_id given: no IAM request, X-Project-Id on every request', async () => {
    const transport = new FakeTransport().on(`POST ${V5}/run`, json(200, { pipeline_run_id: RUN })).on('GET /v5/', json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs({ ...AKSK, iam_project_id: OTHER_IAM_PROJECT }), transport)
    expect(codearts.describe()).toContain(`X-Project-Id: ${OTHER_IAM_PROJECT} (given as iam_project_id)`)
    await codearts.start({ variables: [], jobs: [], correlationId: 'abc' })
    await codearts.getState({ runId: RUN })
    expect(iamRequests(transport)).toHaveLength(0)
    expect(transport.requests.map(request => request.headers['X-Project-Id'])).toEqual([OTHER_IAM_PROJECT, OTHER_IAM_PROJECT])
  })

  test('an IAM token: no IAM request and no X-Project-Id (the token is scoped)', async () => {
    const transport = new FakeTransport().on(`POST ${V5}/run`, json(200, { pipeline_run_id: RUN })).on('GET /v5/', json(200, detail('RUNNING')))
    const codearts = provider(codeArtsInputs(), transport)
    await codearts.start({ variables: [], jobs: [], correlationId: 'abc' })
    await codearts.getState({ runId: RUN })
    expect(transport.requests).toHaveLength(2)
    expect(transport.requests.map(request => request.headers['X-Project-Id'])).toEqual([undefined, undefined])
    expect(codearts.describe().join('\n')).not.toContain('X-Project-Id')
  })
})

describe('codearts-pac (v6): the same project scope', () => {
  const pacInputs = (extra: Inputs = {}): Inputs => ({
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    repository_url: 'https://gitcode.com/octo/app.git',
    pipeline_file: '.gitcode/workflows/build.yml',
    ...AKSK,
    ...extra
  })

  test('AK/SK: one look-up, then X-Project-Id on every v6 request (list, run, detail), the account in the path', async () => {
    const transport = new FakeTransport()
      .on('GET /v3/projects', projects(IAM_PROJECT))
      .on(`POST ${V6}/run`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN }))
      .on(`POST ${V6}`, json(200, { pipeline_runs: [] }))
      .on(`GET ${V6}/${PIPELINE}/${RUN}`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN, status: 'RUNNING' }))
    const pac = provider(pacInputs(), transport)
    const started = await pac.start({ variables: [], jobs: [], correlationId: 'abc' })
    await pac.getState(started)
    expect(iamRequests(transport)).toHaveLength(1)
    const sent = codeArtsRequests(transport)
    expect(sent.map(request => `${request.method} ${new URL(request.url).pathname}`)).toEqual([`POST ${V6}`, `POST ${V6}/run`, `GET ${V6}/${PIPELINE}/${RUN}`])
    expect(sent.map(request => request.headers['X-Project-Id'])).toEqual([IAM_PROJECT, IAM_PROJECT, IAM_PROJECT])
    expect(sent.map(request => request.headers['X-Domain-Id'])).toEqual([undefined, undefined, undefined])
  })

  test('iam_project_id given: no look-up', async () => {
    const transport = new FakeTransport().on(`GET ${V6}/${PIPELINE}/${RUN}`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN, status: 'RUNNING' }))
    await provider(pacInputs({ iam_project_id: OTHER_IAM_PROJECT, operation: 'watch', pipeline_id: PIPELINE, run_id: RUN, repository_url: '', pipeline_file: '' }), transport).getState({ runId: RUN })
    expect(transport.requests.map(request => request.headers['X-Project-Id'])).toEqual([OTHER_IAM_PROJECT])
  })
})

interface SdkSigner {
  sign(request: { endpoint: string; method: string; headers: Record<string, string>; queryParams: Record<string, string> }, credential: { getAk(): string; getSk(): string }): Record<string, string>
}
const { AKSKSigner } = createRequire(import.meta.url)('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as { AKSKSigner: SdkSigner }
