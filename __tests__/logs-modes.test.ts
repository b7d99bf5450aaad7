import { run } from '../src/main.js'
import type { InputName } from '../src/inputs/index.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport, json } from './fixtures/fake-transport.js'

/** `logs: failed | all | none` in a whole step, on GitCode pipelines (whose provider reads job logs). */

const DOMAIN = 'fedcba9876543210fedcba9876543210'
const PIPELINE = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const RUN = '11112222333344445555666677778888'
const BASE = `/v6/${DOMAIN}/api/pac/pipelines/actions`

function inputs(extra: Partial<Record<InputName, string>>): Partial<Record<InputName, string>> {
  return {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    endpoint: 'https://codearts-pac.test',
    token: 'iam-token-value-0123456789',
    operation: 'watch',
    pipeline_id: PIPELINE,
    run_id: RUN,
    poll_interval: '10s',
    ...extra
  }
}

const failedRun = {
  pipeline_id: PIPELINE,
  pipeline_run_id: RUN,
  status: 'FAILED',
  jobs: [
    { job_run_id: 'j1', name: 'compile', stage_name: 'Build', status: 'FAILED', message: 'exit code 2' },
    { job_run_id: 'j2', name: 'lint', stage_name: 'Build', status: 'COMPLETED' }
  ]
}

async function step(extra: Partial<Record<InputName, string>>, transport: FakeTransport): Promise<FakeHost> {
  const host = new FakeHost(inputs(extra))
  await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
  return host
}

const logPage = (lines: string[]) => json(200, { has_more: false, start_offset: 0, end_offset: lines.join('\n').length, log: lines.join('\n') })

test('failed (the default): the failed job’s last lines in a log group and in its annotation', async () => {
  const transport = new FakeTransport().always(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, failedRun)).on(`POST ${BASE}/${PIPELINE}/${RUN}/j1/logs`, logPage(['compiling', 'main.c:3: error: x undeclared', 'make: *** Error 2']))
  const host = await step({}, transport)
  expect(host.failure).toMatch(/Build \/ compile failed/)
  const group = host.lines.indexOf('group: End of the log of Build / compile (last 3 lines)')
  expect(group).toBeGreaterThan(-1)
  expect(host.lines.slice(group + 1, group + 4)).toEqual(['compiling', 'main.c:3: error: x undeclared', 'make: *** Error 2'])
  expect(host.annotations[0]!.message).toBe('exit code 2\nLast lines of its log:\ncompiling\nmain.c:3: error: x undeclared\nmake: *** Error 2')
  expect(host.summaries[0]).toContain('main.c:3: error: x undeclared')
  // Only the failed job's log is read.
  expect(transport.requests.filter(request => request.url.includes('/logs')).map(request => new URL(request.url).pathname.split('/').at(-2))).toEqual(['j1'])
})

test('none: no log request at all, and the failure still names the job', async () => {
  const transport = new FakeTransport().always(`GET ${BASE}/${PIPELINE}/${RUN}`, json(200, failedRun))
  const host = await step({ logs: 'none' }, transport)
  expect(transport.requests.filter(request => request.url.includes('/logs'))).toEqual([])
  expect(host.failure).toMatch(/Build \/ compile failed \(exit code 2\)/)
  expect(host.annotations[0]!.message).toBe('exit code 2')
})

test('an unknown mode is bad input, before any request', async () => {
  const transport = new FakeTransport()
  const host = await step({ logs: 'some' }, transport)
  expect(host.failure).toBe('Input logs: "some" is not a logs mode; expected one of failed, all, none')
  expect(transport.requests).toEqual([])
})
