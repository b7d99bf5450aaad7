// The Yunxiao emulator, driven the way a client would: plain node:http requests. POP requests are
// signed by hand with node:crypto following the reference document (§4.2), not with our client.
import { createHash, createHmac, randomBytes } from 'node:crypto'
import { emulatorsOnTestClock, rawRequest, until, type Reply } from './harness.js'
import { Agent, request as httpRequest } from 'node:http'
import {
  DEMO_FIXTURE,
  startYunxiaoEmulator,
  type YunxiaoEmulator,
  type YunxiaoEmulatorOptions
} from '../../emulators/yunxiao/index.js'
import { buildCanonicalRequest, sha256Hex, verifyAcs3 } from '../../emulators/yunxiao/auth/acs3-signature.js'

const F = DEMO_FIXTURE
const START = Date.UTC(2025, 0, 2, 3, 4, 5)
const ORG = F.organizationId
const OAPI = `/oapi/v1/flow/organizations/${ORG}/pipelines`
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

// ---------------------------------------------------------------------------------------------
// Harness

const { clock, start } = emulatorsOnTestClock<YunxiaoEmulatorOptions, YunxiaoEmulator>(startYunxiaoEmulator, START)

interface Send {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
  /** x-yunxiao-token; null sends none. */
  token?: string | null
}

/** One request on its own connection. Rejects when the connection breaks before a whole answer. */
function send(emulator: YunxiaoEmulator, { method = 'GET', path, headers = {}, body, token = F.token }: Send): Promise<Reply> {
  const all: Record<string, string> = { ...headers }
  if (token !== null) all['x-yunxiao-token'] = token
  return rawRequest(emulator.port, method, path, all, body)
}

// --- OpenAPI helpers

const runsPath = (pipeline: number) => `${OAPI}/${pipeline}/runs`
const runPath = (pipeline: number, runId: number) => `${OAPI}/${pipeline}/runs/${runId}`
const retryPath = (pipeline: number, runId: number, jobId: number) => `${OAPI}/${pipeline}/pipelineRuns/${runId}/jobs/${jobId}/retry`

async function create(e: YunxiaoEmulator, pipeline: number, params?: object, token: string = F.token): Promise<number> {
  const body = params === undefined ? '{}' : JSON.stringify({ params: JSON.stringify(params) })
  const r = await send(e, { method: 'POST', path: runsPath(pipeline), body, token })
  expect(r.status).toBe(200)
  expect(typeof r.json).toBe('number')
  return r.json
}

async function detail(e: YunxiaoEmulator, pipeline: number, runId: number): Promise<any> {
  const r = await send(e, { path: runPath(pipeline, runId) })
  expect(r.status).toBe(200)
  return r.json
}

/** Reads the run until it reaches `status`; returns every status seen, in order. */
async function readUntil(e: YunxiaoEmulator, pipeline: number, runId: number, status: string, max = 30): Promise<string[]> {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    const d = await detail(e, pipeline, runId)
    seen.push(d.status)
    if (d.status === status) return seen
  }
  throw new Error(`run never reached ${status}: ${seen.join(' ')}`)
}

const jobs = (run: any): any[] => run.stages.flatMap((s: any) => s.stageInfo.jobs)

// --- A hand-written ACS3-HMAC-SHA256 signer, from the steps of reference §4.2

/** encodeURIComponent plus !'()* (step 4). */
const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
const acsDate = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const hex256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex')

interface Acs3Input {
  method: string
  path: string
  query?: [string, string][]
  headers: Record<string, string>
  body: string
  ak: string
  sk: string
}

function signAcs3({ method, path, query = [], headers, body, ak, sk }: Acs3Input): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]))
  const names = Object.keys(lower)
    .filter((n) => n.startsWith('x-acs-') || n === 'host' || n === 'content-type')
    .sort()
  const canonicalQuery = [...query]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${enc(v)}`)
    .join('&')
  const canonical = [method, path, canonicalQuery, names.map((n) => `${n}:${lower[n]}\n`).join(''), names.join(';'), hex256(body)].join('\n')
  const toSign = `ACS3-HMAC-SHA256\n${hex256(canonical)}`
  const signature = createHmac('sha256', sk).update(toSign).digest('hex')
  return `ACS3-HMAC-SHA256 Credential=${ak},SignedHeaders=${names.join(';')},Signature=${signature}`
}

interface PopSend {
  method: string
  path: string
  action: string
  query?: [string, string][]
  body?: string
  contentType?: string
  /** The body actually sent, when it differs from the one signed. */
  sentBody?: string
  ak?: string
  sk?: string
  securityToken?: string
  dateMs?: number
  nonce?: string
  version?: string
  extraHeaders?: Record<string, string>
  /** Headers added after signing (not signed). */
  unsignedHeaders?: Record<string, string>
}

function sendPop(e: YunxiaoEmulator, s: PopSend): Promise<Reply> {
  const body = s.body ?? ''
  const ak = s.ak ?? F.accessKey.accessKeyId
  const headers: Record<string, string> = {
    host: `127.0.0.1:${e.port}`,
    'x-acs-action': s.action,
    'x-acs-version': s.version ?? '2021-06-25',
    'x-acs-date': acsDate(s.dateMs ?? clock.now),
    'x-acs-signature-nonce': s.nonce ?? randomBytes(16).toString('hex'),
    'x-acs-content-sha256': hex256(body),
    accept: 'application/json',
    ...s.extraHeaders
  }
  if (body !== '') headers['content-type'] = s.contentType ?? 'application/x-www-form-urlencoded'
  if (s.securityToken !== undefined) {
    headers['x-acs-accesskey-id'] = ak
    headers['x-acs-security-token'] = s.securityToken
  }
  const authorization = signAcs3({ method: s.method, path: s.path, query: s.query ?? [], headers, body, ak, sk: s.sk ?? F.accessKey.accessKeySecret })
  const qs = (s.query ?? []).map(([k, v]) => `${k}=${enc(v)}`).join('&')
  const sent = s.sentBody ?? s.body
  const req: Send = {
    method: s.method,
    path: s.path + (qs ? `?${qs}` : ''),
    headers: { ...headers, authorization, ...s.unsignedHeaders },
    token: null
  }
  if (sent !== undefined) req.body = sent
  return send(e, req)
}

const popRunPath = (pipeline: number, org: string = ORG) => `/organizations/${org}/pipelines/${pipeline}/run`
const popRunsPath = (pipeline: number, org: string = ORG) => `/organization/${org}/pipelines/${pipeline}/pipelineRuns`
const formParams = (params: object) => 'params=' + encodeURIComponent(JSON.stringify(params))

async function popStart(e: YunxiaoEmulator, pipeline: number, params?: object, extra: Partial<PopSend> = {}): Promise<Reply> {
  const s: PopSend = { method: 'POST', path: popRunPath(pipeline), action: 'StartPipelineRun', ...extra }
  if (params !== undefined) s.body = formParams(params)
  return sendPop(e, s)
}

const popGet = (e: YunxiaoEmulator, pipeline: number, runId: number, extra: Partial<PopSend> = {}) =>
  sendPop(e, { method: 'GET', path: `${popRunsPath(pipeline)}/${runId}`, action: 'GetPipelineRun', ...extra })

// ---------------------------------------------------------------------------------------------

describe('fixture', () => {
  test('ids in the documented forms, all obviously fake', () => {
    expect(F.organizationId).toMatch(/^[0-9a-f]{24}$/)
    expect(F.otherOrganizationId).toMatch(/^[0-9a-f]{24}$/)
    for (const id of Object.values(F.pipelines)) expect(Number.isSafeInteger(id)).toBe(true)
    for (const t of [F.token, F.readOnlyToken, F.expiredToken, F.outsiderToken]) expect(t).toMatch(/^pt-Emulator/)
    for (const k of [F.accessKey, F.outsiderAccessKey, F.unregisteredAccessKey, F.noPermissionAccessKey]) {
      expect(k.accessKeyId).toMatch(/^LTAIEmulator/)
      expect(k.accessKeyId).toHaveLength(24)
      expect(k.accessKeySecret).toHaveLength(30)
    }
    expect(F.temporaryAccessKey.accessKeyId).toMatch(/^STS\./)
  })
})

describe('ACS3 verifier against the reference vectors (§4.3)', () => {
  const KEYS = { YourAccessKeyId: { accessKeySecret: 'YourAccessKeySecret' } }
  const authorization = (headers: Record<string, string>, signature: string) =>
    `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=${Object.keys(headers).sort().join(';')},Signature=${signature}`

  const official = {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_SHA256
  }
  const officialUrl = '/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai'
  const officialSignature = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'
  const officialNow = Date.parse('2023-10-26T10:22:32Z')

  test('the official worked example: canonical request, its hash, and the signature', () => {
    const names = Object.keys(official).sort()
    const canonical = buildCanonicalRequest({ method: 'POST', url: officialUrl, headers: official, body: Buffer.alloc(0) }, names, EMPTY_SHA256)
    expect(canonical).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\nx-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nx-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        EMPTY_SHA256
      ].join('\n')
    )
    expect(sha256Hex(canonical)).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    const headers = { ...official, authorization: authorization(official, officialSignature) }
    expect(verifyAcs3({ method: 'POST', url: officialUrl, headers, body: Buffer.alloc(0) }, KEYS, officialNow)).toEqual({
      accessKeyId: 'YourAccessKeyId',
      nonce: '3156853299f313e23d1673dc12e1703d'
    })
  })

  test('the official example with one signature digit changed, or a day later, is refused', () => {
    const bad = { ...official, authorization: authorization(official, '1' + officialSignature.slice(1)) }
    const refused = verifyAcs3({ method: 'POST', url: officialUrl, headers: bad, body: Buffer.alloc(0) }, KEYS, officialNow)
    expect(refused).toMatchObject({ status: 400, code: 'SignatureDoesNotMatch' })
    expect((refused as { message: string }).message).toContain('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    expect((refused as { message: string }).message).not.toContain('YourAccessKeySecret')
    const good = { ...official, authorization: authorization(official, officialSignature) }
    expect(verifyAcs3({ method: 'POST', url: officialUrl, headers: good, body: Buffer.alloc(0) }, KEYS, officialNow + 86_400_000)).toMatchObject({
      code: 'InvalidTimeStamp.Expired'
    })
  })

  const devopsBase = {
    host: 'devops.cn-hangzhou.aliyuncs.com',
    'x-acs-version': '2021-06-25',
    'x-acs-date': '2025-01-01T00:00:00Z'
  }
  const devopsNow = Date.parse('2025-01-01T00:00:00Z')
  const startBody =
    'params=' +
    encodeURIComponent(JSON.stringify({ envs: { FOO: 'bar baz' }, runningBranchs: { 'https://codeup.aliyun.com/x/y.git': 'main' }, comment: 'from GitHub' }))

  test('devops StartPipelineRun: the form body hashes as the vector says and the signature verifies', () => {
    expect(hex256(startBody)).toBe('9c1a532ebcc72ccb7f5555e4243e58214745fca4813ec79982101dacc61ba4bb')
    const headers = {
      ...devopsBase,
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-action': 'StartPipelineRun',
      'x-acs-content-sha256': hex256(startBody),
      'x-acs-signature-nonce': '00000000000000000000000000000001'
    }
    expect(Object.keys(headers).sort().join(';')).toBe('content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version')
    const request = {
      method: 'POST',
      url: '/organizations/org1/pipelines/123/run',
      headers: { ...headers, authorization: authorization(headers, 'a7d365542d0701acba6061e2a1b9102481b0242da7ba2abf67ffddd02a0c7fb6') },
      body: Buffer.from(startBody)
    }
    expect(verifyAcs3(request, KEYS, devopsNow)).toMatchObject({ accessKeyId: 'YourAccessKeyId' })
    // The same request with the body changed after signing.
    const tampered = verifyAcs3({ ...request, body: Buffer.from(startBody.replace('main', 'evil')) }, KEYS, devopsNow)
    expect(tampered).toMatchObject({ status: 400, code: 'SignatureDoesNotMatch' })
  })

  test('devops ListPipelineRuns, plain and with STS headers', () => {
    const url = '/organization/org1/pipelines/123/pipelineRuns?maxResults=20&status=RUNNING'
    const plain = { ...devopsBase, 'x-acs-action': 'ListPipelineRuns', 'x-acs-content-sha256': EMPTY_SHA256, 'x-acs-signature-nonce': '00000000000000000000000000000002' }
    const signedPlain = { ...plain, authorization: authorization(plain, 'c6385f53fcad5ba18ef89e061ba67ecdfac0679d759c23e722360f1c7ee4f43e') }
    expect(verifyAcs3({ method: 'GET', url, headers: signedPlain, body: Buffer.alloc(0) }, KEYS, devopsNow)).toMatchObject({ accessKeyId: 'YourAccessKeyId' })

    const sts = { ...plain, 'x-acs-accesskey-id': 'YourAccessKeyId', 'x-acs-security-token': 'STS.token+/=' }
    expect(Object.keys(sts).sort().join(';')).toBe(
      'host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version'
    )
    const signedSts = { ...sts, authorization: authorization(sts, '0a9b55c6f1b63223abc0233630e6fc2da09814ffbaf10fa7479ce0d6ef103dfd') }
    const stsKeys = { YourAccessKeyId: { accessKeySecret: 'YourAccessKeySecret', securityToken: 'STS.token+/=' } }
    expect(verifyAcs3({ method: 'GET', url, headers: signedSts, body: Buffer.alloc(0) }, stsKeys, devopsNow)).toMatchObject({ accessKeyId: 'YourAccessKeyId' })
    // A temporary key without its token is refused, even with a valid signature of the rest.
    expect(verifyAcs3({ method: 'GET', url, headers: signedPlain, body: Buffer.alloc(0) }, stsKeys, devopsNow)).toMatchObject({ code: 'InvalidSecurityToken.Malformed' })
  })

  test('the hand-written test signer agrees with the official example', () => {
    const signed = signAcs3({
      method: 'POST',
      path: '/',
      query: [
        ['RegionId', 'cn-shanghai'],
        ['ImageId', 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd']
      ],
      headers: official,
      body: '',
      ak: 'YourAccessKeyId',
      sk: 'YourAccessKeySecret'
    })
    expect(signed).toBe(authorization(official, officialSignature))
  })
})

describe('OpenAPI authentication (x-yunxiao-token)', () => {
  test('missing, unknown and expired tokens are 401 with the table codes; errors are OpenApiErrorResponse', async () => {
    const e = await start()
    const none = await send(e, { path: runsPath(F.pipelines.succeed), token: null })
    expect(none.status).toBe(401)
    expect(none.json).toMatchObject({ code: 401, errorCode: 'Unauthorized' })
    expect(Object.keys(none.json).sort()).toEqual(['code', 'errorCode', 'errorDescription', 'errorMessage', 'traceId'])
    const unknown = await send(e, { path: runsPath(F.pipelines.succeed), token: 'pt-nope' })
    expect(unknown.json.errorCode).toBe('InvalidTokenError')
    const expired = await send(e, { path: runsPath(F.pipelines.succeed), token: F.expiredToken })
    expect(expired.status).toBe(401)
    expect(expired.json.errorCode).toBe('ExpiredTokenError')
    const ok = await send(e, { path: runsPath(F.pipelines.succeed) })
    expect(ok.status).toBe(200)
    expect(ok.json).toEqual([])
    expect(e.stats.runsCreated).toBe(0)
  })

  test('the ErrorResponse shape is switchable', async () => {
    const e = await start({ openApiErrorShape: 'ErrorResponse' })
    const r = await send(e, { path: runsPath(F.pipelines.succeed), token: null })
    expect(Object.keys(r.json).sort()).toEqual(['errorCode', 'errorMessage', 'requestId'])
  })

  test('an outsider, another organization, a read-only token, unknown pipelines and runs', async () => {
    const e = await start()
    const outsider = await send(e, { path: runsPath(F.pipelines.succeed), token: F.outsiderToken })
    expect(outsider.status).toBe(403)
    expect(outsider.json.errorCode).toBe('Forbidden.InvalidUser.UserNotInCurrentOrganization')
    const otherOrg = await send(e, { path: `/oapi/v1/flow/organizations/${F.otherOrganizationId}/pipelines/${F.pipelines.other}/runs` })
    expect(otherOrg.json.errorCode).toBe('Forbidden.InvalidUser.UserNotInCurrentOrganization')
    const readOnlyRead = await send(e, { path: runsPath(F.pipelines.succeed), token: F.readOnlyToken })
    expect(readOnlyRead.status).toBe(200)
    const readOnlyRun = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}', token: F.readOnlyToken })
    expect(readOnlyRun.status).toBe(403)
    expect(readOnlyRun.json.errorCode).toBe('Forbidden')
    const unknownPipeline = await send(e, { path: runsPath(1234) })
    expect(unknownPipeline.status).toBe(400)
    expect(unknownPipeline.json.errorCode).toBe('BadRequest')
    const foreignPipeline = await send(e, { path: runsPath(F.pipelines.other) })
    expect(foreignPipeline.json.errorCode).toBe('BadRequest')
    const unknownRun = await send(e, { path: runPath(F.pipelines.succeed, 99) })
    expect(unknownRun.status).toBe(400)
    const unknownRoute = await send(e, { path: `${OAPI}/${F.pipelines.succeed}/nothing` })
    expect(unknownRoute.status).toBe(404)
    expect(e.stats.runsCreated).toBe(0)
  })
})

describe('POP signature over HTTP', () => {
  const params = { envs: { FOO: 'bar baz' }, comment: 'signed run' }

  test('a signed StartPipelineRun, GetPipelineRun, ListPipelineRuns are accepted; envelopes as §1.2/§1.4', async () => {
    const e = await start()
    const r = await popStart(e, F.pipelines.succeed, params)
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ requestId: expect.stringMatching(/^[0-9A-F-]{36}$/), success: true, pipelineRunId: 1 })
    expect(r.headers['x-acs-request-id']).toBe(r.json.requestId)
    const g = await popGet(e, F.pipelines.succeed, 1)
    expect(g.status).toBe(200)
    expect(g.json).toMatchObject({ success: true, pipelineRun: { pipelineId: F.pipelines.succeed, pipelineRunId: 1, status: 'WAITING', triggerMode: 1 } })
    for (const field of ['createTime', 'updateTime', 'creatorAccountId', 'modifierAccountId', 'stageGroup', 'sources', 'stages']) {
      expect(g.json.pipelineRun).toHaveProperty(field)
    }
    const job = g.json.pipelineRun.stages[0].stageInfo.jobs[0]
    expect(Object.keys(job).sort()).toEqual(['actions', 'endTime', 'id', 'name', 'params', 'startTime', 'status'])
    const list = await sendPop(e, { method: 'GET', path: popRunsPath(F.pipelines.succeed), action: 'ListPipelineRuns', query: [['maxResults', '20']] })
    expect(list.json).toMatchObject({ success: true, totalCount: 1 })
    expect(list.json.pipelineRuns[0]).toEqual({
      pipelineId: F.pipelines.succeed,
      pipelineRunId: 1,
      status: expect.any(String),
      startTime: START,
      endTime: null,
      triggerMode: 1,
      creatorAccountId: F.accounts.member
    })
    expect(e.getRun(1)?.params).toMatchObject({ envs: { FOO: 'bar baz' }, comment: 'signed run' })
    expect(e.getRun(1)?.api).toBe('pop')
  })

  test('a start without a body runs with the defaults; a JSON body is refused (params not present)', async () => {
    const e = await start()
    const none = await popStart(e, F.pipelines.succeed)
    expect(none.json.success).toBe(true)
    const json = await popStart(e, F.pipelines.succeed, undefined, { body: JSON.stringify({ params: JSON.stringify(params) }), contentType: 'application/json' })
    expect(json.status).toBe(400)
    expect(json.json).toMatchObject({ success: false, errorCode: 'InvalidParam.ParamNotPresent' })
    expect(e.stats.runsCreated).toBe(1)
  })

  test('a tampered body, a wrong secret, an unknown AK, a 20-minute-old date are refused in the POP gateway shape', async () => {
    const e = await start()
    const body = formParams(params)
    const tampered = await popStart(e, F.pipelines.succeed, undefined, { body, sentBody: body.replace('signed', 'tamper') })
    expect(tampered.status).toBe(400)
    expect(Object.keys(tampered.json).sort()).toEqual(['Code', 'HostId', 'Message', 'Recommend', 'RequestId'])
    expect(tampered.json.Code).toBe('SignatureDoesNotMatch')
    expect(tampered.json.Message).not.toContain(F.accessKey.accessKeySecret)
    const wrongSecret = await popStart(e, F.pipelines.succeed, params, { sk: 'X'.repeat(30) })
    expect(wrongSecret.json.Code).toBe('SignatureDoesNotMatch')
    const unknownAk = await popStart(e, F.pipelines.succeed, params, { ak: 'LTAIUnknownKey0000000000' })
    expect(unknownAk.status).toBe(404)
    expect(unknownAk.json.Code).toBe('InvalidAccessKeyId.NotFound')
    const old = await popStart(e, F.pipelines.succeed, params, { dateMs: clock.now - 20 * 60_000 })
    expect(old.status).toBe(400)
    expect(old.json.Code).toBe('InvalidTimeStamp.Expired')
    expect(e.stats.runsCreated).toBe(0)
    const fine = await popStart(e, F.pipelines.succeed, params, { dateMs: clock.now - 14 * 60_000 })
    expect(fine.json.success).toBe(true)
  })

  test('a replayed nonce, an unsigned x-acs header, a wrong action or version are refused', async () => {
    const e = await start()
    const first = await popGet(e, F.pipelines.succeed, 1, { nonce: 'fixed-nonce-0001' })
    expect(first.status).toBe(404) // signed fine; the run does not exist
    const replay = await popGet(e, F.pipelines.succeed, 1, { nonce: 'fixed-nonce-0001' })
    expect(replay.json.Code).toBe('SignatureNonceUsed')
    const unsigned = await popGet(e, F.pipelines.succeed, 1, { unsignedHeaders: { 'x-acs-extra': '1' } })
    expect(unsigned.json.Code).toBe('IncompleteSignature')
    const action = await popGet(e, F.pipelines.succeed, 1, { action: 'StartPipelineRun' })
    expect(action.status).toBe(404)
    expect(action.json.Code).toBe('InvalidAction.NotFound')
    const version = await popGet(e, F.pipelines.succeed, 1, { version: '2020-03-03' })
    expect(version.json.Code).toBe('InvalidVersion')
    const noAuth = await send(e, { path: `${popRunsPath(F.pipelines.succeed)}/1`, token: null })
    expect(noAuth.json.Code).toBe('IncompleteSignature')
  })

  test('an STS AccessKey needs its x-acs-security-token, signed and right', async () => {
    const e = await start()
    const t = F.temporaryAccessKey
    const without = await popStart(e, F.pipelines.succeed, params, { ak: t.accessKeyId, sk: t.accessKeySecret })
    expect(without.json.Code).toBe('InvalidSecurityToken.Malformed')
    const wrong = await popStart(e, F.pipelines.succeed, params, { ak: t.accessKeyId, sk: t.accessKeySecret, securityToken: 'wrong' })
    expect(wrong.json.Code).toBe('InvalidSecurityToken.MismatchWithAccessKey')
    const unsignedToken = await popStart(e, F.pipelines.succeed, params, {
      ak: t.accessKeyId,
      sk: t.accessKeySecret,
      unsignedHeaders: { 'x-acs-security-token': t.securityToken }
    })
    expect(unsignedToken.json.Code).toBe('IncompleteSignature')
    const ok = await popStart(e, F.pipelines.succeed, params, { ak: t.accessKeyId, sk: t.accessKeySecret, securityToken: t.securityToken })
    expect(ok.json.success).toBe(true)
    const permanentWithToken = await popStart(e, F.pipelines.succeed, params, { securityToken: t.securityToken })
    expect(permanentWithToken.status).toBe(400)
    expect(e.stats.runsCreated).toBe(1)
  })

  test('identities: not registered, no permission, not a member; unknown organization, pipeline, run, route', async () => {
    const e = await start()
    const as = (k: { accessKeyId: string; accessKeySecret: string }) => ({ ak: k.accessKeyId, sk: k.accessKeySecret })
    const unregistered = await popStart(e, F.pipelines.succeed, params, as(F.unregisteredAccessKey))
    expect(unregistered.status).toBe(400)
    expect(unregistered.json).toMatchObject({ success: false, errorCode: 'InvalidUser.NotFound', requestId: expect.any(String) })
    const noPermission = await popStart(e, F.pipelines.succeed, params, as(F.noPermissionAccessKey))
    expect(noPermission.status).toBe(401)
    expect(noPermission.json.errorCode).toBe('InvalidParam.NoPermission')
    const outsider = await popStart(e, F.pipelines.succeed, params, as(F.outsiderAccessKey))
    expect(outsider.status).toBe(403)
    expect(outsider.json.errorCode).toBe('Forbidden.UserNotInCurrentOrganization')
    const otherOrg = await sendPop(e, { method: 'POST', path: popRunPath(F.pipelines.other, F.otherOrganizationId), action: 'StartPipelineRun' })
    expect(otherOrg.json.errorCode).toBe('Forbidden.UserNotInCurrentOrganization')
    const unknownOrg = await sendPop(e, { method: 'POST', path: popRunPath(F.pipelines.succeed, 'eeeeeeee0000000000000bad'), action: 'StartPipelineRun' })
    expect(unknownOrg.status).toBe(404)
    expect(unknownOrg.json.errorCode).toBe('InvalidOrganization.NotFound')
    const unknownPipeline = await popStart(e, 1234)
    expect(unknownPipeline.status).toBe(404)
    expect(unknownPipeline.json.errorCode).toBe('InvalidPipeline.NotFound')
    const unknownRun = await popGet(e, F.pipelines.succeed, 7)
    expect(unknownRun.status).toBe(404)
    expect(unknownRun.json.errorCode).toBe('InvalidPipelineRun.NotFound')
    // The singular/plural trap: StartPipelineRun under /organization/ is no API at all.
    const singular = await sendPop(e, { method: 'POST', path: `/organization/${ORG}/pipelines/${F.pipelines.succeed}/run`, action: 'StartPipelineRun' })
    expect(singular.status).toBe(404)
    expect(singular.json.Code).toBe('InvalidAction.NotFound')
    expect(e.stats.runsCreated).toBe(0)
  })

  test('popBusinessErrorStatus: 200 answers every business error on HTTP 200 with success:false', async () => {
    const e = await start({ popBusinessErrorStatus: 200 })
    const r = await popGet(e, F.pipelines.succeed, 7)
    expect(r.status).toBe(200)
    expect(r.json).toMatchObject({ success: false, errorCode: 'InvalidPipelineRun.NotFound' })
  })
})

describe('params', () => {
  test('envs, branches, tags and comment are recorded and shown; params must be a JSON string', async () => {
    const e = await start()
    const params = {
      envs: { FOO: 'bar', EMPTY: '' },
      branchModeBranchs: ['feature/x'],
      runningBranchs: { [F.repoUrl]: 'release/1.2' },
      runningTags: { 'https://codeup.aliyun.com/other.git': 'v1.2.0' },
      comment: 'corr-1234',
      needCreateBranch: false,
      somethingElse: 1
    }
    const runId = await create(e, F.pipelines.succeed, params)
    expect(runId).toBe(1)
    const snapshot = e.getRun(runId)
    expect(snapshot?.params).toMatchObject({
      raw: JSON.stringify(params),
      envs: { FOO: 'bar', EMPTY: '' },
      branchModeBranchs: ['feature/x'],
      runningBranchs: { [F.repoUrl]: 'release/1.2' },
      runningTags: { 'https://codeup.aliyun.com/other.git': 'v1.2.0' },
      comment: 'corr-1234',
      needCreateBranch: false,
      unknownKeys: ['somethingElse']
    })
    expect(snapshot?.api).toBe('openapi')
    const d = await detail(e, F.pipelines.succeed, runId)
    expect(d.globalParams).toEqual([
      { key: 'FOO', value: 'bar', encrypted: false },
      { key: 'EMPTY', value: '', encrypted: false }
    ])
    expect(d.sources[0]).toMatchObject({ type: 'Codeup', data: { repo: F.repoUrl, branch: 'release/1.2' } })

    const asObject = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: JSON.stringify({ params: { envs: {} } }) })
    expect(asObject.status).toBe(400)
    expect(asObject.json.errorMessage).toContain('params must be a string')
    const notJson = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: JSON.stringify({ params: '{oops' }) })
    expect(notJson.status).toBe(400)
    const reserved = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: JSON.stringify({ params: JSON.stringify({ envs: { Version: '1' } }) }) })
    expect(reserved.status).toBe(400)
    expect(reserved.json.errorMessage).toContain('reserved')
    const numberEnv = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: JSON.stringify({ params: JSON.stringify({ envs: { N: 1 } }) }) })
    expect(numberEnv.status).toBe(400)
    const noBody = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed) })
    expect(noBody.status).toBe(400)
    const form = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: 'params=%7B%7D', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } })
    expect(form.status).toBe(400)
    expect(e.stats.runsCreated).toBe(1)
  })
})

describe('lifecycles, one phase per detail read', () => {
  test('succeed: WAITING, RUNNING through two stages, SUCCESS; the documented fields, no more', async () => {
    const e = await start()
    const runId = await create(e, F.pipelines.succeed)
    const first = await detail(e, F.pipelines.succeed, runId)
    expect(first).toMatchObject({
      pipelineId: F.pipelines.succeed,
      pipelineRunId: runId,
      status: 'WAITING',
      triggerMode: 1,
      createTime: START,
      creatorAccountId: F.accounts.member
    })
    expect(Object.keys(first).sort()).toEqual(
      [
        'pipelineId',
        'pipelineRunId',
        'status',
        'triggerMode',
        'createTime',
        'updateTime',
        'creatorAccountId',
        'modifierAccountId',
        'pipelineType',
        'globalParams',
        'groups',
        'sources',
        'stageGroup',
        'stages'
      ].sort()
    )
    expect(first.stageGroup).toEqual([['Build'], ['Deploy']])
    expect(first.stages.map((s: any) => [s.name, s.index, s.stageInfo.status])).toEqual([
      ['Build', 0, 'WAITING'],
      ['Deploy', 1, 'WAITING']
    ])
    expect(jobs(first).every((j: any) => j.status === 'WAITING' && j.startTime === null && typeof j.id === 'number')).toBe(true)

    clock.now += 1000
    const second = await detail(e, F.pipelines.succeed, runId)
    expect(second.status).toBe('RUNNING')
    // The first read showed the run as created, then moved it (at START): the stage started then.
    expect(second.stages[0].stageInfo).toMatchObject({ status: 'RUNNING', startTime: START, endTime: null })
    expect(second.stages[0].stageInfo.jobs.map((j: any) => j.status)).toEqual(['RUNNING', 'RUNNING'])
    expect(second.stages[0].stageInfo.jobs[0].actions.map((a: any) => a.type)).toEqual(['StopPipelineJobRun', 'LogPipelineJobRun'])
    const seen = await readUntil(e, F.pipelines.succeed, runId, 'SUCCESS')
    expect(seen).not.toContain('FAIL')
    const done = await detail(e, F.pipelines.succeed, runId)
    expect(jobs(done)?.length).toBeGreaterThan(0)
    expect(jobs(done).every((j: any) => j.status === 'SUCCESS' && j.endTime !== null)).toBe(true)
    expect(e.getRun(runId)).toMatchObject({ status: 'SUCCESS', attempts: 1, endTime: START + 1000 })
  })

  test('queuedPhases: 0 starts RUNNING', async () => {
    const e = await start({ queuedPhases: 0 })
    const runId = await create(e, F.pipelines.succeed)
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('RUNNING')
  })

  test('fail: a job FAILs with its message; retrying it continues the same run to SUCCESS', async () => {
    const e = await start()
    const runId = await create(e, F.pipelines.fail)
    await readUntil(e, F.pipelines.fail, runId, 'FAIL')
    const failed = await detail(e, F.pipelines.fail, runId)
    const failedJob = jobs(failed).find((j: any) => j.status === 'FAIL')
    expect(failedJob).toMatchObject({ name: 'Java build', result: expect.stringContaining('COMPILATION ERROR') })
    expect(failedJob.actions.map((a: any) => a.type)).toContain('RetryPipelineJobRun')
    expect(failed.stages[0].stageInfo.status).toBe('FAIL')
    expect(failed.stages[1].stageInfo.status).toBe('WAITING')
    const succeededJob = jobs(failed).find((j: any) => j.status === 'SUCCESS')

    const notRetryable = await send(e, { method: 'PUT', path: retryPath(F.pipelines.fail, runId, succeededJob.id) })
    expect(notRetryable.status).toBe(400)
    const unknownJob = await send(e, { method: 'PUT', path: retryPath(F.pipelines.fail, runId, 1) })
    expect(unknownJob.status).toBe(400)

    const retry = await send(e, { method: 'PUT', path: retryPath(F.pipelines.fail, runId, failedJob.id) })
    expect(retry.status).toBe(200)
    expect(retry.json).toBe(true)
    const again = await detail(e, F.pipelines.fail, runId)
    expect(again.status).toBe('RUNNING')
    expect(jobs(again).find((j: any) => j.id === failedJob.id).status).toBe('RUNNING')
    await readUntil(e, F.pipelines.fail, runId, 'SUCCESS')
    const snapshot = e.getRun(runId)
    expect(snapshot).toMatchObject({ status: 'SUCCESS', attempts: 2 })
    expect(snapshot?.stages[0]?.jobs[0]).toMatchObject({ id: failedJob.id, attempts: 2, status: 'SUCCESS' })
    expect(e.stats.runsCreated).toBe(1)
    expect(e.stats.retry).toBe(3)
  })

  test('fail over POP: RetryPipelineJobRun on the same run; a job that cannot be retried is success:false on HTTP 200', async () => {
    const e = await start()
    const started = await popStart(e, F.pipelines.fail)
    const runId = started.json.pipelineRunId
    let run: any
    for (let i = 0; i < 10; i++) {
      run = (await popGet(e, F.pipelines.fail, runId)).json.pipelineRun
      if (run.status === 'FAIL') break
    }
    expect(run.status).toBe('FAIL')
    const all = run.stages.flatMap((s: any) => s.stageInfo.jobs)
    const failed = all.find((j: any) => j.status === 'FAIL')
    const ok = all.find((j: any) => j.status === 'SUCCESS')
    const refused = await sendPop(e, { method: 'PUT', path: `${popRunsPath(F.pipelines.fail)}/${runId}/jobs/${ok.id}`, action: 'RetryPipelineJobRun' })
    expect(refused.status).toBe(200)
    expect(refused.json).toMatchObject({ success: false, errorCode: 'InvalidPipelineJobRun.Status' })
    const retried = await sendPop(e, { method: 'PUT', path: `${popRunsPath(F.pipelines.fail)}/${runId}/jobs/${failed.id}`, action: 'RetryPipelineJobRun' })
    expect(retried.json).toEqual({ requestId: expect.any(String), success: true })
    expect(e.getRun(runId)).toMatchObject({ status: 'RUNNING', attempts: 2 })
  })

  test('gate: the run WAITs with a job offering PassPipelineValidate until approve()', async () => {
    const e = await start()
    const runId = await create(e, F.pipelines.gate)
    await readUntil(e, F.pipelines.gate, runId, 'WAITING', 1)
    const seen = await readUntil(e, F.pipelines.gate, runId, 'RUNNING')
    expect(seen).toEqual(['RUNNING'])
    let d: any
    for (let i = 0; i < 10; i++) {
      d = await detail(e, F.pipelines.gate, runId)
      if (d.status === 'WAITING') break
    }
    expect(d.status).toBe('WAITING')
    const review = d.stages[1].stageInfo.jobs[0]
    expect(review).toMatchObject({ name: 'Manual review', status: 'WAITING' })
    expect(review.actions.map((a: any) => a.type)).toEqual(['PassPipelineValidate', 'RefusePipelineValidate', 'LogPipelineJobRun'])
    expect(review.actions[0].params.validators).toEqual([F.accounts.member])
    // A not-started job is WAITING too, but offers no PassPipelineValidate.
    expect(d.stages[2].stageInfo.jobs[0]).toMatchObject({ status: 'WAITING', actions: [] })
    for (let i = 0; i < 5; i++) expect((await detail(e, F.pipelines.gate, runId)).status).toBe('WAITING')
    expect(e.getRun(runId)?.waitingForApproval).toBe(true)
    e.approve(runId)
    expect(() => e.approve(runId)).toThrow(/not waiting/)
    await readUntil(e, F.pipelines.gate, runId, 'SUCCESS')
  })

  test('gateRunStatus: RUNNING keeps the run RUNNING at the review', async () => {
    const e = await start({ gateRunStatus: 'RUNNING', queuedPhases: 0 })
    const runId = await create(e, F.pipelines.gate)
    for (let i = 0; i < 8; i++) expect((await detail(e, F.pipelines.gate, runId)).status).toBe('RUNNING')
    expect(e.getRun(runId)?.waitingForApproval).toBe(true)
    e.approve(runId)
    await readUntil(e, F.pipelines.gate, runId, 'SUCCESS')
  })

  test('long: still RUNNING after many reads', async () => {
    const e = await start()
    const runId = await create(e, F.pipelines.long)
    for (let i = 0; i < 25; i++) await detail(e, F.pipelines.long, runId)
    expect((await detail(e, F.pipelines.long, runId)).status).toBe('RUNNING')
  })

  test('run ids count per pipeline; getRun needs the pipeline when ambiguous', async () => {
    const e = await start()
    expect(await create(e, F.pipelines.succeed)).toBe(1)
    expect(await create(e, F.pipelines.succeed)).toBe(2)
    expect(await create(e, F.pipelines.fail)).toBe(1)
    expect(() => e.getRun(1)).toThrow(/pass the pipeline id/)
    expect(e.getRun(1, F.pipelines.fail)?.pipelineId).toBe(F.pipelines.fail)
    expect(e.getRun('2')?.pipelineId).toBe(F.pipelines.succeed)
  })

  test('latestPipelineRun is the newest run', async () => {
    const e = await start()
    const none = await send(e, { path: `${runsPath(F.pipelines.succeed)}/latestPipelineRun` })
    expect(none.status).toBe(400)
    await create(e, F.pipelines.succeed)
    clock.now += 10
    await create(e, F.pipelines.succeed)
    const latest = await send(e, { path: `${runsPath(F.pipelines.succeed)}/latestPipelineRun` })
    expect(latest.json.pipelineRunId).toBe(2)
    expect(e.stats.detail).toBe(2)
  })

  test('timed advance moves runs with the clock.now, not with reads', async () => {
    const e = await start({ advance: { msPerPhase: 1000 } })
    const runId = await create(e, F.pipelines.succeed)
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('WAITING')
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('WAITING')
    clock.now += 1000
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('RUNNING')
    clock.now += 10_000
    const done = await detail(e, F.pipelines.succeed, runId)
    expect(done.status).toBe('SUCCESS')
    expect(e.getRun(runId)?.endTime).toBe(START + 4000)
  })
})

describe('stop', () => {
  test('OpenAPI: PUT runs/{id} answers true; the run is CANCELED; a second stop is refused', async () => {
    const e = await start()
    const runId = await create(e, F.pipelines.succeed)
    await detail(e, F.pipelines.succeed, runId)
    await detail(e, F.pipelines.succeed, runId)
    clock.now += 5000
    const stop = await send(e, { method: 'PUT', path: runPath(F.pipelines.succeed, runId) })
    expect(stop.status).toBe(200)
    expect(stop.json).toBe(true)
    const d = await detail(e, F.pipelines.succeed, runId)
    expect(d.status).toBe('CANCELED')
    expect(d.stages.map((s: any) => s.stageInfo.status)).toEqual(['CANCELED', 'WAITING'])
    // The one-phase unit test had ended; the two-phase build was still running.
    expect(d.stages[0].stageInfo.jobs.map((j: any) => j.status)).toEqual(['CANCELED', 'SUCCESS'])
    expect(e.getRun(runId)).toMatchObject({ status: 'CANCELED', endTime: START + 5000, stopCount: 1 })
    const again = await send(e, { method: 'PUT', path: runPath(F.pipelines.succeed, runId) })
    expect(again.status).toBe(400)
    expect(again.json.errorCode).toBe('BadRequest')
    expect(e.stats.stop).toBe(2)
  })

  test('POP: StopPipelineRun; stopping an ended run is success:false on HTTP 200; a canceled job can be retried', async () => {
    const e = await start()
    const runId = (await popStart(e, F.pipelines.gate)).json.pipelineRunId
    const stopPath = `${popRunsPath(F.pipelines.gate)}/${runId}/stop`
    const stop = await sendPop(e, { method: 'PUT', path: stopPath, action: 'StopPipelineRun' })
    expect(stop.json).toEqual({ requestId: expect.any(String), success: true })
    const again = await sendPop(e, { method: 'PUT', path: stopPath, action: 'StopPipelineRun' })
    expect(again.status).toBe(200)
    expect(again.json).toMatchObject({ success: false, errorCode: 'InvalidPipelineRun.Status' })
    // Stopped while still WAITING in the queue: nothing had started, so nothing to retry.
    expect(e.getRun(runId)?.stages?.length).toBeGreaterThan(0)
    expect(e.getRun(runId)?.stages.every((s) => s.status === 'WAITING')).toBe(true)

    const second = await create(e, F.pipelines.gate)
    await readUntil(e, F.pipelines.gate, second, 'RUNNING')
    await send(e, { method: 'PUT', path: runPath(F.pipelines.gate, second) })
    const canceled = jobs(await detail(e, F.pipelines.gate, second)).find((j: any) => j.status === 'CANCELED')
    expect((await send(e, { method: 'PUT', path: retryPath(F.pipelines.gate, second, canceled.id) })).json).toBe(true)
    await readUntil(e, F.pipelines.gate, second, 'WAITING')
    e.approve(second, F.pipelines.gate)
    await readUntil(e, F.pipelines.gate, second, 'SUCCESS')
  })
})

describe('list', () => {
  test('OpenAPI: newest first, pages in x-* headers, perPage at most 30, endTme (sic) filters, status filters', async () => {
    const e = await start()
    for (let i = 0; i < 3; i++) {
      await create(e, F.pipelines.succeed, { comment: `run ${i}` })
      clock.now += 1000
    }
    await readUntil(e, F.pipelines.succeed, 1, 'SUCCESS')
    const all = await send(e, { path: runsPath(F.pipelines.succeed) })
    expect(Array.isArray(all.json)).toBe(true)
    expect(all.json.map((r: any) => r.pipelineRunId)).toEqual([3, 2, 1])
    expect(Object.keys(all.json[0]).sort()).toEqual(['creatorAccountId', 'endTime', 'pipelineId', 'pipelineRunId', 'startTime', 'status', 'triggerMode'])
    expect(all.headers).toMatchObject({ 'x-page': '1', 'x-per-page': '10', 'x-total': '3', 'x-total-pages': '1', 'x-next-page': '', 'x-prev-page': '' })
    const page = await send(e, { path: `${runsPath(F.pipelines.succeed)}?perPage=1&page=2` })
    expect(page.json.map((r: any) => r.pipelineRunId)).toEqual([2])
    expect(page.headers).toMatchObject({ 'x-total-pages': '3', 'x-next-page': '3', 'x-prev-page': '1' })
    expect((await send(e, { path: `${runsPath(F.pipelines.succeed)}?perPage=31` })).status).toBe(400)
    const ended = await send(e, { path: `${runsPath(F.pipelines.succeed)}?status=SUCCESS` })
    expect(ended.json.map((r: any) => r.pipelineRunId)).toEqual([1])
    const endTme = await send(e, { path: `${runsPath(F.pipelines.succeed)}?endTme=${START + 500}` })
    expect(endTme.json.map((r: any) => r.pipelineRunId)).toEqual([1])
    const endTime = await send(e, { path: `${runsPath(F.pipelines.succeed)}?endTime=${START + 500}` })
    expect(endTime.json).toHaveLength(3)
    const since = await send(e, { path: `${runsPath(F.pipelines.succeed)}?startTime=${START + 500}` })
    expect(since.json.map((r: any) => r.pipelineRunId)).toEqual([3, 2])
    expect(e.stats.list).toBe(7)
  })

  test('POP: maxResults and nextToken page through, totalCount counts all', async () => {
    const e = await start()
    for (let i = 0; i < 3; i++) {
      await create(e, F.pipelines.succeed)
      clock.now += 1000
    }
    const first = await sendPop(e, { method: 'GET', path: popRunsPath(F.pipelines.succeed), action: 'ListPipelineRuns', query: [['maxResults', '2']] })
    expect(first.json.pipelineRuns.map((r: any) => r.pipelineRunId)).toEqual([3, 2])
    expect(first.json.totalCount).toBe(3)
    expect(typeof first.json.nextToken).toBe('string')
    const second = await sendPop(e, {
      method: 'GET',
      path: popRunsPath(F.pipelines.succeed),
      action: 'ListPipelineRuns',
      query: [
        ['maxResults', '2'],
        ['nextToken', first.json.nextToken]
      ]
    })
    expect(second.json.pipelineRuns.map((r: any) => r.pipelineRunId)).toEqual([1])
    expect(second.json.nextToken).toBeUndefined()
  })
})

describe('faults', () => {
  test('status: the chosen HTTP status in each API’s shape, nothing created, `times` hits', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'status', status: 503, times: 2 })
    const openapi = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })
    expect(openapi.status).toBe(503)
    expect(openapi.json).toMatchObject({ code: 503, errorCode: 'ServiceUnavailable' })
    const pop = await popStart(e, F.pipelines.succeed)
    expect(pop.status).toBe(503)
    expect(pop.json).toMatchObject({ Code: 'ServiceUnavailable', RequestId: pop.headers['x-acs-request-id'] })
    expect(e.stats.runsCreated).toBe(0)
    await create(e, F.pipelines.succeed)
    expect(e.stats.runsCreated).toBe(1)
    expect(e.stats.run).toBe(3)
    expect(e.stats.byApi).toEqual({ openapi: 2, pop: 1 })
  })

  test('throttle: POP answers 400 Throttling.User with x-acs-retry-after in ms; the OpenAPI 429 with Retry-After', async () => {
    const e = await start()
    e.injectFault({ on: 'detail', kind: 'throttle', retryAfter: 2 })
    e.injectFault({ on: 'detail', kind: 'throttle', retryAfter: 3 })
    e.injectFault({ on: 'detail', kind: 'throttle', errorCode: 'Throttling.Api', status: 429 })
    const pop = await popGet(e, F.pipelines.succeed, 1)
    expect(pop.status).toBe(400)
    expect(pop.json).toMatchObject({ Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' })
    expect(pop.headers['x-acs-retry-after']).toBe('2000')
    const openapi = await send(e, { path: runPath(F.pipelines.succeed, 1) })
    expect(openapi.status).toBe(429)
    expect(openapi.json.errorCode).toBe('TooManyRequests')
    expect(openapi.headers['retry-after']).toBe('3')
    const api = await popGet(e, F.pipelines.succeed, 1)
    expect(api.status).toBe(429)
    expect(api.json.Code).toBe('Throttling.Api')
    expect(api.headers['x-acs-retry-after']).toBeUndefined()
  })

  test('slow: the answer comes after delayMs', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'slow', delayMs: 300 })
    const t0 = Date.now()
    await create(e, F.pipelines.succeed)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
  })

  test('drop: the socket dies, nothing is created', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'drop' })
    await expect(send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })).rejects.toThrow()
    expect(e.stats.run).toBe(1)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('accept-then-cut: exactly one run is created; the list and getRun find it with its comment', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'accept-then-cut' })
    await expect(
      send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: JSON.stringify({ params: JSON.stringify({ comment: 'corr-42' }) }) })
    ).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(e.stats.runsCreated).toBe(1)
    const list = await send(e, { path: runsPath(F.pipelines.succeed) })
    expect(list.json).toHaveLength(1)
    expect(e.getRun(list.json[0].pipelineRunId)?.params.comment).toBe('corr-42')
  })

  test('reset-mid-body: headers and half the body, then the connection dies', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'reset-mid-body' })
    await expect(popStart(e, F.pipelines.succeed)).rejects.toThrow()
    expect(e.stats.runsCreated).toBe(1)
  })

  test('malformed, empty, wrong-shape: 200 answers a client cannot use', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'malformed' })
    e.injectFault({ on: 'run', kind: 'empty' })
    e.injectFault({ on: 'run', kind: 'wrong-shape' })
    e.injectFault({ on: 'run', kind: 'malformed' })
    const malformed = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })
    expect(malformed.status).toBe(200)
    expect(() => JSON.parse(malformed.text)).toThrow()
    const empty = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })
    expect(empty.text).toBe('')
    const wrong = await popStart(e, F.pipelines.succeed)
    expect(wrong.status).toBe(200)
    expect(wrong.json).toBeDefined()
    expect(wrong.json.pipelineRunId).toBeUndefined()
    expect(wrong.json.success).toBeUndefined()
    const malformedPop = await popStart(e, F.pipelines.succeed)
    expect(() => JSON.parse(malformedPop.text)).toThrow()
    expect(e.stats.runsCreated).toBe(4)
  })

  test('html: a 502 page from a proxy, nothing created', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'html' })
    const r = await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })
    expect(r.status).toBe(502)
    expect(r.headers['content-type']).toContain('text/html')
    expect(e.stats.runsCreated).toBe(0)
  })

  test('huge: a streamed 200 body of sizeBytes', async () => {
    const e = await start()
    e.injectFault({ on: 'list', kind: 'huge', sizeBytes: 1_000_000 })
    const r = await send(e, { path: runsPath(F.pipelines.succeed) })
    expect(r.status).toBe(200)
    expect(r.headers['content-length']).toBeUndefined()
    expect(Buffer.byteLength(r.text)).toBe(1_000_000)
  })

  test("a fault hits only its operation; 'any' hits everything, unknown paths too; clearFaults removes them", async () => {
    const e = await start()
    e.injectFault({ on: 'stop', kind: 'status', status: 500 })
    expect((await send(e, { path: runsPath(F.pipelines.succeed) })).status).toBe(200)
    e.injectFault({ on: 'any', kind: 'status', status: 504, times: Infinity })
    expect((await send(e, { path: runsPath(F.pipelines.succeed) })).status).toBe(504)
    expect((await send(e, { path: '/nothing/here' })).status).toBe(504)
    e.clearFaults()
    expect((await send(e, { path: runsPath(F.pipelines.succeed) })).status).toBe(200)
  })

  test('a status fault with process and delayMs: the run exists before the late error arrives', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'status', status: 504, process: true, delayMs: 200 })
    const pending = send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{}' })
    // The run exists while the late error is still on its way.
    await until(() => e.stats.runsCreated === 1, 'the run was created')
    const r = await pending
    expect(r.status).toBe(504)
    expect(r.json.errorCode).toBe('GatewayTimeout')
  })
})

describe('observability and shutdown', () => {
  test('requests are recorded raw; counters per operation and per API; resetStats empties them', async () => {
    const e = await start()
    await send(e, { method: 'POST', path: runsPath(F.pipelines.succeed), body: '{"params":"{}"}', headers: { 'X-Custom': 'yes' } })
    await popGet(e, F.pipelines.succeed, 1)
    const [first, second] = e.stats.requests
    expect(first).toMatchObject({ method: 'POST', path: runsPath(F.pipelines.succeed), query: '', body: '{"params":"{}"}', at: START })
    expect(first?.headers['x-yunxiao-token']).toBe(F.token)
    expect(first?.rawHeaders).toContain('X-Custom')
    expect(second?.headers.authorization).toMatch(/^ACS3-HMAC-SHA256 Credential=/)
    expect(e.stats).toMatchObject({ run: 1, detail: 1, list: 0, stop: 0, retry: 0, runsCreated: 1, byApi: { openapi: 1, pop: 1 } })
    e.resetStats()
    expect(e.stats.requests).toHaveLength(0)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('close() ends kept-alive connections and pending slow answers', async () => {
    const e = await startYunxiaoEmulator({ now: () => clock.now })
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: e.port, path: runsPath(F.pipelines.succeed), headers: { 'x-yunxiao-token': F.token }, agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      })
        .on('error', reject)
        .end()
    })
    e.injectFault({ on: 'list', kind: 'slow', delayMs: 60_000 })
    const before = e.stats.list
    const pending = send(e, { path: runsPath(F.pipelines.succeed) })
    pending.catch(() => undefined)
    await until(() => e.stats.list > before, 'the slow request arrived')
    const t0 = Date.now()
    await e.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    await expect(pending).rejects.toThrow()
    agent.destroy()
  })
})

describe('GetPipeline: the pipeline with its code sources, whether or not it ever ran', () => {
  test('OpenAPI: bare pipeline, pipelineConfig.sources[].data.repo; POP: the same in `pipeline`, signed as GetPipeline', async () => {
    const e = await start()
    const openapi = await send(e, { path: `${OAPI}/${F.pipelines.succeed}` })
    expect(openapi.status).toBe(200)
    expect(openapi.json.pipelineConfig.sources).toEqual([expect.objectContaining({ type: 'Codeup', data: expect.objectContaining({ repo: F.repoUrl }) })])
    expect(typeof openapi.json.pipelineConfig.flow).toBe('string')
    const pop = await sendPop(e, { method: 'GET', path: `/organization/${ORG}/pipelines/${F.pipelines.succeed}`, action: 'GetPipeline' })
    expect(pop.status).toBe(200)
    expect(pop.json).toMatchObject({ success: true, pipeline: { pipelineConfig: { sources: [{ data: { repo: F.repoUrl } }] } } })
    const wrongAction = await sendPop(e, { method: 'GET', path: `/organization/${ORG}/pipelines/${F.pipelines.succeed}`, action: 'GetPipelineRun' })
    expect(wrongAction.status).toBeGreaterThanOrEqual(400)
    expect(e.stats.pipeline).toBe(3)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('a pipeline without a code source lists none; another organization\'s pipeline is not found', async () => {
    const e = await start({ pipelines: [{ id: F.pipelines.succeed, organizationId: ORG, scenario: 'succeed' }] })
    expect((await send(e, { path: `${OAPI}/${F.pipelines.succeed}` })).json.pipelineConfig.sources).toEqual([])
    // The same refusal as for the runs of a pipeline it does not have.
    const missing = await send(e, { path: `${OAPI}/${F.pipelines.fail}` })
    const runsOfMissing = await send(e, { path: runsPath(F.pipelines.fail) })
    expect(missing.status).toBe(runsOfMissing.status)
    expect(missing.json.errorCode).toBe(runsOfMissing.json.errorCode)
  })
})
