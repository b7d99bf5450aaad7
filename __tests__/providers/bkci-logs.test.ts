import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, HttpResponse } from '../../src/core/http.js'
import { silentLogger } from '../../src/core/log.js'
import { readBkci, type BkciApi } from '../../src/inputs/bkci.js'
import { readCommon } from '../../src/inputs/common.js'
import { DEFAULTS, type InputName } from '../../src/inputs/names.js'
import { createBkciProvider } from '../../src/providers/bkci/index.js'
import type { JobState, RunRef } from '../../src/providers/types.js'
import { readFailedTails } from '../../src/remote-logs.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const PROJECT = 'demo-project'
const PIPELINE = `p-${'0123456789abcdef'.repeat(2)}`
const BUILD = `b-${'fedcba9876543210'.repeat(2)}`
const HASH = `c-${'1'.repeat(32)}`
const OTHER_HASH = `c-${'2'.repeat(32)}`
const RUN: RunRef = { runId: BUILD, runNumber: '12' }
const T0 = 1_700_000_000_000

function setup(api: BkciApi) {
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'bkci',
    api,
    pipeline_id: PIPELINE,
    project_id: PROJECT,
    endpoint: 'https://bkapi.example.com/api/devops/prod',
    app_code: 'relay-app',
    app_secret: 'S3cretAppSecretValue-0123456789abcdef',
    username: 'ci-bot'
  }
  const read = (name: InputName): string => {
    const value = (inputs[name] ?? '').trim()
    return value === '' ? (DEFAULTS[name] ?? '') : value
  }
  const settings = readBkci(readCommon(read, name => read(name) !== ''), read, name => read(name) !== '')
  const transport = new FakeTransport()
  const provider = createBkciProvider(settings, { transport: transport.send, clock: new FakeClock(T0), log: silentLogger })
  return { transport, provider }
}

const ok = (data: unknown): HttpResponse => json(200, { status: 0, message: null, data })

interface Line {
  lineNo: number
  message: string
  containerHashId?: string
  jobId?: string
}

/** A QueryLogs answer. */
function logs(lines: Line[], options: { finished?: boolean; hasMore?: boolean; status?: number; message?: string } = {}): HttpResponse {
  return ok({
    buildId: BUILD,
    finished: options.finished ?? false,
    hasMore: options.hasMore ?? false,
    logs: lines.map(line => ({ timestamp: T0 + line.lineNo, priority: 0, tag: 'e-x', subTag: '', jobId: 'job_1', containerHashId: HASH, stepId: 's', executeCount: 1, ...line })),
    timeUsed: 3,
    status: options.status ?? 0,
    message: options.message ?? null
  })
}

const numbered = (from: number, to: number, hash = HASH): Line[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({ lineNo: from + i, message: `line ${from + i}`, containerHashId: hash }))

/** A build_detail whose one job (container 1) ran in `executeCount`, its steps in `stepCount`. */
function detail(executeCount: number, stepCount = executeCount): HttpResponse {
  return ok({
    id: BUILD,
    buildNum: 12,
    status: 'FAILED',
    executeCount,
    startTime: T0,
    endTime: T0 + 90_000,
    model: {
      stages: [
        { id: 'stage-1', containers: [{ '@type': 'trigger', id: '0', status: 'SUCCEED' }] },
        {
          id: 'stage-2',
          name: 'Build',
          status: 'FAILED',
          containers: [
            {
              '@type': 'vmBuild',
              id: '1',
              containerHashId: HASH,
              name: 'Compile',
              status: 'FAILED',
              executeCount,
              elements: [
                { id: `e-${'a'.repeat(32)}`, name: 'Checkout', status: 'SUCCEED', executeCount },
                { id: `e-${'b'.repeat(32)}`, name: 'Make', status: 'FAILED', executeCount: stepCount, errorMsg: 'exit 2' }
              ]
            }
          ]
        }
      ]
    }
  })
}

const ROUTES: Record<BkciApi, { init: string; after: string; detail: string; initPath: string; afterPath: string }> = {
  v4: {
    init: 'GET /api/devops/prod/v4/apigw-app/projects/demo-project/logs/init_logs?',
    after: 'GET /api/devops/prod/v4/apigw-app/projects/demo-project/logs/after_line_logs?',
    detail: 'GET /api/devops/prod/v4/apigw-app/projects/demo-project/build_detail?',
    initPath: '/api/devops/prod/v4/apigw-app/projects/demo-project/logs/init_logs',
    afterPath: '/api/devops/prod/v4/apigw-app/projects/demo-project/logs/after_line_logs'
  },
  v3: {
    init: `GET /api/devops/prod/apigw-app/v3/projects/demo-project/pipelines/${PIPELINE}/builds/${BUILD}/logs/init`,
    after: `GET /api/devops/prod/apigw-app/v3/projects/demo-project/pipelines/${PIPELINE}/builds/${BUILD}/logs/after`,
    detail: `GET /api/devops/prod/apigw-app/v3/projects/demo-project/pipelines/${PIPELINE}/builds/${BUILD}/detail`,
    initPath: `/api/devops/prod/apigw-app/v3/projects/demo-project/pipelines/${PIPELINE}/builds/${BUILD}/logs/init`,
    afterPath: `/api/devops/prod/apigw-app/v3/projects/demo-project/pipelines/${PIPELINE}/builds/${BUILD}/logs/after`
  }
}

const pathOf = (request: HttpRequest): string => new URL(request.url).pathname
const queryOf = (request: HttpRequest): Record<string, string> => Object.fromEntries(new URL(request.url).searchParams)

async function refusal(promise: Promise<unknown>): Promise<RelayError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe.each(['v4', 'v3'] as const)('bk-ci %s: reading a job log', api => {
  const routes = ROUTES[api]
  const ids = api === 'v4' ? { pipelineId: PIPELINE, buildId: BUILD } : {}

  async function failedJob(transport: FakeTransport, provider: ReturnType<typeof setup>['provider'], executeCount = 1, stepCount = executeCount): Promise<JobState> {
    transport.on(routes.detail, detail(executeCount, stepCount))
    const state = await provider.getState(RUN)
    return state.jobs[0]!
  }

  test('init_logs first, then after_line_logs from the next line number, until finished and no hasMore', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    transport.on(routes.init, logs(numbered(1, 3), { hasMore: true }))
    transport.on(routes.after, logs(numbered(4, 5), { hasMore: false, finished: false }), logs([], { finished: false }), logs(numbered(6, 6), { finished: true }))

    const first = await provider.readLog!(RUN, job, undefined)
    expect(first).toEqual({ lines: ['line 1', 'line 2', 'line 3'], next: '4', more: true })
    const init = transport.requests[1]!
    expect(pathOf(init)).toBe(routes.initPath)
    expect(queryOf(init)).toEqual({ ...ids, containerHashId: HASH, executeCount: '1' })

    const second = await provider.readLog!(RUN, job, first.next)
    expect(second).toEqual({ lines: ['line 4', 'line 5'], next: '6', more: true })
    expect(pathOf(transport.requests[2]!)).toBe(routes.afterPath)
    expect(queryOf(transport.requests[2]!)).toEqual({ ...ids, containerHashId: HASH, executeCount: '1', start: '4' })

    // Nothing new yet: the same cursor again, and more to come (the log is not finished).
    const third = await provider.readLog!(RUN, job, second.next)
    expect(third).toEqual({ lines: [], next: '6', more: true })
    const last = await provider.readLog!(RUN, job, third.next)
    expect(last).toEqual({ lines: ['line 6'], next: '7', more: false })
    expect(queryOf(transport.requests[4]!).start).toBe('6')
  })

  test('a failed job\'s tail pages through the whole log (the core\'s paging, bounded) and keeps the end', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    transport.on(routes.init, logs(numbered(1, 40), { hasMore: true, finished: true }))
    transport.on(routes.after, logs(numbered(41, 80), { hasMore: true, finished: true }), logs(numbered(81, 90), { hasMore: false, finished: true }))
    const tails = await readFailedTails(provider, RUN, [job], silentLogger)
    expect(tails).toHaveLength(1)
    expect(tails[0]!.lines).toEqual(numbered(41, 90).map(line => line.message))
    expect(transport.count(routes.after)).toBe(2)
  })

  test('after a retry the current execution is read: the job\'s latest executeCount (its own or a step\'s)', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider, 2, 3)
    transport.on(routes.init, logs(numbered(1, 1)))
    await provider.readLog!(RUN, job, undefined)
    expect(queryOf(transport.requests.at(-1)!).executeCount).toBe('3')
  })

  test('lines of other jobs are left out (a server that ignores the filter), and the cursor passes them', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    const mixed: Line[] = [
      { lineNo: 7, message: 'ours', containerHashId: HASH },
      { lineNo: 8, message: 'theirs', containerHashId: OTHER_HASH },
      // The oldest servers put the container hash in jobId.
      { lineNo: 9, message: 'theirs, old form', jobId: OTHER_HASH, containerHashId: undefined },
      { lineNo: 10, message: 'ours, old form', jobId: HASH, containerHashId: undefined }
    ]
    transport.on(routes.after, logs(mixed, { finished: true }))
    expect(await provider.readLog!(RUN, job, '7')).toEqual({ lines: ['ours', 'ours, old form'], next: '11', more: false })
  })

  test('a message holding line breaks is printed as its lines (\\n and \\r\\n), vendor text otherwise untouched', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    transport.on(routes.init, logs([{ lineNo: 1, message: 'a\r\nb\nc\n', containerHashId: HASH }, { lineNo: 2, message: '::error::x\u001b[31m', containerHashId: HASH }], { finished: true }))
    expect((await provider.readLog!(RUN, job, undefined)).lines).toEqual(['a', 'b', 'c', '::error::x\u001b[31m'])
  })

  test.each([
    [2, 'CLEAN'],
    [3, 'CLOSED']
  ])('an expired log (status %i %s) is a clear error', async (status, name) => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    transport.on(routes.init, logs([], { status, finished: true, message: 'index cleaned' }))
    const error = await refusal(provider.readLog!(RUN, job, undefined))
    expect(error.kind).toBe('not_found')
    expect(error.describe()).toContain(`The log of build ${BUILD} is no longer kept by bk-ci (log status ${status} ${name}: index cleaned)`)
  })

  test('a failed log query (status 999) is a server error, to be tried again on a later poll', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    transport.on(routes.init, logs([], { status: 999, finished: true }))
    expect((await refusal(provider.readLog!(RUN, job, undefined))).kind).toBe('server')
  })

  test('a job that was not read by getState is found in the build detail first', async () => {
    const { transport, provider } = setup(api)
    transport.on(routes.detail, detail(2))
    transport.on(routes.init, logs(numbered(1, 1), { finished: true }))
    const job: JobState = { id: '1', name: 'Compile', status: 'failed', rawStatus: 'FAILED' }
    expect((await provider.readLog!(RUN, job, undefined)).lines).toEqual(['line 1'])
    expect(queryOf(transport.requests.at(-1)!)).toMatchObject({ containerHashId: HASH, executeCount: '2' })
  })

  test('a build id not of the documented form is never sent', async () => {
    const { transport, provider } = setup(api)
    const job = await failedJob(transport, provider)
    const error = await refusal(provider.readLog!({ runId: 'b-../../x' }, job, undefined))
    expect(error.message).toContain('is not a bk-ci build id')
    expect(transport.requests).toHaveLength(1)
  })
})
