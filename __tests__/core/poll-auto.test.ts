import { run } from '../../src/main.js'
import type { InputName } from '../../src/inputs/index.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'
import { PIPELINE, RUN, answerDefinitionAndResults, codeArtsInputs, detail } from '../fixtures/codearts.js'

/**
 * How the step wires `poll_interval: auto` to the pipeline's history: one list request before the
 * wait, only when it helps, and never a reason to fail.
 */

const MINUTE = 60_000
const LIST = 'POST /pipeline-runs/list'

function setup(inputs: Partial<Record<InputName, string>>) {
  const host = new FakeHost(codeArtsInputs(inputs))
  const transport = answerDefinitionAndResults(new FakeTransport())
  const clock = new FakeClock()
  const go = () => run({ host, transport: transport.send, clock, signal: new AbortController().signal })
  return { host, transport, clock, go }
}

/** Twenty recent runs of 7 to 9 minutes, as the CodeArts list answers them. */
function history(): Record<string, unknown> {
  const end = Date.UTC(2026, 10, 22, 11, 0, 0)
  return {
    pipeline_runs: Array.from({ length: 20 }, (_, i) => ({
      pipeline_id: PIPELINE,
      pipeline_run_id: `run${i}`,
      status: 'COMPLETED',
      start_time: end - i * 30 * MINUTE - (7 + (i % 3)) * MINUTE,
      end_time: end - i * 30 * MINUTE
    }))
  }
}

/** A run that ends `lengthMs` after the clock's start. */
function runEndingAfter(clock: FakeClock, lengthMs: number) {
  const start = clock.now()
  return () => json(200, detail(clock.now() - start >= lengthMs ? 'COMPLETED' : 'RUNNING'))
}

describe('poll_interval auto in the step', () => {
  test('reads the recent runs once, after the start and before the first status read, and spaces reads by them', async () => {
    const { host, transport, clock, go } = setup({})
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).on(LIST, json(200, history())).always('GET /detail', runEndingAfter(clock, 8 * MINUTE))
    await go()
    expect(host.failure).toBeUndefined()
    expect(host.outputs.status).toBe('succeeded')
    const order = transport.requests.map(request => `${request.method} ${new URL(request.url).pathname.split('/').slice(-1)[0]}`)
    // First the pipeline's definition, which the start is checked against.
    expect(order.slice(0, 4)).toEqual([`GET ${PIPELINE}`, 'POST run', 'POST list', 'GET detail'])
    expect(transport.count(LIST)).toBe(1)
    expect(JSON.parse(transport.requests[2]!.body!)).toMatchObject({ limit: 20, status: ['COMPLETED'] })
    // Far from the earliest plausible end (5.5 minutes here) the run is read once a minute; this
    // one-stage run gives no stage signal, so from there every 8 s. A fixed 10 s would read 49 times.
    // The ninth pause is cut short by the heartbeat: five minutes after the last line (the start),
    // a read is due so that the log says the run is still going.
    expect(clock.sleeps.slice(0, 9)).toEqual([5_000, 5_000, 10_000, 20_000, 40_000, 60_000, 60_000, 60_000, 40_000])
    expect(host.lines).toContainEqual(expect.stringMatching(/^\[05:00\] still running/))
    expect(transport.count('GET /detail')).toBeLessThan(35)
    expect(host.lines).toContain('debug: poll_interval auto: 20 recent successful runs, median 8m 0s')
  })

  test('a failed history read is a debug line, and the step goes on without it', async () => {
    const { host, transport, clock, go } = setup({})
    transport
      .on('POST /run', json(200, { pipeline_run_id: RUN }))
      .always(LIST, json(403, { error_code: 'DEVPIPE.00011005', error_msg: 'no permission to list runs' }))
      .always('GET /detail', runEndingAfter(clock, 3 * MINUTE))
    await go()
    expect(host.failure).toBeUndefined()
    expect(host.outputs.status).toBe('succeeded')
    expect(transport.count(LIST)).toBe(1)
    expect(host.lines.filter(line => line.includes('recent runs'))).toEqual([expect.stringMatching(/^debug: poll_interval auto: could not read the pipeline's recent runs/)])
    expect(host.lines.some(line => line.startsWith('warning:'))).toBe(false)
  })

  test('too few finished runs: said at debug level, and the schedule without history is used', async () => {
    const { host, transport, clock, go } = setup({})
    const two = { pipeline_runs: (history().pipeline_runs as unknown[]).slice(0, 2) }
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).on(LIST, json(200, two)).always('GET /detail', runEndingAfter(clock, 2 * MINUTE))
    await go()
    expect(host.lines).toContain('debug: poll_interval auto: 2 recent successful run(s), too few to learn from')
    expect(clock.sleeps.slice(0, 4)).toEqual([5_000, 5_000, 10_000, 10_000])
  })

  test('a fixed poll_interval does not read the history', async () => {
    const { transport, clock, go } = setup({ poll_interval: '15s' })
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', runEndingAfter(clock, 2 * MINUTE))
    await go()
    expect(transport.count(LIST)).toBe(0)
    expect(new Set(clock.sleeps)).toEqual(new Set([15_000]))
  })

  test('cancel: no history, and reads every few seconds until the run shows it stopped', async () => {
    const { host, transport, clock, go } = setup({ operation: 'cancel', run_id: RUN })
    const start = clock.now()
    transport
      .on('POST /stop', json(200, { success: true }))
      .always('GET /detail', () => json(200, detail(clock.now() - start >= 12_000 ? 'CANCELED' : 'RUNNING')))
    await go()
    expect(host.failure).toBeUndefined()
    expect(transport.count(LIST)).toBe(0)
    expect(clock.sleeps.every(pause => pause <= 10_000)).toBe(true)
    expect(clock.now() - start - 12_000).toBeLessThanOrEqual(5_000)
  })

  test('retry: the history of whole runs would mislead a partial re-run, so it is not read', async () => {
    const { transport, clock, go } = setup({ operation: 'retry', run_id: RUN })
    const start = clock.now()
    let reads = 0
    transport
      .on('PUT /retry', json(200, { success: true }))
      .always('GET /detail', () => {
        reads += 1
        // Before the retry: the failed attempt; then the new attempt runs, and succeeds.
        if (reads === 1) return json(200, detail('FAILED'))
        return json(200, detail(clock.now() - start >= 2 * MINUTE ? 'COMPLETED' : 'RUNNING', { start_time: 1_700_000_500_000, end_time: 0 }))
      })
    await go()
    expect(transport.count(LIST)).toBe(0)
  })
})
