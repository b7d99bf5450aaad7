import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, HttpResponse } from '../../src/core/http.js'
import { silentLogger } from '../../src/core/log.js'
import { retryRun, startRun } from '../../src/core/operations.js'
import { fixedInterval, isNewAttempt, waitForRunEnd } from '../../src/core/poll.js'
import type { ApiRequest } from '../../src/core/vendor-client.js'
import { consoleUrlFor, readBkci, type BkciApi, type BkciSettings } from '../../src/inputs/bkci.js'
import { readCommon } from '../../src/inputs/common.js'
import { DEFAULTS, type InputName } from '../../src/inputs/names.js'
import { BKCI_ERRORS, authorizationFor, interpretBkciResponse } from '../../src/providers/bkci/dialect.js'
import { createBkciProvider } from '../../src/providers/bkci/index.js'
import { ROUTES, routeFor } from '../../src/providers/bkci/paths.js'
import type { Provider, RetryRequest, RunRef, RunState, StartRequest } from '../../src/providers/types.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const PROJECT = 'demo-project'
const PIPELINE = `p-${'0123456789abcdef'.repeat(2)}`
const BUILD = `b-${'fedcba9876543210'.repeat(2)}`
const ENDPOINT = 'https://bkapi.example.com/api/devops/prod'
const APP_CODE = 'relay-app'
const APP_SECRET = 'S3cretAppSecretValue-0123456789abcdef'
const USER = 'ci-bot'
const TOKEN = 'AccessTokenValue0123456789abcdef'
const CONSOLE = 'https://devops.example.com'
const RUN_URL = `${CONSOLE}/console/pipeline/${PROJECT}/${PIPELINE}/detail/${BUILD}`
const T0 = 1_700_000_000_000
const CORRELATION = '0a1b2c3d4e'

type Inputs = Partial<Record<InputName, string>>

/** Settings through the real readers (common, then bkci), from a plain map with the action's defaults. */
function settingsFor(overrides: Inputs = {}): BkciSettings {
  const inputs: Inputs = {
    provider: 'bkci',
    pipeline_id: PIPELINE,
    project_id: PROJECT,
    endpoint: ENDPOINT,
    app_code: APP_CODE,
    app_secret: APP_SECRET,
    username: USER,
    ...overrides
  }
  const read = (name: InputName): string => {
    const value = (inputs[name] ?? '').trim()
    return value === '' ? (DEFAULTS[name] ?? '') : value
  }
  const given = (name: InputName): boolean => read(name) !== ''
  return readBkci(readCommon(read, given), read, given)
}

function setup(overrides: Inputs = {}) {
  const transport = new FakeTransport()
  const clock = new FakeClock(T0 + 600_000)
  const settings = settingsFor(overrides)
  const provider = createBkciProvider(settings, { transport: transport.send, clock, log: silentLogger })
  return { transport, clock, provider, settings }
}

/** bk-ci's success envelope. */
function ok(data: unknown, status = 200): HttpResponse {
  return json(status, { status: 0, message: null, data })
}

/** bk-ci's error envelope. */
function refused(http: number, status: number | string, message: string, headers: Record<string, string> = {}): HttpResponse {
  return json(http, { status, message, data: null }, headers)
}

/** The gateway's own error answer, with its headers. */
function gateway(http: number, code: number, codeName: string, message: string, headers: Record<string, string> = {}): HttpResponse {
  return json(
    http,
    { code, code_name: codeName, message, result: false, data: null },
    { 'x-bkapi-error-code': String(code), 'x-bkapi-error-message': message, 'x-bkapi-request-id': 'gw-req-1', ...headers }
  )
}

interface DetailOptions {
  executeCount?: number
  endTime?: number
  stages?: unknown[]
  stageStatus?: string
}

const TRIGGER_STAGE = {
  id: 'stage-1',
  name: 'stage-1',
  status: 'SUCCEED',
  containers: [{ '@type': 'trigger', id: '0', name: 'trigger', status: 'SUCCEED', elements: [{ '@type': 'manualTrigger', id: 'T-1-1-1', name: 'Manual', status: 'SUCCEED' }] }]
}

function stagesFor(status: string): unknown[] {
  const failed = status === 'FAILED'
  return [
    TRIGGER_STAGE,
    {
      id: 'stage-2',
      name: 'Build',
      status,
      containers: [
        {
          '@type': 'vmBuild',
          id: '1',
          containerHashId: 'c-11111111111111111111111111111111',
          jobId: 'job_build',
          name: 'Compile',
          status,
          startEpoch: T0 + 1_000,
          timeCost: { totalCost: 60_000 },
          elements: [
            { '@type': 'linuxScript', id: 'e-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', stepId: 'checkout', name: 'Checkout', status: 'SUCCEED' },
            {
              '@type': 'linuxScript',
              id: 'e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
              stepId: 'unit',
              name: 'Unit tests',
              status: failed ? 'FAILED' : status,
              errorMsg: failed ? 'exit code 1' : undefined
            }
          ]
        }
      ]
    },
    {
      id: 'stage-3',
      name: 'Deploy',
      status: failed ? 'UNEXEC' : status,
      containers: [{ '@type': 'normal', id: '2', name: 'Release', status: failed ? 'UNEXEC' : status, elements: [] }]
    }
  ]
}

/** A build_detail answer (ModelRecord). */
function detail(status: string, options: DetailOptions = {}): Record<string, unknown> {
  const ended = !['RUNNING', 'QUEUE', 'STAGE_SUCCESS', 'REVIEWING'].includes(status)
  return {
    id: BUILD,
    pipelineId: PIPELINE,
    pipelineName: 'demo',
    buildNum: 12,
    status,
    executeCount: options.executeCount ?? 1,
    queueTime: T0,
    startTime: T0 + 500,
    endTime: options.endTime ?? (ended ? T0 + 90_000 : null),
    buildMsg: `deploy [relay:${CORRELATION}]`,
    model: { name: 'demo', stages: options.stages ?? stagesFor(options.stageStatus ?? status) }
  }
}

function startRequest(extra: Partial<StartRequest> = {}): StartRequest {
  return { variables: [], jobs: [], correlationId: CORRELATION, ...extra }
}

const RETRY_FAILED_ONLY: RetryRequest = { jobs: [], failedOnly: true, skipFailed: false }
const RUN: RunRef = { runId: BUILD, runNumber: '12', url: RUN_URL }

/** Route fragments (for FakeTransport) of each operation, per API flavour. */
const FRAGMENTS: Record<BkciApi, Record<'start' | 'retry' | 'stop' | 'status' | 'detail' | 'history', string>> = {
  v4: {
    start: `POST /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_start?`,
    retry: `POST /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_retry?`,
    stop: `POST /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_stop?`,
    status: `GET /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_status?`,
    detail: `GET /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_detail?`,
    history: `GET /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_histories?`
  },
  v3: {
    start: `POST /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/start`,
    retry: `POST /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/${BUILD}/retry`,
    stop: `POST /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/${BUILD}/stop`,
    status: `GET /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/${BUILD}/status`,
    detail: `GET /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/${BUILD}/detail`,
    history: `GET /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/history`
  }
}

function only(transport: FakeTransport): HttpRequest {
  expect(transport.requests).toHaveLength(1)
  return transport.requests[0]!
}

function pathOf(request: HttpRequest): string {
  return new URL(request.url).pathname
}

function queryOf(request: HttpRequest): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams)
}

function expectAppHeaders(request: HttpRequest): void {
  expect(JSON.parse(request.headers['X-Bkapi-Authorization'] ?? 'null')).toEqual({ bk_app_code: APP_CODE, bk_app_secret: APP_SECRET, bk_username: USER })
  expect(request.headers['X-DEVOPS-UID']).toBe(USER)
  expect(request.headers['Content-Type']).toBe('application/json')
}

async function refusal(promise: Promise<unknown>): Promise<RelayError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('paths: one table for v4 and v3', () => {
  test('v4 puts the version before apigw-app and the ids in the query', () => {
    expect(routeFor('v4', 'start', { projectId: PROJECT, pipelineId: PIPELINE })).toEqual({
      method: 'POST',
      path: `/v4/apigw-app/projects/${PROJECT}/build_start`,
      query: { pipelineId: PIPELINE }
    })
    expect(routeFor('v4', 'detail', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD })).toEqual({
      method: 'GET',
      path: `/v4/apigw-app/projects/${PROJECT}/build_detail`,
      query: { pipelineId: PIPELINE, buildId: BUILD }
    })
  })

  test('v3 has the older paths with the ids in them', () => {
    expect(routeFor('v3', 'retry', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD })).toEqual({
      method: 'POST',
      path: `/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/${BUILD}/retry`,
      query: {}
    })
  })

  test('every operation exists in both flavours with the same method', () => {
    for (const operation of Object.keys(ROUTES.v4) as (keyof (typeof ROUTES)['v4'])[]) {
      expect(ROUTES.v3[operation].method).toBe(ROUTES.v4[operation].method)
    }
    expect(Object.keys(ROUTES.v3).sort()).toEqual(Object.keys(ROUTES.v4).sort())
  })

  test('an operation on a build needs the build id', () => {
    expect(() => routeFor('v4', 'stop', { projectId: PROJECT, pipelineId: PIPELINE })).toThrow('needs buildId')
  })
})

describe.each<BkciApi>(['v4', 'v3'])('api %s: requests on the wire', api => {
  const routes = FRAGMENTS[api]
  const ids = (buildId?: string): Record<string, string> => {
    if (api === 'v3') return {}
    return buildId === undefined ? { pipelineId: PIPELINE } : { pipelineId: PIPELINE, buildId }
  }

  test('start: POST with the variables and the build message as a flat object of strings', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.start, ok({ id: BUILD, executeCount: 1, projectId: PROJECT, pipelineId: PIPELINE, num: 12 }))
    const ref = await provider.start(
      startRequest({ variables: [{ name: 'env', value: 'prod' }, { name: 'COUNT', value: '3' }], message: 'Deploy from GitHub', branch: 'main' })
    )
    expect(ref).toEqual({ runId: BUILD, runNumber: '12', url: RUN_URL })
    const request = only(transport)
    expect(request.method).toBe('POST')
    expect(pathOf(request)).toBe(`/api/devops/prod${routeFor(api, 'start', { projectId: PROJECT, pipelineId: PIPELINE }).path}`)
    expect(queryOf(request)).toEqual({ ...ids(), branch: 'main' })
    expect(JSON.parse(request.body ?? '')).toEqual({ env: 'prod', COUNT: '3', BK_CI_BUILD_MSG: `Deploy from GitHub [relay:${CORRELATION}]` })
    expectAppHeaders(request)
  })

  test('start without variables, branch or message: only the build message with the mark', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.start, ok({ id: BUILD, num: 1 }))
    await provider.start(startRequest())
    const request = only(transport)
    expect(queryOf(request)).toEqual(ids())
    expect(JSON.parse(request.body ?? '')).toEqual({ BK_CI_BUILD_MSG: `Started by pipeline-relay [relay:${CORRELATION}]` })
  })

  test('status (build_detail): GET with the build; status, times, number, attempt and the job table', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.detail, ok(detail('FAILED', { executeCount: 2 })))
    const state = await provider.getState(RUN)
    const request = only(transport)
    expect(request.method).toBe('GET')
    expect(pathOf(request)).toBe(`/api/devops/prod${routeFor(api, 'detail', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD }).path}`)
    expect(queryOf(request)).toEqual(ids(BUILD))
    expect(request.body).toBeUndefined()
    expectAppHeaders(request)
    expect(state).toEqual({
      runId: BUILD,
      runNumber: '12',
      url: RUN_URL,
      status: 'failed',
      rawStatus: 'FAILED',
      terminal: true,
      startedAt: T0 + 500,
      endedAt: T0 + 90_000,
      attempt: '2',
      jobs: [
        {
          id: '1',
          name: 'Compile',
          stage: 'Build',
          status: 'failed',
          rawStatus: 'FAILED',
          message: 'Unit tests failed: exit code 1',
          startedAt: T0 + 1_000,
          endedAt: T0 + 61_000,
          // Where its log is read: the container hash (the fixture says no execution count for this job).
          log: { containerHashId: 'c-11111111111111111111111111111111' },
          // The elements, by element id: the taskId a retry takes, so retry jobs can name a step.
          steps: [
            { id: 'e-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', name: 'Checkout', status: 'succeeded' },
            { id: 'e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', name: 'Unit tests', status: 'failed' }
          ]
        },
        { id: '2', name: 'Release', stage: 'Deploy', status: 'skipped', rawStatus: 'UNEXEC', message: undefined, startedAt: undefined, endedAt: undefined, steps: [] }
      ]
    })
  })

  test('status: a detail that cannot be read falls back to build_status, without an attempt', async () => {
    const { transport, provider } = setup({ api })
    transport.always(routes.detail, { status: 200, headers: {}, body: '<html>gateway</html>' })
    transport.on(routes.status, ok({ id: BUILD, buildNum: 12, status: 'RUNNING', startTime: T0 + 500, endTime: null, variables: {} }))
    const state = await provider.getState(RUN)
    expect(state).toMatchObject({ runId: BUILD, status: 'running', rawStatus: 'RUNNING', terminal: false, attempt: undefined, jobs: [] })
    const status = transport.requests.at(-1)!
    expect(status.method).toBe('GET')
    expect(pathOf(status)).toBe(`/api/devops/prod${routeFor(api, 'status', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD }).path}`)
    expect(queryOf(status)).toEqual(ids(BUILD))
    expectAppHeaders(status)
  })

  test('findStartedRun: the newest builds, matched on the mark in the build message', async () => {
    const { transport, provider, clock } = setup({ api })
    const since = clock.now() - 40_000
    transport.on(
      routes.history,
      ok({
        count: 3,
        page: 1,
        pageSize: 20,
        records: [
          { id: `b-${'1'.repeat(32)}`, buildNum: 14, buildMsg: 'someone else', queueTime: since + 1_000 },
          { id: BUILD, buildNum: 13, buildMsg: `Deploy [relay:${CORRELATION}]`, queueTime: since + 500 },
          { id: `b-${'2'.repeat(32)}`, buildNum: 12, buildMsg: `Deploy [relay:${CORRELATION}]`, queueTime: since - 3_600_000 }
        ]
      })
    )
    await expect(provider.findStartedRun(CORRELATION, since)).resolves.toEqual({ runId: BUILD, runNumber: '13', url: RUN_URL })
    const request = only(transport)
    expect(request.method).toBe('GET')
    expect(pathOf(request)).toBe(`/api/devops/prod${routeFor(api, 'history', { projectId: PROJECT, pipelineId: PIPELINE }).path}`)
    const query = { ...ids(), page: '1', pageSize: '20', ...(api === 'v4' ? { buildMsg: `relay:${CORRELATION}` } : {}) }
    expect(queryOf(request)).toEqual(query)
  })

  test('findStartedRun: nothing marked, or only old builds marked, is nothing', async () => {
    const { transport, provider, clock } = setup({ api })
    transport.on(routes.history, ok({ records: [{ id: BUILD, buildMsg: 'other' }] }))
    transport.on(routes.history, ok({ records: [{ id: BUILD, buildMsg: `x [relay:${CORRELATION}]`, queueTime: clock.now() - 3_600_000 }] }))
    transport.on(routes.history, ok({ count: 0, records: [] }))
    await expect(provider.findStartedRun(CORRELATION, clock.now())).resolves.toBeUndefined()
    await expect(provider.findStartedRun(CORRELATION, clock.now())).resolves.toBeUndefined()
    await expect(provider.findStartedRun(CORRELATION, clock.now())).resolves.toBeUndefined()
  })

  test('stop: POST on the build, no body', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.stop, ok(true))
    await expect(provider.cancel(RUN)).resolves.toBe('stopped')
    const request = only(transport)
    expect(request.method).toBe('POST')
    expect(pathOf(request)).toBe(`/api/devops/prod${routeFor(api, 'stop', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD }).path}`)
    expect(queryOf(request)).toEqual(ids(BUILD))
    expect(request.body).toBeUndefined()
    expectAppHeaders(request)
  })

  test('retry of a named stage: the build is checked for it, then POST with taskId, failedContainer and skip', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.detail, ok(detail('FAILED')))
    transport.on(routes.retry, ok({ id: BUILD, executeCount: 2, projectId: PROJECT, pipelineId: PIPELINE, num: 12 }))
    await expect(provider.retry(RUN, { jobs: ['stage-2'], failedOnly: true, skipFailed: false })).resolves.toEqual(RUN)
    const retry = transport.requests.at(-1)!
    expect(retry.method).toBe('POST')
    expect(pathOf(retry)).toBe(`/api/devops/prod${routeFor(api, 'retry', { projectId: PROJECT, pipelineId: PIPELINE, buildId: BUILD }).path}`)
    expect(queryOf(retry)).toEqual({ ...ids(BUILD), taskId: 'stage-2', failedContainer: 'true', skip: 'false' })
    expect(retry.body).toBeUndefined()
    expectAppHeaders(retry)
  })

  test('retry that skips a failed step', async () => {
    const { transport, provider } = setup({ api })
    transport.on(routes.detail, ok(detail('FAILED')))
    transport.on(routes.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, { jobs: ['e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'], failedOnly: true, skipFailed: true })
    expect(queryOf(transport.requests.at(-1)!)).toEqual({ ...ids(BUILD), taskId: 'e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', failedContainer: 'true', skip: 'true' })
  })
})

describe('credentials: headers only', () => {
  test('app mode: X-Bkapi-Authorization has the app code, secret and bk_username; X-DEVOPS-UID is the user', () => {
    const { settings } = setup()
    expect(JSON.parse(authorizationFor(settings.credentials))).toEqual({ bk_app_code: APP_CODE, bk_app_secret: APP_SECRET, bk_username: USER })
  })

  test('token mode: the access_token alone, and still X-DEVOPS-UID', async () => {
    const { transport, provider } = setup({ app_code: '', app_secret: '', token: TOKEN })
    transport.on(FRAGMENTS.v4.detail, ok(detail('RUNNING')))
    await provider.getState(RUN)
    const request = only(transport)
    expect(JSON.parse(request.headers['X-Bkapi-Authorization'] ?? 'null')).toEqual({ access_token: TOKEN })
    expect(request.headers['X-DEVOPS-UID']).toBe(USER)
  })

  test('no credential, and not the user either, appears in any URL, on any operation of either API', async () => {
    for (const api of ['v4', 'v3'] as const) {
      for (const overrides of [{ api }, { api, app_code: '', app_secret: '', token: TOKEN }]) {
        const { transport, provider, clock } = setup(overrides)
        const routes = FRAGMENTS[api]
        transport.always(routes.start, ok({ id: BUILD, num: 1 }))
        transport.always(routes.detail, ok(detail('FAILED')))
        transport.always(routes.retry, ok({ id: BUILD, executeCount: 2 }))
        transport.always(routes.stop, ok(true))
        transport.always(routes.history, ok({ records: [] }))
        await provider.start(startRequest({ variables: [{ name: 'A', value: '1' }] }))
        await provider.getState(RUN)
        await provider.retry(RUN, RETRY_FAILED_ONLY)
        await provider.cancel(RUN)
        await provider.findStartedRun(CORRELATION, clock.now())
        expect(transport.requests.length).toBeGreaterThanOrEqual(6)
        for (const request of transport.requests) {
          for (const secret of [APP_SECRET, TOKEN, APP_CODE, USER, 'app_code', 'app_secret', 'access_token', 'bk_username']) {
            expect(request.url).not.toContain(secret)
          }
          expect(request.headers['X-DEVOPS-UID']).toBe(USER)
          expect(request.headers['X-Bkapi-Authorization']).toBeDefined()
        }
      }
    }
  })

  test('describe() names the endpoint, project and kind of credentials, never the secret or token', () => {
    const lines = setup().provider.describe()
    expect(lines.join('\n')).toContain(ENDPOINT)
    expect(lines.join('\n')).toContain(PROJECT)
    expect(lines.join('\n')).toContain(`app ${APP_CODE}`)
    expect(lines.join('\n')).toContain(`acting as ${USER}`)
    expect(lines.join('\n')).not.toContain(APP_SECRET)
    const token = setup({ app_code: '', app_secret: '', token: TOKEN }).provider.describe().join('\n')
    expect(token).toContain('access token (masked)')
    expect(token).not.toContain(TOKEN)
  })
})

describe('run_url and run_number', () => {
  test('refFor builds the console URL without a request', () => {
    const { provider, transport } = setup()
    expect(provider.refFor(BUILD)).toEqual({ runId: BUILD, url: RUN_URL })
    expect(transport.requests).toHaveLength(0)
  })

  test.each([
    ['https://bkapi.example.com/api/devops/prod', 'https://devops.example.com'],
    ['https://bkapi.bk.corp.example.cn:8443/api/devops/test', 'https://devops.bk.corp.example.cn:8443'],
    ['https://ci.example.com/gateway/devops/prod', 'https://ci.example.com'],
    ['http://127.0.0.1:8080/api/devops/prod', 'http://127.0.0.1:8080'],
    ['https://bkapi.com/api/devops/prod', 'https://bkapi.com']
  ])('the console of %s is %s', (endpoint, console) => {
    expect(consoleUrlFor(endpoint)).toBe(console)
  })
})

describe('the envelope {status, message, data}', () => {
  const REQUEST: ApiRequest = { method: 'GET', path: '/x', intent: 'read', action: 'read the state of build b-1' }
  const read = (response: HttpResponse): unknown => interpretBkciResponse(response, REQUEST, T0)
  const fail = (response: HttpResponse): RelayError => {
    try {
      read(response)
    } catch (error) {
      if (error instanceof RelayError) return error
      throw error
    }
    throw new Error('expected a refusal')
  }

  test('status 0 is a success and data is the payload (also as the string "0")', () => {
    expect(read(ok({ id: BUILD }))).toEqual({ id: BUILD })
    expect(read(ok(true))).toBe(true)
    expect(read(json(200, { status: '0', data: { id: 'x' } }))).toEqual({ id: 'x' })
    expect(read(json(200, { status: 0, message: 'ok' }))).toBeNull()
  })

  test('a non-zero status is an error even with HTTP 200', () => {
    const error = fail(refused(200, 2101047, '流水线锁定'))
    expect(error).toMatchObject({ kind: 'client', vendorCode: '2101047', status: 200 })
    expect(error.message).toBe('bk-ci refused to read the state of build b-1: 流水线锁定 (the pipeline is locked)')
  })

  test('an HTTP-like status in the body means what it says when the gateway rewrote the HTTP status', () => {
    expect(fail(refused(200, 403, 'no permission')).kind).toBe('auth')
    expect(fail(refused(200, 500, 'boom')).kind).toBe('server')
  })

  test('status 0 on an HTTP error is not a success', () => {
    expect(fail(json(500, { status: 0, data: null })).kind).toBe('server')
  })

  test('a 2xx without the envelope, empty or not JSON is a protocol fault', () => {
    expect(fail(json(200, { id: BUILD }))).toMatchObject({ kind: 'protocol', message: expect.stringContaining('without the {status, message, data} envelope') })
    expect(fail({ status: 200, headers: {}, body: '' })).toMatchObject({ kind: 'protocol', message: expect.stringContaining('an empty body') })
    expect(fail({ status: 200, headers: {}, body: '<html>login</html>' })).toMatchObject({ kind: 'protocol', message: expect.stringContaining('not JSON: <html>login</html>') })
  })

  test('an HTTP error without a JSON body is classified by its status, with the body start', () => {
    expect(fail({ status: 502, headers: {}, body: '<html>Bad Gateway</html>' })).toMatchObject({ kind: 'server', message: expect.stringContaining('HTTP 502: <html>Bad Gateway</html>') })
    expect(fail({ status: 503, headers: { 'retry-after': '4' }, body: '' })).toMatchObject({ kind: 'unavailable', retryAfterMs: 4_000 })
    expect(fail({ status: 404, headers: {}, body: '' }).hint).toContain('Check endpoint')
  })

  test('the gateway request id is kept', () => {
    expect(fail(refused(400, 2101047, 'locked', { 'x-bkapi-request-id': 'req-77' })).requestId).toBe('req-77')
  })
})

describe('bk-ci error codes: kind and hint', () => {
  const REQUEST: ApiRequest = { method: 'POST', path: '/x', intent: 'write', action: 'start a build' }
  const fail = (response: HttpResponse): RelayError => {
    try {
      interpretBkciResponse(response, REQUEST, T0)
    } catch (error) {
      if (error instanceof RelayError) return error
      throw error
    }
    throw new Error('expected a refusal')
  }

  test.each<[string, string, RegExp]>([
    ['2101020', 'throttled', /how often a pipeline may start/],
    ['2101182', 'client', /nothing to stop/],
    ['2101019', 'client', /second cancel after that forces/],
    ['2101258', 'client', /last 28 days/],
    ['2101129', 'client', /retry already, or it waits at a manual stage review/],
    ['2101163', 'not_found', /Check run_id/],
    ['2101164', 'not_found', /Check pipeline_id/],
    ['2101038', 'not_found', /Check pipeline_id/],
    ['2101058', 'client', /another pipeline/],
    ['2101047', 'client', /disabled in its settings/],
    ['2101049', 'client', /Too many builds wait/],
    ['2101190', 'client', /Release the pipeline/],
    ['2101254', 'client', /variables/],
    ['2101256', 'client', /Shorten/],
    ['2101008', 'auth', /X-DEVOPS-UID/],
    ['2101340', 'auth', /trigger user or to a pipeline manager/],
    ['2101273', 'client', /leave jobs empty/],
    ['2101277', 'client', /check jobs/]
  ])('%s is %s with its hint and meaning', (code, kind, hint) => {
    const error = fail(refused(400, Number(code), '中文消息'))
    expect(error.kind).toBe(kind)
    expect(error.vendorCode).toBe(code)
    expect(error.hint).toMatch(hint)
    expect(error.message).toBe(`bk-ci refused to start a build: 中文消息 (${BKCI_ERRORS[code]!.meaning})`)
    expect(error.describe()).toContain(`(HTTP 400, code ${code})`)
  })

  test('an unknown code keeps the HTTP status kind and gets no meaning', () => {
    const error = fail(refused(400, 2101999, 'something'))
    expect(error).toMatchObject({ kind: 'client', vendorCode: '2101999', hint: undefined })
    expect(error.message).toBe('bk-ci refused to start a build: something')
    expect(fail(refused(500, 2100001, 'internal')).kind).toBe('server')
  })

  test('403 {status: 403} (PermissionForbiddenException) is auth with the permission hint', () => {
    const error = fail(refused(403, 403, '用户(ci-bot)无权限在工程(demo-project)下执行流水线'))
    expect(error).toMatchObject({ kind: 'auth', status: 403, vendorCode: '403' })
    expect(error.hint).toContain('lacks permission on this pipeline')
  })

  test('400 "Invalid buildId" (v4 pipelineId check) is not_found with the build hint', () => {
    const error = fail(refused(400, 400, '参数校验失败: Invalid buildId'))
    expect(error.kind).toBe('not_found')
    expect(error.hint).toContain('Check run_id')
  })

  test('a missing user is named', () => {
    expect(fail(refused(400, 400, 'request param userId cannot be empty')).hint).toContain('set username')
  })

  test('an app not bound to the project is auth with the binding hint', () => {
    const error = fail(refused(403, 403, 'Permission denied: apigwType[apigw-app],appCode[relay-app],ProjectId[demo-project]'))
    expect(error.kind).toBe('auth')
    expect(error.hint).toContain('bind app_code to project_id')
  })

  test('an unknown project is not_found', () => {
    expect(fail(refused(404, 404, 'ProjectId [nope] not find')).kind).toBe('not_found')
  })
})

describe('gateway errors {code, code_name, message, result: false} and X-Bkapi-Error-* headers', () => {
  const REQUEST: ApiRequest = { method: 'POST', path: '/x', intent: 'write', action: 'start a build' }
  const fail = (response: HttpResponse, credentials: 'app' | 'token' = 'app'): RelayError => {
    try {
      interpretBkciResponse(response, REQUEST, T0, credentials)
    } catch (error) {
      if (error instanceof RelayError) return error
      throw error
    }
    throw new Error('expected a refusal')
  }

  test('403 1640301 APP_NO_PERMISSION: auth, with the resource permission hint', () => {
    const error = fail(gateway(403, 1640301, 'APP_NO_PERMISSION', 'App has no permission to the resource'))
    expect(error).toMatchObject({ kind: 'auth', status: 403, vendorCode: '1640301', requestId: 'gw-req-1' })
    expect(error.message).toBe('The BlueKing API gateway refused to start a build: App has no permission to the resource (APP_NO_PERMISSION)')
    expect(error.hint).toContain('apply for its permission')
  })

  test('429 1642901 rate limit: throttled, honouring Retry-After', () => {
    const error = fail(gateway(429, 1642901, 'RATE_LIMIT_RESTRICTION', 'API rate limit exceeded by stage global limit', { 'retry-after': '3' }))
    expect(error).toMatchObject({ kind: 'throttled', status: 429, vendorCode: '1642901', retryAfterMs: 3_000 })
  })

  test.each([1642902, 1642903, 1642904])('429 %d is throttled', code => {
    expect(fail(gateway(429, code, 'RATE_LIMIT_RESTRICTION', 'limited')).kind).toBe('throttled')
  })

  test('401 1640101 APP_VERIFY_FAILED: auth, with a hint for the credentials in use', () => {
    const app = fail(gateway(401, 1640101, 'APP_VERIFY_FAILED', 'App authentication failed [reason="bk_app_code or bk_app_secret is incorrect"]'))
    expect(app.kind).toBe('auth')
    expect(app.hint).toContain('check app_code and app_secret')
    const token = fail(gateway(401, 1640101, 'APP_VERIFY_FAILED', 'App authentication failed'), 'token')
    expect(token.hint).toContain('access_token in token')
  })

  test('401 1640102 USER_VERIFY_FAILED: auth, explaining that bk_username is not a verified user', () => {
    const error = fail(gateway(401, 1640102, 'USER_VERIFY_FAILED', 'User authentication failed'))
    expect(error.kind).toBe('auth')
    expect(error.hint).toContain('username alone (bk_username) is not one')
  })

  test('400 1640001 for a verification failure is auth; otherwise a client error', () => {
    expect(fail(gateway(400, 1640001, 'INVALID_ARGS', 'Parameters error [reason="app code cannot be empty"]')).kind).toBe('auth')
    expect(fail(gateway(400, 1640001, 'INVALID_ARGS', 'Parameters error [reason="bad json"]')).kind).toBe('client')
  })

  test('404 1640401 API_NOT_FOUND: not_found, pointing at endpoint and api', () => {
    const error = fail(gateway(404, 1640401, 'API_NOT_FOUND', 'API not found'))
    expect(error.kind).toBe('not_found')
    expect(error.hint).toContain('Check endpoint')
    expect(error.hint).toContain('v3 needs an older one')
  })

  test('504 1650401 backend timeout is a server fault (ambiguous for a start)', () => {
    const error = fail(gateway(504, 1650401, 'REQUEST_BACKEND_TIMEOUT', 'Request backend service timeout'))
    expect(error.kind).toBe('server')
    expect(error.hint).toContain('30 s')
  })

  test('the headers alone (a body that is not JSON) are understood', () => {
    const error = fail({
      status: 403,
      headers: { 'x-bkapi-error-code': '1640301', 'x-bkapi-error-message': 'App has no permission to the resource', 'x-bkapi-request-id': 'r-9' },
      body: 'Forbidden'
    })
    expect(error).toMatchObject({ kind: 'auth', vendorCode: '1640301', requestId: 'r-9' })
    expect(error.message).toContain('App has no permission to the resource')
  })

  test('a gateway error rewritten to HTTP 200 is read from its code', () => {
    expect(fail(gateway(200, 1640301, 'APP_NO_PERMISSION', 'no')).kind).toBe('auth')
    expect(fail(gateway(200, 1642901, 'RATE_LIMIT_RESTRICTION', 'limited')).kind).toBe('throttled')
    // An unlisted code: its middle digits are the HTTP status.
    expect(fail(gateway(200, 1650070, 'UNKNOWN_ERROR', 'unknown error')).kind).toBe('server')
    expect(fail(gateway(200, 1640399, 'NEW_THING', 'new')).kind).toBe('auth')
  })
})

describe('provider behaviour over the client', () => {
  test('2101020 on start is retried with backoff, then the build starts once', async () => {
    const { transport, provider, clock } = setup()
    transport.on(FRAGMENTS.v4.start, refused(400, 2101020, '流水线: 不能太频繁启动构建'), ok({ id: BUILD, num: 3 }))
    await expect(provider.start(startRequest())).resolves.toMatchObject({ runId: BUILD, runNumber: '3' })
    expect(transport.count(FRAGMENTS.v4.start)).toBe(2)
    expect(clock.sleeps).toHaveLength(1)
    expect(clock.sleeps[0]).toBeGreaterThan(0)
  })

  test('a start answer without a build id is a protocol fault', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.start, ok({ executeCount: 1 }))
    await expect(refusal(provider.start(startRequest()))).resolves.toMatchObject({ kind: 'protocol', message: expect.stringContaining('no build id') })
  })

  test('a long message is cut so that the mark fits in the 255 characters bk-ci keeps', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.start, ok({ id: BUILD }))
    await provider.start(startRequest({ message: 'x'.repeat(400) }))
    const message = (JSON.parse(transport.requests[0]!.body ?? '{}') as Record<string, string>).BK_CI_BUILD_MSG ?? ''
    expect(message).toHaveLength(255)
    expect(message.endsWith(` [relay:${CORRELATION}]`)).toBe(true)
  })

  test('a start that times out at the gateway (504) after creating the build is found by its mark: one build', async () => {
    const { transport, provider, clock } = setup()
    transport.on(FRAGMENTS.v4.start, gateway(504, 1650401, 'REQUEST_BACKEND_TIMEOUT', 'Request backend service timeout'))
    transport.on(FRAGMENTS.v4.history, ok({ records: [{ id: BUILD, buildNum: 13, buildMsg: `Started by pipeline-relay [relay:${CORRELATION}]`, queueTime: clock.now() + 1_000 }] }))
    const ref = await startRun(provider, startRequest(), { clock, log: silentLogger })
    expect(ref).toEqual({ runId: BUILD, runNumber: '13', url: RUN_URL })
    expect(transport.count(FRAGMENTS.v4.start)).toBe(1)
  })

  test('stop of a finished build (2101182) is already-ended, not an error', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.stop, refused(400, 2101182, '流水线: 流水线构建已结束，不能操作'))
    await expect(provider.cancel(RUN)).resolves.toBe('already-ended')
    expect(transport.count(FRAGMENTS.v4.stop)).toBe(1)
  })

  test('stop while another cancel is in progress (2101019) counts as stopped', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.stop, refused(400, 2101019, '流水线已经被admin取消构建，请过30秒后再试'))
    await expect(provider.cancel(RUN)).resolves.toBe('stopped')
  })

  test('stop of an unknown build stays an error', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.stop, refused(404, 2101163, '流水线构建[b-x]不存在'))
    await expect(refusal(provider.cancel(RUN))).resolves.toMatchObject({ kind: 'not_found', vendorCode: '2101163' })
  })

  test('stop passes the call options through (one short attempt during an abort)', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.stop, gateway(503, 1650300, 'SERVICE_UNAVAILABLE', 'Service Unavailable'))
    await expect(refusal(provider.cancel(RUN, { maxAttempts: 1, timeoutMs: 5_000 }))).resolves.toMatchObject({ kind: 'unavailable' })
    expect(transport.requests).toHaveLength(1)
    expect(transport.requests[0]!.timeoutMs).toBe(5_000)
  })

  test('STAGE_SUCCESS without an end time is waiting; REVIEWING too', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('STAGE_SUCCESS', { stageStatus: 'PAUSE' })))
    await expect(provider.getState(RUN)).resolves.toMatchObject({ status: 'waiting', terminal: false, endedAt: undefined })
    transport.on(FRAGMENTS.v4.detail, ok(detail('STAGE_SUCCESS', { endTime: T0 + 120_000, stageStatus: 'SUCCEED' })))
    await expect(provider.getState(RUN)).resolves.toMatchObject({ status: 'succeeded', terminal: true, endedAt: T0 + 120_000 })
  })

  test('a matrix job shows its generated jobs', async () => {
    const { transport, provider } = setup()
    const matrix = {
      id: 'stage-2',
      name: 'Test',
      status: 'RUNNING',
      containers: [
        {
          '@type': 'vmBuild',
          id: '1',
          name: 'Matrix',
          status: 'RUNNING',
          matrixGroupFlag: true,
          elements: [],
          groupContainers: [
            { '@type': 'vmBuild', id: '1001', name: 'Matrix (os: linux)', status: 'SUCCEED', elements: [] },
            { '@type': 'vmBuild', id: '1002', name: 'Matrix (os: windows)', status: 'RUNNING', elements: [] }
          ]
        }
      ]
    }
    transport.on(FRAGMENTS.v4.detail, ok(detail('RUNNING', { stages: [TRIGGER_STAGE, matrix] })))
    const state = await provider.getState(RUN)
    expect(state.jobs.map(job => [job.id, job.name, job.stage, job.status])).toEqual([
      ['1001', 'Matrix (os: linux)', 'Test', 'succeeded'],
      ['1002', 'Matrix (os: windows)', 'Test', 'running']
    ])
  })

  test('a detail without a status is a protocol fault', async () => {
    const { transport, provider } = setup()
    transport.always(FRAGMENTS.v4.detail, ok({ id: BUILD }))
    transport.always(FRAGMENTS.v4.status, ok({ id: BUILD }))
    await expect(refusal(provider.getState(RUN))).resolves.toMatchObject({ kind: 'protocol', message: expect.stringContaining('no status field') })
  })
})

describe('retry: the same build id, a new attempt', () => {
  test('failed_only without jobs retries the first failed stage with failedContainer, as the console does', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED')))
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, RETRY_FAILED_ONLY)
    expect(queryOf(transport.requests.at(-1)!)).toEqual({ pipelineId: PIPELINE, buildId: BUILD, taskId: 'stage-2', failedContainer: 'true', skip: 'false' })
  })

  test('failed_only false without jobs retries the whole build: no taskId, and no detail read', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, { jobs: [], failedOnly: false, skipFailed: false })
    expect(queryOf(only(transport))).toEqual({ pipelineId: PIPELINE, buildId: BUILD })
  })

  test('failed_only on a build with no failed stage (canceled while queued) retries the whole build', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('CANCELED', { stageStatus: 'UNEXEC' })))
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, RETRY_FAILED_ONLY)
    expect(queryOf(transport.requests.at(-1)!)).toEqual({ pipelineId: PIPELINE, buildId: BUILD })
  })

  test('skip_failed without jobs skips the failed steps of the first failed stage; with nothing failed it refuses', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED')))
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, { jobs: [], failedOnly: true, skipFailed: true })
    expect(queryOf(transport.requests.at(-1)!)).toMatchObject({ taskId: 'stage-2', skip: 'true' })

    transport.on(FRAGMENTS.v4.detail, ok(detail('SUCCEED')))
    await expect(refusal(provider.retry(RUN, { jobs: [], failedOnly: true, skipFailed: true }))).resolves.toMatchObject({
      kind: 'client',
      message: expect.stringContaining('no failed stage')
    })
    expect(transport.count(FRAGMENTS.v4.retry)).toBe(1)
  })

  test.each(['1', 'stage-3', 'e-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'unit'])('jobs may name a job, stage, step id or step id alias (%s)', async id => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED')))
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2 }))
    await provider.retry(RUN, { jobs: [id], failedOnly: true, skipFailed: false })
    expect(queryOf(transport.requests.at(-1)!).taskId).toBe(id)
  })

  test('an id the build does not have is refused before any retry (bk-ci would re-run everything)', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED')))
    const error = await refusal(provider.retry(RUN, { jobs: ['job_build'], failedOnly: true, skipFailed: false }))
    expect(error.kind).toBe('client')
    expect(error.message).toContain('"job_build" is not a stage, job or step')
    expect(error.hint).toContain('stage-2')
    expect(transport.count(FRAGMENTS.v4.retry)).toBe(0)
  })

  test.each<[number, RegExp]>([
    [2101129, /already under way/],
    [2101258, /retry window has passed/]
  ])('retry refused with %d: the meaning and the hint', async (code, meaning) => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.retry, refused(400, code, 'refused'))
    const error = await refusal(provider.retry(RUN, { jobs: [], failedOnly: false, skipFailed: false }))
    expect(error.kind).toBe('client')
    expect(error.message).toMatch(meaning)
    expect(error.hint).toBeDefined()
    expect(transport.count(FRAGMENTS.v4.retry)).toBe(1)
  })

  test('after a retry the watch follows the new attempt and never reports the previous result', async () => {
    const { transport, provider, clock } = setup()
    // Before the retry: attempt 1 failed. retryRun reads it, the provider reads it again for the target.
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED', { executeCount: 1 })), ok(detail('FAILED', { executeCount: 1 })))
    transport.on(FRAGMENTS.v4.retry, ok({ id: BUILD, executeCount: 2, num: 12 }))
    const { run, previous } = await retryRun(provider, RUN, RETRY_FAILED_ONLY, { clock, log: silentLogger })
    expect(run.runId).toBe(BUILD)
    expect(previous).toMatchObject({ status: 'failed', attempt: '1' })

    // The watch: bk-ci still shows attempt 1 for a moment, then attempt 2 runs and succeeds.
    transport.on(
      FRAGMENTS.v4.detail,
      ok(detail('FAILED', { executeCount: 1 })),
      ok(detail('QUEUE', { executeCount: 2 })),
      ok(detail('RUNNING', { executeCount: 2 })),
      ok(detail('SUCCEED', { executeCount: 2 }))
    )
    const seen: string[] = []
    const result = await waitForRunEnd({
      getState: () => provider.getState(run),
      clock,
      deadline: clock.now() + 3_600_000,
      interval: fixedInterval(10_000),
      previous,
      onState: state => seen.push(`${state.rawStatus}#${state.attempt}`)
    })
    expect(result).toMatchObject({ outcome: 'ended', state: { status: 'succeeded', rawStatus: 'SUCCEED', attempt: '2' } })
    expect(seen).toEqual(['QUEUE#2', 'RUNNING#2', 'SUCCEED#2'])
  })

  test('a retried attempt that fails again before the first poll is reported as the new result, not the old one', async () => {
    const { transport, provider, clock } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED', { executeCount: 1, endTime: T0 + 90_000 })))
    const previous = await provider.getState(RUN)
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED', { executeCount: 1, endTime: T0 + 90_000 })), ok(detail('FAILED', { executeCount: 2, endTime: T0 + 900_000 })))
    const result = await waitForRunEnd({
      getState: () => provider.getState(RUN),
      clock,
      deadline: clock.now() + 3_600_000,
      interval: fixedInterval(10_000),
      previous
    })
    expect(result).toMatchObject({ outcome: 'ended', state: { status: 'failed', attempt: '2', endedAt: T0 + 900_000 } })
    expect(transport.count(FRAGMENTS.v4.detail)).toBe(3)
  })

  test('the attempt is what tells a finished retry from the finished original', async () => {
    const { transport, provider } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED', { executeCount: 1 })), ok(detail('FAILED', { executeCount: 1 })), ok(detail('FAILED', { executeCount: 2 })))
    const before = await provider.getState(RUN)
    expect(isNewAttempt(before, await provider.getState(RUN))).toBe(false)
    expect(isNewAttempt(before, await provider.getState(RUN))).toBe(true)
  })

  test('a retry that timed out at the gateway is recognised by the new attempt, and not sent twice', async () => {
    const { transport, provider, clock } = setup()
    transport.on(FRAGMENTS.v4.detail, ok(detail('FAILED', { executeCount: 1 })), ok(detail('FAILED', { executeCount: 1 })), ok(detail('RUNNING', { executeCount: 2 })))
    transport.on(FRAGMENTS.v4.retry, gateway(504, 1650401, 'REQUEST_BACKEND_TIMEOUT', 'Request backend service timeout'))
    const { run } = await retryRun(provider, RUN, RETRY_FAILED_ONLY, { clock, log: silentLogger })
    expect(run.runId).toBe(BUILD)
    expect(transport.count(FRAGMENTS.v4.retry)).toBe(1)
  })
})

describe('provider contract', () => {
  test('createBkciProvider returns a Provider named for logs', () => {
    const provider: Provider = setup().provider
    expect(provider.displayName).toBe('Tencent BlueKing CI')
  })
})

describe.each<BkciApi>(['v4', 'v3'])('api %s: what the pipeline declares and what a build produced (chains, issue 13)', api => {
  const STARTUP_INFO = {
    v4: `GET /api/devops/prod/v4/apigw-app/projects/${PROJECT}/build_manual_startup_info?`,
    v3: `GET /api/devops/prod/apigw-app/v3/projects/${PROJECT}/pipelines/${PIPELINE}/builds/manualStartupInfo`
  }[api]
  const FILE_INFO = `GET /api/devops/prod/v4/apigw-app/projects/${PROJECT}/artifactories/file_info?`
  const property = (id: string, extra: Record<string, unknown> = {}) => ({ id, name: id, required: true, constant: false, type: 'STRING', defaultValue: '', readOnly: false, valueNotEmpty: false, ...extra })

  test('describePipeline: BuildFormProperty id; settable unless constant; required when valueNotEmpty with an empty default', async () => {
    const { transport, provider } = setup({ api })
    transport.on(
      STARTUP_INFO,
      ok({
        canManualStartup: true,
        properties: [
          property('ENV', { defaultValue: 'dev' }),
          property('REGION', { constant: true, readOnly: true, defaultValue: 'ap-guangzhou' }),
          property('TARGET', { valueNotEmpty: true }),
          property('TAG', { valueNotEmpty: true, defaultValue: 'latest' }),
          // Read-only and off the start form: bk-ci still takes a start value for it (parseTriggerParam).
          property('NOTE', { required: false, readOnly: true }),
          property('LIST', { valueNotEmpty: true, defaultValue: [] }),
          { name: 'no id' }
        ]
      })
    )
    const declaration = await provider.describePipeline!()
    const request = only(transport)
    expect(request.method).toBe('GET')
    if (api === 'v4') expect(queryOf(request)).toEqual({ pipelineId: PIPELINE })
    expect(declaration.jobs).toBeUndefined()
    expect(declaration.variables).toEqual([
      { name: 'ENV', settable: true, required: false },
      { name: 'REGION', settable: false, required: false },
      { name: 'TARGET', settable: true, required: true },
      { name: 'TAG', settable: true, required: false },
      { name: 'NOTE', settable: true, required: false },
      { name: 'LIST', settable: true, required: true },
      // Honoured by a start although no pipeline declares them.
      { name: 'BK_CI_MATERIAL_ID', settable: true, required: false },
      { name: 'BK_CI_MATERIAL_NAME', settable: true, required: false },
      { name: 'BK_CI_MATERIAL_URL', settable: true, required: false },
      { name: 'BK_CI_PIPELINE_NAME', settable: true, required: false }
    ])
  })

  test('readResults: build_status variables (own first, BK_CI_* after), executeCount as the attempt, file_info artifacts on v4', async () => {
    const { transport, provider } = setup({ api })
    const routes = FRAGMENTS[api]
    transport.on(routes.status, ok({ id: BUILD, status: 'SUCCEED', executeCount: 3, variables: { BK_CI_BUILD_ID: BUILD, IMAGE_TAG: 'app:1.0', ENV: 'prod', NUMBER: 5 } }))
    transport.on(
      FILE_INFO,
      ok({
        count: 3,
        records: [
          { name: 'app.tar.gz', fullName: 'dist/app.tar.gz', size: 1024, folder: false, downloadUrl: null },
          { name: 'dist', fullName: 'dist', size: 0, folder: true },
          { name: 'report.html', fullName: 'report.html', size: 10, folder: false, shortUrl: 'https://bkrepo.example.com/s/abc' }
        ]
      })
    )
    const results = await provider.readResults!(RUN)
    expect(Object.entries(results.outputs)).toEqual([
      ['IMAGE_TAG', 'app:1.0'],
      ['ENV', 'prod'],
      ['BK_CI_BUILD_ID', BUILD]
    ])
    expect(results.attempt).toBe(3)
    if (api === 'v4') {
      expect(results.artifacts).toEqual([{ name: 'dist/app.tar.gz', size: 1024 }, { name: 'report.html', size: 10, url: 'https://bkrepo.example.com/s/abc' }])
      const files = transport.requests.find(request => request.url.includes('/artifactories/file_info'))!
      expect(queryOf(files)).toEqual({ pipelineId: PIPELINE, buildId: BUILD, page: '1', pageSize: '200' })
    } else {
      // No v3 artifact list is documented: nothing asked, nothing claimed.
      expect(results.artifacts).toBeUndefined()
      expect(transport.requests).toHaveLength(1)
    }
  })

  test('describePipeline: a resource the gateway does not grant (1640301) or publish (1640401) is a read that could not be made, not an auth error', async () => {
    for (const [http, code, name] of [[403, 1640301, 'APP_NO_PERMISSION'], [404, 1640401, 'API_NOT_FOUND']] as const) {
      const { transport, provider } = setup({ api })
      transport.on(STARTUP_INFO, gateway(http, code, name, 'no'))
      const error = await provider.describePipeline!().catch((caught: unknown) => caught)
      expect(error).toBeInstanceOf(RelayError)
      expect(error).toMatchObject({ kind: 'client', vendorCode: String(code) })
      expect((error as RelayError).hint).toMatch(/variables_check: warn/)
    }
  })

  test('readResults: an artifact list that fails leaves artifacts unset, with a warning, and keeps the variables', async () => {
    const warnings: string[] = []
    const transport = new FakeTransport()
    const provider = createBkciProvider(settingsFor({ api }), { transport: transport.send, clock: new FakeClock(T0), log: { ...silentLogger, warning: (line: string) => warnings.push(line) } })
    transport.on(FRAGMENTS[api].status, ok({ id: BUILD, status: 'SUCCEED', executeCount: 1, variables: { IMAGE_TAG: 'app:1.0' } }))
    transport.on(FILE_INFO, gateway(403, 1640301, 'APP_NO_PERMISSION', 'no'))
    const results = await provider.readResults!(RUN)
    expect(results).toEqual({ outputs: { IMAGE_TAG: 'app:1.0' }, attempt: 1 })
    if (api === 'v4') expect(warnings.join('\n')).toMatch(/Could not list the artifacts of build .*; the artifacts output is left unset/)
    else expect(warnings).toEqual([])
  })

  test('steps: an element id not of an id form is left empty, so no retry name resolves to it', async () => {
    const { transport, provider } = setup({ api })
    const body = detail('FAILED') as { model: { stages: { containers: { elements: { id: string }[] }[] }[] } }
    body.model.stages[1]!.containers[0]!.elements[0]!.id = 'e-1$(touch x)'
    transport.on(FRAGMENTS[api].detail, ok(body))
    const state = await provider.getState(RUN)
    expect(state.jobs[0]?.steps?.map(step => step.id)).toEqual(['', 'e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'])
  })

  test('readResults: without executeCount in build_status, the attempt of the followed state', async () => {
    const { transport, provider } = setup({ api })
    transport.on(FRAGMENTS[api].status, ok({ id: BUILD, status: 'SUCCEED', variables: {} }))
    transport.on(FILE_INFO, ok({ count: 0, records: [] }))
    const results = await provider.readResults!({ ...RUN, status: 'succeeded', rawStatus: 'SUCCEED', terminal: true, attempt: '2', jobs: [] } as RunState)
    expect(results.attempt).toBe(2)
    expect(results.outputs).toEqual({})
  })
})
