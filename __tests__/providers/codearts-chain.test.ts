import { checkStart } from '../../src/chain.js'
import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, Transport } from '../../src/core/http.js'
import { readSettings, type InputName } from '../../src/inputs/index.js'
import { mergeOutputs, sizeInBytes } from '../../src/providers/codearts/results.js'
import { createProvider } from '../../src/providers/index.js'
import type { Provider } from '../../src/providers/types.js'
import { PIPELINE, PROJECT, RUN, TOKEN, codeArtsInputs, detail } from '../fixtures/codearts.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

/** CodeArts v5 and issue 13: the pipeline's declaration, the code source before any run, and what a run produced. */

type Inputs = Partial<Record<InputName, string>>

const BASE = `/v5/${PROJECT}/api/pipelines/${PIPELINE}`
const COMPILE = '1677035050257a20bcc960-2929-457f-91e5-9099556cc478'
const DEPLOY = '1677035050258b20bcc960-2929-457f-91e5-9099556cc479'

function settingsOf(inputs: Inputs) {
  return readSettings(name => inputs[name] ?? '', () => undefined)
}

function providerFor(transport: FakeTransport, host = new FakeHost({}), inputs: Inputs = codeArtsInputs()): Provider {
  const send: Transport = async request => {
    if (!isDefinitionRead(request) || !definitions.has(transport)) return transport.send(request)
    transport.requests.push(request)
    return json(200, definitions.get(transport))
  }
  return createProvider(settingsOf(inputs), { transport: send, clock: new FakeClock(), log: host })
}

/** The ShowPipelineDetail answer: `definition` is a JSON string, its jobs have an empty id and an identifier ([apidef] example). */
function pipeline(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: PIPELINE,
    name: 'app',
    variables: [
      { name: 'ENV', sequence: 1, type: 'string', value: 'dev', is_secret: false, is_runtime: true },
      { name: 'REGION', sequence: 2, type: 'string', value: 'cn-north-4', is_secret: false, is_runtime: false },
      { name: 'TOKEN', sequence: 3, type: 'string', value: '', is_secret: true, is_runtime: 'true' },
      { sequence: 4, value: 'no name' }
    ],
    definition: JSON.stringify({
      stages: [
        { name: 'Build', identifier: '0', jobs: [{ id: '', identifier: COMPILE, name: 'Compile', steps: [] }] },
        { name: 'Release', identifier: '1', jobs: [{ id: '', identifier: DEPLOY, name: 'Deploy', steps: [] }] }
      ]
    }),
    sources: [{ type: 'code', params: { git_type: 'codehub', git_url: 'https://codehub.example.com/g/app.git', codehub_id: '2111669099', default_branch: 'master', repo_name: 'app', web_url: '' } }],
    ...extra
  }
}

// The definition's path is the pipeline's own, a prefix of every run path, which a FakeTransport
// route (a substring) cannot single out: it is answered here, and logged with the others.
const definitions = new WeakMap<FakeTransport, unknown>()

function onDefinition(transport: FakeTransport, answer: unknown): FakeTransport {
  definitions.set(transport, answer)
  return transport
}

function isDefinitionRead(request: HttpRequest): boolean {
  return request.method === 'GET' && new URL(request.url).pathname === BASE
}

function definitionReads(transport: FakeTransport): number {
  return transport.requests.filter(isDefinitionRead).length
}

describe('codearts: describePipeline from ShowPipelineDetail', () => {
  test('variables: settable = is_runtime (also "true"), none required; jobs: identifier → id with their stage', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline())
    await expect(providerFor(transport).describePipeline!()).resolves.toEqual({
      variables: [
        { name: 'ENV', settable: true, required: false },
        { name: 'REGION', settable: false, required: false },
        { name: 'TOKEN', settable: true, required: false }
      ],
      jobs: [
        { id: COMPILE, name: 'Compile', stage: 'Build' },
        { id: DEPLOY, name: 'Deploy', stage: 'Release' }
      ]
    })
    expect(transport.requests).toHaveLength(1)
    expect(definitionReads(transport)).toBe(1)
    expect(transport.requests[0]!.headers['X-Auth-Token']).toBe(TOKEN)
  })

  test('no variables list and a definition that is not JSON: nothing to check against (undefined), not "declares none"', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline({ variables: undefined, definition: '{not json' }))
    await expect(providerFor(transport).describePipeline!()).resolves.toEqual({ variables: undefined, jobs: undefined })
  })

  test('an empty variables list declares none', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline({ variables: [] }))
    await expect(providerFor(transport).describePipeline!()).resolves.toMatchObject({ variables: [] })
  })

  test('a job identifier that could not be sent as an id is a protocol fault, not a choose_jobs item', async () => {
    const definition = JSON.stringify({ stages: [{ name: 'Build', jobs: [{ identifier: 'x$(touch y)', name: 'Compile' }] }] })
    const transport = onDefinition(new FakeTransport(), pipeline({ definition }))
    const failure = await providerFor(transport).describePipeline!().catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RelayError)
    expect((failure as RelayError).kind).toBe('protocol')
    expect((failure as RelayError).message).toMatch(/job identifier in the pipeline definition that is not a CodeArts job identifier/)
  })

  test('through the core: jobs "Deploy" is sent as its identifier; "deploy job" is refused listing name → id, before any start', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline()).on(`POST ${BASE}/run`, json(200, { pipeline_run_id: RUN }))
    const provider = providerFor(transport)
    const host = new FakeHost({})
    const checked = await checkStart(settingsOf(codeArtsInputs({ jobs: 'Deploy' })), provider, host)
    expect(checked.jobs).toEqual([DEPLOY])

    const refused = await checkStart(settingsOf(codeArtsInputs({ jobs: 'deploy job' })), providerFor(transport), host).catch((error: unknown) => error)
    expect((refused as RelayError).kind).toBe('input')
    expect((refused as RelayError).message).toContain(`it has Build / Compile → ${COMPILE}, Release / Deploy → ${DEPLOY}`)
    expect(transport.count(`POST ${BASE}/run`)).toBe(0)
  })

  test('through the core: REGION (not is_runtime) is refused in strict mode', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline())
    const refused = await checkStart(settingsOf(codeArtsInputs({ variables: 'REGION=eu' })), providerFor(transport), new FakeHost({})).catch((error: unknown) => error)
    expect((refused as RelayError).message).toMatch(/REGION is a constant of the pipeline/)
  })
})

describe('codearts: branch and tag take the code source of the definition', () => {
  test('a pipeline that never ran: the definition gives the repository; no run detail is read', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline()).on(`POST ${BASE}/run`, json(200, { pipeline_run_id: RUN }))
    await providerFor(transport).start({ variables: [], jobs: [], branch: 'release/1.2', correlationId: 'abcdef0123' })
    const body = JSON.parse(transport.requests.at(-1)!.body!) as { sources: unknown[] }
    expect(body.sources).toEqual([
      {
        type: 'code',
        params: {
          git_type: 'codehub',
          git_url: 'https://codehub.example.com/g/app.git',
          codehub_id: '2111669099',
          default_branch: 'master',
          build_params: { build_type: 'branch', target_branch: 'release/1.2', event_type: 'Manual' }
        }
      }
    ])
    expect(transport.count(`GET ${BASE}/pipeline-runs/detail`)).toBe(0)
  })

  test('the definition read once serves the start check and the code source', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline()).on(`POST ${BASE}/run`, json(200, { pipeline_run_id: RUN }))
    const provider = providerFor(transport)
    await provider.describePipeline!()
    await provider.start({ variables: [], jobs: [], tag: 'v1', correlationId: 'abcdef0123' })
    expect(definitionReads(transport)).toBe(1)
  })

  test('a definition with an artifact source only: the latest run shows the code source', async () => {
    const runSource = { type: 'code', params: { git_type: 'gitee', git_url: 'https://gitee.com/o/app.git' } }
    const transport = onDefinition(new FakeTransport(), pipeline({ sources: [{ type: 'artifact', params: { package_name: 'x.jar' } }] }))
      .on(`GET ${BASE}/pipeline-runs/detail`, json(200, detail('COMPLETED', { sources: [runSource] })))
      .on(`POST ${BASE}/run`, json(200, { pipeline_run_id: RUN }))
    await providerFor(transport).start({ variables: [], jobs: [], tag: 'v2', correlationId: 'abcdef0123' })
    const body = JSON.parse(transport.requests.at(-1)!.body!) as { sources: { params: Record<string, unknown> }[] }
    expect(body.sources[0]!.params).toEqual({ git_type: 'gitee', git_url: 'https://gitee.com/o/app.git', build_params: { build_type: 'tag', tag: 'v2', event_type: 'Manual' } })
  })

  test('no code source in the definition and no run: an error that says what to do; nothing is started', async () => {
    const transport = onDefinition(new FakeTransport(), pipeline({ sources: [] }))
      .on(`GET ${BASE}/pipeline-runs/detail`, json(404, { error_code: 'DEVPIPE.00011402', error_msg: 'no run' }))
      .on(`POST ${BASE}/run`, json(200, { pipeline_run_id: RUN }))
    const failure = await providerFor(transport).start({ variables: [], jobs: [], branch: 'main', correlationId: 'abcdef0123' }).catch((error: unknown) => error)
    expect((failure as RelayError).message).toMatch(/^Cannot set branch: the pipeline's definition names no code repository \(sources\) and no run of it shows one\. Add a code source/)
    expect(transport.count(`POST ${BASE}/run`)).toBe(0)
  })
})

describe('codearts: readResults', () => {
  const STEP_A = 'a'.repeat(32)
  const STEP_B = 'b'.repeat(32)
  const STEP_C = 'c'.repeat(32)
  const STEP_D = 'd'.repeat(32)
  const RUN_PATH = `${BASE}/pipeline-runs/${RUN}`
  const finished = detail('COMPLETED', {
    stages: [
      {
        name: 'Build',
        status: 'COMPLETED',
        jobs: [
          { id: 'j1', name: 'Compile', status: 'COMPLETED', steps: [{ id: STEP_A, name: 'Maven build', status: 'COMPLETED' }] },
          { id: 'j2', name: 'Test', status: 'FAILED', steps: [{ id: STEP_B, name: 'Unit tests', status: 'FAILED' }, { id: STEP_C, name: 'Report', status: 'INIT' }] }
        ]
      },
      { name: 'Deploy', status: 'COMPLETED', jobs: [{ id: 'j3', name: 'Deploy', status: 'COMPLETED', steps: [{ id: STEP_D, name: 'Helm', status: 'COMPLETED' }] }] }
    ]
  })
  const outputsOf = (step: string, results: { key?: string; value?: unknown }[]) => ({ step_outputs: [{ step_run_id: step, output_result: results }], current_system_time: 1 })

  function world(): FakeTransport {
    return new FakeTransport()
      .on(`GET ${RUN_PATH.replace(`/pipeline-runs/${RUN}`, '/pipeline-runs/detail')}`, json(200, finished))
      .always(`GET ${RUN_PATH}/steps/outputs`, request => {
        const step = new URL(request.url).searchParams.get('step_run_ids')
        if (step === STEP_A) return json(200, outputsOf(STEP_A, [{ key: 'VERSION', value: '1.2.3' }, { key: 'STATUS', value: 'built' }]))
        if (step === STEP_B) return json(200, outputsOf(STEP_B, [{ key: 'STATUS', value: 'red' }, { key: 'FAILED_TESTS', value: 3 }, { value: 'no key' }]))
        // An answer about another step is not this step's output.
        if (step === STEP_D) return json(200, { step_outputs: [{ step_run_id: STEP_A, output_result: [{ key: 'SNEAKY', value: 'x' }] }, { step_run_id: STEP_D, output_result: [{ key: 'CHART', value: { name: 'app', version: 2 } }] }] })
        return json(200, { step_outputs: [] })
      })
      .on(
        `GET ${RUN_PATH}/artifacts`,
        json(200, {
          artifacts: [
            { name: 'app.jar', file_size: '0.90KB', artifact_download_url_with_id: 'https://devrepo.example.com/a/app.jar', artifact_uri: '/app/1/' },
            { name: 'notes.txt', file_size: '12', artifact_download_url_with_id: 'http://devrepo.example.com/notes.txt' },
            { name: 'evil', file_size: 'lots', artifact_download_url_with_id: 'javascript:alert(1)' },
            { artifact_uri: '/only/uri/', file_size: '1.5MB' },
            { file_size: '1KB' }
          ]
        })
      )
  }

  test('one outputs read per step that ran (COMPLETED or FAILED), by step_run_ids; a clashing key is kept under each step', async () => {
    const transport = world()
    const host = new FakeHost({})
    const results = await providerFor(transport, host).readResults!({ runId: RUN })
    expect(results.outputs).toEqual({
      VERSION: '1.2.3',
      'Compile / Maven build.STATUS': 'built',
      'Test / Unit tests.STATUS': 'red',
      FAILED_TESTS: '3',
      CHART: '{"name":"app","version":2}'
    })
    const asked = transport.requests.filter(request => request.url.includes('/steps/outputs')).map(request => new URL(request.url).searchParams.get('step_run_ids'))
    expect(asked).toEqual([STEP_A, STEP_B, STEP_D])
    expect(host.lines.join('\n')).toMatch(/1 step output without a key; left out/)
    expect(results.attempt).toBeUndefined()
  })

  test('artifacts: name (else the uri), size from file_size, url only when https', async () => {
    const results = await providerFor(world()).readResults!({ runId: RUN })
    expect(results.artifacts).toEqual([
      { name: 'app.jar', size: 922, url: 'https://devrepo.example.com/a/app.jar' },
      { name: 'notes.txt', size: 12 },
      { name: 'evil' },
      { name: '/only/uri/', size: 1_572_864 }
    ])
  })

  test('a step id of the wrong form in the run detail is a protocol fault, never a query', async () => {
    const transport = new FakeTransport().on(
      `GET ${BASE}/pipeline-runs/detail`,
      json(200, detail('COMPLETED', { stages: [{ name: 'B', jobs: [{ name: 'J', steps: [{ id: '../x', name: 'S', status: 'COMPLETED' }] }] }] }))
    )
    const failure = await providerFor(transport).readResults!({ runId: RUN }).catch((error: unknown) => error)
    expect((failure as RelayError).kind).toBe('protocol')
    expect(transport.requests).toHaveLength(1)
  })
})

describe('codearts: merging step outputs never loses a value', () => {
  const step = (id: string, job: string, name: string) => ({ id, job, name })
  test('same job and step names: the step run id tells them apart; the same key twice in one step is numbered', () => {
    const one = step('1'.repeat(32), 'Build', 'Script')
    const two = step('2'.repeat(32), 'Build', 'Script')
    expect(
      mergeOutputs([
        { step: one, key: 'OUT', value: 'a' },
        { step: two, key: 'OUT', value: 'b' },
        { step: two, key: 'OUT', value: 'c' },
        { step: one, key: 'ONLY', value: 'd' }
      ])
    ).toEqual({
      'Build / Script.OUT': 'a',
      [`Build / Script (${'2'.repeat(32)}).OUT`]: 'b',
      [`Build / Script (${'2'.repeat(32)}).OUT #2`]: 'c',
      ONLY: 'd'
    })
  })

  test('file_size forms', () => {
    expect([sizeInBytes('0.90KB'), sizeInBytes('12'), sizeInBytes('2 mb'), sizeInBytes(7), sizeInBytes('-1KB'), sizeInBytes('1e3'), sizeInBytes(null)]).toEqual([922, 12, 2_097_152, 7, undefined, undefined, undefined])
  })
})

describe('codearts: prefixed output names stay short', () => {
  test('long job and step names are cut, so two clashing keys keep two names within 128 characters', () => {
    const long = 'J'.repeat(120)
    const merged = mergeOutputs([
      { step: { id: '1'.repeat(32), job: long, name: `${'S'.repeat(100)}one` }, key: 'OUT', value: 'a' },
      { step: { id: '2'.repeat(32), job: long, name: `${'S'.repeat(100)}two` }, key: 'OUT', value: 'b' }
    ])
    expect(Object.values(merged).sort()).toEqual(['a', 'b'])
    for (const name of Object.keys(merged)) expect(name.length).toBeLessThanOrEqual(128)
  })
})
