import { RelayError } from '../src/core/errors.js'
import { readCommon } from '../src/inputs/common.js'
import { rejectControlCharacters } from '../src/inputs/fields.js'
import { readSettings } from '../src/inputs/index.js'
import { COMMON_INPUTS, DEFAULTS, INPUT_NAMES, invalid, type InputName } from '../src/inputs/names.js'
import { DEVOPS_ENDPOINT, OPENAPI_ENDPOINT, YUNXIAO_INPUTS, readYunxiao, type YunxiaoSettings } from '../src/inputs/yunxiao.js'

type Inputs = Partial<Record<InputName, string>>

const ORG = '5ebbc0228123212b59aaaaaa'
const TOKEN = 'pt-FakeYunxiaoTokenForTests0123456789'
const AK = 'LTAI5tFakeAccessKeyId01'
const SK = 'FakeAccessKeySecretForTests0123456789'

const BASE: Inputs = { provider: 'yunxiao', pipeline_id: '1234567', organization_id: ORG, token: TOKEN }
const AKSK: Inputs = { token: '', access_key_id: AK, access_key_secret: SK }
const RETRY: Inputs = { operation: 'retry', run_id: '12' }

/**
 * The settings for these inputs (BASE plus overrides; '' removes an input). Through readSettings once yunxiao is wired
 * into it; until then through the same steps readSettings takes (defaults, control characters, inputs this provider
 * does not read, common inputs, then readYunxiao).
 */
function settingsOf(overrides: Inputs = {}): YunxiaoSettings {
  const inputs: Inputs = { ...BASE, ...overrides }
  try {
    return readSettings(name => inputs[name] ?? '', () => undefined) as unknown as YunxiaoSettings
  } catch (error) {
    if (!(error instanceof RelayError) || !/is planned but not in this version yet/.test(error.message)) throw error
  }
  const values = new Map<InputName, string>()
  for (const name of INPUT_NAMES) {
    const text = (inputs[name] ?? '').trim()
    values.set(name, text === '' ? (DEFAULTS[name] ?? '') : text)
  }
  for (const [name, value] of values) rejectControlCharacters(name, value)
  const read = (name: InputName): string => values.get(name) ?? ''
  const given = (name: InputName): boolean => read(name) !== ''
  const allowed = new Set<InputName>([...COMMON_INPUTS, ...YUNXIAO_INPUTS])
  for (const name of INPUT_NAMES) {
    if ((inputs[name] ?? '').trim() !== '' && !allowed.has(name)) throw invalid(name, 'is not used by provider yunxiao; remove it')
  }
  return readYunxiao(readCommon(read, given), read, given)
}

function failure(overrides: Inputs): RelayError {
  try {
    settingsOf(overrides)
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error(`expected the inputs ${JSON.stringify(overrides)} to be refused`)
}

// [what, inputs over BASE, input named in the failure, part of the message]
const BAD_INPUTS: [string, Inputs, InputName, string][] = [
  // pipeline_id
  ['pipeline_id with letters', { pipeline_id: 'abc' }, 'pipeline_id', '"abc" is not a Yunxiao pipeline id: a number, as in https://flow.aliyun.com/pipelines/<id>/current'],
  ['pipeline_id is the pipeline URL', { pipeline_id: 'https://flow.aliyun.com/pipelines/1234567/current' }, 'pipeline_id', 'is not a Yunxiao pipeline id: a number, as in https://flow.aliyun.com/pipelines/<id>/current; use 1234567'],
  ['pipeline_id with a leading zero', { pipeline_id: '0123' }, 'pipeline_id', 'is not a Yunxiao pipeline id'],
  ['pipeline_id of 20 digits', { pipeline_id: '12345678901234567890' }, 'pipeline_id', 'is not a Yunxiao pipeline id'],
  ['pipeline_id a CodeArts id', { pipeline_id: 'aaaaaaaabbbbbbbbccccccccdddddddd' }, 'pipeline_id', 'is not a Yunxiao pipeline id'],
  // run_id
  ['run_id as "#12"', { operation: 'watch', run_id: '#12' }, 'run_id', `"#12" is not a Yunxiao run id: the run's number within the pipeline (pipelineRunId), e.g. 12; use 12`],
  ['run_id with letters', { operation: 'cancel', run_id: 'run-12' }, 'run_id', 'is not a Yunxiao run id'],
  ['run_id zero', { operation: 'watch', run_id: '0' }, 'run_id', 'is not a Yunxiao run id'],
  ['run_id with operation run', { run_id: '12' }, 'run_id', 'is not used with operation run'],
  ['run_id missing for retry', { operation: 'retry' }, 'run_id', 'is required with operation retry'],
  // organization_id
  ['organization_id missing (central OpenAPI)', { organization_id: '' }, 'organization_id', 'is required for yunxiao (only a region edition, with its own endpoint, goes without one)'],
  ['organization_id missing (devops API)', { ...AKSK, organization_id: '' }, 'organization_id', 'is required for yunxiao: the organization id in https://devops.aliyun.com/organization/<id>'],
  ['organization_id missing with the central endpoint given', { organization_id: '', endpoint: 'https://openapi-rdc.aliyuncs.com/' }, 'organization_id', 'is required for yunxiao'],
  ['organization_id is a URL', { organization_id: `https://devops.aliyun.com/organization/${ORG}` }, 'organization_id', `is not an organization id: letters, digits, _ and -, as in https://devops.aliyun.com/organization/<id>; use ${ORG}`],
  ['organization_id with a space', { organization_id: 'my org' }, 'organization_id', '"my org" is not an organization id'],
  ['organization_id too long', { organization_id: 'a'.repeat(65) }, 'organization_id', 'is not an organization id'],
  // api
  ['api unknown', { api: 'v2' }, 'api', '"v2" is not a Yunxiao API; expected openapi or devops-2021-06-25'],
  ['api in the wrong case', { api: 'OpenAPI' }, 'api', '"OpenAPI" is not a Yunxiao API'],
  ['api the bkci flavour', { api: 'v4' }, 'api', '"v4" is not a Yunxiao API'],
  ['api openapi with AK/SK', { ...AKSK, api: 'openapi' }, 'api', '"openapi" signs in with a personal access token in token, but access_key_id/access_key_secret were given'],
  ['api devops-2021-06-25 with a token', { api: 'devops-2021-06-25' }, 'api', '"devops-2021-06-25" signs in with an AK/SK pair in access_key_id and access_key_secret, but token was given'],
  // credentials
  ['no credentials', { token: '' }, 'token', 'yunxiao needs credentials: a Yunxiao personal access token in token (api openapi), or an Alibaba Cloud AK/SK'],
  ['token and AK/SK together', { access_key_id: AK, access_key_secret: SK }, 'token', 'and access_key_id/access_key_secret were both given; use one way to sign in'],
  ['token with "Bearer "', { token: `Bearer ${TOKEN}` }, 'token', 'contains white space; paste the personal access token (pt-…) alone'],
  ['security_token with a token', { security_token: 'sts' }, 'security_token', 'goes with access_key_id/access_key_secret (temporary AK/SK), not with token'],
  ['security_token alone', { token: '', security_token: 'sts' }, 'security_token', 'goes with access_key_id and access_key_secret (a temporary AK/SK), which are missing'],
  ['access_key_id without its secret', { ...AKSK, access_key_secret: '' }, 'access_key_secret', 'is required with access_key_id'],
  ['access_key_secret without its id', { ...AKSK, access_key_id: '' }, 'access_key_id', 'is required with access_key_secret'],
  ['access_key_id with a hyphen', { ...AKSK, access_key_id: 'LTAI-5tFakeAccessKey' }, 'access_key_id', 'is not an Alibaba Cloud AccessKey ID: 10 to 128 letters, digits and dots'],
  ['access_key_id too short', { ...AKSK, access_key_id: 'LTAI5' }, 'access_key_id', 'is not an Alibaba Cloud AccessKey ID'],
  ['access_key_secret with a space', { ...AKSK, access_key_secret: 'abc def' }, 'access_key_secret', 'contains white space'],
  ['an STS access key id without its security token', { ...AKSK, access_key_id: 'STS.NUFakeTemporaryKey1' }, 'security_token', 'is required with a temporary AccessKey ID (STS.…)'],
  ['security_token with a space', { ...AKSK, security_token: 'CAIS abc' }, 'security_token', 'contains white space'],
  // endpoint
  ['endpoint over http', { endpoint: 'http://openapi-rdc.aliyuncs.com' }, 'endpoint', 'must use https://'],
  ['endpoint not a URL', { endpoint: 'openapi-rdc.aliyuncs.com' }, 'endpoint', 'is not a URL'],
  ['endpoint with a query', { endpoint: 'https://yunxiao.example.cn/?a=1' }, 'endpoint', 'must not have a query or fragment'],
  ['endpoint with credentials', { endpoint: 'https://user:pw@yunxiao.example.cn' }, 'endpoint', 'must not carry credentials'],
  ['endpoint the OpenAPI host for the devops API', { ...AKSK, endpoint: 'https://openapi-rdc.aliyuncs.com' }, 'endpoint', 'is a Yunxiao OpenAPI address; api devops-2021-06-25 is served at https://devops.cn-hangzhou.aliyuncs.com'],
  ['endpoint an /oapi/ path for the devops API', { ...AKSK, endpoint: 'https://yunxiao.example.cn/oapi/v1' }, 'endpoint', 'is a Yunxiao OpenAPI address'],
  ['endpoint the devops host for the OpenAPI', { endpoint: 'https://devops.cn-hangzhou.aliyuncs.com' }, 'endpoint', 'is the devops POP API; the Yunxiao OpenAPI is served at https://openapi-rdc.aliyuncs.com'],
  // operation-specific rules
  ['skip_failed on retry', { ...RETRY, skip_failed: 'true' }, 'skip_failed', 'is only supported by bkci'],
  ['jobs on run', { jobs: '789' }, 'jobs', 'is only used by yunxiao with operation retry (the jobs to re-run, by id or name); Flow runs the whole pipeline'],
  ['jobs on cancel', { operation: 'cancel', run_id: '12', jobs: '789' }, 'jobs', 'operation cancel takes no jobs'],
  ['jobs on watch', { operation: 'watch', run_id: '12', jobs: '789' }, 'jobs', 'operation watch takes no jobs'],
  ['failed_only false on retry without jobs', { ...RETRY, failed_only: 'false' }, 'failed_only', 'false needs jobs with yunxiao'],
  ['a job name too long to be one', { ...RETRY, jobs: 'x'.repeat(129) }, 'jobs', 'is longer than 128 characters; expected job ids or names'],
  // values
  ['the reserved variable version', { variables: 'version=1.2.3' }, 'variables', 'version is a reserved word in Yunxiao Flow and cannot be a variable name'],
  // The reserved name in any case: VERSION is how people write it, and Flow refuses it all the same.
  ['the reserved variable in upper case', { variables: 'VERSION=1.2.3' }, 'variables', 'VERSION is a reserved word in Yunxiao Flow and cannot be a variable name, in any case; rename it, e.g. APP_VERSION'],
  ['the reserved variable in mixed case, in JSON', { variables: '{"Version":"1.2.3"}' }, 'variables', 'Version is a reserved word in Yunxiao Flow'],
  ['variables too large', { variables: `BIG=${'x'.repeat(70_000)}` }, 'variables', 'at most 65536 are sent in one run request'],
  ['variables on retry', { ...RETRY, variables: 'A=1' }, 'variables', 'is only used with operation run, not retry'],
  ['branch and tag together', { branch: 'main', tag: 'v1' }, 'tag', 'cannot be given together with branch'],
  ['a branch that is not a git name', { branch: 'a..b' }, 'branch', 'is not a valid git branch name'],
  ['message too long', { message: 'm'.repeat(1000) }, 'message', 'at most 960 are allowed'],
  ['token with a line break', { token: 'pt-a\nb' }, 'token', 'contains a control character'],
  // inputs of other providers
  ['project_id (CodeArts, bk-ci)', { project_id: 'p' }, 'project_id', 'is not used by provider yunxiao'],
  ['app_code (bk-ci)', { app_code: 'c' }, 'app_code', 'is not used by provider yunxiao'],
  ['domain_id (codearts-pac)', { domain_id: 'd' }, 'domain_id', 'is not used by provider yunxiao'],
  ['gitcode_token (codearts-pac)', { gitcode_token: 'g' }, 'gitcode_token', 'is not used by provider yunxiao']
]

describe('bad yunxiao inputs', () => {
  test('there are at least 30 cases', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30)
  })

  test.each(BAD_INPUTS)('%s', (_what, overrides, input, message) => {
    const error = failure(overrides)
    expect(error.kind).toBe('input')
    expect(error.message.startsWith(`Input ${input}: `)).toBe(true)
    expect(error.message).toContain(message)
  })

  test('no failure message repeats a secret', () => {
    for (const [, overrides] of BAD_INPUTS) {
      const message = failure(overrides).message
      expect(message).not.toContain(SK)
      expect(message).not.toContain(TOKEN)
    }
  })
})

describe('good yunxiao inputs', () => {
  test('a token means the OpenAPI at the central endpoint', () => {
    expect(settingsOf()).toMatchObject({
      provider: 'yunxiao',
      operation: 'run',
      pipelineId: '1234567',
      api: 'openapi',
      organizationId: ORG,
      endpoint: OPENAPI_ENDPOINT,
      defaultEndpoint: true,
      credentials: { kind: 'token', token: TOKEN }
    })
  })

  test('an AK/SK means the devops 2021-06-25 API at devops.cn-hangzhou', () => {
    expect(settingsOf(AKSK)).toMatchObject({
      api: 'devops-2021-06-25',
      endpoint: DEVOPS_ENDPOINT,
      defaultEndpoint: true,
      credentials: { kind: 'aksk', accessKeyId: AK, accessKeySecret: SK, securityToken: undefined }
    })
  })

  test('an explicit api that matches the credentials is taken', () => {
    expect(settingsOf({ api: 'openapi' }).api).toBe('openapi')
    expect(settingsOf({ ...AKSK, api: 'devops-2021-06-25' }).api).toBe('devops-2021-06-25')
  })

  test('temporary credentials: an STS id with its security token', () => {
    expect(settingsOf({ ...AKSK, access_key_id: 'STS.NUFakeTemporaryKey1', security_token: 'CAISfake+/=' }).credentials).toEqual({
      kind: 'aksk',
      accessKeyId: 'STS.NUFakeTemporaryKey1',
      accessKeySecret: SK,
      securityToken: 'CAISfake+/='
    })
  })

  test('a region edition: its own endpoint, no organization; a trailing /oapi/v1 is dropped', () => {
    const settings = settingsOf({ organization_id: '', endpoint: 'https://yunxiao.example.cn/oapi/v1/' })
    expect(settings).toMatchObject({ api: 'openapi', endpoint: 'https://yunxiao.example.cn', defaultEndpoint: false })
    expect(settings.organizationId).toBeUndefined()
  })

  test('an emulator on loopback, with an organization', () => {
    expect(settingsOf({ ...AKSK, endpoint: 'http://127.0.0.1:18080/' })).toMatchObject({ endpoint: 'http://127.0.0.1:18080', organizationId: ORG, defaultEndpoint: false })
  })

  test('retry with named jobs (failed_only false is fine with them); watch and cancel with a run number', () => {
    expect(settingsOf({ ...RETRY, jobs: '789, Deploy', failed_only: 'false' })).toMatchObject({ operation: 'retry', runId: '12', jobs: ['789', 'Deploy'], failedOnly: false })
    expect(settingsOf({ operation: 'watch', run_id: '3' }).runId).toBe('3')
    expect(settingsOf({ operation: 'cancel', run_id: '9007199254740993' }).runId).toBe('9007199254740993')
  })

  test('variables, a branch and a message for a run', () => {
    const settings = settingsOf({ variables: 'FOO=bar\nVERSION_NAME=2', branch: 'feature/x', message: '部署' })
    expect(settings.variables).toEqual([
      { name: 'FOO', value: 'bar' },
      { name: 'VERSION_NAME', value: '2' }
    ])
    expect(settings).toMatchObject({ branch: 'feature/x', message: '部署' })
  })

  test('YUNXIAO_INPUTS: the provider-specific inputs yunxiao reads', () => {
    expect([...YUNXIAO_INPUTS].sort()).toEqual(['access_key_id', 'access_key_secret', 'api', 'endpoint', 'organization_id', 'security_token', 'token'])
  })
})
