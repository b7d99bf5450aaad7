import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest } from '../../src/core/http.js'
import { retryRun, startRun } from '../../src/core/operations.js'
import { readSettings, type InputName } from '../../src/inputs/index.js'
import { createProvider } from '../../src/providers/index.js'
import type { Provider, RunRef, StartRequest } from '../../src/providers/types.js'
import { PIPELINE, PROJECT, RUN, codeArtsInputs, detail } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

/**
 * Vendor answers are untrusted (DESIGN.md, "Vendor text is untrusted"): an id in an answer is
 * checked against its documented form before it becomes an output, a path segment or a log line;
 * every path segment is encoded; an answer whose id is unusable after a start is a start in doubt,
 * never a reason to start again.
 */

type Inputs = Partial<Record<InputName, string>>

const T0 = Date.UTC(2026, 10, 22, 12, 0, 0)
const OTHER_PROJECT = 'ffffffffffffffffffffffffffffffff'
// Values an answer from a compromised gateway could carry: shell in a run id that a later step
// pastes into a command, a path that climbs into another project, and a flood of terminal control.
const HOSTILE = {
  shell: 'c0ffee$(touch x)',
  traversal: `../../../${OTHER_PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/${RUN}`,
  flood: `\u001b]0;pwned\u0007${'a'.repeat(300)}\n::error::forged`
}
const HOSTILE_VALUES = Object.entries(HOSTILE)

function providerFor(inputs: Inputs): { provider: Provider; log: FakeHost; clock: FakeClock; transport: FakeTransport } {
  const transport = new FakeTransport()
  const log = new FakeHost({})
  const clock = new FakeClock(T0)
  const settings = readSettings(name => inputs[name] ?? '', () => undefined)
  return { provider: createProvider(settings, { transport: transport.send, clock, log }), log, clock, transport }
}

async function rejection(promise: Promise<unknown>): Promise<RelayError> {
  const outcome = await promise.then(
    value => ({ value }),
    (error: unknown) => ({ error })
  )
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`)
  if (!(outcome.error instanceof RelayError)) throw outcome.error
  return outcome.error
}

/** A protocol fault that names the field, and shows of the bad value at most a short, clean start. */
async function expectRefused(promise: Promise<unknown>, field: string, hostile: string): Promise<RelayError> {
  const error = await rejection(promise)
  expect(error.kind).toBe('protocol')
  expect(error.message).toContain(field)
  expect(error.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/)
  if (hostile.length > 24) expect(error.message).not.toContain(hostile.slice(0, 30))
  return error
}

/** Where the requests went, as the server sees them (a URL parser resolves `..`), and as sent. */
function paths(transport: FakeTransport): string[] {
  return transport.requests.map(request => new URL(request.url).pathname)
}

/** The hostile value never left in any request: not in a path, a query or a body, raw or encoded. */
function expectNeverSent(transport: FakeTransport, hostile: string): void {
  const sent = (request: HttpRequest): string => `${decodeURIComponent(request.url)} ${request.body ?? ''}`
  for (const request of transport.requests) expect(sent(request)).not.toContain(hostile)
}

function startRequest(correlationId = '0a1b2c3d4e'): StartRequest {
  return { variables: [], jobs: [], correlationId }
}

const ops = (clock: FakeClock, log: FakeHost) => ({ clock, log })

describe('codearts (v5)', () => {
  const BASE = `/v5/${PROJECT}/api/pipelines/${PIPELINE}`
  const setup = (extra: Inputs = {}) => providerFor(codeArtsInputs(extra))
  const watching = { operation: 'watch', run_id: RUN }

  test.each(HOSTILE_VALUES)('a start answer with a %s pipeline_run_id is refused', async (_kind, hostile) => {
    const { provider, transport } = setup()
    transport.on('POST /run', json(200, { pipeline_run_id: hostile }))
    await expectRefused(provider.start(startRequest()), 'pipeline_run_id in the start answer', hostile)
  })

  test('a queued start answer with a bad error.pipeline_run_id is refused too', async () => {
    const { provider, transport } = setup()
    transport.on('POST /run', json(200, { error: { code: 'DEVPIPE.00011169', message: 'queued', pipeline_run_id: HOSTILE.shell } }))
    await expectRefused(provider.start(startRequest()), 'pipeline_run_id in the start answer', HOSTILE.shell)
  })

  test.each(HOSTILE_VALUES)('a retry answer with a %s pipeline_run_id is refused, not followed', async (_kind, hostile) => {
    const { provider, transport } = setup(watching)
    transport.on('PUT /retry', json(200, { success: true, pipeline_run_id: hostile }))
    await expectRefused(provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false }), 'pipeline_run_id in the retry answer', hostile)
  })

  test.each([
    ['id', 'run detail id'],
    ['run_number', 'run_number']
  ])('a detail whose %s is hostile is refused', async (key, field) => {
    for (const hostile of Object.values(HOSTILE)) {
      const { provider, transport } = setup(watching)
      transport.on('GET /detail', json(200, detail('RUNNING', { [key]: hostile })))
      await expectRefused(provider.getState(provider.refFor(RUN)), field, hostile)
    }
  })

  test('a listed run with a hostile pipeline_run_id is refused, and its id is never put in a request', async () => {
    const { provider, transport } = setup()
    transport.on('POST /pipeline-runs/list', json(200, { pipeline_runs: [{ pipeline_run_id: HOSTILE.traversal, start_time: T0 }] }))
    await expectRefused(provider.findStartedRun('0a1b2c3d4e', T0), 'pipeline_run_id in the run list', HOSTILE.traversal)
    expect(transport.requests).toHaveLength(1)
  })

  test.each([
    ['javascript:', 'javascript:alert(document.cookie)'],
    ['a foreign host', `https://evil.example/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/${RUN}`],
    ['a look-alike host', `https://devcloud.cn-north-4.huaweicloud.com.evil.example/cicd/project/${PROJECT}`],
    ['plain http', `http://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/${RUN}?v=1`]
  ])('a detail_url on %s is not the run URL: the console page is, and a debug line says why', async (_kind, detailUrl) => {
    const { provider, transport, log } = setup(watching)
    transport.on('GET /detail', json(200, detail('RUNNING', { detail_url: detailUrl })))
    const state = await provider.getState(provider.refFor(RUN))
    expect(state.url).toBe(`https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/${RUN}?v=1`)
    expect(log.lines.some(line => line.startsWith('debug: The run URL in the answer'))).toBe(true)
  })

  test('a detail_url on the console host is the run URL', async () => {
    const { provider, transport } = setup(watching)
    const detailUrl = `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/${RUN}?v=1&from=api`
    transport.on('GET /detail', json(200, detail('RUNNING', { detail_url: detailUrl })))
    expect((await provider.getState(provider.refFor(RUN))).url).toBe(detailUrl)
  })

  test('the found run of a lookup gets the same URL check', async () => {
    const { provider, transport } = setup()
    transport.on('POST /pipeline-runs/list', json(200, { pipeline_runs: [{ pipeline_run_id: RUN, start_time: T0 }] }))
    transport.on('GET /detail', json(200, detail('RUNNING', { description: 'x [relay:0a1b2c3d4e]', detail_url: 'javascript:alert(1)' })))
    const found = await provider.findStartedRun('0a1b2c3d4e', T0)
    expect(found?.url).toMatch(/^https:\/\/devcloud\.cn-north-4\.huaweicloud\.com\/cicd\//)
  })

  test('ids are encoded as path segments: a run id never climbs into another project', async () => {
    const { provider, transport } = setup(watching)
    transport.always('PUT /retry', json(200, { success: true })).always('POST /stop', json(200, { success: true }))
    const run: RunRef = { runId: `../../../${OTHER_PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/${RUN}` }
    await provider.retry(run, { jobs: [], failedOnly: true, skipFailed: false })
    await provider.cancel(run)
    for (const path of paths(transport)) expect(path.startsWith(`${BASE}/pipeline-runs/..%2F..%2F..%2F${OTHER_PROJECT}%2F`)).toBe(true)
    expect(paths(transport).join(' ')).not.toContain(`/v5/${OTHER_PROJECT}`)
  })

  test('a run id that is a dot segment is refused before anything is sent', async () => {
    const { provider, transport } = setup(watching)
    transport.always('POST /stop', json(200, { success: true }))
    const error = await rejection(provider.cancel({ runId: '..' }))
    expect(error).toMatchObject({ kind: 'protocol', notSent: true })
    expect(transport.requests).toHaveLength(0)
  })

  test('the console URL encodes the ids it is built from', () => {
    const { provider } = setup(watching)
    expect(provider.refFor('a/b?c#d').url).toBe(`https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}/a%2Fb%3Fc%23d?v=1`)
  })

  test('at most once: a start answered with a bad id is looked up by its mark, and never sent again', async () => {
    const { provider, transport, clock, log } = setup()
    transport.on('POST /run', json(200, { pipeline_run_id: HOSTILE.shell }))
    transport.always('POST /pipeline-runs/list', json(200, { pipeline_runs: [{ pipeline_run_id: HOSTILE.shell, start_time: T0 }] }))
    const error = await rejection(startRun(provider, startRequest(), ops(clock, log)))
    expect(error.kind).toBe('ambiguous')
    expect(transport.count('POST /run')).toBe(1)
    expect(transport.count('POST /pipeline-runs/list')).toBeGreaterThan(0)
    expectNeverSent(transport, HOSTILE.shell)
  })

  test('at most once: the lookup after a bad start answer finds the real run by its mark', async () => {
    const { provider, transport, clock, log } = setup()
    transport.on('POST /run', json(200, { pipeline_run_id: HOSTILE.traversal }))
    transport.on('POST /pipeline-runs/list', json(200, { pipeline_runs: [{ pipeline_run_id: RUN, start_time: T0 }] }))
    transport.on('GET /detail', json(200, detail('RUNNING', { description: 'Started by pipeline-relay [relay:0a1b2c3d4e]' })))
    const run = await startRun(provider, startRequest(), ops(clock, log))
    expect(run.runId).toBe(RUN)
    expect(transport.count('POST /run')).toBe(1)
  })
})

describe('codearts-pac (v6)', () => {
  const DOMAIN = 'fedcba9876543210fedcba9876543210'
  const BASE = `/v6/${DOMAIN}/api/pac/pipelines/actions`
  const inputs: Inputs = {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    token: 'MIIfake-iam-token-value-for-tests-0123456789',
    repository_url: 'https://gitcode.com/octo/app.git',
    pipeline_file: '.gitcode/workflows/build.yml'
  }
  const watching: Inputs = { ...inputs, pipeline_id: PIPELINE, run_id: RUN, operation: 'watch', repository_url: '', pipeline_file: '' }

  test.each([
    ['pipeline_run_id', { pipeline_id: PIPELINE }],
    ['pipeline_id', { pipeline_run_id: RUN }]
  ])('a start answer with a hostile %s is refused', async (key, rest) => {
    for (const hostile of Object.values(HOSTILE)) {
      const { provider, transport } = providerFor(inputs)
      transport.on(`POST ${BASE}/run`, json(200, { ...rest, [key]: hostile })).on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
      await expectRefused(provider.start(startRequest()), `${key} in the start answer`, hostile)
    }
  })

  test('camelCase start answers are checked the same way', async () => {
    const { provider, transport } = providerFor(inputs)
    transport.on(`POST ${BASE}/run`, json(200, { pipelineId: PIPELINE, pipelineRunId: HOSTILE.shell })).on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    await expectRefused(provider.start(startRequest()), 'pipeline_run_id in the start answer', HOSTILE.shell)
  })

  test.each([
    ['pipeline_run_id', { pipeline_id: PIPELINE }],
    ['pipeline_id', { pipeline_run_id: RUN }]
  ])('a rerun answer with a hostile %s is refused', async (key, rest) => {
    const { provider, transport } = providerFor(watching)
    transport.on(`POST ${BASE}/rerun`, json(200, { ...rest, [key]: HOSTILE.traversal }))
    await expectRefused(provider.retry({ runId: RUN, pipelineId: PIPELINE }, { jobs: [], failedOnly: true, skipFailed: false }), `${key} in the rerun answer`, HOSTILE.traversal)
  })

  test.each([
    ['pipeline_run_id', 'pipeline_run_id in the run detail'],
    ['pipeline_id', 'pipeline_id in the run detail'],
    ['run_number', 'run_number'],
    ['runNumber', 'run_number']
  ])('a detail whose %s is hostile is refused', async (key, field) => {
    for (const hostile of Object.values(HOSTILE)) {
      const { provider, transport } = providerFor(watching)
      transport.on(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, { status: 'RUNNING', [key]: hostile }))
      await expectRefused(provider.getState({ runId: RUN, pipelineId: PIPELINE }), field, hostile)
    }
  })

  test('a listed run with hostile ids is refused in a lookup', async () => {
    const { provider, transport } = providerFor(inputs)
    transport.on(`POST ${BASE}`, json(200, { pipeline_runs: [{ pipeline_run_id: HOSTILE.shell, pipeline_id: PIPELINE, start_time: String(T0) }] }))
    await expectRefused(provider.findStartedRun('0a1b2c3d4e', T0), 'pipeline_run_id in the run list', HOSTILE.shell)
  })

  test('pipeline and run ids are encoded as path segments (the post step reads them back from state)', async () => {
    const { provider, transport } = providerFor(watching)
    transport.always(`POST ${BASE}/`, json(200, { success: true }))
    await provider.cancel({ runId: RUN, pipelineId: `../../../${OTHER_PROJECT}/api/pac/pipelines/actions/${PIPELINE}` })
    expect(paths(transport)).toEqual([`${BASE}/..%2F..%2F..%2F${OTHER_PROJECT}%2Fapi%2Fpac%2Fpipelines%2Factions%2F${PIPELINE}/${RUN}/stop`])
  })

  test("a job's id that is no id is refused before the log read: it cannot turn the read into a stop", async () => {
    const { provider, transport } = providerFor(watching)
    transport.always(`POST ${BASE}/`, json(200, { log: 'last line', has_more: false }))
    const job = { id: '../stop?', name: 'build', status: 'failed' as const, rawStatus: 'FAILED' }
    await expect(provider.logTail!({ runId: RUN, pipelineId: PIPELINE }, job, 10)).rejects.toMatchObject({ kind: 'protocol' })
    expect(paths(transport)).toEqual([])
  })

  test('at most once: a start answered with a bad id is never sent again', async () => {
    const { provider, transport, clock, log } = providerFor(inputs)
    transport.on(`POST ${BASE}/run`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: HOSTILE.shell }))
    transport.on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    transport.always(`POST ${BASE}`, json(200, { pipeline_runs: [{ pipeline_id: PIPELINE, pipeline_run_id: HOSTILE.shell, start_time: String(T0) }] }))
    const error = await rejection(startRun(provider, startRequest(), ops(clock, log)))
    expect(error.kind).toBe('ambiguous')
    expect(transport.count(`POST ${BASE}/run`)).toBe(1)
    expectNeverSent(transport, HOSTILE.shell)
  })
})

describe('bkci', () => {
  const PROJECT_NAME = 'demo-project'
  const BK_PIPELINE = `p-${'0123456789abcdef'.repeat(2)}`
  const BUILD = `b-${'fedcba9876543210'.repeat(2)}`
  const inputsFor = (api: 'v4' | 'v3', extra: Inputs = {}): Inputs => ({
    provider: 'bkci',
    api,
    pipeline_id: BK_PIPELINE,
    project_id: PROJECT_NAME,
    endpoint: 'https://bkapi.example.com/api/devops/prod',
    app_code: 'relay-app',
    app_secret: 'S3cretAppSecretValue-0123456789abcdef',
    username: 'ci-bot',
    ...extra
  })
  const ok = (data: unknown) => json(200, { status: 0, message: null, data })
  const watching = { operation: 'watch', run_id: BUILD }
  const START = { v4: 'POST /build_start', v3: 'POST /builds/start' }
  const HISTORY = { v4: 'GET /build_histories', v3: 'GET /builds/history' }

  describe.each(['v4', 'v3'] as const)('api %s', api => {
    test.each([
      ['id', 'data.id in the start answer'],
      ['num', 'data.num in the start answer']
    ])('a start answer with a hostile %s is refused', async (key, field) => {
      for (const hostile of Object.values(HOSTILE)) {
        const { provider, transport } = providerFor(inputsFor(api))
        transport.on(START[api], ok({ id: BUILD, num: 3, [key]: hostile }))
        await expectRefused(provider.start(startRequest()), field, hostile)
      }
    })

    test('a retry answer with a hostile build id is refused, not followed', async () => {
      const { provider, transport } = providerFor(inputsFor(api, watching))
      transport.on(api === 'v4' ? 'POST /build_retry' : 'POST /retry', ok({ id: HOSTILE.traversal }))
      await expectRefused(provider.retry(provider.refFor(BUILD), { jobs: [], failedOnly: false, skipFailed: false }), 'data.id in the retry answer', HOSTILE.traversal)
    })

    test.each([
      ['id', 'id in the build state'],
      ['buildNum', 'buildNum']
    ])('a detail whose %s is hostile is refused', async (key, field) => {
      for (const hostile of Object.values(HOSTILE)) {
        const { provider, transport } = providerFor(inputsFor(api, watching))
        transport.on(api === 'v4' ? 'GET /build_detail' : 'GET /detail', ok({ id: BUILD, buildNum: 3, status: 'RUNNING', startTime: T0, [key]: hostile }))
        await expectRefused(provider.getState(provider.refFor(BUILD)), field, hostile)
      }
    })

    test('a marked build with a hostile id in the history is refused', async () => {
      const { provider, transport } = providerFor(inputsFor(api))
      transport.on(HISTORY[api], ok({ records: [{ id: HOSTILE.shell, buildNum: 3, buildMsg: 'x [relay:0a1b2c3d4e]', queueTime: T0 }] }))
      await expectRefused(provider.findStartedRun('0a1b2c3d4e', T0), 'id in the build history', HOSTILE.shell)
    })

    test('at most once: a start answered with a bad build id is never sent again', async () => {
      const { provider, transport, clock, log } = providerFor(inputsFor(api))
      transport.on(START[api], ok({ id: HOSTILE.shell, num: 3 }))
      transport.always(HISTORY[api], ok({ records: [{ id: HOSTILE.shell, buildNum: 3, buildMsg: 'x [relay:0a1b2c3d4e]', queueTime: T0 }] }))
      const error = await rejection(startRun(provider, startRequest(), ops(clock, log)))
      expect(error.kind).toBe('ambiguous')
      expect(transport.count(START[api])).toBe(1)
      expectNeverSent(transport, HOSTILE.shell)
    })
  })

  test('v3 puts the build id in the path: a dot segment is refused before anything is sent', async () => {
    const { provider, transport } = providerFor(inputsFor('v3', watching))
    transport.always('POST /', ok(true))
    const error = await rejection(provider.cancel({ runId: '..' }))
    expect(error).toMatchObject({ kind: 'protocol', notSent: true })
    expect(transport.requests).toHaveLength(0)
  })
})

describe('yunxiao', () => {
  const ORG = '5ebbc0228123212b59aaaaaa'
  const BASE = `/oapi/v1/flow/organizations/${ORG}/pipelines/123`
  const inputs: Inputs = { provider: 'yunxiao', pipeline_id: '123', organization_id: ORG, token: 'pt-FakeYunxiaoTokenForTests0123456789' }
  const watching: Inputs = { ...inputs, operation: 'watch', run_id: '45' }
  const runDetail = (extra: Record<string, unknown> = {}) => ({
    pipelineId: 123,
    pipelineRunId: 45,
    status: 'FAIL',
    stages: [{ name: 'Build', stageInfo: { name: 'Build', jobs: [{ id: 789, name: 'Compile', status: 'FAIL', startTime: T0, endTime: T0 + 1 }] } }],
    ...extra
  })

  test('a start answer that is not an integer is refused, naming the field and the form', async () => {
    for (const answer of [HOSTILE.shell, { pipelineRunId: HOSTILE.traversal }, { pipelineRunId: '1'.repeat(20) }]) {
      const { provider, transport } = providerFor(inputs)
      transport.on(`POST ${BASE}/runs`, json(200, answer)).on(`GET ${BASE}/runs?`, json(200, []))
      const error = await expectRefused(provider.start(startRequest()), 'pipelineRunId in the start answer', JSON.stringify(answer))
      expect(error.message).toContain('an integer')
    }
  })

  test.each(HOSTILE_VALUES)('a detail whose pipelineRunId is %s is refused (it would be run_number and part of run_url)', async (_kind, hostile) => {
    const { provider, transport } = providerFor(watching)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail({ pipelineRunId: hostile })))
    await expectRefused(provider.getState(provider.refFor('45')), 'pipelineRunId in the run detail', hostile)
  })

  test('a listed run with a hostile pipelineRunId is refused in a lookup', async () => {
    const { provider, transport } = providerFor(inputs)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: HOSTILE.traversal, startTime: T0 }]))
    await expectRefused(provider.findStartedRun('0a1b2c3d4e', T0), 'pipelineRunId in the run list', HOSTILE.traversal)
    expect(transport.requests).toHaveLength(1)
  })

  test.each([
    ['a dot segment', '..'],
    ['a path', '1/../../stop'],
    ['words', 'Compile']
  ])('a job id that is %s is refused before any retry is sent', async (_kind, jobId) => {
    const { provider, transport, clock, log } = providerFor(watching)
    transport.always(`GET ${BASE}/runs/45`, json(200, runDetail({ stages: [{ name: 'Build', stageInfo: { jobs: [{ id: 788, name: 'Lint', status: 'FAIL' }, { id: jobId, name: 'Compile', status: 'FAIL' }] } }] })))
    transport.always(`PUT ${BASE}/`, json(200, true))
    const error = await rejection(retryRun(provider, provider.refFor('45'), { jobs: [], failedOnly: true, skipFailed: false }, ops(clock, log)))
    expect(error).toMatchObject({ kind: 'protocol', notSent: true })
    expect(error.message).toContain('job id in the run detail')
    expect(transport.count('PUT /')).toBe(0)
  })

  test('the console URL encodes the run id', () => {
    const { provider } = providerFor(watching)
    expect(provider.refFor('4/../../x').url).toBe('https://flow.aliyun.com/pipelines/123/builds/4%2F..%2F..%2Fx')
  })

  test('a run id that is a dot segment is refused before anything is sent', async () => {
    const { provider, transport } = providerFor(watching)
    transport.always(`GET ${BASE}/`, json(200, runDetail()))
    const error = await rejection(provider.getState({ runId: '..' }))
    expect(error).toMatchObject({ kind: 'protocol', notSent: true })
    expect(transport.requests).toHaveLength(0)
  })

  test('at most once: a start answered with a bad id is never sent again', async () => {
    const { provider, transport, clock, log } = providerFor(inputs)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 44, startTime: T0 - 60_000 }]))
    transport.on(`POST ${BASE}/runs`, json(200, HOSTILE.shell))
    transport.always(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: HOSTILE.shell, startTime: T0 }, { pipelineRunId: 44, startTime: T0 - 60_000 }]))
    const error = await rejection(startRun(provider, startRequest(), ops(clock, log)))
    expect(error.kind).toBe('ambiguous')
    expect(transport.count(`POST ${BASE}/runs`)).toBe(1)
    expectNeverSent(transport, HOSTILE.shell)
  })
})
