import { checkStart, readRunResults, resolveJobs } from '../src/chain.js'
import { RelayError } from '../src/core/errors.js'
import { readSettings, type InputName } from '../src/inputs/index.js'
import type { PipelineDeclaration, Provider, RunResults, RunState } from '../src/providers/types.js'
import { FakeHost } from './fixtures/fake-host.js'

/** The rules that keep a chain from losing a value: checked starts and results read back, with a stand-in provider. */

function settings(extra: Partial<Record<InputName, string>>) {
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'bkci',
    endpoint: 'https://bkapi.example.com/api/devops/prod',
    project_id: 'demo',
    pipeline_id: 'p-0123456789abcdef0123456789abcdef',
    app_code: 'relay',
    app_secret: 'app-secret-0123456789',
    username: 'ci-bot',
    ...extra
  }
  return readSettings(name => inputs[name] ?? '', () => undefined)
}

function declaring(declaration: PipelineDeclaration | Error): { provider: Provider; asked: () => number } {
  let asked = 0
  const provider = {
    displayName: 'Vendor',
    async describePipeline() {
      asked += 1
      if (declaration instanceof Error) throw declaration
      return declaration
    }
  } as unknown as Provider
  return { provider, asked: () => asked }
}

const DECLARED: PipelineDeclaration = {
  variables: [
    { name: 'ENV', settable: true, required: false },
    { name: 'GREETING', settable: true, required: false },
    { name: 'REGION', settable: false, required: false }
  ],
  jobs: [
    { id: 'c-1', name: 'build', stage: 'Build' },
    { id: 'c-2', name: 'deploy', stage: 'Deploy' },
    { id: 'c-3', name: 'test', stage: 'Build' },
    { id: 'c-4', name: 'test', stage: 'Deploy' }
  ]
}

describe('a start is checked against what the pipeline declares', () => {
  test('an undeclared variable and a constant are an input error naming them and the declared ones', async () => {
    const { provider } = declaring(DECLARED)
    const error = await checkStart(settings({ variables: 'CODEARTS_RUN_ID=abc123\nREGION=eu\nENV=prod' }), provider, new FakeHost({})).catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(RelayError)
    expect((error as RelayError).kind).toBe('input')
    expect((error as RelayError).message).toBe(
      'Input variables: CODEARTS_RUN_ID is not a variable of the pipeline (it declares ENV, GREETING); REGION is a constant of the pipeline: a run cannot change it. Nothing was started; the pipeline would have ignored them (variables_check: warn starts anyway)'
    )
  })

  test('warn mode starts, warning about each value that will be ignored', async () => {
    const { provider } = declaring(DECLARED)
    const host = new FakeHost({})
    await checkStart(settings({ variables: 'CODEARTS_RUN_ID=abc123\nENV=prod', variables_check: 'warn' }), provider, host)
    expect(host.lines).toEqual(['warning: variables: CODEARTS_RUN_ID is not a variable of the pipeline (it declares ENV, GREETING); the pipeline will ignore it (variables_check: warn)'])
  })

  test('a required variable without a default that is not given is an error, in either mode', async () => {
    const { provider } = declaring({ variables: [{ name: 'TARGET', settable: true, required: true }] })
    for (const mode of ['strict', 'warn']) {
      await expect(checkStart(settings({ variables_check: mode }), provider, new FakeHost({}))).rejects.toThrow(
        'Input variables: the pipeline requires TARGET (no default value); give it. Nothing was started'
      )
    }
  })

  test('jobs by id, by name and by "Stage / name" become ids; an unknown or ambiguous name lists what there is', async () => {
    const { provider } = declaring(DECLARED)
    const codearts = readSettings(
      name => ({ provider: 'codearts', project_id: '0123456789abcdef0123456789abcdef', pipeline_id: 'aaaaaaaabbbbbbbbccccccccdddddddd', token: 'iam-token-0123456789', jobs: 'c-2\nbuild\nDeploy / test' })[name as string] ?? '',
      () => undefined
    )
    expect((await checkStart(codearts, provider, new FakeHost({}))).jobs).toEqual(['c-2', 'c-1', 'c-4'])
    expect(() => resolveJobs(['package'], DECLARED.jobs!)).toThrow(
      'Input jobs: "package" is neither the id nor the name of a job of the pipeline; it has Build / build → c-1, Deploy / deploy → c-2, Build / test → c-3, Deploy / test → c-4'
    )
    expect(() => resolveJobs(['test'], DECLARED.jobs!)).toThrow('Input jobs: "test" names 2 jobs (Build / test → c-3, Deploy / test → c-4); give the id')
  })

  test('a declaration that cannot be read stops a strict start that has something to check, and only warns otherwise', async () => {
    const down = declaring(new RelayError('server', 'gateway down'))
    await expect(checkStart(settings({ variables: 'ENV=prod' }), down.provider, new FakeHost({}))).rejects.toThrow(/Nothing was started; with variables_check: warn/)
    const host = new FakeHost({})
    expect((await checkStart(settings({}), down.provider, host)).jobs).toEqual([])
    expect(host.lines[0]).toMatch(/^warning: Could not read what the pipeline declares/)
    const missing = declaring(new RelayError('not_found', 'no such pipeline'))
    await expect(checkStart(settings({}), missing.provider, new FakeHost({}))).rejects.toThrow('no such pipeline')
  })
})

describe('what a run produced comes back', () => {
  const ended: RunState = { runId: 'b-1', status: 'succeeded', rawStatus: 'SUCCEED', terminal: true, jobs: [] }
  const producing = (results: RunResults | Error) =>
    ({
      async readResults() {
        if (results instanceof Error) throw results
        return results
      }
    }) as unknown as Provider

  test('outputs, artifacts and attempt as one-line JSON; web links only; bounded with a note', async () => {
    const host = new FakeHost({})
    const produced = await readRunResults(
      producing({
        outputs: { VERSION: '1.2.3', NOTES: 'line one\nline two', HUGE: 'x'.repeat(5_000) },
        artifacts: [
          { name: 'app.tar.gz', size: 1024, url: 'https://artifacts.example/app.tar.gz' },
          { name: 'evil', url: 'javascript:alert(1)' }
        ],
        attempt: 2
      }),
      ended,
      host
    )
    expect(produced).toEqual({
      outputs: '{"VERSION":"1.2.3","NOTES":"line one\\nline two"}',
      artifacts: '[{"name":"app.tar.gz","size":1024,"url":"https://artifacts.example/app.tar.gz"},{"name":"evil"}]',
      attempt: '2'
    })
    expect(host.lines).toEqual(['warning: outputs: left out HUGE: longer than 4096 characters'])
  })

  test('a vendor with no outputs gives {}; a failed read warns and claims nothing', async () => {
    expect(await readRunResults({} as Provider, ended, new FakeHost({}))).toEqual({ outputs: '{}' })
    const host = new FakeHost({})
    expect(await readRunResults(producing(new Error('boom')), ended, host)).toBeUndefined()
    expect(host.lines[0]).toMatch(/^warning: Could not read what run b-1 produced/)
  })
})
