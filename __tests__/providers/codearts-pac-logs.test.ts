import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest } from '../../src/core/http.js'
import { silentLogger } from '../../src/core/log.js'
import { readSettings, type InputName } from '../../src/inputs/index.js'
import { createProvider } from '../../src/providers/index.js'
import type { JobState, LogCursor, Provider } from '../../src/providers/types.js'
import { TOKEN } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

const DOMAIN = 'fedcba9876543210fedcba9876543210'
const PIPELINE = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const RUN = '11112222333344445555666677778888'
const LOG_ROUTE = `POST /v6/${DOMAIN}/api/pac/pipelines/actions/${PIPELINE}/${RUN}/j1/logs`

function provider(transport: FakeTransport): Provider {
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
    token: TOKEN,
    operation: 'watch',
    pipeline_id: PIPELINE,
    run_id: RUN
  }
  return createProvider(readSettings(name => inputs[name] ?? '', () => undefined), { transport: transport.send, clock: new FakeClock(), log: silentLogger })
}

type Unit = 'chars' | 'lines'

/**
 * A job-log server over `log.text` (mutable: a test appends to it, maybe half a line at a time).
 * Offsets are characters. `limit` counts characters or lines; `cap` is the server's own bound on a
 * page, in characters, so a page can end inside a line whichever the unit.
 */
function jobLogServer(log: { text: string }, unit: Unit, cap: number) {
  return (request: HttpRequest) => {
    const { offset, limit } = JSON.parse(request.body!) as { offset: number; limit: number }
    let end = Math.min(log.text.length, offset + cap)
    if (unit === 'chars') end = Math.min(end, offset + limit)
    else {
      let lines = 0
      for (let at = offset; at < end; at++) if (log.text[at] === '\n' && ++lines === limit) end = at + 1
    }
    return json(200, { has_more: end < log.text.length, start_offset: offset, end_offset: end, log: log.text.slice(offset, end), location: 'jenkins' })
  }
}

const job = (status: JobState['status']): JobState => ({ id: 'j1', name: 'build', stage: 'Build', status, rawStatus: status.toUpperCase() })

function linesOf(text: string): string[] {
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

describe.each<Unit>(['chars', 'lines'])('codearts-pac job log, limit counted in %s', unit => {
  test('a growing log read page by page, pages ending inside lines: every line once, whole, in order', async () => {
    const log = { text: '' }
    const transport = new FakeTransport().always(LOG_ROUTE, jobLogServer(log, unit, 37))
    const p = provider(transport)
    const printed: string[] = []
    let cursor: LogCursor | undefined
    for (let poll = 0; poll < 40; poll++) {
      // The job writes in pieces that do not follow lines: a line may be half written between two reads.
      log.text += poll % 3 === 0 ? `step ${poll} output line, long enough to cross a page ${'x'.repeat(poll)}\nprogress ${poll}: ` : `${poll}0%\r\n`
      const page = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), cursor)
      expect(page.more).toBe(true)
      printed.push(...page.lines)
      cursor = page.next
    }
    log.text += '100%\nthe last line has no newline'
    for (let read = 0; read < 40; read++) {
      const page = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('failed'), cursor)
      printed.push(...page.lines)
      cursor = page.next
      if (!page.more) break
    }
    expect(printed).toEqual(linesOf(log.text))
    expect(printed.at(-1)).toBe('the last line has no newline')
  })
})

describe('codearts-pac job log: pages and cursors', () => {
  test('an unfinished line is kept out of the page and printed once its end comes', async () => {
    const transport = new FakeTransport().on(
      LOG_ROUTE,
      json(200, { has_more: true, start_offset: 0, end_offset: 14, log: 'one\ntwo\nthr' }),
      json(200, { has_more: false, start_offset: 14, end_offset: 22, log: 'ee\nfour\n' })
    )
    const p = provider(transport)
    const first = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), undefined)
    expect(first).toMatchObject({ lines: ['one', 'two'], more: true })
    const second = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), first.next)
    expect(second.lines).toEqual(['three', 'four'])
    // The job still runs: nothing more now, but there may be.
    expect(second.more).toBe(true)
    expect(transport.requests.map(r => JSON.parse(r.body!).offset)).toEqual([0, 14])
  })

  test('an ended job with nothing more: more is false, and the same read again has no line', async () => {
    const transport = new FakeTransport().always(LOG_ROUTE, jobLogServer({ text: 'a\nb\n' }, 'chars', 100))
    const p = provider(transport)
    const first = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('succeeded'), undefined)
    expect(first).toMatchObject({ lines: ['a', 'b'], more: false })
    const again = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('succeeded'), first.next)
    expect(again).toMatchObject({ lines: [], more: false })
  })

  test('an answer that starts before the cursor, its offsets counting its characters, is cut at the cursor: no line twice', async () => {
    const transport = new FakeTransport().on(
      LOG_ROUTE,
      json(200, { has_more: true, start_offset: 0, end_offset: 6, log: 'one\ntw' }),
      json(200, { has_more: false, start_offset: 0, end_offset: 14, log: 'one\ntwo\nthree\n' })
    )
    const p = provider(transport)
    const first = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), undefined)
    expect(first.lines).toEqual(['one'])
    const second = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), first.next)
    expect(second.lines).toEqual(['two', 'three'])
  })

  test('an answer that starts after the cursor, or whose offsets do not count its text, is a protocol error', async () => {
    const transport = new FakeTransport().on(
      LOG_ROUTE,
      json(200, { has_more: true, start_offset: 0, end_offset: 4, log: 'one\n' }),
      json(200, { has_more: true, start_offset: 9, end_offset: 13, log: 'gap\n' }),
      json(200, { has_more: true, start_offset: 0, end_offset: 40, log: 'one\ntwo\n' })
    )
    const p = provider(transport)
    const first = await p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), undefined)
    await expect(p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), first.next)).rejects.toMatchObject({ kind: 'protocol' })
    await expect(p.readLog!({ runId: RUN, pipelineId: PIPELINE }, job('running'), first.next)).rejects.toMatchObject({ kind: 'protocol' })
  })

  test('an expired log (404 on the log route) is a clear not-found error', async () => {
    const transport = new FakeTransport().on(LOG_ROUTE, json(404, { error_code: 'DEVPIPE.00011405', error_msg: 'The log has expired' }))
    const error = await provider(transport).readLog!({ runId: RUN, pipelineId: PIPELINE }, job('failed'), undefined).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(RelayError)
    expect((error as RelayError).message).toMatch(/The log of Build \/ build is no longer on CodeArts \(expired or deleted\)/)
    expect(error).toMatchObject({ kind: 'not_found', vendorCode: 'DEVPIPE.00011405' })
  })

  test('a job id that is not an id is refused before any request', async () => {
    const transport = new FakeTransport()
    await expect(provider(transport).readLog!({ runId: RUN, pipelineId: PIPELINE }, { ...job('running'), id: 'j1/../../stop' }, undefined)).rejects.toMatchObject({ kind: 'protocol' })
    expect(transport.requests).toHaveLength(0)
  })

  test('the tail of a failed job: pages from the start, its unfinished last line included', async () => {
    const text = Array.from({ length: 30 }, (_v, i) => `line ${i + 1}`).join('\n')
    const transport = new FakeTransport().always(LOG_ROUTE, jobLogServer({ text }, 'chars', 50))
    const tail = await provider(transport).logTail!({ runId: RUN, pipelineId: PIPELINE }, job('failed'), 4)
    expect(tail).toEqual(['line 27', 'line 28', 'line 29', 'line 30'])
  })
})
