import { run } from '../src/main.js'
import { RelayError } from '../src/core/errors.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport, json } from './fixtures/fake-transport.js'
import { RUN, TOKEN, answerDefinitionAndResults, codeArtsInputs, detail } from './fixtures/codearts.js'
import type { InputName } from '../src/inputs/index.js'

function setup(inputs: Partial<Record<InputName, string>>, options: { isPost?: boolean; state?: Record<string, string> } = {}) {
  const host = new FakeHost(codeArtsInputs(inputs), options.isPost ?? false, options.state ?? {})
  const transport = answerDefinitionAndResults(new FakeTransport())
  const clock = new FakeClock()
  const controller = new AbortController()
  const go = () => run({ host, transport: transport.send, clock, signal: controller.signal })
  return { host, transport, clock, controller, go }
}

describe('run: start and wait', () => {
  test('starts one run, sets run_id before waiting, and reports success', async () => {
    const { host, transport, go } = setup({})
    transport
      .on('POST /run', json(200, { pipeline_run_id: RUN }))
      .on('GET /detail', json(200, detail('RUNNING')), json(200, detail('RUNNING')), json(200, detail('COMPLETED')))
    await go()
    expect(host.failure).toBeUndefined()
    expect(transport.count('POST /run')).toBe(1)
    expect(host.outputs).toMatchObject({ run_id: RUN, status: 'succeeded', raw_status: 'COMPLETED', run_number: '7', duration_seconds: '90' })
    expect(host.outputs.run_url).toContain(`/pipeline/detail/${'aaaaaaaabbbbbbbbccccccccdddddddd'}/${RUN}`)
    expect(host.state).toMatchObject({ run_id: RUN, finished: 'true' })
    const body = JSON.parse(transport.requests.find(request => request.method === 'POST')!.body!) as { description: string }
    expect(body.description).toMatch(/^Started by pipeline-relay from octo\/app, workflow run 42 \[relay:[0-9a-f]{10}\]$/)
    expect(host.summaries[0]).toContain('| Build | Compile | ✅ succeeded')
  })

  test('a failed run fails the step, names the run, and annotates the failed job', async () => {
    const { host, transport, go } = setup({})
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('FAILED')))
    await go()
    expect(host.outputs.status).toBe('failed')
    expect(host.failure).toBe(`Run #7 (${RUN}) failed: Build / Compile failed (exit code 2)`)
    expect(host.annotations).toEqual([{ message: 'exit code 2', title: 'Huawei CodeArts Pipeline: Build / Compile failed' }])
  })

  test('propagate_failure false turns a failed run into a warning, and its failed jobs into warnings, not error annotations', async () => {
    const { host, transport, go } = setup({ propagate_failure: 'false' })
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('FAILED')))
    await go()
    expect(host.failure).toBeUndefined()
    expect(host.outputs.status).toBe('failed')
    expect(host.annotations).toEqual([])
    expect(host.lines).toContain('warning: Huawei CodeArts Pipeline: Build / Compile failed: exit code 2')
  })

  test('an hour-long wait ends timed_out on the fake clock, with the run left going', async () => {
    const { host, transport, clock, go } = setup({ timeout: '1h' })
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('RUNNING')))
    const started = clock.now()
    await go()
    expect(host.outputs.status).toBe('timed_out')
    expect(host.failure).toMatch(/did not end within the timeout/)
    expect(clock.now() - started).toBe(3_600_000)
    expect(transport.count('POST /stop')).toBe(0)
  })

  test('a wait that never read the state names the cause, not just the timeout', async () => {
    const { host, transport, go } = setup({ operation: 'watch', run_id: RUN, timeout: '10m' })
    transport.always('GET /detail', json(502, { error_code: 'APIGW.0202', error_msg: 'Backend unavailable' }))
    await go()
    expect(host.outputs.status).toBe('timed_out')
    expect(host.failure).toMatch(/^The state of run \w+ could not be read before the timeout: CodeArts refused to read the state of run \w+: Backend unavailable/)
  })

  test('wait false returns after one status read', async () => {
    const { host, transport, go } = setup({ wait: 'false' })
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).on('GET /detail', json(200, detail('RUNNING')))
    await go()
    expect(host.failure).toBeUndefined()
    expect(host.outputs).toMatchObject({ run_id: RUN, status: 'running', run_number: '7' })
    expect(transport.count('GET /detail')).toBe(1)
  })

  test('the settings log shows only what applies to the operation', async () => {
    const started = setup({ variables: 'ENV=prod', jobs: 'job-a' })
    started.transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('COMPLETED')))
    await started.go()
    expect(started.host.lines).toEqual(expect.arrayContaining(['variables: ENV', 'jobs: job-a', expect.stringMatching(/^wait: up to 1h 0m 0s until the run ends, poll auto$/)]))

    const canceled = setup({ operation: 'cancel', run_id: RUN })
    canceled.transport.on('POST /stop', json(200, { success: true })).always('GET /detail', json(200, detail('CANCELED')))
    await canceled.go()
    expect(canceled.host.failure).toBeUndefined()
    expect(canceled.host.lines.filter(line => /^(variables|jobs):/.test(line))).toEqual([])
    expect(canceled.host.lines).toContainEqual(expect.stringMatching(/^wait: up to 1h 0m 0s until the run shows it stopped/))
  })

  test('the token is masked and never appears in outputs, logs or the summary', async () => {
    const { host, transport, go } = setup({})
    transport.on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('COMPLETED')))
    await go()
    expect(host.masked).toContain(TOKEN)
    const written = JSON.stringify([host.outputs, host.lines, host.summaries, host.failure])
    expect(written).not.toContain(TOKEN)
    expect(transport.requests[0]!.headers['X-Auth-Token']).toBe(TOKEN)
  })
})

describe('at most one run per trigger', () => {
  test('a start cut after it was accepted is found by its mark, not sent again', async () => {
    const { host, transport, go } = setup({})
    let description = ''
    transport
      .on('POST /run', request => {
        description = (JSON.parse(request.body!) as { description: string }).description
        return new RelayError('network', 'socket hang up')
      })
      .on('POST /pipeline-runs/list', json(200, { pipeline_runs: [{ pipeline_run_id: RUN, start_time: Date.UTC(2026, 10, 22, 12) }] }))
      .on('GET /detail', () => json(200, detail('RUNNING', { description })))
      .always('GET /detail', json(200, detail('COMPLETED')))
    await go()
    expect(transport.count('POST /run')).toBe(1)
    expect(host.outputs).toMatchObject({ run_id: RUN, status: 'succeeded' })
  })

  test('when the lookup finds nothing, it fails clearly and never sends the start again', async () => {
    const { host, transport, go } = setup({})
    transport
      .on('POST /run', new RelayError('timeout', 'no answer'))
      .always('POST /pipeline-runs/list', json(200, { pipeline_runs: [] }))
    await go()
    expect(transport.count('POST /run')).toBe(1)
    expect(host.failure).toMatch(/It was not sent again, so that the pipeline does not run twice/)
    expect(host.outputs.run_id).toBeUndefined()
  })

  test('a refused connection is safe to resend', async () => {
    const { host, transport, go } = setup({})
    transport
      .on('POST /run', new RelayError('network', 'ECONNREFUSED', { notSent: true }), json(200, { pipeline_run_id: RUN }))
      .always('GET /detail', json(200, detail('COMPLETED')))
    await go()
    expect(transport.count('POST /run')).toBe(2)
    expect(host.outputs.status).toBe('succeeded')
  })

  test('429 with Retry-After is honoured before the start is sent again', async () => {
    const { host, transport, clock, go } = setup({})
    transport
      .on('POST /run', json(429, { error_code: 'APIG.0308', error_msg: 'over ratelimit' }, { 'retry-after': '7' }), json(200, { pipeline_run_id: RUN }))
      .always('GET /detail', json(200, detail('COMPLETED')))
    await go()
    expect(clock.sleeps[0]).toBe(7000)
    expect(transport.count('POST /run')).toBe(2)
    expect(host.outputs.status).toBe('succeeded')
  })
})

describe('cancel on abort', () => {
  test('an abort during the wait stops the run with one request and fails the step as canceled', async () => {
    const { host, transport, controller, go } = setup({})
    let reads = 0
    transport
      .on('POST /run', json(200, { pipeline_run_id: RUN }))
      .always('GET /detail', () => {
        reads += 1
        if (reads === 2) controller.abort('received SIGINT')
        return json(200, detail('RUNNING'))
      })
      .on('POST /stop', json(200, { success: true }))
    await go()
    expect(transport.count('POST /stop')).toBe(1)
    expect(host.outputs.status).toBe('canceled')
    expect(host.failure).toMatch(/was stopped/)
    expect(host.state.finished).toBe('true')
  })

  test('an abort while watching a run started elsewhere leaves that run alone', async () => {
    const { host, transport, controller, go } = setup({ operation: 'watch', run_id: RUN })
    transport.always('GET /detail', () => {
      controller.abort('received SIGINT')
      return json(200, detail('RUNNING'))
    })
    await go()
    expect(transport.count('POST /stop')).toBe(0)
    expect(host.failure).toMatch(/left as it is \(operation watch does not stop runs it did not start\)/)
    expect(host.state.run_id).toBeUndefined()
  })

  test('the post step stops a run the main step left unfinished', async () => {
    const { host, transport, go } = setup({}, { isPost: true, state: { run_id: RUN } })
    transport.on('POST /stop', json(200, { success: true }))
    await go()
    expect(transport.count('POST /stop')).toBe(1)
    expect(host.failure).toBeUndefined()
  })

  test('the post step does nothing after a main step that finished', async () => {
    const { transport, go } = setup({}, { isPost: true, state: { run_id: RUN, finished: 'true' } })
    await go()
    expect(transport.requests).toHaveLength(0)
  })
})

describe('waiting is never silent', () => {
  test('a run with no change for 20 minutes prints a heartbeat at least every 5 minutes, with its state and link', async () => {
    const { host, transport, clock, go } = setup({ operation: 'watch', run_id: RUN, poll_interval: '2m', timeout: '21m' })
    const started = clock.now()
    transport.always('GET /detail', () => json(200, detail(clock.now() - started >= 20 * 60_000 ? 'COMPLETED' : 'RUNNING')))
    await go()
    expect(host.outputs.status).toBe('succeeded')
    const beats = host.lines.filter(line => / still running/.test(line))
    expect(beats.map(line => line.slice(0, 7))).toEqual(['[05:00]', '[10:00]', '[15:00]'])
    expect(beats[0]).toMatch(new RegExp(`^\\[05:00\\] still running; now: Build / Compile running — https://\\S+/${RUN}\\?v=1$`))
    // The 2-minute pauses are cut where a heartbeat is due, and never stretched.
    expect(clock.sleeps.every(ms => ms <= 120_000)).toBe(true)
    expect(clock.sleeps).toContain(60_000)
  })
})
