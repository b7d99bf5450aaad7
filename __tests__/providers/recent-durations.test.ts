import { RelayError } from '../../src/core/errors.js'
import { silentLogger } from '../../src/core/log.js'
import { readSettings, type InputName } from '../../src/inputs/index.js'
import { createProvider } from '../../src/providers/index.js'
import type { Provider } from '../../src/providers/types.js'
import { AK, SK, TOKEN, codeArtsInputs, PIPELINE, PROJECT } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

type Inputs = Partial<Record<InputName, string>>

const T0 = 1_700_000_000_000
const MINUTE = 60_000

function providerFor(inputs: Inputs, transport: FakeTransport): Provider {
  const settings = readSettings(name => inputs[name] ?? '', () => undefined)
  return createProvider(settings, { transport: transport.send, clock: new FakeClock(), log: silentLogger })
}

function recentDurationsOf(provider: Provider, limit = 20): Promise<number[]> {
  if (provider.recentDurations === undefined) throw new Error('the provider has no recentDurations')
  return provider.recentDurations(limit)
}

/** Every provider reads its history with one attempt and a short timeout, and surfaces a failure for the core to ignore. */
function expectOneShortAttempt(transport: FakeTransport): void {
  expect(transport.requests).toHaveLength(1)
  expect(transport.requests[0]!.timeoutMs).toBe(10_000)
}

describe('codearts: recentDurations', () => {
  const LIST = `POST /v5/${PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/list`
  const item = (id: string, status: string, start: number, end: number) => ({ pipeline_id: PIPELINE, pipeline_run_id: id, status, start_time: start, end_time: end, stage_status_list: [] })

  test('one list request for the newest COMPLETED runs; their lengths, newest first', async () => {
    const transport = new FakeTransport().on(
      LIST,
      json(200, {
        offset: 0,
        limit: 20,
        total: 3,
        pipeline_runs: [item('a', 'COMPLETED', T0, T0 + 8 * MINUTE), item('b', 'COMPLETED', T0 - 60 * MINUTE, T0 - 53 * MINUTE), item('c', 'COMPLETED', T0 - 90 * MINUTE, T0 - 81 * MINUTE)]
      })
    )
    await expect(recentDurationsOf(providerFor(codeArtsInputs(), transport))).resolves.toEqual([8 * MINUTE, 7 * MINUTE, 9 * MINUTE])
    expect(JSON.parse(transport.requests[0]!.body!)).toEqual({ offset: 0, limit: 20, status: ['COMPLETED'], sort_key: 'start_time', sort_dir: 'desc' })
    expectOneShortAttempt(transport)
  })

  test('runs that failed, still run (end 0) or have times out of order are left out; at most `limit`', async () => {
    const transport = new FakeTransport().on(
      LIST,
      json(200, {
        pipeline_runs: [
          item('a', 'FAILED', T0, T0 + MINUTE),
          item('b', 'COMPLETED', T0, 0),
          item('c', 'COMPLETED', T0, T0 - 1),
          item('d', 'COMPLETED', T0, T0 + 5 * MINUTE),
          item('e', 'COMPLETED', T0, T0 + 6 * MINUTE),
          item('f', 'COMPLETED', T0, T0 + 7 * MINUTE)
        ]
      })
    )
    await expect(recentDurationsOf(providerFor(codeArtsInputs(), transport), 2)).resolves.toEqual([5 * MINUTE, 6 * MINUTE])
  })

  test('an unexpected answer gives no history rather than an error', async () => {
    const transport = new FakeTransport().on(LIST, json(200, { pipeline_runs: 'none' }))
    await expect(recentDurationsOf(providerFor(codeArtsInputs(), transport))).resolves.toEqual([])
  })

  test('a failing list is not retried: the wait must not be held up by its history', async () => {
    const transport = new FakeTransport().always(LIST, json(503, { error_code: 'APIG.0203', error_msg: 'Backend unavailable' }))
    await expect(recentDurationsOf(providerFor(codeArtsInputs(), transport))).rejects.toBeInstanceOf(RelayError)
    expectOneShortAttempt(transport)
  })

  test('AK/SK: the list request is signed like any other', async () => {
    const transport = new FakeTransport().on(LIST, json(200, { pipeline_runs: [item('a', 'COMPLETED', T0, T0 + MINUTE)] }))
    const inputs = codeArtsInputs({ token: '', access_key_id: AK, access_key_secret: SK, iam_project_id: PROJECT })
    await expect(recentDurationsOf(providerFor(inputs, transport))).resolves.toEqual([MINUTE])
    expect(transport.requests[0]!.headers.Authorization).toMatch(/^SDK-HMAC-SHA256 /)
  })
})

describe('codearts-pac: recentDurations', () => {
  const DOMAIN = 'fedcba9876543210fedcba9876543210'
  const LIST = `POST /v6/${DOMAIN}/api/pac/pipelines/actions`
  const inputs: Inputs = {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    token: TOKEN,
    repository_url: 'https://gitcode.com/octo/app.git',
    pipeline_file: '.gitcode/workflows/build.yml'
  }

  test('the list of the pipeline file (string times, either casing); only COMPLETED runs count', async () => {
    const transport = new FakeTransport().on(
      LIST,
      json(200, {
        pipeline_runs: [
          { pipeline_run_id: 'a', status: 'COMPLETED', start_time: String(T0), end_time: String(T0 + 4 * MINUTE) },
          { pipeline_run_id: 'b', status: 'FAILED', start_time: String(T0), end_time: String(T0 + MINUTE) },
          { pipelineRunId: 'c', status: 'COMPLETED', startTime: '2026-11-22 12:00:00', endTime: '2026-11-22 12:06:30' },
          { pipeline_run_id: 'd', status: 'RUNNING', start_time: String(T0), end_time: '' }
        ]
      })
    )
    await expect(recentDurationsOf(providerFor(inputs, transport))).resolves.toEqual([4 * MINUTE, 6.5 * MINUTE])
    expect(JSON.parse(transport.requests[0]!.body!)).toMatchObject({ https_url: inputs.repository_url, file_path: inputs.pipeline_file, page: 1, page_size: '20' })
    expectOneShortAttempt(transport)
  })

  test('a failing list is not retried', async () => {
    const transport = new FakeTransport().always(LIST, json(502, { error_code: 'APIG.0202', error_msg: 'Backend timeout' }))
    await expect(recentDurationsOf(providerFor(inputs, transport))).rejects.toBeInstanceOf(RelayError)
    expectOneShortAttempt(transport)
  })
})

describe('yunxiao: recentDurations', () => {
  const ORG = '5ebbc0228123212b59aaaaaa'
  const OPENAPI: Inputs = { provider: 'yunxiao', pipeline_id: '123', organization_id: ORG, token: 'pt-FakeYunxiaoTokenForTests0123456789' }
  const POP: Inputs = { provider: 'yunxiao', pipeline_id: '123', organization_id: ORG, access_key_id: 'LTAI5tFakeAccessKeyId01', access_key_secret: 'FakeAccessKeySecretForTests0123456789' }
  const runs = [
    { pipelineId: 123, pipelineRunId: 41, status: 'SUCCESS', startTime: T0 - 30 * MINUTE, endTime: T0 - 21 * MINUTE },
    { pipelineId: 123, pipelineRunId: 43, status: 'SUCCESS', startTime: T0, endTime: T0 + 8 * MINUTE },
    { pipelineId: 123, pipelineRunId: 42, status: 'FAIL', startTime: T0 - 10 * MINUTE, endTime: T0 - 9 * MINUTE },
    { pipelineId: 123, pipelineRunId: 44, status: 'RUNNING', startTime: T0 + 9 * MINUTE, endTime: 0 }
  ]

  test('OpenAPI: GET .../runs with perPage (at most 30), a bare array; SUCCESS runs, newest first', async () => {
    const transport = new FakeTransport().on(`GET /oapi/v1/flow/organizations/${ORG}/pipelines/123/runs?`, json(200, runs))
    await expect(recentDurationsOf(providerFor(OPENAPI, transport), 50)).resolves.toEqual([8 * MINUTE, 9 * MINUTE])
    expect(new URL(transport.requests[0]!.url).searchParams.get('perPage')).toBe('30')
    expectOneShortAttempt(transport)
  })

  test('devops 2021-06-25: GET .../pipelineRuns with maxResults, the pipelineRuns envelope', async () => {
    const transport = new FakeTransport().on(
      `GET /organization/${ORG}/pipelines/123/pipelineRuns?`,
      json(200, { requestId: 'req', success: true, errorCode: null, errorMessage: null, pipelineRuns: runs, totalCount: 4 })
    )
    await expect(recentDurationsOf(providerFor(POP, transport), 1)).resolves.toEqual([8 * MINUTE])
    expect(new URL(transport.requests[0]!.url).searchParams.get('maxResults')).toBe('1')
  })

  test('a failing list is not retried', async () => {
    const transport = new FakeTransport().always(`GET /oapi/v1/flow/organizations/${ORG}/pipelines/123/runs?`, json(500, { errorCode: 'SystemError', errorMessage: 'boom' }))
    await expect(recentDurationsOf(providerFor(OPENAPI, transport))).rejects.toBeInstanceOf(RelayError)
    expectOneShortAttempt(transport)
  })
})

describe('bkci: recentDurations', () => {
  const PROJECT_ID = 'demo-project'
  const PIPELINE_ID = `p-${'0123456789abcdef'.repeat(2)}`
  const inputs = (api: 'v3' | 'v4'): Inputs => ({
    provider: 'bkci',
    pipeline_id: PIPELINE_ID,
    project_id: PROJECT_ID,
    endpoint: 'https://bkapi.example.com/api/devops/prod',
    app_code: 'relay-app',
    app_secret: 'S3cretAppSecretValue-0123456789abcdef',
    username: 'ci-bot',
    api
  })
  const ok = (data: unknown) => json(200, { status: 0, message: null, data })
  const records = [
    { id: 'b-3', buildNum: 3, status: 'SUCCEED', startTime: T0, endTime: T0 + 12 * MINUTE },
    { id: 'b-2', buildNum: 2, status: 'FAILED', startTime: T0 - 60 * MINUTE, endTime: T0 - 58 * MINUTE },
    // Parked at a stage review: STAGE_SUCCESS without an end is not a finished build.
    { id: 'b-4', buildNum: 4, status: 'STAGE_SUCCESS', startTime: T0, endTime: 0 },
    // Ended at a rejected review: finished, successful.
    { id: 'b-1', buildNum: 1, status: 'STAGE_SUCCESS', startTime: T0 - 90 * MINUTE, endTime: T0 - 80 * MINUTE }
  ]

  test('v4: build_histories with status=SUCCEED and pageSize; finished successful builds only', async () => {
    const transport = new FakeTransport().on(`GET /api/devops/prod/v4/apigw-app/projects/${PROJECT_ID}/build_histories?`, ok({ count: 4, page: 1, pageSize: 20, totalPages: 1, records }))
    await expect(recentDurationsOf(providerFor(inputs('v4'), transport))).resolves.toEqual([12 * MINUTE, 10 * MINUTE])
    const query = new URL(transport.requests[0]!.url).searchParams
    expect(Object.fromEntries(query)).toEqual({ pipelineId: PIPELINE_ID, page: '1', pageSize: '20', status: 'SUCCEED' })
    expectOneShortAttempt(transport)
  })

  test('v3: the history path, no status filter (v3 has none): the client filters', async () => {
    const transport = new FakeTransport().on(`GET /api/devops/prod/apigw-app/v3/projects/${PROJECT_ID}/pipelines/${PIPELINE_ID}/builds/history?`, ok({ records }))
    await expect(recentDurationsOf(providerFor(inputs('v3'), transport), 1)).resolves.toEqual([12 * MINUTE])
    expect(new URL(transport.requests[0]!.url).searchParams.get('status')).toBeNull()
  })

  test('a failing list is not retried', async () => {
    const transport = new FakeTransport().always(`GET /api/devops/prod/v4/apigw-app/projects/${PROJECT_ID}/build_histories?`, json(503, { status: 503, message: 'busy', data: null }))
    await expect(recentDurationsOf(providerFor(inputs('v4'), transport))).rejects.toBeInstanceOf(RelayError)
    expectOneShortAttempt(transport)
  })
})
