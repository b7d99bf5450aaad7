import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, HttpResponse } from '../../src/core/http.js'
import { silentLogger } from '../../src/core/log.js'
import { startRun, retryRun } from '../../src/core/operations.js'
import { isNewAttempt } from '../../src/core/poll.js'
import type { ApiRequest } from '../../src/core/vendor-client.js'
import { readCommon } from '../../src/inputs/common.js'
import { DEFAULTS, type InputName } from '../../src/inputs/names.js'
import { readYunxiao, type YunxiaoSettings } from '../../src/inputs/yunxiao.js'
import type { Provider, RunState, StartRequest } from '../../src/providers/types.js'
import { interpretYunxiaoResponse, yunxiaoError } from '../../src/providers/yunxiao/errors.js'
import { createYunxiaoProvider } from '../../src/providers/yunxiao/index.js'
import { buildRunParams } from '../../src/providers/yunxiao/params.js'
import { markedMessage } from '../../src/providers/mark.js'
import { hexNonce, popActionFor } from '../../src/providers/yunxiao/pop-dialect.js'
import { computeAcs3Signature, sha256Hex } from '../../src/signing/aliyun-acs3-hmac-sha256.js'
import { encodeRfc3986 } from '../../src/signing/uri-encode.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const ORG = '5ebbc0228123212b59aaaaaa'
const PIPELINE = '123'
const RUN = '45'
const TOKEN = 'pt-FakeYunxiaoTokenForTests0123456789'
const AK = 'LTAI5tFakeAccessKeyId01'
const SK = 'FakeAccessKeySecretForTests0123456789'
const REPO = 'https://codeup.aliyun.com/5ebbc0228123212b59aaaaaa/demo/app.git'
const T0 = Date.UTC(2026, 10, 22, 11, 58, 0)
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)

type Inputs = Partial<Record<InputName, string>>

/** Settings through the real readers, from inputs as a user would give them. */
function settingsOf(inputs: Inputs): YunxiaoSettings {
  const all: Inputs = { provider: 'yunxiao', pipeline_id: PIPELINE, ...inputs }
  const given = (name: InputName): boolean => (all[name] ?? '') !== ''
  const read = (name: InputName): string => (given(name) ? (all[name] ?? '') : (DEFAULTS[name] ?? ''))
  return readYunxiao(readCommon(read, given), read, given)
}

const OPENAPI: Inputs = { organization_id: ORG, token: TOKEN }
const POP: Inputs = { organization_id: ORG, access_key_id: AK, access_key_secret: SK }

/** The start request itself: a start first reads the newest run number (see findStartedRun). */
function posted(transport: FakeTransport) {
  return transport.requests.find(request => request.method === 'POST')
}

function setup(inputs: Inputs, randoms: number[] = []): { provider: Provider; transport: FakeTransport; clock: FakeClock } {
  const transport = new FakeTransport()
  const clock = new FakeClock(NOW, randoms)
  const provider = createYunxiaoProvider(settingsOf(inputs), { transport: transport.send, clock, log: silentLogger })
  return { provider, transport, clock }
}

interface JobFixture {
  id: number
  name: string
  status: string
  startTime?: number
  endTime?: number
  actions?: string[]
}

function job(id: number, name: string, status: string, extra: Partial<JobFixture> = {}): JobFixture {
  const ended = ['SUCCESS', 'FAIL', 'CANCELED', 'FINISH', 'SKIP'].includes(status)
  return { id, name, status, startTime: T0, endTime: ended ? T0 + 50_000 : 0, ...extra }
}

/** A run as GetPipelineRun describes it (reference §1.4, §3.2). */
function runDetail(status: string, jobs: JobFixture[] = [job(789, 'Compile', status)], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    pipelineId: Number(PIPELINE),
    pipelineRunId: Number(RUN),
    status,
    triggerMode: 1,
    createTime: T0,
    updateTime: T0 + 90_000,
    creatorAccountId: '1234',
    sources: [{ sign: 'code1', type: 'Codeup', data: { repo: REPO, branch: 'master' } }],
    stageGroup: [['Build']],
    stages: [
      {
        name: 'Build',
        stageInfo: {
          name: 'Build',
          status,
          jobs: jobs.map(({ actions = [], ...rest }) => ({ ...rest, actions: actions.map(type => ({ type, disable: false, params: {} })) }))
        }
      }
    ],
    ...extra
  }
}

/** The POP envelope around a payload. */
function pop(payload: Record<string, unknown>): Record<string, unknown> {
  return { requestId: 'req-pop', success: true, errorCode: null, errorMessage: null, ...payload }
}

const START: StartRequest = {
  variables: [
    { name: 'FOO', value: 'bar baz' },
    { name: 'EMPTY', value: '' }
  ],
  message: 'Deploy from GitHub',
  jobs: [],
  correlationId: '0123456789'
}

function header(request: HttpRequest | undefined, name: string): string | undefined {
  const entry = Object.entries(request?.headers ?? {}).find(([key]) => key.toLowerCase() === name.toLowerCase())
  return entry?.[1]
}

function pathOf(request: HttpRequest | undefined): string {
  const url = new URL(request?.url ?? 'http://invalid/')
  return url.pathname + url.search
}

async function refusal(promise: Promise<unknown>): Promise<RelayError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error('expected a RelayError')
}

describe('params', () => {
  test('variables as envs, the message and the correlation mark as comment', () => {
    expect(JSON.parse(buildRunParams(START))).toEqual({ envs: { FOO: 'bar baz', EMPTY: '' }, comment: 'Deploy from GitHub [relay:0123456789]' })
  })

  test('no variables: no envs; no message: a default comment', () => {
    expect(JSON.parse(buildRunParams({ ...START, variables: [], message: undefined }))).toEqual({ comment: 'Started by pipeline-relay [relay:0123456789]' })
    expect(markedMessage({ correlationId: 'x' })).toBe('Started by pipeline-relay [relay:x]')
  })

  test('a branch goes into runningBranchs and branchModeBranchs, keyed by the repository', () => {
    expect(JSON.parse(buildRunParams({ ...START, variables: [], branch: 'feature/x' }, REPO))).toEqual({
      runningBranchs: { [REPO]: 'feature/x' },
      branchModeBranchs: ['feature/x'],
      comment: 'Deploy from GitHub [relay:0123456789]'
    })
  })

  test('a tag goes into runningTags', () => {
    expect(JSON.parse(buildRunParams({ ...START, variables: [], tag: 'v1.2.3' }, REPO))).toEqual({
      runningTags: { [REPO]: 'v1.2.3' },
      comment: 'Deploy from GitHub [relay:0123456789]'
    })
  })

  test('a branch without the repository is a programming error', () => {
    expect(() => buildRunParams({ ...START, branch: 'main' })).toThrow(TypeError)
  })
})

describe('OpenAPI (personal access token)', () => {
  const BASE = `/oapi/v1/flow/organizations/${ORG}/pipelines/${PIPELINE}`

  test('start: POST .../runs with {"params": "<JSON text>"}, the token header; the answer is a bare integer', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`POST ${BASE}/runs`, json(200, 45))
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 44 }]))
    const ref = await provider.start(START)
    expect(ref).toEqual({ runId: '45', runNumber: '45', url: `https://flow.aliyun.com/pipelines/${PIPELINE}/builds/45` })
    expect(pathOf(transport.requests[0])).toBe(`${BASE}/runs?page=1&perPage=10`)
    const sent = posted(transport)
    expect(sent?.method).toBe('POST')
    expect(sent?.url).toBe(`https://openapi-rdc.aliyuncs.com${BASE}/runs`)
    expect(header(sent, 'x-yunxiao-token')).toBe(TOKEN)
    expect(header(sent, 'content-type')).toBe('application/json')
    expect(header(sent, 'authorization')).toBeUndefined()
    const body = JSON.parse(sent?.body ?? '') as { params: string }
    expect(Object.keys(body)).toEqual(['params'])
    expect(JSON.parse(body.params)).toEqual({ envs: { FOO: 'bar baz', EMPTY: '' }, comment: 'Deploy from GitHub [relay:0123456789]' })
  })

  test('start: a start answer without a run id is a protocol fault (ambiguous for the core)', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`POST ${BASE}/runs`, json(200, { ok: true }))
    expect(await refusal(provider.start(START))).toMatchObject({ kind: 'protocol' })
  })

  test('start with a branch on a pipeline that never ran: the repository comes from the pipeline itself (GetPipeline), no run is read', async () => {
    const { provider, transport } = setup(OPENAPI)
    // The one GetPipeline answer (registered first: routes match by substring, in order).
    transport.on(`GET ${BASE}`, json(200, { name: 'app', pipelineConfig: { flow: 'schema: tb', settings: '{}', sources: [{ type: 'Codeup', sign: 's', data: { repo: REPO, branch: 'master' } }] } }))
    transport.on(`POST ${BASE}/runs`, json(200, 46))
    expect((await provider.start({ ...START, variables: [], branch: 'release/1.0' })).runId).toBe('46')
    expect(transport.requests[0]?.url).toBe(`https://openapi-rdc.aliyuncs.com${BASE}`)
    expect(transport.count(`GET ${BASE}/runs/latestPipelineRun`)).toBe(0)
    const params = JSON.parse((JSON.parse(posted(transport)?.body ?? '') as { params: string }).params) as Record<string, unknown>
    expect(params.runningBranchs).toEqual({ [REPO]: 'release/1.0' })
  })

  test('start with a branch: a pipeline answer without sources falls back to the latest run', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}`, json(200, { name: 'app', pipelineConfig: { sources: [] } }))
    transport.on(`GET ${BASE}/runs/latestPipelineRun`, json(200, runDetail('SUCCESS')))
    transport.on(`POST ${BASE}/runs`, json(200, 46))
    expect((await provider.start({ ...START, variables: [], branch: 'release/1.0' })).runId).toBe('46')
    const params = JSON.parse((JSON.parse(posted(transport)?.body ?? '') as { params: string }).params) as unknown
    expect(params).toEqual({ runningBranchs: { [REPO]: 'release/1.0' }, branchModeBranchs: ['release/1.0'], comment: 'Deploy from GitHub [relay:0123456789]' })
  })

  test('start with a tag on a pipeline that never ran: a clear client error, no start request', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}`, json(200, { name: 'app', pipelineConfig: { sources: [] } }))
    transport.on(`GET ${BASE}/runs/latestPipelineRun`, json(404, { errorCode: 'NotFound', errorMessage: 'no run' }))
    const error = await refusal(provider.start({ ...START, tag: 'v1' }))
    expect(error.kind).toBe('client')
    expect(error.message).toMatch(/^Cannot set tag: the pipeline names no code source, neither in its settings nor in a run .* Add a code source \(代码源\) to the pipeline in Flow, or leave branch and tag empty/)
    expect(transport.count('POST ')).toBe(0)
  })

  test('start with a branch when the pipeline itself is missing: its own not_found error, no start request', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}`, json(404, { errorCode: 'InvalidPipeline.NotFound', errorMessage: 'pipeline not found' }))
    const error = await refusal(provider.start({ ...START, branch: 'main' }))
    expect(error).toMatchObject({ kind: 'not_found', vendorCode: 'InvalidPipeline.NotFound' })
    expect(transport.count('POST ')).toBe(0)
  })

  test('getState: GET .../runs/{id}; the bare detail becomes a RunState with jobs and an attempt', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('FAIL', [job(788, 'Lint', 'SUCCESS'), job(789, 'Compile', 'FAIL', { endTime: T0 + 60_000 })])))
    const state = await provider.getState(provider.refFor(RUN))
    expect(transport.requests[0]?.method).toBe('GET')
    expect(header(transport.requests[0], 'x-yunxiao-token')).toBe(TOKEN)
    expect(state).toEqual({
      runId: '45',
      runNumber: '45',
      url: `https://flow.aliyun.com/pipelines/${PIPELINE}/builds/45`,
      status: 'failed',
      rawStatus: 'FAIL',
      terminal: true,
      startedAt: T0,
      endedAt: T0 + 60_000,
      attempt: `${T0}/${T0 + 60_000}`,
      jobs: [
        { id: '788', name: 'Lint', stage: 'Build', status: 'succeeded', rawStatus: 'SUCCESS', startedAt: T0, endedAt: T0 + 50_000 },
        { id: '789', name: 'Compile', stage: 'Build', status: 'failed', rawStatus: 'FAIL', startedAt: T0, endedAt: T0 + 60_000 }
      ]
    })
  })

  test('getState: a RUNNING run with a job at a manual gate is waiting; a running one has no end', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('RUNNING', [job(789, 'Approve', 'RUNNING', { actions: ['PassPipelineValidate', 'RefusePipelineValidate'] })])))
    const state = await provider.getState(provider.refFor(RUN))
    expect(state).toMatchObject({ status: 'waiting', rawStatus: 'RUNNING', terminal: false, endedAt: undefined })
  })

  test('getState: a detail without status is a protocol fault', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, { pipelineRunId: 45 }))
    expect(await refusal(provider.getState(provider.refFor(RUN)))).toMatchObject({ kind: 'protocol' })
  })

  test('cancel: PUT .../runs/{id} (no body) answering true is stopped', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`PUT ${BASE}/runs/45`, json(200, true))
    expect(await provider.cancel(provider.refFor(RUN))).toBe('stopped')
    expect(transport.requests[0]?.method).toBe('PUT')
    expect(pathOf(transport.requests[0])).toBe(`${BASE}/runs/45`)
    expect(transport.requests[0]?.body).toBeUndefined()
  })

  test('cancel of a finished run: the refusal is checked against the state: already-ended', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`PUT ${BASE}/runs/45`, json(400, { errorCode: 'BadRequest', errorMessage: 'pipeline run is finished' }))
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('SUCCESS')))
    expect(await provider.cancel(provider.refFor(RUN))).toBe('already-ended')
  })

  test('cancel answered false, run still running: an error', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`PUT ${BASE}/runs/45`, json(200, false))
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('RUNNING')))
    expect((await refusal(provider.cancel(provider.refFor(RUN)))).message).toBe(
      'Yunxiao did not stop run 45; it is still RUNNING (it answered that the stop did not succeed)'
    )
  })

  test('cancel refused with a reason, run still running: the error gives the reason', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`PUT ${BASE}/runs/45`, json(400, { errorCode: 'BadRequest', errorMessage: 'the run is at a manual gate' }))
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('RUNNING')))
    const error = await refusal(provider.cancel(provider.refFor(RUN)))
    expect(error.message).toMatch(/^Yunxiao did not stop run 45; it is still RUNNING \(.*the run is at a manual gate.*code BadRequest.*\)$/)
  })

  test('cancel refused for lack of permission is not hidden by a state check', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`PUT ${BASE}/runs/45`, json(403, { errorCode: 'Forbidden', errorMessage: 'no permission' }))
    expect(await refusal(provider.cancel(provider.refFor(RUN)))).toMatchObject({ kind: 'auth', vendorCode: 'Forbidden' })
    expect(transport.count('GET ')).toBe(0)
  })

  test('retry: PUT .../pipelineRuns/{id}/jobs/{jobId}/retry for each failed job; the run id stays', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('FAIL', [job(788, 'Lint', 'SUCCESS'), job(789, 'Compile', 'FAIL'), job(790, 'Test', 'FAIL')])))
    transport.always(`PUT ${BASE}/pipelineRuns/45/jobs/`, json(200, true))
    const ref = await provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false })
    expect(ref.runId).toBe(RUN)
    expect(transport.requests.slice(1).map(request => `${request.method} ${pathOf(request)}`)).toEqual([
      `PUT ${BASE}/pipelineRuns/45/jobs/789/retry`,
      `PUT ${BASE}/pipelineRuns/45/jobs/790/retry`
    ])
  })

  test('retry of the jobs named in jobs, by id or by name', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('SUCCESS', [job(788, 'Lint', 'SUCCESS'), job(789, 'Deploy', 'SUCCESS')])))
    transport.always(`PUT ${BASE}/pipelineRuns/45/jobs/`, json(200, true))
    await provider.retry(provider.refFor(RUN), { jobs: ['Deploy', '788'], failedOnly: true, skipFailed: false })
    expect(transport.requests.slice(1).map(pathOf)).toEqual([`${BASE}/pipelineRuns/45/jobs/789/retry`, `${BASE}/pipelineRuns/45/jobs/788/retry`])
  })

  test('retry: an unknown job, or no failed job, is a client error before any retry request', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.always(`GET ${BASE}/runs/45`, json(200, runDetail('CANCELED', [job(789, 'Compile', 'CANCELED')])))
    const unknown = await refusal(provider.retry(provider.refFor(RUN), { jobs: ['Nope'], failedOnly: true, skipFailed: false }))
    expect(unknown.message).toBe('Run 45 has no job "Nope"; its jobs are 789 (Compile, CANCELED)')
    const none = await refusal(provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false }))
    expect(none.message).toMatch(/^Run 45 has no failed job to retry/)
    expect(transport.count('PUT ')).toBe(0)
  })

  test('retry of several jobs refused after the first: the error says which job did restart', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('FAIL', [job(789, 'Compile', 'FAIL'), job(790, 'Test', 'FAIL')])))
    transport.on(`PUT ${BASE}/pipelineRuns/45/jobs/789/retry`, json(200, true))
    transport.on(`PUT ${BASE}/pipelineRuns/45/jobs/790/retry`, json(400, { errorCode: 'BadRequest', errorMessage: 'job cannot be retried', requestId: 'r-2' }))
    const error = await refusal(provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false }))
    expect(error).toMatchObject({ kind: 'client', vendorCode: 'BadRequest', requestId: 'r-2', status: 400 })
    expect(error.message).toBe('Yunxiao refused to retry job 790 (Test) of run 45: job cannot be retried (already retried: 789 (Compile))')
  })

  test('retry answered false is a client error', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(200, runDetail('FAIL')))
    transport.on(`PUT ${BASE}/pipelineRuns/45/jobs/789/retry`, json(200, false))
    expect(await refusal(provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false }))).toMatchObject({ kind: 'client' })
  })

  test('retry, then the attempt changes: the core follows the new attempt', async () => {
    const { provider, transport, clock } = setup(OPENAPI)
    const before = runDetail('FAIL', [job(788, 'Lint', 'SUCCESS'), job(789, 'Compile', 'FAIL')])
    const again = runDetail('FAIL', [job(788, 'Lint', 'SUCCESS'), job(789, 'Compile', 'FAIL', { startTime: NOW + 1_000, endTime: NOW + 20_000 })])
    transport.on(`GET ${BASE}/runs/45`, json(200, before), json(200, before), json(200, runDetail('RUNNING')), json(200, again))
    transport.on(`PUT ${BASE}/pipelineRuns/45/jobs/789/retry`, json(200, true))
    const started = await retryRun(provider, provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false }, { clock, log: silentLogger })
    expect(started.run.runId).toBe(RUN)
    const running = await provider.getState(started.run)
    const ended = await provider.getState(started.run)
    expect(isNewAttempt(started.previous, running)).toBe(true)
    expect(ended.terminal).toBe(true)
    expect(ended.attempt).not.toBe(started.previous.attempt)
    expect(isNewAttempt(started.previous, ended)).toBe(true)
    // The same result read again is not a new attempt.
    expect(isNewAttempt(started.previous, { ...started.previous } as RunState)).toBe(false)
  })

  test('findStartedRun: GET .../runs?page=1&perPage=10, then the details of recent runs, for the mark', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(
      `GET ${BASE}/runs?`,
      json(200, [
        { pipelineId: 123, pipelineRunId: 47, status: 'RUNNING', startTime: NOW + 1_000, triggerMode: 1 },
        { pipelineId: 123, pipelineRunId: 46, status: 'RUNNING', startTime: NOW + 500, triggerMode: 1 },
        { pipelineId: 123, pipelineRunId: 40, status: 'SUCCESS', startTime: NOW - 3_600_000, triggerMode: 1 }
      ])
    )
    transport.on(`GET ${BASE}/runs/47`, json(200, runDetail('RUNNING', undefined, { pipelineRunId: 47, comment: 'someone else' })))
    transport.on(`GET ${BASE}/runs/46`, json(200, runDetail('RUNNING', undefined, { pipelineRunId: 46, comment: 'Deploy [relay:0123456789]' })))
    const found = await provider.findStartedRun('0123456789', NOW)
    expect(found?.runId).toBe('46')
    expect(pathOf(transport.requests[0])).toBe(`${BASE}/runs?page=1&perPage=10`)
    // The old run is never read.
    expect(transport.count(`GET ${BASE}/runs/40`)).toBe(0)
  })

  test('findStartedRun: the mark in the list item is enough; comments shown without the mark are not ours', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 48, startTime: NOW, comment: 'x [relay:abcdefabcd]' }]))
    expect((await provider.findStartedRun('abcdefabcd', NOW))?.runId).toBe('48')
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 49, startTime: NOW, comment: 'started by a person' }]))
    transport.on(`GET ${BASE}/runs/49`, json(200, runDetail('RUNNING')))
    expect(await provider.findStartedRun('abcdefabcd', NOW)).toBeUndefined()
  })

  test('findStartedRun: where no answer carries comments, the one run created since the request is ours; two are not guessed between', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 50, startTime: NOW + 1000 }, { pipelineRunId: 44, startTime: NOW - 3_600_000 }]))
    transport.on(`GET ${BASE}/runs/50`, json(200, runDetail('RUNNING')))
    expect((await provider.findStartedRun('abcdefabcd', NOW))?.runId).toBe('50')
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 52, startTime: NOW + 2000 }, { pipelineRunId: 51, startTime: NOW + 1000 }]))
    transport.on(`GET ${BASE}/runs/52`, json(200, runDetail('RUNNING')))
    transport.on(`GET ${BASE}/runs/51`, json(200, runDetail('RUNNING')))
    expect(await provider.findStartedRun('abcdefabcd', NOW)).toBeUndefined()
  })

  test('an ambiguous start (504) is resolved by the lookup, without a second start', async () => {
    const { provider, transport, clock } = setup(OPENAPI)
    transport.on(`POST ${BASE}/runs`, json(504, { errorCode: 'GatewayTimeout', errorMessage: 'upstream timed out' }))
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 49, startTime: NOW - 60_000 }]), json(200, [{ pipelineRunId: 50, startTime: NOW }]))
    transport.on(`GET ${BASE}/runs/50`, json(200, runDetail('RUNNING', undefined, { globalParams: [{ key: 'comment', value: 'Deploy [relay:0123456789]' }] })))
    const ref = await startRun(provider, START, { clock, log: silentLogger })
    expect(ref.runId).toBe('50')
    expect(transport.count('POST ')).toBe(1)
  })

  test('an ambiguous start without comments in any answer: the one run numbered after the newest before the start is ours', async () => {
    const { provider, transport, clock } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 48, startTime: NOW - 10_000 }]), json(200, [{ pipelineRunId: 49, startTime: NOW }, { pipelineRunId: 48, startTime: NOW - 10_000 }]))
    transport.on(`POST ${BASE}/runs`, json(504, { errorCode: 'GatewayTimeout', errorMessage: 'upstream timed out' }))
    transport.always(`GET ${BASE}/runs/4`, json(200, runDetail('RUNNING')))
    expect((await startRun(provider, START, { clock, log: silentLogger })).runId).toBe('49')
    expect(transport.count('POST ')).toBe(1)
  })

  test('an ambiguous start without comments, and two runs newer than the start: not guessed between', async () => {
    const { provider, transport, clock } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 48 }]))
    transport.always(`GET ${BASE}/runs?`, json(200, [{ pipelineRunId: 50, startTime: NOW + 1 }, { pipelineRunId: 49, startTime: NOW }]))
    transport.on(`POST ${BASE}/runs`, json(504, { errorCode: 'GatewayTimeout', errorMessage: 'upstream timed out' }))
    transport.always(`GET ${BASE}/runs/`, json(200, runDetail('RUNNING')))
    await expect(startRun(provider, START, { clock, log: silentLogger })).rejects.toMatchObject({ kind: 'ambiguous' })
    expect(transport.count('POST ')).toBe(1)
  })

  test('a business error on HTTP 200 is refused with its code', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`POST ${BASE}/runs`, json(200, { success: false, errorCode: 'InvalidPipeline.NotFound', errorMessage: 'pipeline not found', requestId: 'r-200' }))
    const error = await refusal(provider.start(START))
    expect(error).toMatchObject({ kind: 'not_found', status: 200, vendorCode: 'InvalidPipeline.NotFound', requestId: 'r-200' })
    expect(error.hint).toMatch(/Check pipeline_id/)
  })

  test('401 InvalidTokenError: auth with the token hint and the trace id', async () => {
    const { provider, transport } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(401, { traceId: 'trace-1', code: 401, errorCode: 'InvalidTokenError', errorMessage: 'token is invalid' }))
    const error = await refusal(provider.getState(provider.refFor(RUN)))
    expect(error).toMatchObject({ kind: 'auth', vendorCode: 'InvalidTokenError', requestId: 'trace-1' })
    expect(error.hint).toMatch(/personal access token is invalid, expired or revoked/)
    expect(transport.count('GET ')).toBe(1)
  })

  test('429 TooManyRequests on a read is retried after Retry-After', async () => {
    const { provider, transport, clock } = setup(OPENAPI)
    transport.on(`GET ${BASE}/runs/45`, json(429, { errorCode: 'TooManyRequests', errorMessage: 'slow down' }, { 'retry-after': '3' }), json(200, runDetail('RUNNING')))
    expect((await provider.getState(provider.refFor(RUN))).status).toBe('running')
    expect(clock.sleeps).toEqual([3_000])
  })

  test('a region edition (own endpoint, no organization): paths without /organizations/{id}, no console URL', async () => {
    const { provider, transport } = setup({ token: TOKEN, endpoint: 'https://yunxiao.example.cn/oapi/v1/' })
    transport.on('POST /oapi/v1/flow/pipelines/123/runs', json(200, 7))
    const ref = await provider.start(START)
    expect(ref).toEqual({ runId: '7', runNumber: '7', url: undefined })
    expect(posted(transport)?.url).toBe('https://yunxiao.example.cn/oapi/v1/flow/pipelines/123/runs')
    expect(provider.describe()).toContain('organization: none (region edition)')
  })

  test('describe names the API, endpoint, organization and kind of credentials, never the token', () => {
    const lines = setup(OPENAPI).provider.describe()
    expect(lines).toEqual(['API: Yunxiao OpenAPI', 'endpoint: https://openapi-rdc.aliyuncs.com', `organization: ${ORG}`, 'credentials: personal access token (masked)'])
    expect(lines.join('\n')).not.toContain(TOKEN)
  })
})

describe('devops 2021-06-25 (POP, AK/SK)', () => {
  const HOST = 'https://devops.cn-hangzhou.aliyuncs.com'
  const RUNS = `/organization/${ORG}/pipelines/${PIPELINE}/pipelineRuns`

  /** The request carries a valid ACS3 signature over what is sent. */
  function expectSigned(request: HttpRequest | undefined, action: string, securityToken?: string): void {
    expect(request).toBeDefined()
    const headers = request!.headers
    expect(header(request, 'x-acs-action')).toBe(action)
    expect(header(request, 'x-acs-version')).toBe('2021-06-25')
    expect(header(request, 'x-acs-date')).toBe('2026-11-22T12:00:00Z')
    expect(header(request, 'host')).toBe('devops.cn-hangzhou.aliyuncs.com')
    expect(header(request, 'x-acs-content-sha256')).toBe(sha256Hex(request!.body ?? ''))
    expect(header(request, 'x-acs-security-token')).toBe(securityToken)
    const { Authorization: sent, ...rest } = headers
    const expected = computeAcs3Signature({ method: request!.method, url: request!.url, headers: rest, body: request!.body ?? '' }, { accessKeyId: AK, accessKeySecret: SK })
    expect(sent).toBe(expected.authorization)
    expect(sent).toMatch(new RegExp(`^ACS3-HMAC-SHA256 Credential=${AK},SignedHeaders=[a-z0-9;-]+,Signature=[0-9a-f]{64}$`))
  }

  test('start: POST /organizations/{org}/pipelines/{id}/run (plural) with a form body params=<JSON>, signed', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`POST /organizations/${ORG}/pipelines/${PIPELINE}/run`, json(200, pop({ pipelineRunId: 45 })))
    const ref = await provider.start(START)
    expect(ref).toEqual({ runId: '45', runNumber: '45', url: `https://flow.aliyun.com/pipelines/${PIPELINE}/builds/45` })
    const sent = posted(transport)
    expect(sent?.url).toBe(`${HOST}/organizations/${ORG}/pipelines/${PIPELINE}/run`)
    expect(header(sent, 'content-type')).toBe('application/x-www-form-urlencoded')
    expect(sent?.body).toBe(`params=${encodeRfc3986(buildRunParams(START))}`)
    expect(new URLSearchParams(sent?.body ?? '').get('params')).toBe(buildRunParams(START))
    expectSigned(sent, 'StartPipelineRun')
  })

  test('getState: GET /organization/{org}/.../pipelineRuns/{id} (singular), no Content-Type, the pipelineRun envelope', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`GET ${RUNS}/45`, json(200, pop({ pipelineRun: runDetail('SUCCESS') })))
    const state = await provider.getState(provider.refFor(RUN))
    expect(state).toMatchObject({ runId: '45', status: 'succeeded', rawStatus: 'SUCCESS', terminal: true, jobs: [{ id: '789', name: 'Compile', status: 'succeeded' }] })
    expect(header(transport.requests[0], 'content-type')).toBeUndefined()
    expect(header(transport.requests[0], 'accept')).toBe('application/json')
    expectSigned(transport.requests[0], 'GetPipelineRun')
  })

  test('findStartedRun: GET .../pipelineRuns?maxResults=10, runs in pipelineRuns', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`GET ${RUNS}?`, json(200, pop({ pipelineRuns: [{ pipelineRunId: 46, startTime: NOW, status: 'RUNNING' }], totalCount: 1 })))
    transport.on(`GET ${RUNS}/46`, json(200, pop({ pipelineRun: runDetail('RUNNING', undefined, { pipelineRunId: 46, comment: 'x [relay:0123456789]' }) })))
    expect((await provider.findStartedRun('0123456789', NOW))?.runId).toBe('46')
    expect(pathOf(transport.requests[0])).toBe(`${RUNS}?maxResults=10`)
    expectSigned(transport.requests[0], 'ListPipelineRuns')
  })

  test('start with a branch: GetPipeline (signed as GetPipeline) gives the repository, in its pipeline envelope', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`GET /organization/${ORG}/pipelines/${PIPELINE}`, json(200, pop({ pipeline: { name: 'app', pipelineConfig: { sources: [{ type: 'Codeup', data: { repo: REPO } }] } } })))
    transport.on(`POST /organizations/${ORG}/pipelines/${PIPELINE}/run`, json(200, pop({ pipelineRunId: 46 })))
    await provider.start({ ...START, variables: [], branch: 'main' })
    expectSigned(transport.requests[0], 'GetPipeline')
    expect(new URL(transport.requests[0]!.url).pathname).toBe(`/organization/${ORG}/pipelines/${PIPELINE}`)
    const params = JSON.parse(new URLSearchParams(posted(transport)?.body ?? '').get('params') ?? '') as Record<string, unknown>
    expect(params.runningBranchs).toEqual({ [REPO]: 'main' })
  })

  test('start with a branch: a key not allowed to read the pipeline falls back to the latest run, from the list and its detail', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`GET /organization/${ORG}/pipelines/${PIPELINE}`, json(403, { requestId: 'r0', success: false, errorCode: 'Forbidden', errorMessage: 'no permission' }))
    transport.on(`GET ${RUNS}?`, json(200, pop({ pipelineRuns: [{ pipelineRunId: 44 }, { pipelineRunId: 45 }] })))
    transport.on(`GET ${RUNS}/45`, json(200, pop({ pipelineRun: runDetail('SUCCESS') })))
    transport.on(`POST /organizations/${ORG}/pipelines/${PIPELINE}/run`, json(200, pop({ pipelineRunId: 46 })))
    await provider.start({ ...START, variables: [], branch: 'main' })
    const params = JSON.parse(new URLSearchParams(posted(transport)?.body ?? '').get('params') ?? '') as Record<string, unknown>
    expect(params.runningBranchs).toEqual({ [REPO]: 'main' })
  })

  test('cancel: PUT .../pipelineRuns/{id}/stop', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`PUT ${RUNS}/45/stop`, json(200, pop({})))
    expect(await provider.cancel(provider.refFor(RUN))).toBe('stopped')
    expect(transport.requests[0]?.method).toBe('PUT')
    expectSigned(transport.requests[0], 'StopPipelineRun')
  })

  test('cancel of a finished run: a business refusal on HTTP 200, then the state: already-ended', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`PUT ${RUNS}/45/stop`, json(200, { requestId: 'r1', success: false, errorCode: 'InvalidPipelineRun.Status', errorMessage: 'run is finished' }))
    transport.on(`GET ${RUNS}/45`, json(200, pop({ pipelineRun: runDetail('FAIL') })))
    expect(await provider.cancel(provider.refFor(RUN))).toBe('already-ended')
  })

  test('retry: PUT .../pipelineRuns/{id}/jobs/{jobId} per failed job', async () => {
    const { provider, transport } = setup(POP)
    transport.on(`GET ${RUNS}/45`, json(200, pop({ pipelineRun: runDetail('FAIL') })))
    transport.on(`PUT ${RUNS}/45/jobs/789`, json(200, pop({})))
    expect((await provider.retry(provider.refFor(RUN), { jobs: [], failedOnly: true, skipFailed: false })).runId).toBe(RUN)
    expect(pathOf(transport.requests[1])).toBe(`${RUNS}/45/jobs/789`)
    expectSigned(transport.requests[1], 'RetryPipelineJobRun')
  })

  test('a security token is sent, signed, with x-acs-accesskey-id', async () => {
    const { provider, transport } = setup({ ...POP, access_key_id: 'STS.NUFakeTemporaryKey1', security_token: 'CAISfakeSecurityToken+/=' })
    transport.on(`GET ${RUNS}/45`, json(200, pop({ pipelineRun: runDetail('RUNNING') })))
    await provider.getState(provider.refFor(RUN))
    const sent = transport.requests[0]
    expect(header(sent, 'x-acs-accesskey-id')).toBe('STS.NUFakeTemporaryKey1')
    const { Authorization: signature, ...rest } = sent!.headers
    expect(signature).toBe(
      computeAcs3Signature({ method: 'GET', url: sent!.url, headers: rest, body: '' }, { accessKeyId: 'STS.NUFakeTemporaryKey1', accessKeySecret: SK }).authorization
    )
    expect(header(sent, 'x-acs-security-token')).toBe('CAISfakeSecurityToken+/=')
  })

  test('Throttling.User with x-acs-retry-after (milliseconds) is throttled; the retry is signed afresh with a new nonce', async () => {
    const randoms = [...Array<number>(32).fill(0), ...Array<number>(32).fill(0.99)]
    const { provider, transport, clock } = setup(POP, randoms)
    transport.on(
      `GET ${RUNS}/45`,
      json(400, { RequestId: 'r-throttle', Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' }, { 'x-acs-retry-after': '1500' }),
      json(200, pop({ pipelineRun: runDetail('RUNNING') }))
    )
    expect((await provider.getState(provider.refFor(RUN))).status).toBe('running')
    expect(clock.sleeps).toEqual([1_500])
    expect(header(transport.requests[0], 'x-acs-signature-nonce')).toBe('0'.repeat(32))
    expect(header(transport.requests[1], 'x-acs-signature-nonce')).toBe('f'.repeat(32))
    expect(header(transport.requests[1], 'x-acs-date')).toBe('2026-11-22T12:00:01Z')
    expect(header(transport.requests[0], 'authorization')).not.toBe(header(transport.requests[1], 'authorization'))
  })

  test('a throttled start is sent again (nothing was created), and only then succeeds', async () => {
    const { provider, transport } = setup(POP)
    transport.on(
      `POST /organizations/${ORG}/pipelines/${PIPELINE}/run`,
      json(400, { Code: 'Throttling', Message: 'slow down', RequestId: 'r' }, { 'x-acs-retry-after': '10' }),
      json(200, pop({ pipelineRunId: 45 }))
    )
    expect((await provider.start(START)).runId).toBe('45')
    expect(transport.count('POST ')).toBe(2)
  })

  test.each<[string, number, Record<string, unknown>, string, RegExp]>([
    ['SignatureDoesNotMatch', 400, { Code: 'SignatureDoesNotMatch', Message: 'The request signature does not conform to Aliyun standards.', RequestId: 'r-sig', HostId: 'devops.cn-hangzhou.aliyuncs.com', Recommend: 'https://api.aliyun.com/troubleshoot?q=SignatureDoesNotMatch' }, 'auth', /^The signature did not match: check that access_key_secret belongs to access_key_id/],
    ['InvalidTimeStamp.Expired', 400, { Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp or date value is expired.', RequestId: 'r-ts' }, 'auth', /more than 15 minutes \(runner time 2026-11-22T12:00:00.000Z\): synchronize the runner's clock/],
    ['InvalidParam.NoPermission', 401, { requestId: 'r-ram', success: false, errorCode: 'InvalidParam.NoPermission', errorMessage: 'no permission' }, 'auth', /AliyunRDCFullAccess/],
    ['InvalidUser.NotFound', 400, { requestId: 'r-user', success: false, errorCode: 'InvalidUser.NotFound', errorMessage: 'user not found' }, 'auth', /not a registered Yunxiao user/],
    ['Forbidden.UserNotInCurrentOrganization', 403, { requestId: 'r-org', success: false, errorCode: 'Forbidden.UserNotInCurrentOrganization', errorMessage: 'not in org' }, 'auth', /not a member of this organization: check organization_id/],
    ['InvalidAccessKeyId.NotFound', 404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', RequestId: 'r-ak' }, 'auth', /access key id is unknown/],
    ['InvalidOrganization.NotFound', 404, { success: false, errorCode: 'InvalidOrganization.NotFound', errorMessage: 'org', requestId: 'r-o' }, 'not_found', /Check organization_id/],
    ['InvalidPipelineRun.NotFound', 404, { success: false, errorCode: 'InvalidPipelineRun.NotFound', errorMessage: 'run', requestId: 'r-run' }, 'not_found', /Check run_id/]
  ])('%s (HTTP %d): %s, with its fix hint and request id', async (code, status, body, kind, hint) => {
    const { provider, transport } = setup(POP)
    transport.on(`GET ${RUNS}/45`, json(status, body))
    const error = await refusal(provider.getState(provider.refFor(RUN)))
    expect(error).toMatchObject({ kind, status, vendorCode: code })
    expect(error.requestId).toMatch(/^r-/)
    expect(error.hint).toMatch(hint)
    expect(transport.count('GET ')).toBe(1)
    expect(error.describe()).toContain(`code ${code}`)
  })

  test('describe: the POP API, AK/SK and the signature, no secret', () => {
    const lines = setup({ ...POP, security_token: 'tok' }).provider.describe()
    expect(lines).toEqual([
      'API: devops 2021-06-25 (POP)',
      `endpoint: ${HOST}`,
      `organization: ${ORG}`,
      'credentials: AK/SK with a security token, signed ACS3-HMAC-SHA256 (masked)'
    ])
    expect(lines.join('\n')).not.toMatch(new RegExp(`${AK}|${SK}|tok\\b`))
  })
})

describe('interpretYunxiaoResponse', () => {
  const REQUEST: ApiRequest = { method: 'GET', path: '/x', intent: 'read', action: 'read the state of run 45' }
  const text = (status: number, body: string, headers: Record<string, string> = {}): HttpResponse => ({ status, headers, body })
  const interpret = (response: HttpResponse, api: 'openapi' | 'devops-2021-06-25' = 'openapi'): unknown => interpretYunxiaoResponse(response, REQUEST, NOW, api)
  const thrown = (response: HttpResponse, api: 'openapi' | 'devops-2021-06-25' = 'openapi'): RelayError => {
    try {
      interpret(response, api)
    } catch (error) {
      return error as RelayError
    }
    throw new Error('expected a refusal')
  }

  test('payloads: a bare integer, true, an array, an envelope with success true, an empty body', () => {
    expect(interpret(json(200, 45))).toBe(45)
    expect(interpret(json(200, true))).toBe(true)
    expect(interpret(json(200, [{ pipelineRunId: 1 }]))).toEqual([{ pipelineRunId: 1 }])
    expect(interpret(json(200, { success: true, errorCode: 'ignored', pipelineRunId: 3 }))).toEqual({ success: true, errorCode: 'ignored', pipelineRunId: 3 })
    expect(interpret(text(200, ''))).toBeUndefined()
  })

  test('a 2xx HTML page is a protocol fault', () => {
    expect(thrown(text(200, '<html>login</html>'))).toMatchObject({ kind: 'protocol' })
  })

  test('yunxiaoError reads both shapes and ignores a numeric code', () => {
    expect(yunxiaoError({ Code: 'Throttling', Message: 'm', RequestId: 'r' })).toEqual({ code: 'Throttling', message: 'm', requestId: 'r' })
    expect(yunxiaoError({ success: false, errorCode: 'E', errorMessage: 'm', requestId: 'r' })).toEqual({ code: 'E', message: 'm', requestId: 'r' })
    expect(yunxiaoError({ traceId: 't', code: 401, errorCode: 'Unauthorized', errorDescription: 'd' })).toEqual({ code: 'Unauthorized', message: 'd', requestId: 't' })
    expect(yunxiaoError({ success: false })).toEqual({ code: undefined, message: undefined, requestId: undefined })
    expect(yunxiaoError({ code: 200, status: 'RUNNING' })).toBeUndefined()
    expect(yunxiaoError(null)).toBeUndefined()
  })

  test('a bare 401 or 403 gets the hint of its API', () => {
    expect(thrown(text(401, '')).hint).toMatch(/personal access token is invalid/)
    expect(thrown(text(403, '')).hint).toMatch(/lacks permission: give it read\/write access/)
    expect(thrown(text(401, ''), 'devops-2021-06-25').hint).toMatch(/^Check access_key_id and access_key_secret/)
    expect(thrown(text(403, ''), 'devops-2021-06-25').hint).toMatch(/AliyunRDCFullAccess/)
  })

  test('x-acs-retry-after marks throttling whatever the status or body', () => {
    expect(thrown(text(400, 'busy', { 'x-acs-retry-after': '2500' }))).toMatchObject({ kind: 'throttled', retryAfterMs: 2_500 })
    expect(thrown(json(400, { Code: 'Whatever', Message: 'm' }, { 'x-acs-retry-after': '0' }))).toMatchObject({ kind: 'throttled', retryAfterMs: 0 })
  })

  test('Throttling codes are throttled on any status; a standard Retry-After is seconds', () => {
    expect(thrown(json(400, { Code: 'Throttling.Api', Message: 'm' }))).toMatchObject({ kind: 'throttled' })
    expect(thrown(json(200, { success: false, errorCode: 'Throttling.User' }, { 'retry-after': '4' }))).toMatchObject({ kind: 'throttled', retryAfterMs: 4_000 })
  })

  test('5xx without a known code keeps its kind; the x-acs-request-id header is the request id', () => {
    expect(thrown(text(503, 'down', { 'x-acs-request-id': 'hdr' }))).toMatchObject({ kind: 'unavailable', requestId: 'hdr' })
    expect(thrown(json(502, { Code: 'BadGateway', Message: 'm' }, { 'x-acs-request-id': 'hdr' }))).toMatchObject({ kind: 'server', requestId: 'hdr' })
    expect(thrown(json(500, { errorCode: 'InternalServerError', errorMessage: 'oops' }))).toMatchObject({ kind: 'server' })
  })

  test('a refusal in neither shape keeps its message and request id', () => {
    const error = thrown(json(404, { message: 'Not Found', requestId: 'r-404' }))
    expect(error).toMatchObject({ kind: 'not_found', status: 404, requestId: 'r-404', vendorCode: undefined })
    expect(error.message).toBe('Yunxiao refused to read the state of run 45: Not Found')
    expect(thrown(json(400, { requestId: 'r-400' })).message).toBe('Yunxiao refused to read the state of run 45 (HTTP 400)')
    expect(thrown(json(404, { unrelated: true })).message).toBe('Yunxiao refused to read the state of run 45 (HTTP 404)')
  })

  test('an unknown business code on 200 is a client error with the vendor message', () => {
    const error = thrown(json(200, { success: false, errorCode: 'SomethingElse', errorMessage: 'nope' }))
    expect(error).toMatchObject({ kind: 'client', vendorCode: 'SomethingElse' })
    expect(error.message).toBe('Yunxiao refused to read the state of run 45: nope')
  })
})

describe('POP dialect pieces', () => {
  test.each([
    ['POST', '/organizations/o/pipelines/1/run', 'StartPipelineRun'],
    ['GET', '/organization/o/pipelines/1/pipelineRuns', 'ListPipelineRuns'],
    ['GET', '/prefix/organization/o/pipelines/1/pipelineRuns/2', 'GetPipelineRun'],
    ['PUT', '/organization/o/pipelines/1/pipelineRuns/2/stop', 'StopPipelineRun'],
    ['PUT', '/organization/o/pipelines/1/pipelineRuns/2/jobs/3', 'RetryPipelineJobRun']
  ])('%s %s is %s', (method, path, action) => {
    expect(popActionFor(method, path)).toBe(action)
  })

  test('an unknown route is a programming error', () => {
    expect(() => popActionFor('GET', '/organizations/o/pipelines/1/run')).toThrow(TypeError)
  })

  test('hexNonce: 32 hex digits from the random source', () => {
    const values = [0, 0.5, 0.99]
    let index = 0
    const nonce = hexNonce(() => values[index++ % 3]!)
    expect(nonce).toMatch(/^[0-9a-f]{32}$/)
    expect(nonce.startsWith('08f08f')).toBe(true)
  })
})
