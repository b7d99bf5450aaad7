import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest } from '../../src/core/http.js'
import { silentLogger } from '../../src/core/log.js'
import { readSettings } from '../../src/inputs/index.js'
import { createProvider } from '../../src/providers/index.js'
import type { JobState, LogCursor, Provider, StepState } from '../../src/providers/types.js'
import { codeArtsInputs, detail, PIPELINE, PROJECT, RUN } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const RUN_PATH = `/v5/${PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/${RUN}`
const LOG_ROUTE = `POST ${RUN_PATH}/jobs/job1/steps/`

function provider(transport: FakeTransport): Provider {
  const inputs = codeArtsInputs({ operation: 'watch', run_id: RUN })
  return createProvider(readSettings(name => inputs[name] ?? '', () => undefined), { transport: transport.send, clock: new FakeClock(), log: silentLogger })
}

type Reading = 'start' | 'end'

/**
 * A step-log server over `logs` (mutable: a test grows them). Offsets are character positions of
 * line starts. `start`: a page starts at the request's start_offset, bounded by end_offset when
 * that is past it. `end`: a page starts at the request's end_offset, start_offset is not used.
 */
function stepLogServer(logs: Record<string, string[]>, reading: Reading, pageCap = Infinity) {
  return (request: HttpRequest) => {
    const stepId = /\/steps\/([^/]+)\/logs$/.exec(new URL(request.url).pathname)![1]!
    const lines = logs[stepId] ?? []
    const body = JSON.parse(request.body!) as { start_offset: number; end_offset: number; limit: number; sort: string }
    const starts: number[] = []
    let at = 0
    for (const line of lines) {
      starts.push(at)
      at += line.length + 1
    }
    const total = at
    if (body.sort === 'desc') {
      const last = lines.slice(-Math.min(body.limit, pageCap))
      return json(200, { has_more: lines.length > body.limit, start_offset: String(starts[lines.length - last.length] ?? total), end_offset: String(total), log: last.reverse().map(line => `${line}\n`).join('') })
    }
    const from = reading === 'start' ? body.start_offset : body.end_offset
    const first = from >= total ? lines.length : starts.indexOf(from)
    if (first < 0) throw new Error(`not a line start: ${from}`)
    let page = lines.slice(first, first + Math.min(body.limit, pageCap))
    if (reading === 'start' && body.end_offset > from) page = page.filter((_line, i) => starts[first + i]! < body.end_offset)
    const text = page.map(line => `${line}\n`).join('')
    return json(200, { has_more: first + page.length < lines.length, start_offset: String(from), end_offset: String(from + text.length), log: text, location: 'jenkins', step_run_id: stepId })
  }
}

function numbered(name: string, count: number): string[] {
  return Array.from({ length: count }, (_v, i) => `[2026/12/02 10:00:00.${String(i % 1000).padStart(3, '0')} GMT+08:00] [INFO] ${name} ${i + 1}`)
}

function jobWith(status: JobState['status'], steps: StepState[]): JobState {
  return { id: 'job1', name: 'Compile', stage: 'Build', status, rawStatus: status.toUpperCase(), steps }
}

const step = (id: string, name: string, status: StepState['status']): StepState => ({ id, name, status })

/** Reads pages until the log is complete (bounded), as the core does after the run ended. */
async function readAll(p: Provider, job: JobState, from?: LogCursor): Promise<{ lines: string[]; pages: number; next?: LogCursor }> {
  const lines: string[] = []
  let cursor = from
  for (let pages = 1; pages <= 50; pages++) {
    const page = await p.readLog!({ runId: RUN }, job, cursor)
    lines.push(...page.lines)
    cursor = page.next
    if (!page.more) return { lines, pages, next: cursor }
  }
  throw new Error('the log never ended')
}

const bodies = (transport: FakeTransport) =>
  transport.requests.filter(request => request.url.includes('/logs')).map(request => ({ step: /steps\/(\w+)\//.exec(request.url)![1], ...JSON.parse(request.body!) }))

describe('codearts v5: the job state lists its steps', () => {
  test('stages[].jobs[].steps[] become the job steps: step_run_id, name, status from the status table', async () => {
    const answer = detail('RUNNING')
    const stage = (answer.stages as Record<string, unknown>[])[0]!
    ;(stage.jobs as Record<string, unknown>[])[0]!.steps = [
      { id: 'step0000000000000000000000000001', name: 'Checkout', status: 'COMPLETED' },
      { id: 'step0000000000000000000000000002', name: 'Maven build', status: 'RUNNING' },
      { id: 'step0000000000000000000000000003', name: 'Upload', status: 'INIT' }
    ]
    const transport = new FakeTransport().on(`GET ${RUN_PATH.replace(`/${RUN}`, '')}/detail`, json(200, answer))
    const state = await provider(transport).getState({ runId: RUN })
    expect(state.jobs[0]!.steps).toEqual([
      { id: 'step0000000000000000000000000001', name: 'Checkout', status: 'succeeded' },
      { id: 'step0000000000000000000000000002', name: 'Maven build', status: 'running' },
      { id: 'step0000000000000000000000000003', name: 'Upload', status: 'queued' }
    ])
  })
})

describe.each<Reading>(['start', 'end'])('codearts v5 step logs, server reading "%s"', reading => {
  test('a job log is its steps logs in order, paged 500 lines at a time, with no line twice and none missing', async () => {
    const logs = { s1: numbered('checkout', 3), s2: numbered('build', 1_234), s3: numbered('upload', 2) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, reading))
    const job = jobWith('failed', [step('s1', 'Checkout', 'succeeded'), step('s2', 'Maven build', 'failed'), step('s3', 'Upload', 'queued')])
    const { lines } = await readAll(provider(transport), job)
    expect(lines).toEqual([...logs.s1, ...logs.s2])
    // The step that never started is not asked for.
    expect(bodies(transport).map(b => b.step)).not.toContain('s3')
    expect(bodies(transport).every(b => b.limit === 500 && b.sort === 'asc')).toBe(true)
    // The first page of each step: both offsets 0.
    expect(bodies(transport)[0]).toMatchObject({ step: 's1', start_offset: 0, end_offset: 0 })
    expect(bodies(transport)[1]).toMatchObject({ step: 's2', start_offset: 0, end_offset: 0 })
  })

  test('a growing log: each page goes on where the last ended; the step ends, the next one is read; more until the job ended', async () => {
    const logs: Record<string, string[]> = { s1: numbered('checkout', 2), s2: numbered('build', 700) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, reading))
    const p = provider(transport)
    const running = jobWith('running', [step('s1', 'Checkout', 'succeeded'), step('s2', 'Maven build', 'running')])
    const seen: string[] = []
    let cursor: LogCursor | undefined
    for (let poll = 0; poll < 12; poll++) {
      const page = await p.readLog!({ runId: RUN }, running, cursor)
      expect(page.more).toBe(true)
      seen.push(...page.lines)
      cursor = page.next
      logs.s2!.push(...numbered(`late ${poll}`, 40))
    }
    const ended = jobWith('succeeded', [step('s1', 'Checkout', 'succeeded'), step('s2', 'Maven build', 'succeeded')])
    const rest = await readAll(p, ended, cursor)
    expect([...seen, ...rest.lines]).toEqual([...logs.s1!, ...logs.s2!])
  })

  test('an ended job whose log was read to its end: one more read has nothing and no more', async () => {
    const logs = { s1: numbered('checkout', 2) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, reading))
    const job = jobWith('succeeded', [step('s1', 'Checkout', 'succeeded')])
    const first = await provider(transport).readLog!({ runId: RUN }, job, undefined)
    expect(first).toMatchObject({ lines: logs.s1, more: false })
  })
})

describe('codearts v5 step logs: which offset moves the read on', () => {
  test('"start" reading: the next page asks start_offset = the last end_offset, end_offset 0; no page is dropped', async () => {
    const logs = { s1: numbered('build', 1_100) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, 'start'))
    const { lines } = await readAll(provider(transport), jobWith('failed', [step('s1', 'Build', 'failed')]))
    expect(lines).toEqual(logs.s1)
    const sent = bodies(transport)
    expect(sent).toHaveLength(3)
    const firstEnd = logs.s1.slice(0, 500).join('\n').length + 1
    expect(sent[1]).toMatchObject({ start_offset: firstEnd, end_offset: 0 })
  })

  test('"end" reading (the documents word for word): the page that restarted from 0 is dropped once, then both offsets are echoed', async () => {
    const logs = { s1: numbered('build', 1_100) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, 'end'))
    const { lines } = await readAll(provider(transport), jobWith('failed', [step('s1', 'Build', 'failed')]))
    expect(lines).toEqual(logs.s1)
    const sent = bodies(transport)
    // One extra request: the one the server answered from the start.
    expect(sent).toHaveLength(4)
    const firstEnd = logs.s1.slice(0, 500).join('\n').length + 1
    expect(sent[2]).toMatchObject({ start_offset: 0, end_offset: firstEnd })
    expect(sent[3]).toMatchObject({ start_offset: firstEnd })
  })

  test('a server that answers from elsewhere under both readings: a protocol error, never a repeated line', async () => {
    const page = (from: number) => json(200, { has_more: true, start_offset: String(from), end_offset: String(from + 6), log: 'again\n' })
    const transport = new FakeTransport().on(LOG_ROUTE, page(0), page(0), page(0))
    const p = provider(transport)
    const job = jobWith('running', [step('s1', 'Build', 'running')])
    const first = await p.readLog!({ runId: RUN }, job, undefined)
    expect(first.lines).toEqual(['again'])
    const second = await p.readLog!({ runId: RUN }, job, first.next)
    expect(second.lines).toEqual([])
    await expect(p.readLog!({ runId: RUN }, job, second.next)).rejects.toMatchObject({ kind: 'protocol', message: expect.stringMatching(/not printed twice/) })
  })
})

describe('codearts v5 step logs: edges', () => {
  test('no step has started yet: no request, more to come', async () => {
    const transport = new FakeTransport()
    const page = await provider(transport).readLog!({ runId: RUN }, jobWith('running', [step('s1', 'Checkout', 'queued')]), undefined)
    expect(page).toMatchObject({ lines: [], more: true })
    expect(transport.requests).toHaveLength(0)
  })

  test('an expired log (404 from the log route) is a clear not-found error', async () => {
    const transport = new FakeTransport().on(LOG_ROUTE, json(404, { error_code: 'DEVPIPE.00011405', error_msg: 'The log has expired' }))
    const error = await provider(transport).readLog!({ runId: RUN }, jobWith('failed', [step('s1', 'Build', 'failed')]), undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RelayError)
    expect(error).toMatchObject({ kind: 'not_found', vendorCode: 'DEVPIPE.00011405' })
    expect((error as RelayError).message).toMatch(/log of step Build of Build \/ Compile is no longer on CodeArts \(expired or deleted\)/)
  })

  test('ids are encoded path segments; a step id that is not an id is refused before any request', async () => {
    const transport = new FakeTransport()
    const job = jobWith('running', [step('../../stop', 'Evil', 'running')])
    await expect(provider(transport).readLog!({ runId: RUN }, job, undefined)).rejects.toMatchObject({ kind: 'protocol' })
    expect(transport.requests).toHaveLength(0)
  })

  test('log text is split on \\r\\n and \\n and otherwise left as the vendor wrote it', async () => {
    const transport = new FakeTransport().on(LOG_ROUTE, json(200, { has_more: false, start_offset: '0', end_offset: '30', log: 'one\r\ntwo \u001b[31mred\u001b[0m\n\nfour' }))
    const page = await provider(transport).readLog!({ runId: RUN }, jobWith('failed', [step('s1', 'Build', 'failed')]), undefined)
    expect(page.lines).toEqual(['one', 'two \u001b[31mred\u001b[0m', '', 'four'])
    expect(page.more).toBe(false)
  })
})

describe('codearts v5 log tail', () => {
  test('reads only the failed step from the end (sort desc, limit) and puts newest-first lines back in order', async () => {
    const logs = { s1: numbered('checkout', 5), s2: numbered('build', 80) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, 'start'))
    const job = jobWith('failed', [step('s1', 'Checkout', 'succeeded'), step('s2', 'Build', 'failed'), step('s3', 'Upload', 'queued')])
    const tail = await provider(transport).logTail!({ runId: RUN }, job, 50)
    expect(tail).toEqual(logs.s2.slice(-50))
    expect(bodies(transport)).toEqual([{ step: 's2', start_offset: 0, end_offset: 0, limit: 50, sort: 'desc' }])
  })

  test('a server whose page bound cuts the descending read short: the step is read forward for its tail, bounded', async () => {
    const logs = { s1: numbered('build', 80) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, 'end', 15))
    const tail = await provider(transport).logTail!({ runId: RUN }, jobWith('failed', [step('s1', 'Build', 'failed')]), 50)
    expect(tail).toEqual(logs.s1.slice(-50))
    expect(bodies(transport)[0]).toMatchObject({ sort: 'desc', limit: 50 })
    expect(bodies(transport).slice(1).every(b => b.sort === 'asc')).toBe(true)
  })

  test('a descending read that answers the last lines in their own order (time stamps rising) is kept as it is', async () => {
    const last = numbered('build', 3)
    const transport = new FakeTransport().on(LOG_ROUTE, json(200, { has_more: true, start_offset: '100', end_offset: '300', log: `${last.join('\n')}\n` }))
    const tail = await provider(transport).logTail!({ runId: RUN }, jobWith('failed', [step('s1', 'Build', 'failed')]), 3)
    expect(tail).toEqual(last)
  })

  test('no failed step (a job failed by its own message): the last started step is read', async () => {
    const logs = { s1: numbered('checkout', 5), s2: numbered('deploy', 4) }
    const transport = new FakeTransport().always(LOG_ROUTE, stepLogServer(logs, 'end'))
    const job = jobWith('failed', [step('s1', 'Checkout', 'succeeded'), step('s2', 'Deploy', 'canceled')])
    expect(await provider(transport).logTail!({ runId: RUN }, job, 50)).toEqual(logs.s2)
  })
})
