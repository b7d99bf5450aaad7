/**
 * The host's redactor reaches every vendor answer on every path that sends requests (issue 12): an
 * error page that quotes the token is cut short for the message, and a cut token would no longer be
 * recognised by the host's own masking, so the answer must be masked before it is read.
 */
import { run } from '../src/main.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport, json } from './fixtures/fake-transport.js'
import { RUN, TOKEN, codeArtsInputs, detail } from './fixtures/codearts.js'
import { RelayError } from '../src/core/errors.js'
import type { HttpResponse } from '../src/core/http.js'
import type { InputName } from '../src/inputs/index.js'

/** A 401 page whose first 120 characters end 18 characters into the token. */
function pageQuotingToken(): HttpResponse {
  const head = '<html><body>'
  return { status: 401, headers: { 'content-type': 'text/html' }, body: `${head}${'x'.repeat(120 - 18 - head.length)}${TOKEN}</body></html>` }
}

function everythingWritten(host: FakeHost): string {
  return [host.failure ?? '', ...host.lines, ...host.annotations.flatMap(a => [a.message, a.title]), ...host.summaries, ...Object.values(host.outputs)].join('\n')
}

/** What a cut leaves is the token's start: not even its first 8 characters may be written. */
function expectNoPartOfToken(host: FakeHost): void {
  expect(everythingWritten(host)).not.toContain(TOKEN.slice(0, 8))
}

function setup(inputs: Partial<Record<InputName, string>>, options: { isPost?: boolean; state?: Record<string, string> } = {}) {
  const host = new FakeHost(codeArtsInputs(inputs), options.isPost ?? false, options.state ?? {})
  const transport = new FakeTransport()
  const controller = new AbortController()
  const go = () => run({ host, transport: transport.send, clock: new FakeClock(), signal: controller.signal })
  return { host, transport, controller, go }
}

describe('a token quoted in an error page is never printed in part', () => {
  test('the main step: a start refused with the token in the page', async () => {
    const { host, transport, go } = setup({})
    transport.on('POST /run', pageQuotingToken())
    await go()
    expect(host.failure).toMatch(/HTTP 401: <html><body>x+\*\*\*/)
    expectNoPartOfToken(host)
  })

  test('the stop on abort: a stop refused with the token in the page', async () => {
    const { host, transport, controller, go } = setup({})
    transport
      .on('POST /run', json(200, { pipeline_run_id: RUN }))
      .always('GET /detail', () => {
        controller.abort('received SIGINT')
        return json(200, detail('RUNNING'))
      })
      .always('POST /stop', pageQuotingToken())
    await go()
    expect(transport.count('POST /stop')).toBeGreaterThan(0)
    expect(host.failure).toMatch(/stopping run \w+ failed: .*\*\*\*/)
    expectNoPartOfToken(host)
  })

  test('the look on abort for a run an interrupted start may have made: refused with the token in the page', async () => {
    const { host, transport, controller, go } = setup({})
    transport
      .on('POST /run', new RelayError('timeout', 'no answer'))
      .on('POST /pipeline-runs/list', () => {
        controller.abort('received SIGINT')
        return new RelayError('aborted', 'the job was canceled')
      })
      .always('POST /pipeline-runs/list', pageQuotingToken())
    await go()
    expect(transport.count('POST /pipeline-runs/list')).toBeGreaterThan(1)
    expect(host.lines.some(line => /Could not look for the run: .*\*\*\*/.test(line))).toBe(true)
    expectNoPartOfToken(host)
  })

  test('the post step: a stop refused with the token in the page', async () => {
    const { host, transport, go } = setup({}, { isPost: true, state: { run_id: RUN } })
    transport.always('POST /stop', pageQuotingToken())
    await go()
    expect(transport.count('POST /stop')).toBeGreaterThan(0)
    expect(everythingWritten(host)).toContain('***')
    expectNoPartOfToken(host)
  })
})
