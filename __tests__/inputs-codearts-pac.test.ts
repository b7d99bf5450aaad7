import { run } from '../src/main.js'
import { readSettings, type InputName } from '../src/inputs/index.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport } from './fixtures/fake-transport.js'

type Inputs = Partial<Record<InputName, string>>
const DOMAIN = 'fedcba9876543210fedcba9876543210'
const PIPELINE = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const RUN = '11112222333344445555666677778888'

function inputs(extra: Inputs): Inputs {
  const base: Inputs = {
    provider: 'codearts-pac',
    domain_id: DOMAIN,
    token: 'iam-token-value-0123456789',
    repository_url: 'https://gitcode.com/octo/app.git',
    pipeline_file: '.gitcode/workflows/build.yml'
  }
  return Object.fromEntries(Object.entries({ ...base, ...extra }).filter(([, value]) => value !== '')) as Inputs
}

const WATCH: Inputs = { operation: 'watch', pipeline_id: PIPELINE, run_id: RUN, repository_url: '', pipeline_file: '' }

const BAD: [string, Inputs, InputName, string][] = [
  ['no domain id', { domain_id: '' }, 'domain_id', 'is required for codearts-pac'],
  ['domain id of the wrong length', { domain_id: 'abc' }, 'domain_id', 'is not a Huawei account id'],
  ['pipeline id on run', { pipeline_id: PIPELINE }, 'pipeline_id', 'is not used by codearts-pac to start a run'],
  ['no repository on run', { repository_url: '' }, 'repository_url', 'is required to start a GitCode pipeline'],
  ['no pipeline file on run', { pipeline_file: '' }, 'pipeline_file', 'is required to start a GitCode pipeline'],
  ['repository over http', { repository_url: 'http://gitcode.com/octo/app.git' }, 'repository_url', 'must be an https:// URL'],
  ['repository with a token inside', { repository_url: 'https://oauth2:secret-value@gitcode.com/octo/app.git' }, 'repository_url', 'must not carry credentials'],
  ['repository not a URL', { repository_url: 'gitcode.com/octo/app' }, 'repository_url', 'is not a URL'],
  ['absolute pipeline file', { pipeline_file: '/etc/build.yml' }, 'pipeline_file', 'is not a path to a YAML file inside the repository'],
  ['pipeline file climbing out', { pipeline_file: '../build.yml' }, 'pipeline_file', 'is not a path to a YAML file'],
  ['pipeline file not YAML', { pipeline_file: 'build.json' }, 'pipeline_file', 'ending in .yml or .yaml'],
  ['short commit', { commit: 'abc1234' }, 'commit', 'is not a full commit id: 40 hex digits'],
  ['variables', { variables: 'A=1' }, 'variables', 'are not taken by the GitCode pipeline run API'],
  ['message', { message: 'hello' }, 'message', 'is not taken by the GitCode pipeline run API'],
  ['jobs', { jobs: 'build' }, 'jobs', 'is not used by codearts-pac'],
  ['skip_failed', { ...WATCH, operation: 'retry', skip_failed: 'true' }, 'skip_failed', 'is only supported by bkci'],
  ['watch without pipeline id', { ...WATCH, pipeline_id: '' }, 'pipeline_id', 'is required: the id of the pipeline'],
  ['watch with a malformed run id', { ...WATCH, run_id: 'run-1' }, 'run_id', 'is not a CodeArts run id'],
  ['repository on watch', { ...WATCH, repository_url: 'https://gitcode.com/octo/app.git' }, 'repository_url', 'is only used with operation run, not watch'],
  ['commit on cancel', { ...WATCH, operation: 'cancel', commit: '0123456789abcdef0123456789abcdef01234567' }, 'commit', 'is only used with operation run, not cancel'],
  ['gitcode token with a space', { gitcode_token: 'abc def' }, 'gitcode_token', 'contains white space'],
  ['project id of codearts', { project_id: PIPELINE }, 'project_id', 'is not used by provider codearts-pac'],
  ['no Huawei credentials', { token: '' }, 'token', 'codearts needs credentials'],
  ['token and AK/SK', { access_key_id: 'HPUATESTAKEXAMPLE000', access_key_secret: 'secret-value-0123' }, 'token', 'were both given']
]

describe('codearts-pac: a repository_url carrying a token is refused without repeating it', () => {
  test.each<[string, string, string[]]>([
    ['a token in the query', 'https://gitcode.com/octo/app.git?private_token=gct-0123456789', ['private_token', 'gct-0123456789']],
    ['a token in the fragment', 'https://gitcode.com/octo/app.git#gct-0123456789', ['gct-0123456789']],
    ['a token before the host, with "/" in it', 'https://oauth2:gct/0123456789@gitcode.com/octo/app.git', ['oauth2', 'gct/0123456789', '0123456789']],
    ['a token in the query of a value that is no URL', 'gitcode.com/octo/app.git?private_token=gct-0123456789', ['private_token', 'gct-0123456789', 'octo/app']]
  ])('%s', async (_what, repositoryUrl, pieces) => {
    const host = new FakeHost(inputs({ repository_url: repositoryUrl }))
    const transport = new FakeTransport()
    await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
    expect(host.failure).toMatch(/^Input repository_url: .*expected the https URL of the repository, e\.g\. https:\/\/gitcode\.com\/group\/project\.git/)
    for (const piece of pieces) expect(`${host.failure}\n${host.lines.join('\n')}`).not.toContain(piece)
    expect(transport.requests).toHaveLength(0)
  })

  test('credentials in the URL point to gitcode_token', () => {
    const read = inputs({ repository_url: 'https://oauth2:gct-0123456789@gitcode.com/octo/app.git' })
    expect(() => readSettings(name => read[name] ?? '', () => undefined)).toThrow(/^Input repository_url: must not carry credentials .*with credentials in gitcode_token$/)
  })
})

describe('codearts-pac: bad inputs are refused before any request, with the input named', () => {
  test.each(BAD)('%s', async (_name, extra, input, fragment) => {
    const host = new FakeHost(inputs(extra))
    const transport = new FakeTransport()
    await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
    expect(host.failure?.startsWith(`Input ${input}: `)).toBe(true)
    expect(host.failure).toContain(fragment)
    expect(transport.requests).toHaveLength(0)
  })
})

describe('codearts-pac settings', () => {
  test('a run needs no pipeline id; the GitCode token is masked; the commit is kept in lower case', () => {
    const masked: string[] = []
    const given = inputs({ gitcode_token: 'gitcode-token-0123456789', commit: 'ABCDEF0123456789ABCDEF0123456789ABCDEF01' })
    const settings = readSettings(name => given[name] ?? '', secret => masked.push(secret))
    expect(settings).toMatchObject({ provider: 'codearts-pac', pipelineId: '', domainId: DOMAIN, commit: 'abcdef0123456789abcdef0123456789abcdef01', region: 'cn-north-4' })
    expect(masked).toContain('gitcode-token-0123456789')
  })
})
