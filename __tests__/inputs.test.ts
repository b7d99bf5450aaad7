import { run } from '../src/main.js'
import { DEFAULTS, INPUT_NAMES, MAX_MESSAGE_LENGTH, SECRET_INPUTS, readEndpoint, readSettings, type CodeArtsSettings, type InputName, type Settings } from '../src/inputs/index.js'
import { CODEARTS_ENDPOINTS } from '../src/providers/codearts/regions.js'
import { FakeClock } from './fixtures/fake-clock.js'
import { FakeHost } from './fixtures/fake-host.js'
import { FakeTransport, json } from './fixtures/fake-transport.js'
import { AK, PIPELINE, PROJECT, RUN, SK, TOKEN, answerDefinitionAndResults, codeArtsInputs, detail } from './fixtures/codearts.js'

type Inputs = Partial<Record<InputName, string>>

async function runWith(overrides: Inputs): Promise<{ host: FakeHost; transport: FakeTransport }> {
  const host = new FakeHost(codeArtsInputs(overrides))
  const transport = new FakeTransport()
  await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
  return { host, transport }
}

/** readSettings straight from the inputs (codeArtsInputs plus overrides; '' removes an input). */
function settingsOf(overrides: Inputs = {}, mask: (secret: string) => void = () => undefined): CodeArtsSettings {
  const inputs = codeArtsInputs(overrides)
  const settings = readSettings(name => inputs[name] ?? '', mask)
  if (settings.provider !== 'codearts') throw new Error('expected codearts settings')
  return settings
}

const AKSK: Inputs = { token: '', access_key_id: AK, access_key_secret: SK }
const RETRY: Inputs = { operation: 'retry', run_id: RUN }
const CANCEL: Inputs = { operation: 'cancel', run_id: RUN }
const WATCH: Inputs = { operation: 'watch', run_id: RUN }
const NO_ENDPOINT: Inputs = { endpoint: '' }
const DURATION_FORM = 'is not a duration such as 90s, 30m, 2h or a number of seconds'
const NOT_BOOLEAN = 'is not a boolean; expected true or false'
const CODEARTS_ID = 'is not a CodeArts id: 32 letters and digits'
const CONTROL = 'control characters (line breaks included) are not allowed'

// [what, inputs over codeArtsInputs(), input named in the failure, part of the message]
const BAD_INPUTS: [string, Inputs, InputName, string][] = [
  // provider
  ['provider missing', { provider: '' }, 'provider', 'is required: one of codearts, codearts-pac, yunxiao, bkci'],
  ['provider unknown', { provider: 'jenkins' }, 'provider', '"jenkins" is not a provider; expected one of codearts'],
  ['provider in the wrong case', { provider: 'CodeArts' }, 'provider', '"CodeArts" is not a provider'],
  ['provider with a typo', { provider: 'code-arts' }, 'provider', '"code-arts" is not a provider; expected one of codearts, codearts-pac, yunxiao, bkci'],
  ['provider in upper case', { provider: 'CODEARTS' }, 'provider', '"CODEARTS" is not a provider'],
  // operation
  ['operation unknown', { operation: 'start' }, 'operation', '"start" is not an operation; expected one of run, retry, cancel, watch'],
  ['operation in upper case', { operation: 'RUN' }, 'operation', '"RUN" is not an operation'],
  ['operation rerun', { operation: 'rerun', run_id: RUN }, 'operation', '"rerun" is not an operation'],
  // pipeline_id
  ['pipeline_id missing', { pipeline_id: '' }, 'pipeline_id', 'is required: the id of the pipeline'],
  ['pipeline_id 31 characters', { pipeline_id: PIPELINE.slice(1) }, 'pipeline_id', CODEARTS_ID],
  ['pipeline_id 33 characters', { pipeline_id: `${PIPELINE}a` }, 'pipeline_id', CODEARTS_ID],
  ['pipeline_id with hyphens (a UUID)', { pipeline_id: 'aaaaaaaa-bbbb-bbbb-cccc-ccccdddddddd' }, 'pipeline_id', CODEARTS_ID],
  ['pipeline_id with an underscore', { pipeline_id: `${PIPELINE.slice(1)}_` }, 'pipeline_id', CODEARTS_ID],
  ['pipeline_id is the whole URL', { pipeline_id: `https://devcloud.cn-north-4.huaweicloud.com/cicd/project/${PROJECT}/pipeline/detail/${PIPELINE}` }, 'pipeline_id', "(the last part of the pipeline's URL)"],
  // run_id
  ['run_id with operation run', { run_id: RUN }, 'run_id', 'is not used with operation run (a new run gets a new id)'],
  ['run_id missing for retry', { operation: 'retry' }, 'run_id', 'is required with operation retry: the id of the run to retry'],
  ['run_id missing for cancel', { operation: 'cancel' }, 'run_id', 'is required with operation cancel'],
  ['run_id missing for watch', { operation: 'watch' }, 'run_id', 'is required with operation watch'],
  ['run_id too short', { ...WATCH, run_id: '12345' }, 'run_id', '"12345" is not a CodeArts run id: 32 letters and digits'],
  ['run_id with hyphens', { ...CANCEL, run_id: '11112222-3333-4444-5555-666677778888' }, 'run_id', 'is not a CodeArts run id'],
  ['run_id is a run number', { ...RETRY, run_id: '#42' }, 'run_id', 'is not a CodeArts run id'],
  // project_id and iam_project_id
  ['project_id missing', { project_id: '' }, 'project_id', 'is required for codearts: the CodeArts project id (32 characters, in the project URL), not the IAM project id'],
  ['project_id with hyphens', { project_id: '01234567-89ab-cdef-0123-456789abcdef' }, 'project_id', 'is not a CodeArts id: 32 letters and digits; hyphens and spaces are not part of it'],
  ['project_id too short', { project_id: '0123456789' }, 'project_id', CODEARTS_ID],
  ['iam_project_id malformed', { ...AKSK, iam_project_id: 'cn-north-4' }, 'iam_project_id', 'is not an IAM project id: 32 letters and digits'],
  ['iam_project_id 31 characters', { ...AKSK, iam_project_id: PROJECT.slice(1) }, 'iam_project_id', 'is not an IAM project id'],
  ['iam_project_id with an IAM token', { iam_project_id: PROJECT }, 'iam_project_id', 'an IAM token is already scoped'],
  ['iam_endpoint with an IAM token', { iam_endpoint: 'https://iam.example.com' }, 'iam_endpoint', 'an IAM token is already scoped'],
  ['iam_endpoint with iam_project_id', { ...AKSK, iam_project_id: PROJECT, iam_endpoint: 'https://iam.example.com' }, 'iam_endpoint', 'iam_project_id already gives'],
  ['iam_endpoint over plain http', { ...AKSK, iam_endpoint: 'http://iam.example.com' }, 'iam_endpoint', 'must use https://'],
  // region and endpoint
  ['region unknown, no endpoint', { ...NO_ENDPOINT, region: 'eu-west-0' }, 'region', '"eu-west-0" has no CodeArts Pipeline endpoint; known regions: cn-north-1, cn-north-4'],
  ['region in upper case', { ...NO_ENDPOINT, region: 'CN-NORTH-4' }, 'region', '"CN-NORTH-4" is not a region name like cn-north-4'],
  ['region without its number', { ...NO_ENDPOINT, region: 'cn-north' }, 'region', 'is not a region name like cn-north-4'],
  ['region with underscores, endpoint given', { region: 'cn_north_4' }, 'region', 'is not a region name like cn-north-4'],
  ['endpoint not a URL', { endpoint: 'cloudpipeline-ext.cn-north-4.myhuaweicloud.com' }, 'endpoint', 'is not a URL (it does not start with https://); expected a base URL such as https://host[:port][/path]'],
  ['endpoint http on a public host', { endpoint: 'http://cloudpipeline-ext.cn-north-4.myhuaweicloud.com' }, 'endpoint', 'must use https:// (http:// is accepted for loopback addresses only), not http://'],
  ['endpoint http on a host named like localhost', { endpoint: 'http://localhost.example.com:8080' }, 'endpoint', 'must use https://'],
  ['endpoint http on 127.0.0.1 look-alike', { endpoint: 'http://127.0.0.1.nip.io' }, 'endpoint', 'must use https://'],
  ['endpoint ftp', { endpoint: 'ftp://example.com' }, 'endpoint', 'not ftp://'],
  ['endpoint with credentials', { endpoint: 'https://user:pass-word-1@cloudpipeline-ext.cn-north-4.myhuaweicloud.com' }, 'endpoint', 'must not carry credentials ("@" found; the value is not repeated here); expected a base URL such as https://host[:port][/path], with credentials in their own inputs'],
  ['endpoint with a user name only', { endpoint: 'https://user@example.com' }, 'endpoint', 'must not carry credentials'],
  ['endpoint with a query', { endpoint: 'https://example.com/base?region=cn-north-4' }, 'endpoint', 'must not have a query or fragment'],
  ['endpoint with a fragment', { endpoint: 'https://example.com/#top' }, 'endpoint', 'must not have a query or fragment'],
  // credentials
  ['token and AK/SK both', { access_key_id: AK, access_key_secret: SK }, 'token', 'and access_key_id/access_key_secret were both given; use one way to sign in'],
  ['token and SK', { access_key_secret: SK }, 'token', 'were both given'],
  ['AK without SK', { ...AKSK, access_key_secret: '' }, 'access_key_secret', 'is required with access_key_id'],
  ['SK without AK', { ...AKSK, access_key_id: '' }, 'access_key_id', 'is required with access_key_secret'],
  ['no credentials', { token: '' }, 'token', 'codearts needs credentials: an IAM token in token, or an AK/SK pair'],
  ['security_token alone', { token: '', security_token: 'sts-token-value' }, 'security_token', 'goes with access_key_id and access_key_secret'],
  ['security_token with token', { security_token: 'sts-token-value' }, 'security_token', 'goes with access_key_id/access_key_secret (temporary AK/SK), not with token'],
  ['token with white space inside', { token: 'MIIfake token value' }, 'token', 'contains white space; paste the X-Subject-Token value alone'],
  ['token with its header name', { token: 'X-Subject-Token: MIIabcdef' }, 'token', 'contains white space'],
  ['AK too short', { ...AKSK, access_key_id: 'AKSHORT1' }, 'access_key_id', 'is not an access key id: 10 to 64 letters and digits'],
  ['AK with symbols', { ...AKSK, access_key_id: 'HPUA-TEST-AKEXAMPLE' }, 'access_key_id', 'is not an access key id'],
  ['AK too long', { ...AKSK, access_key_id: 'A'.repeat(65) }, 'access_key_id', 'is not an access key id'],
  ['SK with white space', { ...AKSK, access_key_secret: 'secret key value' }, 'access_key_secret', 'contains white space'],
  ['security_token with white space', { ...AKSK, security_token: 'sts token' }, 'security_token', 'contains white space'],
  // inputs of other providers
  ...(['domain_id', 'organization_id', 'api', 'app_code', 'app_secret', 'username', 'gitcode_token'] as const).map(
    (name): [string, Inputs, InputName, string] => [`${name} (another provider's input)`, { [name]: 'some-value-here' }, name, 'is not used by provider codearts; remove it']
  ),
  // variables
  ['variables line without "="', { variables: 'A=1\nB' }, 'variables', 'line 2 has no "="; expected KEY=VALUE lines or a JSON object'],
  ['variables name starting with a digit', { variables: '1A=x' }, 'variables', '"1A" is not a variable name; expected a letter or _ followed by letters, digits, _ . -'],
  ['variables name with a space', { variables: 'MY VAR=1' }, 'variables', '"MY VAR" is not a variable name'],
  ['variables name empty', { variables: '=value' }, 'variables', '"" is not a variable name'],
  ['variables name in JSON with a $', { variables: '{"$A": "1"}' }, 'variables', '"$A" is not a variable name'],
  ['variables duplicate', { variables: 'A=1\nB=2\nA=3' }, 'variables', 'A is given twice'],
  ['variables invalid JSON', { variables: '{"A": 1,}' }, 'variables', 'is not valid JSON ('],
  ['variables JSON array of non-pairs', { variables: '[1, 2]' }, 'variables', 'each item must be {"name": "...", "value": "..."}'],
  ['variables JSON nested object', { variables: '{"A": {"b": 1}}' }, 'variables', 'the value of A must be a string, number or boolean, not object'],
  ['variables JSON array value', { variables: '{"A": [1, 2]}' }, 'variables', 'the value of A must be a string, number or boolean, not an array'],
  ['variables JSON null value', { variables: '{"A": null}' }, 'variables', 'the value of A must be a string, number or boolean, not null'],
  ['variables value over 8192 characters', { variables: `BIG=${'x'.repeat(8193)}` }, 'variables', 'the value of BIG is 8193 characters; CodeArts takes at most 8192'],
  ['variables JSON value over 8192 characters', { variables: JSON.stringify({ BIG: 'y'.repeat(9000) }) }, 'variables', 'the value of BIG is 9000 characters'],
  // branch, tag, message
  ['branch and tag together', { branch: 'main', tag: 'v1.0.0' }, 'tag', 'cannot be given together with branch: a run builds one or the other'],
  ['branch with ".."', { branch: 'feature..x' }, 'branch', '"feature..x" is not a valid git branch name'],
  ['branch with a space', { branch: 'my branch' }, 'branch', 'is not a valid git branch name'],
  ['branch starting with "-"', { branch: '-main' }, 'branch', 'is not a valid git branch name'],
  ['branch ending in .lock', { branch: 'main.lock' }, 'branch', 'is not a valid git branch name'],
  ['branch ending in /', { branch: 'feature/' }, 'branch', 'is not a valid git branch name'],
  ['branch with @{', { branch: 'main@{1}' }, 'branch', 'is not a valid git branch name'],
  ['branch with a colon', { branch: 'refs:heads' }, 'branch', 'is not a valid git branch name'],
  ['tag with ^', { tag: 'v1^2' }, 'tag', '"v1^2" is not a valid git tag name'],
  ['tag with *', { tag: 'v1.*' }, 'tag', 'is not a valid git tag name'],
  ['message over the limit', { message: 'm'.repeat(MAX_MESSAGE_LENGTH + 1) }, 'message', `is ${MAX_MESSAGE_LENGTH + 1} characters long; at most ${MAX_MESSAGE_LENGTH} are allowed`],
  // inputs that do not fit the operation
  ['variables with cancel', { ...CANCEL, variables: 'A=1' }, 'variables', 'is only used with operation run, not cancel'],
  ['variables with retry', { ...RETRY, variables: 'A=1' }, 'variables', 'is only used with operation run, not retry'],
  ['branch with cancel', { ...CANCEL, branch: 'main' }, 'branch', 'is only used with operation run, not cancel'],
  ['tag with watch', { ...WATCH, tag: 'v1' }, 'tag', 'is only used with operation run, not watch'],
  ['message with retry', { ...RETRY, message: 'again' }, 'message', 'is only used with operation run, not retry'],
  ['jobs with cancel', { ...CANCEL, jobs: 'job1' }, 'jobs', 'is not used with operation cancel'],
  ['jobs with watch', { ...WATCH, jobs: 'job1,job2' }, 'jobs', 'is not used with operation watch'],
  ['jobs with codearts retry', { ...RETRY, jobs: 'job1' }, 'jobs', 'is not used by codearts on retry: CodeArts re-runs the failed jobs of the run itself'],
  ['failed_only false on retry', { ...RETRY, failed_only: 'false' }, 'failed_only', 'false is not supported by codearts: its retry re-runs the failed jobs only'],
  ['skip_failed true', { skip_failed: 'true' }, 'skip_failed', 'is only supported by bkci'],
  ['skip_failed true on retry', { ...RETRY, skip_failed: 'true' }, 'skip_failed', 'is only supported by bkci'],
  // booleans
  ['wait: yes', { wait: 'yes' }, 'wait', `"yes" ${NOT_BOOLEAN}`],
  ['wait: 1', { wait: '1' }, 'wait', NOT_BOOLEAN],
  ['propagate_failure: no', { propagate_failure: 'no' }, 'propagate_failure', NOT_BOOLEAN],
  ['cancel_on_abort: on', { cancel_on_abort: 'on' }, 'cancel_on_abort', NOT_BOOLEAN],
  ['failed_only: tRUE', { failed_only: 'tRUE' }, 'failed_only', NOT_BOOLEAN],
  ['skip_failed: off', { skip_failed: 'off' }, 'skip_failed', NOT_BOOLEAN],
  // durations
  ['timeout: forever', { timeout: 'forever' }, 'timeout', `"forever" ${DURATION_FORM}`],
  ['timeout negative', { timeout: '-5m' }, 'timeout', DURATION_FORM],
  ['timeout with a space', { timeout: '1h 30m' }, 'timeout', DURATION_FORM],
  ['timeout in days', { timeout: '2d' }, 'timeout', DURATION_FORM],
  ['timeout in minutes, spelled out', { timeout: '30min' }, 'timeout', DURATION_FORM],
  ['timeout zero', { timeout: '0' }, 'timeout', '"0" is too short; the least is 1s'],
  ['timeout zero seconds', { timeout: '0s' }, 'timeout', 'is too short; the least is 1s'],
  ['timeout under a second', { timeout: '500ms' }, 'timeout', 'is too short'],
  ['timeout over a week', { timeout: '169h' }, 'timeout', '"169h" is too long; the most is 168h'],
  ['poll_interval: fast', { poll_interval: 'fast' }, 'poll_interval', `"fast" ${DURATION_FORM}`],
  ['poll_interval: Auto', { poll_interval: 'Auto' }, 'poll_interval', DURATION_FORM],
  ['poll_interval too short', { poll_interval: '10ms' }, 'poll_interval', '"10ms" is too short; the least is 50ms'],
  ['poll_interval longer than timeout', { timeout: '1h', poll_interval: '2h' }, 'poll_interval', 'is longer than timeout; the wait would end before the first pause does'],
  ['poll_interval longer than the default timeout', { poll_interval: '61m' }, 'poll_interval', 'is longer than timeout'],
  ['request_timeout: slow', { request_timeout: 'slow' }, 'request_timeout', `"slow" ${DURATION_FORM}`],
  ['request_timeout zero', { request_timeout: '0' }, 'request_timeout', 'is too short; the least is 100ms'],
  ['request_timeout 50ms', { request_timeout: '50ms' }, 'request_timeout', 'is too short'],
  ['request_timeout 20m', { request_timeout: '20m' }, 'request_timeout', '"20m" is too long'],
  // control characters
  ['NUL in pipeline_id', { pipeline_id: `${PIPELINE.slice(0, 16)}\u0000${PIPELINE.slice(16)}` }, 'pipeline_id', `contains a control character (U+0000); ${CONTROL}`],
  ['newline in pipeline_id', { pipeline_id: `${PIPELINE.slice(0, 16)}\n${PIPELINE.slice(16)}` }, 'pipeline_id', `contains a control character (U+000A); ${CONTROL}`],
  ['carriage return in project_id', { project_id: `${PROJECT.slice(0, 16)}\r${PROJECT.slice(16)}` }, 'project_id', 'contains a control character (U+000D)'],
  ['escape in branch', { branch: 'main\u001b[31m' }, 'branch', `contains a control character (U+001B); ${CONTROL}`],
  ['DEL in tag', { tag: 'v1\u007f' }, 'tag', 'contains a control character (U+007F)'],
  ['newline in token', { token: 'MIIfake\nsecond-line' }, 'token', 'contains a control character (U+000A)'],
  ['NUL at the end of the token', { token: `${TOKEN}\u0000` }, 'token', 'contains a control character (U+0000)'],
  ['newline in operation', { operation: 'run\nwatch' }, 'operation', 'contains a control character (U+000A)'],
  ['bell in message', { message: 'line one\nline \u0007two' }, 'message', 'contains a control character (U+0007); control characters are not allowed'],
  ['NUL in variables', { variables: 'A=1\u0000' }, 'variables', 'contains a control character (U+0000)'],
  ['vertical tab in jobs', { jobs: 'a\u000bb' }, 'jobs', 'contains a control character (U+000B)']
]

describe('bad inputs are refused before any request, with the input named', () => {
  test('the table covers at least 45 cases', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(45)
    expect(new Set(BAD_INPUTS.map(([what]) => what)).size).toBe(BAD_INPUTS.length)
  })

  test('the baseline inputs are valid: a run is started', async () => {
    const host = new FakeHost(codeArtsInputs())
    const transport = new FakeTransport().on('POST /run', json(200, { pipeline_run_id: RUN })).always('GET /detail', json(200, detail('COMPLETED')))
    await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
    expect(host.failure).toBeUndefined()
    expect(transport.count('POST /run')).toBe(1)
  })

  test.each(BAD_INPUTS)('%s', async (_what, overrides, input, fragment) => {
    const { host, transport } = await runWith(overrides)
    expect(host.failure).toBeDefined()
    expect(host.failure!.startsWith(`Input ${input}: `)).toBe(true)
    expect(host.failure).toContain(fragment)
    expect(transport.requests).toHaveLength(0)
    expect(host.outputs).toEqual({})
  })
})

describe('jobs by name (codearts)', () => {
  // The pipeline's jobs can be listed, so a name is looked up (the definition, one read) before it is refused.
  test('a name no job has is refused after the definition read, listing the jobs, and nothing is started', async () => {
    const host = new FakeHost(codeArtsInputs({ jobs: 'job one' }))
    const transport = answerDefinitionAndResults(new FakeTransport()).on('POST /run', json(200, { pipeline_run_id: RUN }))
    await run({ host, transport: transport.send, clock: new FakeClock(), signal: new AbortController().signal })
    expect(host.failure).toBe('Input jobs: "job one" is neither the id nor the name of a job of the pipeline; it has Build / Compile → job-a')
    expect(transport.requests.map(request => `${request.method} ${new URL(request.url).pathname}`)).toEqual([`GET /v5/${PROJECT}/api/pipelines/${PIPELINE}`])
    expect(host.outputs).toEqual({})
  })
})

describe('bad input messages', () => {
  test('a secret in a refused input is masked, and the failure does not repeat it', async () => {
    const { host } = await runWith({ app_secret: 'bk-app-secret-value' })
    expect(host.masked).toContain('bk-app-secret-value')
    expect(host.failure).toBe('Input app_secret: is not used by provider codearts; remove it')
  })

  test('the failure for a token with white space does not contain the token', async () => {
    const { host } = await runWith({ token: 'MIIabc defghij' })
    expect(host.failure).not.toContain('MIIabc')
  })

  // src/inputs.ts readDuration: the upper bound is always printed in whole hours, so 600_000 ms prints as "0h".
  test('request_timeout too long names the real limit (10 minutes), not "0h"', async () => {
    const { host } = await runWith({ request_timeout: '20m' })
    expect(host.failure).not.toContain('the most is 0h')
    expect(host.failure).toMatch(/the most is (10m|600s)/)
  })

  // A URL input is not a secret, so nothing masks it: a password or token in a mistaken one
  // must not be repeated, wherever it sits (issue 12).
  test.each<[string, string, string[]]>([
    ['a password with "/" (no parser sees user info)', 'https://deploy-bot:pa/ss-w0rd@cloudpipeline.example.com', ['deploy-bot', 'pa/ss', 'ss-w0rd']],
    ['a password of digits and "/" (parses as host and port)', 'https://deploy-bot:123/ss-w0rd@cloudpipeline.example.com', ['deploy-bot', '123/ss', 'ss-w0rd']],
    ['a password with "?" and "#"', 'https://deploy-bot:pa?ss#w0rd@cloudpipeline.example.com', ['deploy-bot', 'pa?ss', 'w0rd']],
    ['a user name alone', 'https://glpat-0123456789abcdef@cloudpipeline.example.com', ['glpat', '0123456789abcdef']],
    ['a token in the query', 'https://cloudpipeline.example.com/?private_token=glpat-0123456789', ['private_token', 'glpat']],
    ['a token in the fragment', 'https://cloudpipeline.example.com/#access_token=glpat-0123456789', ['access_token', 'glpat']],
    ['a token in the query of a value that is no URL', 'cloudpipeline.example.com/?private_token=glpat-0123456789', ['private_token', 'glpat', 'cloudpipeline']],
    ['a token given as the endpoint', 'glpat-0123456789abcdef:x', ['glpat', '0123456789abcdef']]
  ])('an endpoint with %s is refused, naming the form expected, and nothing of it is repeated', async (_what, endpoint, pieces) => {
    const { host, transport } = await runWith({ endpoint })
    expect(host.failure).toMatch(/^Input endpoint: .*expected a base URL such as https:\/\/host\[:port\]\[\/path\]/)
    for (const piece of pieces) expect(host.failure).not.toContain(piece)
    expect(host.lines.join('\n')).not.toMatch(/glpat|w0rd|deploy-bot/)
    expect(transport.requests).toHaveLength(0)
  })

  // src/inputs.ts readEndpoint: an endpoint that does not parse is echoed whole, password included.
  test('an endpoint that is not a URL is not echoed with the password it carries', async () => {
    const { host } = await runWith({ endpoint: 'https://user:hunter2-password@cloud pipeline.example.com' })
    expect(host.failure).toMatch(/^Input endpoint: /)
    expect(host.failure).not.toContain('hunter2-password')
  })
})

describe('readSettings: what valid inputs become', () => {
  test("variables in CodeArts' own form, a JSON array of name/value pairs", () => {
    expect(settingsOf({ variables: '[{"name": "A", "value": "1"}, {"name": "B", "value": 2}]' }).variables).toEqual([
      { name: 'A', value: '1' },
      { name: 'B', value: '2' }
    ])
  })

  test('defaults', () => {
    const settings = settingsOf({ endpoint: '' })
    expect(settings).toEqual({
      provider: 'codearts',
      operation: 'run',
      pipelineId: PIPELINE,
      runId: undefined,
      projectId: PROJECT,
      projectScope: { kind: 'token' },
      region: 'cn-north-4',
      endpoint: 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com',
      credentials: { kind: 'token', token: TOKEN },
      variables: [],
      branch: undefined,
      tag: undefined,
      message: undefined,
      jobs: [],
      failedOnly: true,
      skipFailed: false,
      wait: true,
      timeoutMs: 3_600_000,
      pollInterval: 'auto',
      requestTimeoutMs: 40_000,
      propagateFailure: true,
      cancelOnAbort: true,
      logs: 'failed',
      variablesCheck: 'strict',
      outputPrefix: 'RELAY_'
    })
  })

  test('DEFAULTS lists every default that the settings show', () => {
    expect(DEFAULTS).toMatchObject({ operation: 'run', timeout: '60m', poll_interval: 'auto', request_timeout: '40s', wait: 'true' })
  })

  test('values are trimmed', () => {
    const settings = settingsOf({ pipeline_id: `  ${PIPELINE}\n`, operation: ' watch ', run_id: `\t${RUN} ` })
    expect(settings).toMatchObject({ pipelineId: PIPELINE, operation: 'watch', runId: RUN })
  })

  test.each<[Inputs, Partial<Settings>]>([
    [{ timeout: '90s' }, { timeoutMs: 90_000 }],
    [{ timeout: '30m' }, { timeoutMs: 1_800_000 }],
    [{ timeout: '2h' }, { timeoutMs: 7_200_000 }],
    [{ timeout: '1h30m' }, { timeoutMs: 5_400_000 }],
    [{ timeout: '600' }, { timeoutMs: 600_000 }],
    [{ timeout: '1s' }, { timeoutMs: 1_000 }],
    [{ timeout: '168h' }, { timeoutMs: 168 * 3_600_000 }],
    [{ poll_interval: '30s' }, { pollInterval: 30_000 }],
    [{ poll_interval: '50ms' }, { pollInterval: 50 }],
    [{ timeout: '10m', poll_interval: '10m' }, { timeoutMs: 600_000, pollInterval: 600_000 }],
    [{ request_timeout: '500ms' }, { requestTimeoutMs: 500 }],
    [{ request_timeout: '100ms' }, { requestTimeoutMs: 100 }],
    [{ request_timeout: '10m' }, { requestTimeoutMs: 600_000 }],
    [{ request_timeout: '2.5' }, { requestTimeoutMs: 2_500 }]
  ])('durations: %j', (inputs, expected) => {
    expect(settingsOf(inputs)).toMatchObject(expected)
  })

  test.each<[string, boolean]>([
    ['true', true],
    ['True', true],
    ['TRUE', true],
    ['false', false],
    ['False', false],
    ['FALSE', false]
  ])('booleans: %j is %s', (text, value) => {
    expect(settingsOf({ wait: text, propagate_failure: text, cancel_on_abort: text })).toMatchObject({ wait: value, propagateFailure: value, cancelOnAbort: value })
  })

  test('KEY=VALUE lines: comments, blank lines, "=" inside values, empty values, CRLF', () => {
    const variables = ['# build settings', '', 'VERSION=1.2.3', '  # an indented comment', 'QUERY=a=b&c=d', 'EMPTY=', '   ', 'dotted.name-x=ok', '_PRIVATE=1\r', 'URL=https://x/?y=1'].join('\n')
    expect(settingsOf({ variables }).variables).toEqual([
      { name: 'VERSION', value: '1.2.3' },
      { name: 'QUERY', value: 'a=b&c=d' },
      { name: 'EMPTY', value: '' },
      { name: 'dotted.name-x', value: 'ok' },
      { name: '_PRIVATE', value: '1' },
      { name: 'URL', value: 'https://x/?y=1' }
    ])
  })

  test('KEY=VALUE lines: a name is trimmed', () => {
    expect(settingsOf({ variables: '  NAME  =value' }).variables).toEqual([{ name: 'NAME', value: 'value' }])
  })

  test('KEY=VALUE lines: a value of exactly 8192 characters is accepted', () => {
    expect(settingsOf({ variables: `BIG=${'x'.repeat(8192)}` }).variables[0]!.value).toHaveLength(8192)
  })

  test('JSON variables: strings, numbers and booleans', () => {
    const variables = '{\n  "S": "x=y",\n  "N": 3,\n  "F": 1.5,\n  "NEG": -2,\n  "T": true,\n  "B": false,\n  "E": ""\n}'
    expect(settingsOf({ variables }).variables).toEqual([
      { name: 'S', value: 'x=y' },
      { name: 'N', value: '3' },
      { name: 'F', value: '1.5' },
      { name: 'NEG', value: '-2' },
      { name: 'T', value: 'true' },
      { name: 'B', value: 'false' },
      { name: 'E', value: '' }
    ])
  })

  test('JSON variables: an empty object is no variables', () => {
    expect(settingsOf({ variables: '{}' }).variables).toEqual([])
  })

  test('jobs: one per line or comma-separated, blanks skipped', () => {
    expect(settingsOf({ jobs: 'job-1, job_2\nstage:3\n\n ,job.4,' }).jobs).toEqual(['job-1', 'job_2', 'stage:3', 'job.4'])
  })

  test('branch, tag and a multi-line message', () => {
    expect(settingsOf({ branch: 'feature/x-1.2' })).toMatchObject({ branch: 'feature/x-1.2', tag: undefined })
    expect(settingsOf({ tag: 'v1.2.3' })).toMatchObject({ tag: 'v1.2.3', branch: undefined })
    const message = 'Deploy\n\nfrom CI\twith a tab'
    expect(settingsOf({ message }).message).toBe(message)
    expect(settingsOf({ message: 'm'.repeat(MAX_MESSAGE_LENGTH) }).message).toHaveLength(MAX_MESSAGE_LENGTH)
  })

  test('retry, cancel and watch take a run id', () => {
    expect(settingsOf(RETRY)).toMatchObject({ operation: 'retry', runId: RUN, failedOnly: true })
    expect(settingsOf({ ...RETRY, failed_only: 'true' })).toMatchObject({ failedOnly: true })
    expect(settingsOf(CANCEL)).toMatchObject({ operation: 'cancel', runId: RUN })
    expect(settingsOf(WATCH)).toMatchObject({ operation: 'watch', runId: RUN })
  })

  test('AK/SK credentials, with an optional security token, and an IAM project id', () => {
    expect(settingsOf(AKSK).credentials).toEqual({ kind: 'aksk', accessKeyId: AK, secretAccessKey: SK, securityToken: undefined })
    expect(settingsOf({ ...AKSK, security_token: 'sts-token-value' }).credentials).toEqual({
      kind: 'aksk',
      accessKeyId: AK,
      secretAccessKey: SK,
      securityToken: 'sts-token-value'
    })
    expect(settingsOf({ ...AKSK, iam_project_id: 'fedcba9876543210fedcba9876543210' }).projectScope).toEqual({ kind: 'given', projectId: 'fedcba9876543210fedcba9876543210' })
  })

  describe('the IAM project of AK/SK requests, looked up where the SDK looks it up', () => {
    const VARIABLE = 'HUAWEICLOUD_SDK_IAM_ENDPOINT'
    const saved = process.env[VARIABLE]
    afterEach(() => {
      if (saved === undefined) delete process.env[VARIABLE]
      else process.env[VARIABLE] = saved
    })

    test('an IAM token is already scoped: nothing to look up', () => {
      delete process.env[VARIABLE]
      expect(settingsOf({}).projectScope).toEqual({ kind: 'token' })
    })

    test.each<[string, Inputs, string, string]>([
      ["the region's own IAM endpoint from the SDK table", {}, 'https://iam.cn-north-4.myhuaweicloud.com', 'the IAM endpoint of cn-north-4'],
      ['another region of the table', { region: 'tr-west-1' }, 'https://iam.tr-west-1.myhuaweicloud.com', 'the IAM endpoint of tr-west-1'],
      ['a region the table lacks: the global endpoint', { region: 'af-north-1' }, 'https://iam.myhuaweicloud.com', 'the global IAM endpoint'],
      ['iam_endpoint wins', { iam_endpoint: 'https://iam.example.com/' }, 'https://iam.example.com', 'iam_endpoint']
    ])('%s', (_title, extra, iamEndpoint, endpointFrom) => {
      delete process.env[VARIABLE]
      expect(settingsOf({ ...AKSK, ...extra }).projectScope).toEqual({ kind: 'lookup', region: extra.region ?? 'cn-north-4', iamEndpoint, endpointFrom })
    })

    test('HUAWEICLOUD_SDK_IAM_ENDPOINT comes before the table, after iam_endpoint', () => {
      process.env[VARIABLE] = 'https://iam.proxy.example.com'
      expect(settingsOf(AKSK).projectScope).toMatchObject({ iamEndpoint: 'https://iam.proxy.example.com', endpointFrom: VARIABLE })
      expect(settingsOf({ ...AKSK, iam_endpoint: 'https://iam.example.com' }).projectScope).toMatchObject({ iamEndpoint: 'https://iam.example.com' })
    })

    test('a HUAWEICLOUD_SDK_IAM_ENDPOINT that is not an https URL is refused, naming the variable', () => {
      process.env[VARIABLE] = 'ftp://iam.example.com'
      expect(() => settingsOf(AKSK)).toThrow(/^Environment variable HUAWEICLOUD_SDK_IAM_ENDPOINT: must use https:\/\//)
    })
  })

  test.each<[string, string]>([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080'],
    ['http://127.1.2.3:9000', 'http://127.1.2.3:9000'],
    ['http://localhost:3000/base/', 'http://localhost:3000/base'],
    ['http://LOCALHOST:3000', 'http://localhost:3000'],
    ['http://[::1]:9000/', 'http://[::1]:9000'],
    ['https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com/', 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com'],
    ['https://gateway.example.com:8443/codearts//', 'https://gateway.example.com:8443/codearts']
  ])('endpoint %s is accepted as %s', (given, expected) => {
    expect(settingsOf({ endpoint: given }).endpoint).toBe(expected)
    expect(readEndpoint(given)).toBe(expected)
  })

  test('an endpoint wins over the region, which must still be well formed', () => {
    expect(settingsOf({ region: 'xx-private-1', endpoint: 'https://gateway.example.com' })).toMatchObject({ region: 'xx-private-1', endpoint: 'https://gateway.example.com' })
  })

  test.each<[string, string]>([
    ['tr-west-1', 'https://pipeline-external.tr-west-1.myhuaweicloud.com'],
    ['la-south-2', 'https://pipeline-external.la-south-2.myhuaweicloud.com'],
    ['af-south-1', 'https://pipeline.af-south-1.myhuaweicloud.com'],
    ['me-east-1', 'https://pipeline.me-east-1.myhuaweicloud.com'],
    ['cn-north-4', 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com'],
    ['ap-southeast-3', 'https://cloudpipeline-ext.ap-southeast-3.myhuaweicloud.com']
  ])('region %s has the endpoint %s', (region, endpoint) => {
    expect(settingsOf({ ...NO_ENDPOINT, region })).toMatchObject({ region, endpoint })
  })

  test('every region of the table is accepted as a region name and gets its own endpoint', () => {
    for (const [region, endpoint] of Object.entries(CODEARTS_ENDPOINTS)) {
      expect(settingsOf({ ...NO_ENDPOINT, region }).endpoint).toBe(endpoint)
    }
  })
})

describe('readSettings: secrets are masked the moment they are read', () => {
  const SECRET_VALUES: Record<string, string> = {
    token: 'token-secret-value',
    access_key_id: 'AKSECRETVALUE0000001',
    access_key_secret: 'sk-secret-value',
    security_token: 'sts-secret-value',
    app_secret: 'app-secret-value',
    gitcode_token: 'gitcode-secret-value'
  }

  test('the secret inputs are exactly the credentials', () => {
    expect([...SECRET_INPUTS].sort()).toEqual(Object.keys(SECRET_VALUES).sort())
  })

  test('each secret is masked right after it is read, before any other input, even when the inputs are then refused', () => {
    const events: string[] = []
    const values: Inputs = { ...codeArtsInputs({ ...WATCH, variables: '', branch: '', region: 'cn-north-4', username: 'ci-user', app_code: 'app-code' }), ...SECRET_VALUES }
    // Every input gets a value, so every one of them is read.
    for (const name of INPUT_NAMES) if (values[name] === undefined) values[name] = `value-of-${name}`
    const source = (name: InputName): string => {
      events.push(`read ${name}`)
      return values[name] ?? ''
    }
    expect(() => readSettings(source, secret => events.push(`mask ${secret}`))).toThrow(/^Input /)
    for (const name of SECRET_INPUTS) {
      const at = events.indexOf(`read ${name}`)
      expect(at).toBeGreaterThanOrEqual(0)
      expect(events[at + 1]).toBe(`mask ${SECRET_VALUES[name]}`)
    }
    const masked = events.filter(event => event.startsWith('mask ')).map(event => event.slice(5))
    expect(masked.sort()).toEqual(Object.values(SECRET_VALUES).sort())
  })

  test('non-secrets are never masked', () => {
    const masked: string[] = []
    const settings = settingsOf({ ...AKSK, security_token: 'sts-token-value', variables: 'A=1', message: 'hello there', branch: 'main' }, secret => masked.push(secret))
    expect(settings.credentials.kind).toBe('aksk')
    expect(masked.sort()).toEqual([AK, SK, 'sts-token-value'].sort())
    for (const value of [PIPELINE, PROJECT, 'A=1', 'hello there', 'main', 'https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com']) {
      expect(masked).not.toContain(value)
    }
  })

  test('a secret is masked trimmed, and an empty secret is not masked', () => {
    const masked: string[] = []
    settingsOf({ token: `  ${TOKEN}\n` , security_token: '   ' }, secret => masked.push(secret))
    expect(masked).toEqual([TOKEN])
  })

  test('through run(), the host masks the secret before the failure is written', async () => {
    const { host } = await runWith({ ...AKSK, access_key_id: 'BAD-AK-VALUE' })
    expect(host.masked).toEqual(expect.arrayContaining(['BAD-AK-VALUE', SK]))
    expect(host.failure).toBe('Input access_key_id: is not an access key id: 10 to 64 letters and digits')
  })
})
