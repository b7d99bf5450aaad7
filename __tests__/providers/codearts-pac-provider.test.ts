import { readSettings, type CodeArtsPacSettings, type InputName } from '../../src/inputs/index.js'
import { createProvider } from '../../src/providers/index.js'
import type { JobState } from '../../src/providers/types.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'
import { RelayError } from '../../src/core/errors.js'
import { AK, SK, TOKEN } from '../fixtures/codearts.js'

const DOMAIN = 'fedcba9876543210fedcba9876543210'
const PIPELINE = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const RUN = '11112222333344445555666677778888'
const NEW_RUN = '99990000999900009999000099990000'
const BASE = `/v6/${DOMAIN}/api/pac/pipelines/actions`
const IAM_PROJECT = '0a1b2c3d4e5f60718293a4b5c6d7e8f9'

function settings(extra: Partial<Record<InputName, string>> = {}): CodeArtsPacSettings {
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    token: TOKEN,
    gitcode_token: 'gitcode-token-0123456789',
    repository_url: 'https://gitcode.com/octo/app.git',
    pipeline_file: '.gitcode/workflows/build.yml',
    ...extra
  }
  const read = readSettings(name => inputs[name] ?? '', () => undefined)
  if (read.provider !== 'codearts-pac') throw new Error('expected codearts-pac')
  return read
}

function provider(transport: FakeTransport, extra: Partial<Record<InputName, string>> = {}) {
  return createProvider(settings(extra), { transport: transport.send, clock: new FakeClock(), log: new FakeHost({}) })
}

const watchInputs = { pipeline_id: PIPELINE, run_id: RUN, operation: 'watch', repository_url: '', pipeline_file: '' }

describe('codearts-pac provider', () => {
  test('start: POST actions/run with the repository, file, branch, commit and the GitCode token; the answer gives both ids', async () => {
    const transport = new FakeTransport().on(`POST ${BASE}/run`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN })).on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    const commit = '0123456789abcdef0123456789abcdef01234567'
    const run = await provider(transport, { commit }).start({ variables: [], jobs: [], branch: 'main', correlationId: 'abc' })
    expect(run).toEqual({ runId: RUN, pipelineId: PIPELINE })
    expect(new URL(transport.requests[0]!.url).pathname).toBe(BASE)
    expect(JSON.parse(transport.requests[1]!.body!)).toEqual({
      https_url: 'https://gitcode.com/octo/app.git',
      file_path: '.gitcode/workflows/build.yml',
      branch: 'main',
      commit_id: commit,
      access_token: 'gitcode-token-0123456789'
    })
    expect(transport.requests[0]!.headers['X-Auth-Token']).toBe(TOKEN)
  })

  test('AK/SK signing carries X-Project-Id (the SDK signs v6 with project credentials), not X-Domain-Id; the account stays in the path', async () => {
    const transport = new FakeTransport()
      .on('GET /v3/projects?name=cn-north-4', json(200, { projects: [{ id: IAM_PROJECT, name: 'cn-north-4' }], links: {} }))
      .on(`POST ${BASE}/run`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN }))
      .on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    await provider(transport, { token: '', access_key_id: AK, access_key_secret: SK }).start({ variables: [], jobs: [], correlationId: 'abc' })
    expect(transport.count('GET /v3/projects')).toBe(1)
    for (const request of transport.requests.filter(request => request.url.includes('/v6/'))) {
      expect(new URL(request.url).pathname.startsWith(`/v6/${DOMAIN}/`)).toBe(true)
      expect(request.headers['X-Project-Id']).toBe(IAM_PROJECT)
      expect(request.headers['X-Domain-Id']).toBeUndefined()
      expect(request.headers.Authorization).toMatch(/^SDK-HMAC-SHA256 Access=HPUATESTAKEXAMPLE000, SignedHeaders=accept;content-type;host;x-project-id;x-sdk-date, /)
    }
  })

  test('with an IAM token, neither X-Project-Id nor X-Domain-Id: the token is scoped', async () => {
    const transport = new FakeTransport().on(`POST ${BASE}/run`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: RUN })).on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    await provider(transport).start({ variables: [], jobs: [], correlationId: 'abc' })
    expect(transport.requests.map(request => [request.headers['X-Project-Id'], request.headers['X-Domain-Id']])).toEqual([[undefined, undefined], [undefined, undefined]])
  })

  test('the list of runs types page and page_size as the SDK models do: an integer and a string', async () => {
    const transport = new FakeTransport().on(`POST ${BASE}`, json(200, { pipeline_runs: [] }))
    await provider(transport).findStartedRun('mark', 0)
    const body = JSON.parse(transport.requests[0]!.body!) as Record<string, unknown>
    expect(body.page).toBe(1)
    expect(body.page_size).toBe('20')
  })

  test('a start answer without the ids is a protocol fault (ambiguous for the core)', async () => {
    const transport = new FakeTransport().on(`POST ${BASE}/run`, json(200, { error_code: undefined }))
    await expect(provider(transport).start({ variables: [], jobs: [], correlationId: 'abc' })).rejects.toMatchObject({ kind: 'protocol' })
  })

  test.each([
    ['snake_case', { pipeline_id: PIPELINE, pipeline_run_id: RUN, status: 'RUNNING', run_number: '4', start_time: '1700000000000', end_time: '', jobs: [{ job_run_id: 'j1', name: 'build', status: 'RUNNING' }] }],
    ['camelCase', { pipelineId: PIPELINE, pipelineRunId: RUN, status: 'RUNNING', runNumber: '4', startTime: '1700000000000', endTime: '', jobs: [{ jobRunId: 'j1', name: 'build', status: 'RUNNING' }] }]
  ])('getState reads the detail in %s', async (_casing, body) => {
    const transport = new FakeTransport().on(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, body))
    const state = await provider(transport, watchInputs).getState({ runId: RUN, pipelineId: PIPELINE })
    expect(state).toMatchObject({ runId: RUN, pipelineId: PIPELINE, status: 'running', terminal: false, runNumber: '4', startedAt: 1_700_000_000_000 })
    expect(state.jobs).toEqual([expect.objectContaining({ id: 'j1', name: 'build', status: 'running' })])
  })

  test('times written as China Standard Time strings are read as such', async () => {
    const transport = new FakeTransport().on(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, { status: 'COMPLETED', start_time: '2026-01-02 08:00:00', end_time: '2026-01-02 08:01:30' }))
    const state = await provider(transport, watchInputs).getState({ runId: RUN, pipelineId: PIPELINE })
    expect(state).toMatchObject({ status: 'succeeded', terminal: true, startedAt: Date.UTC(2026, 0, 2, 0, 0, 0), endedAt: Date.UTC(2026, 0, 2, 0, 1, 30) })
  })

  test('a status outside the CodeArts tables is unknown and not terminal', async () => {
    const transport = new FakeTransport().on(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, { status: 'in_progress' }))
    expect(await provider(transport, watchInputs).getState({ runId: RUN, pipelineId: PIPELINE })).toMatchObject({ status: 'unknown', terminal: false })
  })

  test('rerun: POST actions/rerun, and the run id it answers with is followed', async () => {
    const transport = new FakeTransport().on(`POST ${BASE}/rerun`, json(200, { pipeline_id: PIPELINE, pipeline_run_id: NEW_RUN }))
    const next = await provider(transport, { ...watchInputs, operation: 'retry' }).retry({ runId: RUN, pipelineId: PIPELINE }, { jobs: [], failedOnly: true, skipFailed: false })
    expect(next).toEqual({ runId: NEW_RUN, pipelineId: PIPELINE })
    expect(JSON.parse(transport.requests[0]!.body!)).toEqual({ pipeline_id: PIPELINE, pipeline_run_id: RUN, access_token: 'gitcode-token-0123456789' })
  })

  test('stop: POST .../{pipeline}/{run}/stop with {}; a refusal on a finished run is "already ended"', async () => {
    const transport = new FakeTransport()
      .on(`POST ${BASE}/${PIPELINE}/${RUN}/stop`, json(200, { success: true }), json(400, { error_code: 'DEVPIPE.00011301', error_msg: 'run has already ended' }))
      .on(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, { status: 'COMPLETED' }))
    const pac = provider(transport, { ...watchInputs, operation: 'cancel' })
    expect(await pac.cancel({ runId: RUN, pipelineId: PIPELINE })).toBe('stopped')
    expect(transport.requests[0]!.body).toBe('{}')
    expect(await pac.cancel({ runId: RUN, pipelineId: PIPELINE })).toBe('already-ended')
  })

  test('the log tail pages through the log, bounded, and keeps the last lines', async () => {
    const page = (from: number, text: string, more: boolean) => json(200, { has_more: more, start_offset: from, end_offset: from + text.length, log: text })
    const first = 'line 1\nline 2\nline 3\n'
    const transport = new FakeTransport().on(
      `POST ${BASE}/${PIPELINE}/${RUN}/j1/logs`,
      page(0, first, true),
      page(first.length, 'line 4\nline 5\nerror: it broke\n', false)
    )
    const job: JobState = { id: 'j1', name: 'build', status: 'failed', rawStatus: 'FAILED' }
    const tail = await provider(transport, watchInputs).logTail!({ runId: RUN, pipelineId: PIPELINE }, job, 3)
    expect(tail).toEqual(['line 4', 'line 5', 'error: it broke'])
    expect(transport.requests.map(request => JSON.parse(request.body!))).toEqual([{ offset: 0, limit: 32768 }, { offset: first.length, limit: 32768 }])
  })

  test('after a lost start, the one run that was not listed before the request is ours; two new ones are not guessed between', async () => {
    const listed = (ids: string[]) => json(200, { pipeline_runs: ids.map(id => ({ pipeline_id: PIPELINE, pipeline_run_id: id, start_time: '1', branch: 'main' })) })
    // Routes match by prefix: the run route is given first so the list route does not take it.
    const transport = new FakeTransport()
      .on(`POST ${BASE}/run`, new RelayError('timeout', 'no answer'))
      .on(`POST ${BASE}`, listed([NEW_RUN]), listed([RUN, NEW_RUN]))
    const pac = provider(transport)
    await expect(pac.start({ variables: [], jobs: [], branch: 'main', correlationId: 'abc' })).rejects.toMatchObject({ kind: 'timeout' })
    expect(await pac.findStartedRun('abc', 0)).toEqual({ runId: RUN, pipelineId: PIPELINE })

    const twice = new FakeTransport()
      .on(`POST ${BASE}/run`, new RelayError('timeout', 'no answer'))
      .on(`POST ${BASE}`, listed([]), listed([RUN, NEW_RUN]))
    const other = provider(twice)
    await expect(other.start({ variables: [], jobs: [], correlationId: 'abc' })).rejects.toMatchObject({ kind: 'timeout' })
    expect(await other.findStartedRun('abc', 0)).toBeUndefined()
  })

  test('without the list from before the request, exactly one run started since it is adopted; two are not guessed between', async () => {
    const since = Date.UTC(2026, 10, 22, 12)
    const listed = (runs: unknown[]) => json(200, { pipeline_runs: runs })
    const fresh = { pipeline_id: PIPELINE, pipeline_run_id: RUN, start_time: String(since + 2000), branch: 'main' }
    const old = { pipeline_id: PIPELINE, pipeline_run_id: NEW_RUN, start_time: String(since - 3_600_000), branch: 'main' }
    const transport = new FakeTransport().on(`POST ${BASE}`, listed([fresh, old]), listed([fresh, { ...fresh, pipeline_run_id: NEW_RUN }]))
    const pac = provider(transport)
    expect(await pac.findStartedRun('mark', since)).toEqual({ runId: RUN, pipelineId: PIPELINE })
    expect(JSON.parse(transport.requests[0]!.body!)).toEqual({ https_url: 'https://gitcode.com/octo/app.git', file_path: '.gitcode/workflows/build.yml', page: 1, page_size: '20' })
    expect(await pac.findStartedRun('mark', since)).toBeUndefined()
  })
})
