import { RelayError } from '../src/core/errors.js'
import { BKCI_INPUTS, MAX_BKCI_MESSAGE, consoleUrlFor, readBkci, type BkciSettings } from '../src/inputs/bkci.js'
import { readCommon } from '../src/inputs/common.js'
import { DEFAULTS, INPUT_NAMES, SECRET_INPUTS, type InputName } from '../src/inputs/names.js'

type Inputs = Partial<Record<InputName, string>>

const PIPELINE = `p-${'0123456789abcdef'.repeat(2)}`
const BUILD = `b-${'fedcba9876543210'.repeat(2)}`
const ENDPOINT = 'https://bkapi.example.com/api/devops/prod'

const BASE: Inputs = {
  provider: 'bkci',
  pipeline_id: PIPELINE,
  project_id: 'demo-project',
  endpoint: ENDPOINT,
  app_code: 'relay-app',
  app_secret: 'S3cretAppSecretValue-0123456789abcdef',
  username: 'ci-bot'
}

/** readBkci over readCommon, with read/given built from a map the way readSettings builds them ('' removes an input). */
function settingsOf(overrides: Inputs = {}): BkciSettings {
  const inputs: Inputs = { ...BASE, ...overrides }
  const read = (name: InputName): string => {
    const value = (inputs[name] ?? '').trim()
    return value === '' ? (DEFAULTS[name] ?? '') : value
  }
  const given = (name: InputName): boolean => read(name) !== ''
  return readBkci(readCommon(read, given), read, given)
}

function failureOf(overrides: Inputs): RelayError {
  try {
    settingsOf(overrides)
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error(`expected the inputs to be refused: ${JSON.stringify(overrides)}`)
}

const RETRY: Inputs = { operation: 'retry', run_id: BUILD }
const CANCEL: Inputs = { operation: 'cancel', run_id: BUILD }
const WATCH: Inputs = { operation: 'watch', run_id: BUILD }
const TOKEN: Inputs = { app_code: '', app_secret: '', token: 'AccessTokenValue0123456789abcdef' }
const PIPELINE_FORM = 'is not a bk-ci pipeline id: "p-" and 32 lowercase hex digits'
const BUILD_FORM = 'is not a bk-ci build id: "b-" and 32 lowercase hex digits'
const PROJECT_FORM = 'is not a bk-ci project English name'

// [what, inputs over BASE, input named in the failure, part of the message]
const BAD_INPUTS: [string, Inputs, InputName, string][] = [
  // pipeline_id
  ['pipeline_id without the p- prefix', { pipeline_id: '0123456789abcdef'.repeat(2) }, 'pipeline_id', PIPELINE_FORM],
  ['pipeline_id in upper case', { pipeline_id: PIPELINE.toUpperCase() }, 'pipeline_id', PIPELINE_FORM],
  ['pipeline_id one digit short', { pipeline_id: PIPELINE.slice(0, -1) }, 'pipeline_id', PIPELINE_FORM],
  ['pipeline_id one digit long', { pipeline_id: `${PIPELINE}0` }, 'pipeline_id', PIPELINE_FORM],
  ['pipeline_id a build id', { pipeline_id: BUILD }, 'pipeline_id', PIPELINE_FORM],
  [
    'pipeline_id the console URL',
    { pipeline_id: `https://devops.example.com/console/pipeline/demo-project/${PIPELINE}/history` },
    'pipeline_id',
    `the pipeline id is the ${PIPELINE} part of that URL`
  ],
  ['pipeline_id the pipeline name', { pipeline_id: 'deploy-prod' }, 'pipeline_id', "(in the pipeline's URL"],
  // run_id
  ['run_id a build number', { ...WATCH, run_id: '12' }, 'run_id', 'looks like a build number, while run_id is the build id'],
  ['run_id "#12"', { ...CANCEL, run_id: '#12' }, 'run_id', 'looks like a build number'],
  ['run_id without the b- prefix', { ...RETRY, run_id: 'fedcba9876543210'.repeat(2) }, 'run_id', BUILD_FORM],
  ['run_id a pipeline id', { ...WATCH, run_id: PIPELINE }, 'run_id', BUILD_FORM],
  ['run_id with operation run', { run_id: BUILD }, 'run_id', 'is not used with operation run'],
  // project_id
  ['project_id missing', { project_id: '' }, 'project_id', "is required for bkci: the project's English name"],
  ['project_id the display name', { project_id: '演示项目' }, 'project_id', PROJECT_FORM],
  ['project_id with a space', { project_id: 'demo project' }, 'project_id', PROJECT_FORM],
  ['project_id starting with a digit', { project_id: '1demo' }, 'project_id', PROJECT_FORM],
  ['project_id starting with an upper-case letter', { project_id: 'Demo' }, 'project_id', PROJECT_FORM],
  ['project_id one character', { project_id: 'd' }, 'project_id', PROJECT_FORM],
  ['project_id 65 characters', { project_id: `d${'a'.repeat(64)}` }, 'project_id', '(2 to 64 characters)'],
  ['project_id with a dot', { project_id: 'demo.project' }, 'project_id', PROJECT_FORM],
  ['project_id with a slash', { project_id: 'demo/project' }, 'project_id', PROJECT_FORM],
  // endpoint
  ['endpoint missing', { endpoint: '' }, 'endpoint', 'is required for bkci: the BlueKing API gateway base of bk-ci'],
  ['endpoint over http', { endpoint: 'http://bkapi.example.com/api/devops/prod' }, 'endpoint', 'must use https://'],
  ['endpoint not a URL', { endpoint: 'bkapi.example.com/api/devops/prod' }, 'endpoint', 'is not a URL'],
  ['endpoint with credentials', { endpoint: 'https://relay-app:secret@bkapi.example.com/api/devops/prod' }, 'endpoint', 'must not carry credentials'],
  ['endpoint with app_code in the query', { endpoint: `${ENDPOINT}?app_code=relay-app` }, 'endpoint', 'must not have a query or fragment'],
  ['endpoint a whole resource URL', { endpoint: `${ENDPOINT}/v4/apigw-app/projects/demo-project/build_start` }, 'endpoint', 'includes an API path'],
  ['endpoint ending with /v4', { endpoint: `${ENDPOINT}/v4` }, 'endpoint', 'includes an API path'],
  ['endpoint with the v3 prefix', { endpoint: `${ENDPOINT}/apigw-app/v3` }, 'endpoint', 'includes an API path'],
  // api
  ['api v5', { api: 'v5' }, 'api', '"v5" is not a bkci API; expected v4'],
  ['api in upper case', { api: 'V4' }, 'api', '"V4" is not a bkci API'],
  ['api an apigw type', { api: 'apigw-user' }, 'api', 'is not a bkci API'],
  // app credentials
  ['no credentials at all', { app_code: '', app_secret: '' }, 'app_code', 'is required for bkci: the BlueKing app code and app_secret'],
  ['app_secret missing', { app_secret: '' }, 'app_secret', 'is required with app_code'],
  ['app_code missing', { app_code: '' }, 'app_code', 'is required with app_secret'],
  ['app_code 33 characters', { app_code: 'a'.repeat(33) }, 'app_code', 'a BlueKing app code has at most 32'],
  ['app_code with a space', { app_code: 'relay app' }, 'app_code', 'is not an app code'],
  ['app_code with <>', { app_code: '<app_code>' }, 'app_code', 'is not an app code'],
  ['app_secret 129 characters', { app_secret: 's'.repeat(129) }, 'app_secret', 'a BlueKing app secret has at most 128'],
  ['app_secret with a space', { app_secret: 'secret with space' }, 'app_secret', 'contains white space'],
  // username
  ['username missing', { username: '' }, 'username', 'is required for bkci: the bk-ci user the builds run as (sent as X-DEVOPS-UID)'],
  ['username missing with a token', { ...TOKEN, username: '' }, 'username', 'is required for bkci'],
  ['username with a space', { username: 'ci bot' }, 'username', 'is not a BlueKing user name'],
  ['username in Chinese', { username: '张三' }, 'username', 'is not a BlueKing user name'],
  ['username 65 characters', { username: 'u'.repeat(65) }, 'username', 'is not a BlueKing user name'],
  // token
  ['token with app_code and app_secret', { token: 'AccessTokenValue0123456789abcdef' }, 'app_code', 'cannot be combined with token'],
  ['token with app_secret', { app_code: '', token: 'AccessTokenValue0123456789abcdef' }, 'app_secret', 'cannot be combined with token'],
  ['token with a space', { ...TOKEN, token: 'Bearer abc' }, 'token', 'contains white space'],
  ['token not ASCII', { ...TOKEN, token: 'tökén' }, 'token', 'outside ASCII'],
  // variables
  ['variables as a JSON array', { variables: '[{"name":"env","value":"prod"}]' }, 'variables', 'not a JSON array'],
  ['variables with a number', { variables: '{"COUNT": 3}' }, 'variables', 'the value of COUNT must be a JSON string'],
  ['variables with a boolean', { variables: '{"DRY_RUN": true}' }, 'variables', 'the value of DRY_RUN must be a JSON string'],
  ['variables with a nested object', { variables: '{"A": {"b": "c"}}' }, 'variables', 'the value of A must be'],
  ['variables with a hyphen in a name', { variables: 'MY-VAR=1' }, 'variables', '"MY-VAR" is not a bk-ci variable name'],
  ['variables setting BK_CI_BUILD_MSG', { variables: 'BK_CI_BUILD_MSG=hello' }, 'variables', 'use message instead'],
  ['variables with a value of 4001 characters', { variables: `BIG=${'x'.repeat(4001)}` }, 'variables', 'bk-ci takes at most 4000'],
  ['variables not JSON', { variables: '{"A": ' }, 'variables', 'is not valid JSON'],
  // message
  ['message too long for the build message', { message: 'm'.repeat(MAX_BKCI_MESSAGE + 1) }, 'message', `bkci takes at most ${MAX_BKCI_MESSAGE}`],
  // jobs, failed_only, skip_failed, tag
  ['jobs with operation run', { jobs: 'stage-2' }, 'jobs', 'is not used by bkci with operation run'],
  ['jobs with two ids on retry', { ...RETRY, jobs: 'stage-2\nstage-3' }, 'jobs', 'a bk-ci retry takes one'],
  ['jobs with operation cancel', { ...CANCEL, jobs: 'stage-2' }, 'jobs', 'is not used with operation cancel'],
  ['jobs with operation watch', { ...WATCH, jobs: '1' }, 'jobs', 'is not used with operation watch'],
  ['skip_failed with operation run', { skip_failed: 'true' }, 'skip_failed', 'is only used with operation retry, not run'],
  ['skip_failed with operation watch', { ...WATCH, skip_failed: 'true' }, 'skip_failed', 'is only used with operation retry, not watch'],
  ['skip_failed with failed_only false', { ...RETRY, skip_failed: 'true', failed_only: 'false' }, 'skip_failed', 'does not go with failed_only: false'],
  ['skip_failed not a boolean', { ...RETRY, skip_failed: 'yes' }, 'skip_failed', 'is not a boolean'],
  ['tag', { tag: 'v1.0.0' }, 'tag', 'is not supported by bkci'],
  ['branch with operation retry', { ...RETRY, branch: 'main' }, 'branch', 'is only used with operation run']
]

describe('readBkci: bad inputs are refused with the input named', () => {
  test('there are at least 30 cases', () => {
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(30)
  })

  test.each(BAD_INPUTS)('%s', (_what, overrides, input, part) => {
    const error = failureOf(overrides)
    expect(error.kind).toBe('input')
    expect(error.message.startsWith(`Input ${input}: `)).toBe(true)
    expect(error.message).toContain(part)
  })

  test('no refusal echoes a secret', () => {
    const secrets = ['S3cretAppSecretValue-0123456789abcdef', 'AccessTokenValue0123456789abcdef', 'secret with space', 'Bearer abc']
    for (const [, overrides] of BAD_INPUTS) {
      const message = failureOf(overrides).message
      for (const secret of secrets) expect(message).not.toContain(secret)
    }
  })
})

describe('readBkci: what valid inputs become', () => {
  test('the minimal inputs: v4, the gateway base, the derived console, app credentials', () => {
    const settings = settingsOf({ endpoint: `${ENDPOINT}/` })
    expect(settings).toMatchObject({
      provider: 'bkci',
      operation: 'run',
      api: 'v4',
      endpoint: ENDPOINT,
      projectId: 'demo-project',
      pipelineId: PIPELINE,
      consoleUrl: 'https://devops.example.com',
      credentials: { kind: 'app', appCode: 'relay-app', appSecret: 'S3cretAppSecretValue-0123456789abcdef', username: 'ci-bot' },
      failedOnly: true,
      skipFailed: false
    })
  })

  test('a token alone, with the user', () => {
    expect(settingsOf(TOKEN).credentials).toEqual({ kind: 'token', accessToken: 'AccessTokenValue0123456789abcdef', username: 'ci-bot' })
  })

  test('api v3', () => {
    expect(settingsOf({ api: 'v3' }).api).toBe('v3')
  })

  test.each(['git_12345', 'demoProject', 'ab', `d${'a'.repeat(63)}`, 'my-team-2'])('project_id %s is accepted (new and legacy English names)', projectId => {
    expect(settingsOf({ project_id: projectId }).projectId).toBe(projectId)
  })

  test('variables: KEY=VALUE lines with bk-ci names, or a flat JSON object of strings', () => {
    expect(settingsOf({ variables: 'env=prod\nci.version=1.2.3\n_x=' }).variables).toEqual([
      { name: 'env', value: 'prod' },
      { name: 'ci.version', value: '1.2.3' },
      { name: '_x', value: '' }
    ])
    expect(settingsOf({ variables: '{"env": "prod", "COUNT": "3"}' }).variables).toEqual([
      { name: 'env', value: 'prod' },
      { name: 'COUNT', value: '3' }
    ])
    expect(settingsOf({ variables: `BIG=${'x'.repeat(4000)}` }).variables[0]?.value).toHaveLength(4000)
  })

  test(`a message of ${MAX_BKCI_MESSAGE} characters fits with the mark in 255`, () => {
    expect(MAX_BKCI_MESSAGE).toBe(236)
    expect(settingsOf({ message: 'm'.repeat(MAX_BKCI_MESSAGE) }).message).toHaveLength(MAX_BKCI_MESSAGE)
  })

  test('retry with one job id, skip_failed, and a branch on run', () => {
    expect(settingsOf({ ...RETRY, jobs: 'e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', skip_failed: 'true' })).toMatchObject({
      operation: 'retry',
      runId: BUILD,
      jobs: ['e-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
      skipFailed: true,
      failedOnly: true
    })
    expect(settingsOf({ ...RETRY, failed_only: 'false' })).toMatchObject({ failedOnly: false, skipFailed: false, jobs: [] })
    expect(settingsOf({ branch: 'feature/x' }).branch).toBe('feature/x')
  })

  test('an http endpoint on loopback (the emulator) is accepted, and is its own console', () => {
    const settings = settingsOf({ endpoint: 'http://127.0.0.1:8089/api/devops/prod' })
    expect(settings.endpoint).toBe('http://127.0.0.1:8089/api/devops/prod')
    expect(settings.consoleUrl).toBe('http://127.0.0.1:8089')
  })

  test('the console host: bkapi.<domain> becomes devops.<domain>; any other host is kept', () => {
    expect(consoleUrlFor('https://bkapi.bktencent.com/api/devops/prod')).toBe('https://devops.bktencent.com')
    expect(consoleUrlFor('https://devops.example.com/ms/openapi/api')).toBe('https://devops.example.com')
  })
})

describe('BKCI_INPUTS', () => {
  test('lists the provider-specific inputs readBkci reads, all of them known input names', () => {
    expect([...BKCI_INPUTS].sort()).toEqual(['api', 'app_code', 'app_secret', 'console_url', 'endpoint', 'project_id', 'token', 'username'])
    for (const name of BKCI_INPUTS) expect(INPUT_NAMES).toContain(name)
  })

  test('its credentials are masked inputs', () => {
    expect(SECRET_INPUTS.has('app_secret')).toBe(true)
    expect(SECRET_INPUTS.has('token')).toBe(true)
  })

  test('inputs outside the list and the common ones do not change the settings', () => {
    // readSettings refuses them before readBkci runs; readBkci itself never reads them.
    expect(settingsOf({ region: 'cn-north-4', organization_id: 'org' })).toEqual(settingsOf())
  })
})

describe('console_url', () => {
  test('overrides the console origin derived from the endpoint, and is checked like an endpoint', () => {
    const inputs: Inputs = { provider: 'bkci', pipeline_id: PIPELINE, project_id: 'demo', endpoint: ENDPOINT, app_code: 'app', app_secret: 'secret-value', username: 'alice' }
    const read = (extra: Inputs) => (name: InputName) => ({ ...DEFAULTS, ...inputs, ...extra })[name] ?? ''
    const given = (extra: Inputs) => (name: InputName) => read(extra)(name) !== ''
    const settingsWith = (extra: Inputs) => readBkci(readCommon(read(extra), given(extra)), read(extra), given(extra))
    expect(settingsWith({}).consoleUrl).toBe('https://devops.example.com')
    expect(settingsWith({ console_url: 'https://ci.example.org/' }).consoleUrl).toBe('https://ci.example.org')
    expect(() => settingsWith({ console_url: 'http://ci.example.org' })).toThrow(/^Input console_url: must use https:\/\//)
  })

  test('with user info or a query, it is refused without repeating any of it', () => {
    const inputs: Inputs = { provider: 'bkci', pipeline_id: PIPELINE, project_id: 'demo', endpoint: ENDPOINT, app_code: 'app', app_secret: 'secret-value', username: 'alice' }
    for (const consoleUrl of ['https://ops:pa/ss-w0rd@ci.example.org', 'https://ci.example.org/?bk_ticket=ticket-w0rd']) {
      const read = (name: InputName): string => ({ ...DEFAULTS, ...inputs, console_url: consoleUrl })[name] ?? ''
      const given = (name: InputName): boolean => read(name) !== ''
      const refusal = (): string => {
        try {
          readBkci(readCommon(read, given), read, given)
        } catch (error) {
          return (error as Error).message
        }
        return 'accepted'
      }
      expect(refusal()).toMatch(/^Input console_url: must not (carry credentials|have a query or fragment) .*expected a base URL/)
      expect(refusal()).not.toMatch(/w0rd|ops|bk_ticket/)
    }
  })
})
