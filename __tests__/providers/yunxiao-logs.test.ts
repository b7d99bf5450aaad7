import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, HttpResponse } from '../../src/core/http.js'
import type { Logger } from '../../src/core/log.js'
import { silentLogger } from '../../src/core/log.js'
import { readCommon } from '../../src/inputs/common.js'
import { DEFAULTS, type InputName } from '../../src/inputs/names.js'
import { readYunxiao } from '../../src/inputs/yunxiao.js'
import type { JobState, RunRef, RunState } from '../../src/providers/types.js'
import { createYunxiaoProvider } from '../../src/providers/yunxiao/index.js'
import { LiveLogs, readFailedTails } from '../../src/remote-logs.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const ORG = '5ebbc0228123212b59aaaaaa'
const RUN: RunRef = { runId: '45', runNumber: '45' }
const T0 = Date.UTC(2026, 10, 22, 11, 58, 0)
const TOKEN = 'pt-FakeYunxiaoTokenForTests0123456789'

type Api = 'openapi' | 'pop'
type Inputs = Partial<Record<InputName, string>>
const CREDENTIALS: Record<Api, Inputs> = {
  openapi: { organization_id: ORG, token: TOKEN },
  pop: { organization_id: ORG, access_key_id: 'LTAI5tFakeAccessKeyId01', access_key_secret: 'FakeAccessKeySecretForTests0123456789' }
}
const LOG_ROUTE: Record<Api, string> = {
  openapi: `GET /oapi/v1/flow/organizations/${ORG}/pipelines/123/runs/45/job/789/log`,
  pop: `GET /organization/${ORG}/pipeline/123/pipelineRun/45/job/789/logs`
}

function setup(api: Api) {
  const all: Inputs = { provider: 'yunxiao', pipeline_id: '123', ...CREDENTIALS[api] }
  const given = (name: InputName): boolean => (all[name] ?? '') !== ''
  const read = (name: InputName): string => (given(name) ? (all[name] ?? '') : (DEFAULTS[name] ?? ''))
  const transport = new FakeTransport()
  const provider = createYunxiaoProvider(readYunxiao(readCommon(read, given), read, given), { transport: transport.send, clock: new FakeClock(T0 + 60_000, [0.5]), log: silentLogger })
  return { transport, provider }
}

/** `last`, whose unit is not documented: read as a count of lines, or as a character offset. */
const READINGS = {
  lines: (content: string) => content.split('\n').length - (content.endsWith('\n') ? 1 : 0),
  characters: (content: string) => content.length
} as const
type Reading = keyof typeof READINGS

/** The job log answer of each API for the whole log `content`. */
function answer(api: Api, content: string, more: boolean, reading: Reading = 'lines'): HttpResponse {
  return api === 'openapi'
    ? json(200, { content, last: READINGS[reading](content), more })
    : json(200, { requestId: 'req-1', success: true, errorCode: null, errorMessage: null, log: { content, more } })
}

function job(status: JobState['status'], startedAt = T0): JobState {
  return { id: '789', name: 'Compile', stage: 'Build', status, rawStatus: status === 'running' ? 'RUNNING' : 'FAIL', startedAt }
}

const stateOf = (jobs: JobState[], terminal: boolean): RunState => ({ ...RUN, status: terminal ? 'failed' : 'running', rawStatus: terminal ? 'FAIL' : 'RUNNING', terminal, jobs })

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = []
  return { ...silentLogger, lines, info: (message: string) => void lines.push(message), warning: (message: string) => void lines.push(`warning: ${message}`) }
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

describe.each(['openapi', 'pop'] as const)('Yunxiao %s: the whole-log read', api => {
  test('the path, the credentials of the API, and no paging parameter', async () => {
    const { transport, provider } = setup(api)
    transport.on(LOG_ROUTE[api], answer(api, 'one\n', false))
    await provider.readLog!(RUN, job('failed'), undefined)
    const request = transport.requests[0]!
    expect(new URL(request.url).search).toBe('')
    if (api === 'openapi') expect(request.headers['x-yunxiao-token']).toBe(TOKEN)
    else expect(request.headers['x-acs-action']).toBe('LogPipelineJobRun')
  })

  // Each read returns the whole log so far; the cursor counts the complete lines printed, so where `last`
  // points (a line count or a character offset) never moves it.
  test.each(['lines', 'characters'] as const)('streaming a growing log prints each line once, in order, with `last` as %s', async reading => {
    const { transport, provider } = setup(api)
    const growth = ['', 'step 1\nstep 2\nhalf a li', 'step 1\nstep 2\nhalf a line, now whole\nstep 3\n', 'step 1\nstep 2\nhalf a line, now whole\nstep 3\nfail: exit 2']
    for (const [i, content] of growth.entries()) transport.on(LOG_ROUTE[api], answer(api, content, i < growth.length - 1, reading))
    transport.always(LOG_ROUTE[api], answer(api, growth.at(-1)!, false, reading))
    const log = recorder()
    const live = new LiveLogs(provider, RUN, log)
    for (let poll = 0; poll < 3; poll++) await live.poll(stateOf([job('running')], false))
    await live.finish(stateOf([job('failed')], true))
    expect(log.lines).toEqual(['step 1', 'step 2', 'half a line, now whole', 'step 3', 'fail: exit 2'].map(line => `[Build / Compile] ${line}`))
    // Once the ended job's log said no more and its last line was printed, it is not asked again.
    const asked = transport.requests.length
    await live.finish(stateOf([job('failed')], true))
    expect(transport.requests.length).toBe(asked)
  })

  test('a line still being written is held back until its end; an ended job\'s last line without a break is printed once', async () => {
    const { transport, provider } = setup(api)
    transport.on(LOG_ROUTE[api], answer(api, 'a\nb', true), answer(api, 'a\nb', false), answer(api, 'a\nb', false))
    const first = await provider.readLog!(RUN, job('running'), undefined)
    expect(first.lines).toEqual(['a'])
    expect(first.more).toBe(true)
    const second = await provider.readLog!(RUN, job('failed'), first.next)
    expect(second).toMatchObject({ lines: ['b'], more: false })
    const third = await provider.readLog!(RUN, job('failed'), second.next)
    expect(third).toEqual({ lines: [], next: second.next, more: false })
  })

  test('an ended job whose log no longer changes is complete even while the vendor still says more: its last line is printed once', async () => {
    const { transport, provider } = setup(api)
    transport.always(LOG_ROUTE[api], answer(api, 'a\nlast words', true))
    const first = await provider.readLog!(RUN, job('failed'), undefined)
    expect(first).toMatchObject({ lines: ['a'], more: true })
    const second = await provider.readLog!(RUN, job('failed'), first.next)
    expect(second).toMatchObject({ lines: ['last words'], more: false })
    expect((await provider.readLog!(RUN, job('failed'), second.next)).lines).toEqual([])
  })

  test('lines split on \\r\\n and \\n; vendor text is otherwise left as it is', async () => {
    const { transport, provider } = setup(api)
    transport.on(LOG_ROUTE[api], answer(api, 'a\r\n::error::b\u001b[31m\nc\n', false))
    expect((await provider.readLog!(RUN, job('failed'), undefined)).lines).toEqual(['a', '::error::b\u001b[31m', 'c'])
  })

  test('a retried job (another start time) has a new log, read from its start', async () => {
    const { transport, provider } = setup(api)
    transport.on(LOG_ROUTE[api], answer(api, 'old 1\nold 2\n', false), answer(api, 'new 1\n', true))
    const old = await provider.readLog!(RUN, job('failed', T0), undefined)
    expect(old.lines).toEqual(['old 1', 'old 2'])
    expect((await provider.readLog!(RUN, job('running', T0 + 5_000), old.next)).lines).toEqual(['new 1'])
  })

  test('a read that comes back shorter than what was printed prints nothing (never a line twice)', async () => {
    const { transport, provider } = setup(api)
    transport.on(LOG_ROUTE[api], answer(api, 'a\nb\nc\n', true), answer(api, '', true), answer(api, 'a\nb\nc\nd\n', true))
    const first = await provider.readLog!(RUN, job('running'), undefined)
    const empty = await provider.readLog!(RUN, job('running'), first.next)
    expect(empty).toMatchObject({ lines: [], more: true })
    expect((await provider.readLog!(RUN, job('running'), empty.next)).lines).toEqual(['d'])
  })

  test('a failed job\'s tail: one read, its last lines, the unfinished last one included', async () => {
    const { transport, provider } = setup(api)
    const content = Array.from({ length: 80 }, (_, i) => `line ${i + 1}`).join('\n')
    transport.on(LOG_ROUTE[api], answer(api, content, false))
    const tails = await readFailedTails(provider, RUN, [job('failed')], silentLogger)
    expect(tails[0]!.lines).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 31}`))
    expect(transport.requests).toHaveLength(1)
  })

  test('ids are checked before they go into the path: a job id that is not an integer is not read', async () => {
    const { transport, provider } = setup(api)
    const error = await refusal(provider.readLog!(RUN, { ...job('failed'), id: '../stop' }, undefined))
    expect(error.message).toContain('is not a Yunxiao job id')
    expect(transport.requests).toHaveLength(0)
  })
})

describe('Yunxiao POP: LogPipelineJobRun errors', () => {
  test('success:false on HTTP 200 is an error with its code', async () => {
    const { transport, provider } = setup('pop')
    transport.on(LOG_ROUTE.pop, json(200, { requestId: 'req-9', success: false, errorCode: 'InvalidPipelineRun.NotFound', errorMessage: 'run not found' }))
    const error = await refusal(provider.readLog!(RUN, job('failed'), undefined))
    expect(error.vendorCode).toBe('InvalidPipelineRun.NotFound')
  })

  test('the signed request names its action, so that the signature covers it', async () => {
    const { transport, provider } = setup('pop')
    transport.on(LOG_ROUTE.pop, answer('pop', 'x\n', false))
    await provider.logTail!(RUN, job('failed'), 5)
    const request: HttpRequest = transport.requests[0]!
    expect(request.headers.Authorization ?? request.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=.*x-acs-action/)
  })
})

