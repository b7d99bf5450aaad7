/**
 * Bad input, through the built bundle against each provider's emulator: one clear message that
 * names the input, exit 1 (the step fails), and the emulator saw no request at all. Every case
 * starts from inputs that work and breaks exactly one thing.
 */
import type { Scenario } from '../e2e/worlds/types.js'
import { FLAVOURS, type FlavourId } from './flavours.js'
import { STACK_TRACE, errorLines, githubStep } from './harness.js'

interface BadInput {
  flavour: FlavourId
  title: string
  /** The input the message must name. */
  input: string
  /** Changes to working inputs; '' removes one. */
  set: Record<string, string>
  scenario?: Scenario
  /** Pieces of a value that is not a secret (so nothing masks it) but holds one: never printed. */
  unprinted?: string[]
  /**
   * The reads a case needs before it can tell the input is wrong (default none). A job given by
   * name is looked up among the pipeline's jobs, so it costs the definition read.
   */
  reads?: RegExp[]
}

const LONG = 'x'.repeat(961)
const id32 = (text: string): string => text.padEnd(32, '0').slice(0, 32)

/** Mistakes anyone can make with any provider. */
function common(flavour: FlavourId, runId: string): BadInput[] {
  const cases: Omit<BadInput, 'flavour'>[] = [
    { title: 'an unknown provider', input: 'provider', set: { provider: 'jenkins' } },
    { title: 'a provider in capitals', input: 'provider', set: { provider: flavour.split('-')[0]!.toUpperCase() } },
    { title: 'no provider', input: 'provider', set: { provider: '' } },
    { title: 'an unknown operation', input: 'operation', set: { operation: 'restart' } },
    { title: 'run_id with operation run', input: 'run_id', set: { run_id: runId } },
    { title: 'retry without run_id', input: 'run_id', set: { operation: 'retry' } },
    { title: 'watch without run_id', input: 'run_id', set: { operation: 'watch' } },
    { title: 'cancel without run_id', input: 'run_id', set: { operation: 'cancel' } },
    { title: 'variables with watch', input: 'variables', set: { operation: 'watch', run_id: runId, variables: 'A=1' } },
    { title: 'a timeout that is not a duration', input: 'timeout', set: { timeout: 'soon' } },
    { title: 'a negative timeout', input: 'timeout', set: { timeout: '-5m' } },
    { title: 'a timeout too short', input: 'timeout', set: { timeout: '0s' } },
    { title: 'a timeout over seven days', input: 'timeout', set: { timeout: '30d' } },
    { title: 'a poll_interval under 50 ms', input: 'poll_interval', set: { poll_interval: '1ms' } },
    { title: 'a poll_interval longer than the timeout', input: 'poll_interval', set: { timeout: '1m', poll_interval: '5m' } },
    { title: 'a request_timeout that is not a duration', input: 'request_timeout', set: { request_timeout: 'forever' } },
    { title: 'wait that is not a boolean', input: 'wait', set: { wait: 'yes' } },
    { title: 'cancel_on_abort that is not a boolean', input: 'cancel_on_abort', set: { cancel_on_abort: '1' } },
    { title: 'http:// to a host that is not loopback', input: 'endpoint', set: { endpoint: 'http://api.example.com' } },
    { title: 'an endpoint with a password in it', input: 'endpoint', set: { endpoint: 'https://user:hunter2-password@api.example.com' } },
    { title: 'an endpoint that is not a URL', input: 'endpoint', set: { endpoint: 'api example com' } },
    { title: 'an endpoint with a password holding "/"', input: 'endpoint', set: { endpoint: 'https://deploy-bot:pa/ss-w0rd@api.example.com' }, unprinted: ['deploy-bot', 'pa/ss', 'ss-w0rd'] },
    { title: 'an endpoint with a token in the query', input: 'endpoint', set: { endpoint: 'https://api.example.com/?private_token=tok-w0rd' }, unprinted: ['private_token', 'tok-w0rd'] },
    { title: 'a newline inside pipeline_id', input: 'pipeline_id', set: { pipeline_id: 'abc\ndef', operation: 'watch', run_id: runId } },
    { title: 'a control character in the timeout', input: 'timeout', set: { timeout: '10m\u0007' } },
    { title: 'an escape sequence in the message', input: 'message', set: { message: 'release \u001b[31mnow' } },
    { title: 'a line separator in the endpoint', input: 'endpoint', set: { endpoint: 'https://api.example.com\u2028/x' } }
  ]
  return cases.map(c => ({ ...c, flavour }))
}

const C = { flavour: 'codearts' as const }
const P = { flavour: 'codearts-pac' as const }
const YO = { flavour: 'yunxiao-openapi' as const }
const YP = { flavour: 'yunxiao-pop' as const }
const B = { flavour: 'bkci-v4' as const }

const CASES: BadInput[] = [
  ...common('codearts', FLAVOURS.codearts.placeholderRunId),
  { ...C, title: 'a pipeline_id of 31 characters', input: 'pipeline_id', set: { pipeline_id: 'a'.repeat(31) } },
  { ...C, title: 'a pipeline_id with a hyphen', input: 'pipeline_id', set: { pipeline_id: `${'a'.repeat(15)}-${'b'.repeat(16)}` } },
  { ...C, title: 'a run_id of the wrong length', input: 'run_id', set: { operation: 'watch', run_id: 'abc123' } },
  { ...C, title: 'the IAM project id (with hyphens) as project_id', input: 'project_id', set: { project_id: '0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d' } },
  { ...C, title: 'no project_id', input: 'project_id', set: { project_id: '' } },
  { ...C, title: 'an IAM project id that is not one', input: 'iam_project_id', set: { iam_project_id: 'cn-north-4' } },
  { ...C, title: 'a region that is not a region name', input: 'region', set: { region: 'cn_north_4' } },
  { ...C, title: 'token and AK/SK together', input: 'token', set: { token: 'some-iam-token-value' } },
  { ...C, title: 'no credentials', input: 'token', set: { access_key_id: '', access_key_secret: '' } },
  { ...C, title: 'an access key id without its secret', input: 'access_key_secret', set: { access_key_secret: '' } },
  { ...C, title: 'an access key id with odd characters', input: 'access_key_id', set: { access_key_id: 'AK/with+slash' } },
  { ...C, title: 'a security token without keys', input: 'security_token', set: { access_key_id: '', access_key_secret: '', security_token: 'sts-token-value' } },
  { ...C, title: 'a bk-ci input given to codearts', input: 'app_code', set: { app_code: 'my-app' } },
  { ...C, title: 'skip_failed, which only bkci has', input: 'skip_failed', set: { skip_failed: 'true' } },
  { ...C, title: 'a message over 960 characters', input: 'message', set: { message: LONG } },
  { ...C, title: 'variables without "="', input: 'variables', set: { variables: 'DEPLOY_ENV' } },
  { ...C, title: 'variables as broken JSON', input: 'variables', set: { variables: '{"A": "1",' } },
  { ...C, title: 'a variable given twice', input: 'variables', set: { variables: 'A=1\nA=2' } },
  { ...C, title: 'a variable name starting with a digit', input: 'variables', set: { variables: '1A=x' } },
  { ...C, title: 'a JSON variable that is an object', input: 'variables', set: { variables: '{"A": {"nested": true}}' } },
  { ...C, title: 'branch and tag together', input: 'tag', set: { branch: 'main', tag: 'v1.0.0' } },
  { ...C, title: 'a branch name with ".."', input: 'branch', set: { branch: 'feature..x' } },
  // Not an id, so a name: looked up in the pipeline's definition (one read), then refused as unknown.
  { ...C, title: 'a job that is neither an id nor a job name', input: 'jobs', set: { jobs: 'build job' }, reads: [/^GET \/v3\/projects\?name=/, /^GET \/v5\/\w{32}\/api\/pipelines\/\w{32}\?$/] },

  ...common('codearts-pac', FLAVOURS['codearts-pac'].placeholderRunId),
  { ...P, title: 'no domain_id', input: 'domain_id', set: { domain_id: '' } },
  { ...P, title: 'a domain_id of the wrong length', input: 'domain_id', set: { domain_id: 'abc' } },
  { ...P, title: 'pipeline_id to start a run (the file decides)', input: 'pipeline_id', set: { pipeline_id: id32('emuPacSucceed') } },
  { ...P, title: 'no repository_url to start a run', input: 'repository_url', set: { repository_url: '' } },
  { ...P, title: 'a repository_url over http://', input: 'repository_url', set: { repository_url: 'http://gitcode.com/emulator/app.git' } },
  { ...P, title: 'a repository_url with a token in it', input: 'repository_url', set: { repository_url: 'https://oauth2:secret-in-url@gitcode.com/emulator/app.git' }, unprinted: ['oauth2', 'secret-in-url'] },
  { ...P, title: 'a repository_url with a token in the query', input: 'repository_url', set: { repository_url: 'https://gitcode.com/emulator/app.git?private_token=tok-w0rd' }, unprinted: ['private_token', 'tok-w0rd'] },
  { ...P, title: 'a pipeline_file outside the repository', input: 'pipeline_file', set: { pipeline_file: '../other/build.yml' } },
  { ...P, title: 'a pipeline_file that is not YAML', input: 'pipeline_file', set: { pipeline_file: '.gitcode/workflows/build.json' } },
  { ...P, title: 'a short commit id', input: 'commit', set: { commit: 'abc1234' } },
  { ...P, title: 'variables, which GitCode runs do not take', input: 'variables', set: { variables: 'A=1' } },
  { ...P, title: 'repository_url with watch', input: 'repository_url', set: { operation: 'watch', run_id: FLAVOURS['codearts-pac'].placeholderRunId, repository_url: 'https://gitcode.com/emulator/app.git' } },
  { ...P, title: 'a gitcode_token with a space', input: 'gitcode_token', set: { gitcode_token: 'token with space' } },

  ...common('yunxiao-openapi', FLAVOURS['yunxiao-openapi'].placeholderRunId),
  { ...YO, title: 'the pipeline URL as pipeline_id (wrong kind of id)', input: 'pipeline_id', set: { pipeline_id: 'https://flow.aliyun.com/pipelines/9000001/current' } },
  { ...YO, title: 'a pipeline_id with letters', input: 'pipeline_id', set: { pipeline_id: '90000a1' } },
  { ...YO, title: 'a run number written "#12" as run_id', input: 'run_id', set: { operation: 'watch', run_id: '#12' } },
  { ...YO, title: 'no organization_id on the central OpenAPI', input: 'organization_id', set: { organization_id: '', endpoint: '' } },
  { ...YO, title: 'an organization URL as organization_id', input: 'organization_id', set: { organization_id: 'https://devops.aliyun.com/organization/abc' } },
  { ...YO, title: 'an API flavour that does not exist', input: 'api', set: { api: 'v2' } },
  { ...YO, title: 'api devops-2021-06-25 with a token', input: 'api', set: { api: 'devops-2021-06-25' } },
  { ...YO, title: 'token and AK/SK together', input: 'token', set: { access_key_id: 'LTAIEmulatorFakeKey00001', access_key_secret: 'EmulatorFakeAccessKeySecret001' } },
  { ...YO, title: 'a token with "Bearer " in front', input: 'token', set: { token: 'Bearer pt-abc' } },
  { ...YO, title: 'the reserved variable "version"', input: 'variables', set: { variables: 'version=1.2' } },
  { ...YO, title: 'jobs with operation run', input: 'jobs', set: { jobs: 'build' } },
  { ...YO, title: 'the POP endpoint with a token', input: 'endpoint', set: { endpoint: 'https://devops.cn-hangzhou.aliyuncs.com' } },
  { ...YP, title: 'a temporary (STS.) key without its security token', input: 'security_token', set: { access_key_id: 'STS.EmulatorFakeStsKey001' } },
  { ...YP, title: 'an AccessKey ID with a slash', input: 'access_key_id', set: { access_key_id: 'LTAI/EmulatorFake' } },
  { ...YP, title: 'api openapi with an AK/SK', input: 'api', set: { api: 'openapi' } },
  { ...YP, title: 'the OpenAPI endpoint for the POP API', input: 'endpoint', set: { endpoint: 'https://openapi-rdc.aliyuncs.com' } },
  { ...YP, title: 'failed_only false without jobs on retry', input: 'failed_only', set: { operation: 'retry', run_id: '12', failed_only: 'false' } },

  ...common('bkci-v4', FLAVOURS['bkci-v4'].placeholderRunId),
  { ...B, title: 'a pipeline_id without "p-" (wrong kind of id)', input: 'pipeline_id', set: { pipeline_id: 'e0000000000000000000000000000001' } },
  { ...B, title: 'a pipeline_id in capitals', input: 'pipeline_id', set: { pipeline_id: 'p-E0000000000000000000000000000001' } },
  { ...B, title: 'a build number as run_id', input: 'run_id', set: { operation: 'watch', run_id: '#12' } },
  { ...B, title: 'a pipeline id as run_id (wrong kind of id)', input: 'run_id', set: { operation: 'watch', run_id: 'p-e0000000000000000000000000000001' } },
  { ...B, title: "the project's display name as project_id", input: 'project_id', set: { project_id: 'My Project' } },
  { ...B, title: 'no endpoint', input: 'endpoint', set: { endpoint: '' } },
  { ...B, title: 'an endpoint with the API path in it', input: 'endpoint', set: { endpoint: 'https://bkapi.example.com/api/devops/prod/v4/apigw-app' } },
  { ...B, title: 'no username', input: 'username', set: { username: '' } },
  { ...B, title: 'a username with a space', input: 'username', set: { username: 'jane doe' } },
  { ...B, title: 'app_code without app_secret', input: 'app_secret', set: { app_secret: '' } },
  { ...B, title: 'a token together with app_code', input: 'app_code', set: { token: 'access-token-value', app_secret: '' } },
  { ...B, title: 'a tag, which bk-ci cannot start', input: 'tag', set: { tag: 'v1.0.0' } },
  { ...B, title: 'BK_CI_BUILD_MSG among the variables', input: 'variables', set: { variables: 'BK_CI_BUILD_MSG=hello' } },
  { ...B, title: 'a variable name with "-"', input: 'variables', set: { variables: 'MY-VAR=1' } },
  { ...B, title: 'variables as a JSON array', input: 'variables', set: { variables: '[{"name":"A","value":"1"}]' } },
  { ...B, title: 'a number as a JSON variable value', input: 'variables', set: { variables: '{"REPLICAS": 3}' } },
  { ...B, title: 'skip_failed with operation run', input: 'skip_failed', set: { skip_failed: 'true' } },
  { ...B, title: 'an API version that does not exist', input: 'api', set: { api: 'v5' } },
  { ...B, title: 'two jobs to retry', input: 'jobs', set: { operation: 'retry', run_id: FLAVOURS['bkci-v4'].placeholderRunId, jobs: 'stage-1,stage-2' } },
  { ...B, title: 'a message too long for a build message', input: 'message', set: { message: 'm'.repeat(240) } },
  { ...B, title: 'a console_url over http://', input: 'console_url', set: { console_url: 'http://devops.example.com' } }
]

describe('bad input: one message naming the input, and not a single request (but the reads a case needs)', () => {
  test('the table covers every provider, at least 80 cases in all', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(80)
    expect(new Set(CASES.map(c => c.flavour.split('-')[0]))).toEqual(new Set(['codearts', 'yunxiao', 'bkci']))
    expect(new Set(CASES.map(c => c.flavour))).toEqual(new Set(['codearts', 'codearts-pac', 'yunxiao-openapi', 'yunxiao-pop', 'bkci-v4']))
  })

  test.concurrent.each(CASES.map(c => [c.flavour, c.title, c] as const))('%s: %s', async (_flavour, _title, bad) => {
    const world = FLAVOURS[bad.flavour].make()
    await world.start()
    try {
      const base = world.inputs(bad.scenario ?? 'succeed', { operation: bad.set.operation ?? 'run', poll_interval: '100ms', request_timeout: '2s', timeout: '20s' })
      const inputs = { ...base, ...bad.set }
      const ran = await githubStep({ inputs, secrets: world.secrets, killAfterMs: 20_000 })
      const errors = errorLines(ran.stdout)
      expect({ exitCode: ran.exitCode, errors: errors.length }).toEqual({ exitCode: 1, errors: 1 })
      expect(errors[0]).toMatch(new RegExp(`^::error::Input ${bad.input}: \\S`))
      expect(ran.stdout + ran.stderr).not.toMatch(STACK_TRACE)
      const requests = world.requestLines()
      expect(requests).toHaveLength(bad.reads?.length ?? 0)
      bad.reads?.forEach((read, index) => expect(requests[index]).toMatch(read))
      expect(ran.outputs).toEqual({})
      expect(ran.leaks).toEqual([])
      for (const piece of bad.unprinted ?? []) expect(ran.stdout + ran.stderr).not.toContain(piece)
    } finally {
      await world.stop()
    }
  }, 30_000)
})
