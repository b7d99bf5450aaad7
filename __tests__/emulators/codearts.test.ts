// The CodeArts emulator, driven the way a client would: plain node:http requests, signed by
// hand with node:crypto following the reference document (section 2a), not with our client.
import { createHash, createHmac } from 'node:crypto'
import { emulatorsOnTestClock, rawRequest, until, type Reply } from './harness.js'
import { Agent, request as httpRequest } from 'node:http'
import {
  DEMO_FIXTURE,
  SCENARIO_IDENTIFIERS,
  startCodeArtsEmulator,
  type CodeArtsEmulator,
  type CodeArtsEmulatorOptions
} from '../../emulators/codearts/index.js'
import { buildCanonicalRequest, canonicalQuery, signCanonicalRequest } from '../../emulators/codearts/auth/canonical-request.js'
import { verifySignedRequest } from '../../emulators/codearts/auth/verify-signature.js'

const F = DEMO_FIXTURE
const START = Date.UTC(2024, 0, 2, 3, 4, 5) // 20240102T030405Z
const BASE = `/v5/${F.projectId}/api/pipelines`

// ---------------------------------------------------------------------------------------------
// Harness

const { clock, start } = emulatorsOnTestClock<CodeArtsEmulatorOptions, CodeArtsEmulator>(startCodeArtsEmulator, START)

interface Send {
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
  token?: string | null
}

/** One request on its own connection. Rejects when the connection breaks before a whole answer. */
function send(emulator: CodeArtsEmulator, { method = 'GET', path, headers = {}, body, token = F.token }: Send): Promise<Reply> {
  const all: Record<string, string> = { ...headers }
  if (token !== null) all['X-Auth-Token'] = token
  return rawRequest(emulator.port, method, path, all, body)
}

const runPath = (pipeline: string) => `${BASE}/${pipeline}/run`
const detailPath = (pipeline: string, runId?: string) =>
  `${BASE}/${pipeline}/pipeline-runs/detail` + (runId === undefined ? '' : `?pipeline_run_id=${runId}`)

async function startRun(e: CodeArtsEmulator, pipeline: string, body: object = {}): Promise<string> {
  const r = await send(e, { method: 'POST', path: runPath(pipeline), body: JSON.stringify(body) })
  expect(r.status).toBe(200)
  return r.json.pipeline_run_id ?? r.json.error.pipeline_run_id
}

async function detail(e: CodeArtsEmulator, pipeline: string, runId: string): Promise<any> {
  const r = await send(e, { path: detailPath(pipeline, runId) })
  expect(r.status).toBe(200)
  return r.json
}

/** Reads the detail until the run reaches `status`; returns every status seen, in order. */
async function readUntil(e: CodeArtsEmulator, pipeline: string, runId: string, status: string, max = 30): Promise<string[]> {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    const d = await detail(e, pipeline, runId)
    seen.push(d.status)
    if (d.status === status) return seen
  }
  throw new Error(`run never reached ${status}: ${seen.join(' ')}`)
}

// ---------------------------------------------------------------------------------------------
// A hand-written SDK-HMAC-SHA256 signer, from the steps of reference 2a.

const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
const sdkDate = (ms: number) => new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')

interface SignInput {
  method: string
  path: string
  query?: [string, string][]
  headers: Record<string, string>
  body: string
  ak: string
  sk: string
}

function sign({ method, path, query = [], headers, body, ak, sk }: SignInput): string {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]))
  const names = Object.keys(lower).sort()
  const uri = path.split('/').map(enc).join('/') + (path.endsWith('/') ? '' : '/')
  const q = [...query]
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&')
  const canonical = [
    method,
    uri,
    q,
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    names.join(';'),
    createHash('sha256').update(body).digest('hex')
  ].join('\n')
  const toSign = `SDK-HMAC-SHA256\n${lower['x-sdk-date']}\n${createHash('sha256').update(canonical).digest('hex')}`
  const signature = createHmac('sha256', sk).update(toSign).digest('hex')
  return `SDK-HMAC-SHA256 Access=${ak}, SignedHeaders=${names.join(';')}, Signature=${signature}`
}

interface SignedSend {
  method: string
  path: string
  query?: [string, string][]
  body?: string
  /** The body actually sent, when it differs from the one signed. */
  sentBody?: string
  ak?: string
  sk?: string
  dateMs?: number
  extraHeaders?: Record<string, string>
  /** X-Project-Id: the IAM project of cn-north-4 unless given; null sends none. */
  projectId?: string | null
}

function sendSigned(e: CodeArtsEmulator, s: SignedSend): Promise<Reply> {
  const body = s.body ?? ''
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    Host: `127.0.0.1:${e.port}`,
    'X-Sdk-Date': sdkDate(s.dateMs ?? clock.now),
    ...s.extraHeaders
  }
  if (s.projectId !== null) headers['X-Project-Id'] = s.projectId ?? F.iamProjectId
  const authorization = sign({
    method: s.method,
    path: s.path,
    query: s.query ?? [],
    headers,
    body,
    ak: s.ak ?? F.accessKey.accessKeyId,
    sk: s.sk ?? F.accessKey.secretAccessKey
  })
  const qs = (s.query ?? []).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')
  const sent = s.sentBody ?? s.body
  const req: Send = { method: s.method, path: s.path + (qs ? `?${qs}` : ''), headers: { ...headers, Authorization: authorization }, token: null }
  if (sent !== undefined) req.body = sent
  return send(e, req)
}

// ---------------------------------------------------------------------------------------------

describe('fixture', () => {
  test('ids are 32 letters or digits, the fake SK is 40 characters', () => {
    const ids = [F.projectId, F.otherProjectId, F.domainId, ...Object.values(F.pipelines)]
    for (const id of ids) expect(id).toMatch(/^[0-9a-zA-Z]{32}$/)
    expect(F.accessKey.secretAccessKey).toHaveLength(40)
    expect(F.accessKey.accessKeyId).toBe('EMULATORAK0000000001')
  })
})

describe('signature verifier against the reference vectors', () => {
  const AK = 'HPUATESTAKEXAMPLE000'
  const SK = 'testSecretKeyExample0000000000000000000000'
  const KEYS = { [AK]: { secretAccessKey: SK } }
  const P = '/v5/0123456789abcdef0123456789abcdef/api/pipelines/aaaaaaaabbbbbbbbccccccccdddddddd'
  const RUN = '11112222333344445555666677778888'
  const HOST = 'cloudpipeline-ext.cn-north-4.myhuaweicloud.com'
  const v5Headers = { 'content-type': 'application/json', host: HOST, 'x-project-id': '0123456789abcdef0123456789abcdef', 'x-sdk-date': '20240102T030405Z' }
  const v6Headers = { 'content-type': 'application/json', host: HOST, 'x-domain-id': 'fedcba9876543210fedcba9876543210', 'x-sdk-date': '20240102T030405Z' }
  const V1_BODY =
    '{"sources":[{"type":"code","params":{"git_type":"codehub","git_url":"https://example.com/g/r.git","build_params":{"build_type":"branch","target_branch":"main"}}}],"variables":[{"name":"V","value":"1"}],"choose_jobs":[]}'

  const vectors: [string, string, string, string, Record<string, string>, string][] = [
    ['V1', 'POST', `${P}/run`, V1_BODY, v5Headers, '2881dfef5d828fc6c9fde69eda2d320a13aa204c19b02eda6b32a58b720816bf'],
    ['V2', 'PUT', `${P}/pipeline-runs/${RUN}/retry`, '', v5Headers, 'd65ab6d56d2e86f2be43144930f0d9138856acc23f5ae61494835dd9d8ed9d6b'],
    ['V3', 'GET', `${P}/pipeline-runs/detail?pipeline_run_id=${RUN}`, '', v5Headers, 'ab719e4e8158604eba5f092aba97ffcf587fe2cf1dfb3b76529dd2d572ffe3a7'],
    ['V4', 'POST', `${P}/pipeline-runs/${RUN}/stop`, '{}', v5Headers, 'a0b47eb68743ce59f414af7b1eccf6ef8fe528a0012d62ebcf10ec66ca1b16d4'],
    ['V5', 'GET', `${P}/pipeline-runs/detail?b=x%20y%2F%C3%A4*~&a=2&a=1`, '', v5Headers, '33f61fd92d3011a4f7239ae3042cfb08f0fb44db80ee96ee1bdd7ddf4f706466'],
    [
      'V6',
      'POST',
      '/v6/fedcba9876543210fedcba9876543210/api/pac/pipelines/actions/rerun',
      `{"pipeline_id":"aaaaaaaabbbbbbbbccccccccdddddddd","pipeline_run_id":"${RUN}"}`,
      v6Headers,
      'e4d10320dd59a3231007cc86dec1b03e1a2934687d8d37e0883117b2ba841b83'
    ]
  ]

  test.each(vectors)('%s is accepted', (_name, method, url, body, headers, signature) => {
    const names = Object.keys(headers).sort().join(';')
    const authorization = `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${names}, Signature=${signature}`
    const result = verifySignedRequest({ method, url, headers, body: Buffer.from(body) }, authorization, KEYS, START)
    expect(result).toEqual({ accessKey: AK })
  })

  test.each(vectors)('%s with one signature digit changed is refused, echoing the canonical request', (_n, method, url, body, headers, signature) => {
    const names = Object.keys(headers).sort().join(';')
    const bad = (signature[0] === '0' ? '1' : '0') + signature.slice(1)
    const result = verifySignedRequest({ method, url, headers, body: Buffer.from(body) }, `SDK-HMAC-SHA256 Access=${AK}, SignedHeaders=${names}, Signature=${bad}`, KEYS, START)
    expect(result).toMatchObject({ status: 401, code: 'APIGW.0301' })
    expect((result as { message: string }).message).toContain('verify aksk signature fail, canonicalRequest:' + method + '|')
    expect((result as { message: string }).message).not.toContain(SK)
  })

  test('V3 canonical request and V5 canonical query are as documented', () => {
    const v3 = buildCanonicalRequest(
      { method: 'GET', url: `${P}/pipeline-runs/detail?pipeline_run_id=${RUN}`, headers: v5Headers, body: Buffer.alloc(0) },
      ['content-type', 'host', 'x-project-id', 'x-sdk-date']
    )
    expect(v3).toBe(
      [
        'GET',
        `${P}/pipeline-runs/detail/`,
        `pipeline_run_id=${RUN}`,
        `content-type:application/json\nhost:${HOST}\nx-project-id:0123456789abcdef0123456789abcdef\nx-sdk-date:20240102T030405Z\n`,
        'content-type;host;x-project-id;x-sdk-date',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
      ].join('\n')
    )
    expect(createHash('sha256').update(v3).digest('hex')).toBe('7b46929ff19875bbdad6bff9a7697fd887f054c76483a99b46511dca3ae67ed7')
    expect(canonicalQuery('b=x%20y%2F%C3%A4*~&a=2&a=1')).toBe('a=1&a=2&b=x%20y%2F%C3%A4%2A~')
    // '+' is a literal plus on the wire, not a space.
    expect(canonicalQuery('b=x+y')).toBe('b=x%2By')
  })

  test('the go-sdk official vectors reproduce (signed with x-sdk-date only)', () => {
    const headers = { host: 'example.huaweicloud.com', 'x-sdk-date': '20060102T150405Z' }
    const get = buildCanonicalRequest({ method: 'GET', url: '/path?limit=1', headers, body: Buffer.alloc(0) }, ['x-sdk-date'])
    expect(signCanonicalRequest(get, '20060102T150405Z', 'SecretKey')).toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624')
    const post = buildCanonicalRequest({ method: 'POST', url: '/path?key=value', headers, body: Buffer.from('{"Name":"test","Id":1}\n') }, ['x-sdk-date'])
    expect(signCanonicalRequest(post, '20060102T150405Z', 'SecretKey')).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59')
    // ...but the emulator insists that host is signed.
    const verdict = verifySignedRequest(
      { method: 'GET', url: '/path?limit=1', headers, body: Buffer.alloc(0) },
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624',
      { AccessKey: { secretAccessKey: 'SecretKey' } },
      Date.UTC(2006, 0, 2, 15, 4, 5)
    )
    expect(verdict).toMatchObject({ status: 401, code: 'APIGW.0301' })
  })
})

describe('token authentication', () => {
  test('a configured token is accepted; the request id is in the header and the body of errors', async () => {
    const e = await start()
    const ok = await send(e, { method: 'POST', path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/list`, body: '{}' })
    expect(ok.status).toBe(200)
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f]{32}$/)

    const none = await send(e, { method: 'POST', path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/list`, body: '{}', token: null })
    expect(none.status).toBe(401)
    expect(none.json).toMatchObject({ error_code: 'APIGW.0301' })
    expect(none.json.request_id).toBe(none.headers['x-request-id'])
    expect(Object.keys(none.json).sort()).toEqual(['error_code', 'error_msg', 'request_id'])

    const wrong = await send(e, { path: detailPath(F.pipelines.succeed), token: 'not-a-token' })
    expect(wrong.status).toBe(401)
    expect(wrong.json.error_code).toBe('APIGW.0301')

    const expired = await send(e, { path: detailPath(F.pipelines.succeed), token: F.expiredToken })
    expect(expired.status).toBe(401)
    expect(expired.json.error_msg).toContain('The token must be updated')
    expect(e.stats.runsCreated).toBe(0)
  })
})

describe('AK/SK signature over HTTP', () => {
  const body = JSON.stringify({ description: 'signed', variables: [{ name: 'V', value: '1' }] })

  test('a correctly signed run, detail (with query) and retry are accepted', async () => {
    const e = await start()
    const run = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.fail), body })
    expect(run.status).toBe(200)
    const runId = run.json.pipeline_run_id
    const d = await sendSigned(e, { method: 'GET', path: detailPath(F.pipelines.fail), query: [['pipeline_run_id', runId]] })
    expect(d.status).toBe(200)
    expect(d.json.description).toBe('signed')
    const stop = await sendSigned(e, { method: 'POST', path: `${BASE}/${F.pipelines.fail}/pipeline-runs/${runId}/stop`, body: '{}' })
    expect(stop.json).toEqual({ success: true })
    const retry = await sendSigned(e, { method: 'PUT', path: `${BASE}/${F.pipelines.fail}/pipeline-runs/${runId}/retry` })
    expect(retry.json).toEqual({ success: true })
  })

  test('a tampered body is refused with the server canonical request, no secret in it', async () => {
    const e = await start()
    const r = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, sentBody: body.replace('signed', 'tampered') })
    expect(r.status).toBe(401)
    expect(r.json.error_code).toBe('APIGW.0301')
    expect(r.json.error_msg).toContain(`verify aksk signature fail, canonicalRequest:POST|${runPath(F.pipelines.succeed)}/||`)
    expect(r.json.error_msg).toContain(`|host:127.0.0.1:${e.port}|`)
    expect(r.json.error_msg).toContain(createHash('sha256').update(body.replace('signed', 'tampered')).digest('hex'))
    expect(r.json.error_msg).not.toContain(F.accessKey.secretAccessKey)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('a wrong SK and an unknown AK are refused', async () => {
    const e = await start()
    const wrongSk = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, sk: 'X'.repeat(40) })
    expect(wrongSk.status).toBe(401)
    expect(wrongSk.json.error_msg).toContain('verify aksk signature fail')
    const unknownAk = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, ak: 'UNKNOWNAK00000000000' })
    expect(unknownAk.status).toBe(401)
    expect(unknownAk.json).toMatchObject({ error_code: 'APIGW.0301' })
    expect(unknownAk.json.error_msg).toContain('ak UNKNOWNAK00000000000 not exist')
    expect(e.stats.runsCreated).toBe(0)
  })

  test('a 20-minute-old X-Sdk-Date is refused with APIGW.0303 giving both times; 14 minutes passes', async () => {
    const e = await start()
    const old = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, dateMs: clock.now - 20 * 60_000 })
    expect(old.status).toBe(401)
    expect(old.json.error_code).toBe('APIGW.0303')
    expect(old.json.error_msg).toContain('signature time 20240102T024405Z')
    expect(old.json.error_msg).toContain('server time 20240102T030405Z')
    const fine = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, dateMs: clock.now - 14 * 60_000 })
    expect(fine.status).toBe(200)
  })

  test('a temporary AK needs its security token, signed', async () => {
    const e = await start()
    const t = F.temporaryAccessKey
    const without = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, ak: t.accessKeyId, sk: t.secretAccessKey })
    expect(without.status).toBe(401)
    const wrong = await sendSigned(e, {
      method: 'POST',
      path: runPath(F.pipelines.succeed),
      body,
      ak: t.accessKeyId,
      sk: t.secretAccessKey,
      extraHeaders: { 'X-Security-Token': 'wrong' }
    })
    expect(wrong.status).toBe(401)
    const ok = await sendSigned(e, {
      method: 'POST',
      path: runPath(F.pipelines.succeed),
      body,
      ak: t.accessKeyId,
      sk: t.secretAccessKey,
      extraHeaders: { 'X-Security-Token': t.securityToken }
    })
    expect(ok.status).toBe(200)
  })
})

describe('IAM projects: the look-up and the project scope of AK/SK requests', () => {
  const SUB = { id: F.iamSubProjectId, name: 'cn-north-4_team' }

  test('GET /v3/projects?name=<region>, signed: the documented answer, with X-IAM-Trace-Id', async () => {
    const e = await start()
    const r = await sendSigned(e, { method: 'GET', path: '/v3/projects', query: [['name', 'cn-north-4']], projectId: null })
    expect(r.status).toBe(200)
    expect(r.headers['x-iam-trace-id']).toMatch(/\S/)
    expect(r.json).toEqual({
      projects: [
        {
          id: F.iamProjectId,
          name: 'cn-north-4',
          domain_id: F.domainId,
          description: '',
          enabled: true,
          is_domain: false,
          parent_id: F.domainId,
          links: { self: `http://127.0.0.1:${e.port}/v3/projects/${F.iamProjectId}` }
        }
      ],
      links: { self: `http://127.0.0.1:${e.port}/v3/projects?name=cn-north-4`, previous: null, next: null }
    })
    expect(e.stats.projects).toBe(1)
  })

  test('a name with no project is an empty list; a sub-project is listed under its own name only', async () => {
    const e = await start({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, SUB] })
    const none = await sendSigned(e, { method: 'GET', path: '/v3/projects', query: [['name', 'ap-southeast-3']], projectId: null })
    expect(none.json.projects).toEqual([])
    const sub = await sendSigned(e, { method: 'GET', path: '/v3/projects', query: [['name', 'cn-north-4_team']], projectId: null })
    expect(sub.json.projects).toMatchObject([{ id: F.iamSubProjectId, parent_id: F.iamProjectId }])
    const region = await sendSigned(e, { method: 'GET', path: '/v3/projects', query: [['name', 'cn-north-4']], projectId: null })
    expect(region.json.projects.map((p: { id: string }) => p.id)).toEqual([F.iamProjectId])
  })

  test('the look-up checks the AK/SK signature like every route', async () => {
    const e = await start()
    const wrongSk = await sendSigned(e, { method: 'GET', path: '/v3/projects', query: [['name', 'cn-north-4']], projectId: null, sk: 'X'.repeat(40) })
    expect(wrongSk.status).toBe(401)
    expect(wrongSk.json).toMatchObject({ error_code: 'APIGW.0301' })
    expect(wrongSk.json.error_msg).toContain('verify aksk signature fail')
    const unsigned = await send(e, { path: '/v3/projects?name=cn-north-4', token: null })
    expect(unsigned.status).toBe(401)
  })

  test('several projects in the region: a signed request without X-Project-Id is refused as the gateway would; with one, it passes', async () => {
    const e = await start({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, SUB] })
    const body = JSON.stringify({ description: 'scoped' })
    const unscoped = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, projectId: null })
    expect(unscoped.status).toBe(401)
    expect(unscoped.json).toMatchObject({ error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: X-Project-Id is required: the account has 2 projects in region cn-north-4' })
    expect(e.stats.runsCreated).toBe(0)
    const scoped = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body })
    expect(scoped.status).toBe(200)
    const sub = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, projectId: F.iamSubProjectId })
    expect(sub.status).toBe(200)
  })

  test('one project in the region: the gateway scopes a request without X-Project-Id to it; an unknown X-Project-Id is refused', async () => {
    const e = await start()
    const body = JSON.stringify({ description: 'scoped' })
    expect((await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, projectId: null })).status).toBe(200)
    const unknown = await sendSigned(e, { method: 'POST', path: runPath(F.pipelines.succeed), body, projectId: F.projectId })
    expect(unknown.status).toBe(401)
    expect(unknown.json.error_msg).toContain(`project ${F.projectId} of X-Project-Id is not a project of this account in region cn-north-4`)
  })

  test('v6 list: page an integer and page_size a string, as the SDK models type them', async () => {
    const e = await start()
    const list = `/v6/${F.domainId}/api/pac/pipelines/actions`
    const typed = await send(e, { method: 'POST', path: list, body: JSON.stringify({ https_url: F.pac.repositoryUrl, page: 1, page_size: '20' }) })
    expect(typed.status).toBe(200)
    const stringPage = await send(e, { method: 'POST', path: list, body: JSON.stringify({ https_url: F.pac.repositoryUrl, page: '1', page_size: '20' }) })
    expect(stringPage.status).toBe(400)
    expect(stringPage.json.error_msg).toContain('page must be an integer')
    const numberSize = await send(e, { method: 'POST', path: list, body: JSON.stringify({ https_url: F.pac.repositoryUrl, page: 1, page_size: 20 }) })
    expect(numberSize.json.error_msg).toContain('page_size must be a string')
  })

  test('an IAM token is scoped already: no X-Project-Id needed, even with several projects', async () => {
    const e = await start({ iamProjects: [{ id: F.iamProjectId, name: 'cn-north-4' }, SUB] })
    expect((await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })).status).toBe(200)
  })
})

describe('ids, bodies and routes', () => {
  test('vendor errors for unknown project, pipeline, foreign pipeline and unknown run', async () => {
    const e = await start()
    const unknownProject = await send(e, { path: `/v5/${'f'.repeat(32)}/api/pipelines/${F.pipelines.succeed}/pipeline-runs/detail` })
    expect(unknownProject.json.error_code).toBe('DEVPIPE.00011412')
    const unknownPipeline = await send(e, { path: detailPath('z'.repeat(32)) })
    expect(unknownPipeline.status).toBe(404)
    expect(unknownPipeline.json.error_code).toBe('DEVPIPE.00011401')
    const foreign = await send(e, { path: detailPath(F.pipelines.other) })
    expect(foreign.json.error_code).toBe('DEVPIPE.00011136')
    const unknownRun = await send(e, { path: detailPath(F.pipelines.succeed, 'a'.repeat(32)) })
    expect(unknownRun.status).toBe(404)
    expect(unknownRun.json.error_code).toMatch(/^DEVPIPE\./)
    const noRunsYet = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(noRunsYet.status).toBe(404)
    const route = await send(e, { path: `${runPath(F.pipelines.succeed)}/` , method: 'POST', body: '{}' })
    expect(route.json.error_code).toBe('APIGW.0101')
  })

  test('a POST without a body is PARSE_REQUEST_DATA_EXCEPTION; the DTO schema is enforced', async () => {
    const e = await start()
    const empty = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed) })
    expect(empty.status).toBe(400)
    expect(empty.json.error_code).toBe('PARSE_REQUEST_DATA_EXCEPTION')
    const notJson = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{oops' })
    expect(notJson.json.error_code).toBe('PARSE_REQUEST_DATA_EXCEPTION')
    const long = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: JSON.stringify({ description: 'x'.repeat(1025) }) })
    expect(long.status).toBe(400)
    const badVar = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: JSON.stringify({ variables: [{ name: 'A' }] }) })
    expect(badVar.status).toBe(400)
    const badSource = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: JSON.stringify({ sources: [{ type: 'code', params: { git_type: 'svn', git_url: 'x' } }] }) })
    expect(badSource.status).toBe(400)
    expect(e.stats.runsCreated).toBe(0)
    const max = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: JSON.stringify({ description: 'x'.repeat(1024) }) })
    expect(max.status).toBe(200)
    expect(e.stats.runsCreated).toBe(1)
  })
})

describe('lifecycles, one phase per detail read', () => {
  test('succeed: INIT, RUNNING through two stages, COMPLETED, with the 1.4 fields', async () => {
    const e = await start()
    const body = {
      description: 'release 1.2',
      variables: [{ name: 'ENV', value: 'prod' }],
      sources: [{ type: 'code', params: { git_type: 'codehub', git_url: 'https://example.com/g/r.git', build_params: { build_type: 'branch', target_branch: 'main' } } }]
    }
    const runId = await startRun(e, F.pipelines.succeed, body)
    expect(runId).toMatch(/^[0-9a-f]{32}$/)
    const first = await detail(e, F.pipelines.succeed, runId)
    expect(first).toMatchObject({
      id: runId,
      pipeline_id: F.pipelines.succeed,
      project_id: F.projectId,
      status: 'INIT',
      run_number: 1,
      description: 'release 1.2',
      start_time: START,
      end_time: 0,
      current_system_time: START,
      subject_id: runId,
      manifest_version: '3.0'
    })
    expect(first.detail_url).toContain(runId)
    expect(first.stages.map((s: any) => s.name)).toEqual(['Build', 'Deploy'])
    expect(first.stages[0].jobs).toHaveLength(2)
    expect(first.stages[0].jobs[0].steps.length).toBeGreaterThan(0)
    expect(first.sources[0].params.build_params.target_branch).toBe('main')

    clock.now += 1000
    const second = await detail(e, F.pipelines.succeed, runId)
    expect(second.status).toBe('RUNNING')
    expect(second.stages[0].status).toBe('RUNNING')
    expect(second.stages[0].jobs.map((j: any) => j.status)).toEqual(['RUNNING', 'RUNNING'])
    expect(second.stages[1].status).toBe('INIT')

    const seen = await readUntil(e, F.pipelines.succeed, runId, 'COMPLETED')
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'COMPLETED'])
    const done = await detail(e, F.pipelines.succeed, runId)
    expect(done.end_time).toBe(START + 1000)
    expect(done.stages.every((s: any) => s.status === 'COMPLETED')).toBe(true)
    expect(done.stages[1].jobs[0].steps[0].status).toBe('COMPLETED')
    expect(e.getRun(runId)).toMatchObject({ status: 'COMPLETED', attempts: 1, stopCount: 0, variables: [{ name: 'ENV', value: 'prod' }] })
    expect(e.stats.detail).toBe(6)
  })

  test('fail: a job FAILED with a message; retry keeps the id, goes RUNNING, then succeeds with a new end_time', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.fail)
    await readUntil(e, F.pipelines.fail, runId, 'FAILED')
    const failed = await detail(e, F.pipelines.fail, runId)
    const failedJob = failed.stages[0].jobs.find((j: any) => j.status === 'FAILED')
    expect(failedJob.message).toContain('Build failed')
    expect(failed.stages[1].status).toBe('INIT')
    const firstEnd = failed.end_time
    expect(firstEnd).toBeGreaterThan(0)

    clock.now += 60_000
    const retry = await send(e, { method: 'PUT', path: `${BASE}/${F.pipelines.fail}/pipeline-runs/${runId}/retry` })
    expect(retry.status).toBe(200)
    expect(retry.json).toEqual({ success: true })
    const again = await detail(e, F.pipelines.fail, runId)
    expect(again.status).toBe('RUNNING')
    expect(again.end_time).toBe(0)
    await readUntil(e, F.pipelines.fail, runId, 'COMPLETED')
    const done = await detail(e, F.pipelines.fail, runId)
    expect(done.end_time).toBeGreaterThan(firstEnd)
    expect(e.getRun(runId)?.attempts).toBe(2)
    expect(e.stats.runsCreated).toBe(1)

    const notRetryable = await send(e, { method: 'PUT', path: `${BASE}/${F.pipelines.fail}/pipeline-runs/${runId}/retry` })
    expect(notRetryable.status).toBe(400)
    expect(notRetryable.json.error_code).toMatch(/^DEVPIPE\./)
  })

  test('retryNewRunId: the retry answers and creates a new run; the old one stays FAILED', async () => {
    const e = await start({ retryNewRunId: true })
    const runId = await startRun(e, F.pipelines.fail)
    await readUntil(e, F.pipelines.fail, runId, 'FAILED')
    const retry = await send(e, { method: 'PUT', path: `${BASE}/${F.pipelines.fail}/pipeline-runs/${runId}/retry` })
    expect(retry.json.success).toBe(true)
    const newId = retry.json.pipeline_run_id
    expect(newId).toMatch(/^[0-9a-f]{32}$/)
    expect(newId).not.toBe(runId)
    expect(e.stats.runsCreated).toBe(2)
    expect(e.getRun(runId)?.status).toBe('FAILED')
    expect(e.getRun(newId)).toMatchObject({ retryOf: runId, attempts: 2, runNumber: 2 })
    await readUntil(e, F.pipelines.fail, newId, 'COMPLETED')
  })

  test('gate: PAUSED at the manual review until approve()', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.gate)
    await readUntil(e, F.pipelines.gate, runId, 'PAUSED')
    for (let i = 0; i < 3; i++) {
      const d = await detail(e, F.pipelines.gate, runId)
      expect(d.status).toBe('PAUSED')
      expect(d.pause_time).toBeGreaterThan(0)
      expect(d.stages[1].jobs[0].status).toBe('PAUSED')
    }
    e.approve(runId)
    expect(() => e.approve(runId)).toThrow()
    const seen = await readUntil(e, F.pipelines.gate, runId, 'COMPLETED')
    expect(seen).not.toContain('PAUSED')
  })

  test('queued: 2xx with DEVPIPE.00011169, the ids under `error`, then it runs', async () => {
    const e = await start()
    const r = await send(e, { method: 'POST', path: runPath(F.pipelines.queued), body: '{}' })
    expect(r.status).toBe(200)
    expect(r.json.error_code).toBe('DEVPIPE.00011169')
    expect(r.json.error_msg).toContain('enter the queue state')
    expect(r.json.pipeline_run_id).toBeUndefined()
    expect(r.json.error.pipeline_run_id).toMatch(/^[0-9a-f]{32}$/)
    expect(r.json.error.queue_id).toMatch(/^[0-9a-f]{32}$/)
    const runId = r.json.error.pipeline_run_id
    expect(e.stats.runsCreated).toBe(1)
    const seen = await readUntil(e, F.pipelines.queued, runId, 'COMPLETED')
    expect(seen.slice(0, 3)).toEqual(['QUEUED', 'QUEUED', 'QUEUED'])
    expect(seen).toContain('RUNNING')
  })

  test('a per-pipeline concurrency limit queues the second run until the first ends', async () => {
    const e = await start({
      projects: [F.projectId],
      pipelines: [{ id: F.pipelines.succeed, projectId: F.projectId, scenario: 'succeed', concurrency: 1 }]
    })
    const first = await startRun(e, F.pipelines.succeed)
    const r = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(r.json.error_code).toBe('DEVPIPE.00011169')
    const second = r.json.error.pipeline_run_id
    expect((await detail(e, F.pipelines.succeed, second)).status).toBe('QUEUED')
    expect((await detail(e, F.pipelines.succeed, second)).status).toBe('QUEUED')
    await readUntil(e, F.pipelines.succeed, first, 'COMPLETED')
    await readUntil(e, F.pipelines.succeed, second, 'COMPLETED')
  })

  test('a tenant-wide limit queues with DEVPIPE.00011170', async () => {
    const e = await start({ tenantConcurrency: 1 })
    await startRun(e, F.pipelines.succeed)
    const r = await send(e, { method: 'POST', path: runPath(F.pipelines.fail), body: '{}' })
    expect(r.json.error_code).toBe('DEVPIPE.00011170')
    expect(e.getRun(r.json.error.pipeline_run_id)).toMatchObject({ status: 'QUEUED', queueId: r.json.error.queue_id })
  })

  test('long: still RUNNING after many phases', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.long)
    for (let i = 0; i < 25; i++) await detail(e, F.pipelines.long, runId)
    expect((await detail(e, F.pipelines.long, runId)).status).toBe('RUNNING')
  })

  test('choose_stages / choose_jobs mark the rest UNSELECTED', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.succeed, { choose_jobs: [SCENARIO_IDENTIFIERS.compileJob, SCENARIO_IDENTIFIERS.deployJob] })
    const d = await detail(e, F.pipelines.succeed, runId)
    expect(d.stages[0].jobs.map((j: any) => j.status)).toEqual(['INIT', 'UNSELECTED'])
    await readUntil(e, F.pipelines.succeed, runId, 'COMPLETED')
    expect(e.getRun(runId)?.chooseJobs).toHaveLength(2)
  })

  test('detail without pipeline_run_id is the latest run', async () => {
    const e = await start()
    await startRun(e, F.pipelines.succeed)
    clock.now += 10
    const second = await startRun(e, F.pipelines.succeed)
    const latest = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(latest.json.id).toBe(second)
    expect(latest.json.run_number).toBe(2)
  })

  test('timed advance moves runs with the clock.now, not with reads', async () => {
    const e = await start({ advance: { msPerPhase: 1000 } })
    const runId = await startRun(e, F.pipelines.succeed)
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('INIT')
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('INIT')
    clock.now += 1000
    expect((await detail(e, F.pipelines.succeed, runId)).status).toBe('RUNNING')
    clock.now += 10_000
    const done = await detail(e, F.pipelines.succeed, runId)
    expect(done.status).toBe('COMPLETED')
    expect(done.end_time).toBe(START + 4000)
  })
})

describe('stop', () => {
  test('a running run becomes CANCELED with end_time; unfinished stages and jobs too; a second stop says it ended', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.succeed)
    await detail(e, F.pipelines.succeed, runId)
    await detail(e, F.pipelines.succeed, runId)
    clock.now += 5000
    const stopPath = `${BASE}/${F.pipelines.succeed}/pipeline-runs/${runId}/stop`
    const noBody = await send(e, { method: 'POST', path: stopPath })
    expect(noBody.json.error_code).toBe('PARSE_REQUEST_DATA_EXCEPTION')
    const stop = await send(e, { method: 'POST', path: stopPath, body: '{}' })
    expect(stop.status).toBe(200)
    expect(stop.json).toEqual({ success: true })
    const d = await detail(e, F.pipelines.succeed, runId)
    expect(d.status).toBe('CANCELED')
    expect(d.end_time).toBe(START + 5000)
    expect(d.stages.map((s: any) => s.status)).toEqual(['CANCELED', 'CANCELED'])
    expect(d.stages[0].jobs?.length).toBeGreaterThan(0)
    expect(d.stages[0].jobs.every((j: any) => j.status === 'CANCELED')).toBe(true)
    const again = await send(e, { method: 'POST', path: stopPath, body: '{}' })
    expect(again.status).toBe(400)
    expect(again.json.error_code).toMatch(/^DEVPIPE\./)
    expect(again.json.error_msg).toContain('already ended')
    expect(e.getRun(runId)?.stopCount).toBe(1)
    expect(e.stats.stop).toBe(3)
  })

  test('a stopped run can be retried and then completes', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.gate)
    await readUntil(e, F.pipelines.gate, runId, 'PAUSED')
    await send(e, { method: 'POST', path: `${BASE}/${F.pipelines.gate}/pipeline-runs/${runId}/stop`, body: '{}' })
    expect(e.getRun(runId)?.status).toBe('CANCELED')
    const retry = await send(e, { method: 'PUT', path: `${BASE}/${F.pipelines.gate}/pipeline-runs/${runId}/retry` })
    expect(retry.json).toEqual({ success: true })
    await readUntil(e, F.pipelines.gate, runId, 'PAUSED')
    e.approve(runId)
    await readUntil(e, F.pipelines.gate, runId, 'COMPLETED')
  })
})

describe('list', () => {
  test('pages, filters and sorts; items carry the 1.5 fields and no description', async () => {
    const e = await start()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(await startRun(e, F.pipelines.succeed, { description: `run ${i}` }))
      clock.now += 1000
    }
    await readUntil(e, F.pipelines.succeed, ids[0]!, 'COMPLETED')
    const listPath = `${BASE}/${F.pipelines.succeed}/pipeline-runs/list`
    const all = await send(e, { method: 'POST', path: listPath, body: '{}' })
    expect(all.json).toMatchObject({ offset: 0, limit: 10, total: 3 })
    expect(all.json.pipeline_runs.map((r: any) => r.pipeline_run_id)).toEqual([...ids].reverse())
    const item = all.json.pipeline_runs[2]
    for (const field of ['pipeline_id', 'pipeline_run_id', 'executor_id', 'executor_name', 'stage_status_list', 'status', 'run_number', 'trigger_type', 'build_params', 'artifact_params', 'start_time', 'end_time', 'detail_url', 'modify_url']) {
      expect(item).toHaveProperty(field)
    }
    expect(item).not.toHaveProperty('description')
    expect(typeof item.stage_status_list[0].start_time).toBe('string')

    const completed = await send(e, { method: 'POST', path: listPath, body: JSON.stringify({ status: ['COMPLETED'] }) })
    expect(completed.json.total).toBe(1)
    const page = await send(e, { method: 'POST', path: listPath, body: JSON.stringify({ offset: 1, limit: 1, sort_dir: 'asc' }) })
    expect(page.json.pipeline_runs.map((r: any) => r.pipeline_run_id)).toEqual([ids[1]])
    const windowed = await send(e, { method: 'POST', path: listPath, body: JSON.stringify({ start_time: START + 500 }) })
    expect(windowed.json.total).toBe(2)
    const bad = await send(e, { method: 'POST', path: listPath, body: JSON.stringify({ status: ['DONE'] }) })
    expect(bad.status).toBe(400)
    expect(e.stats.list).toBe(5)
  })
})

describe('faults', () => {
  const listBody = '{}'

  test('status: the chosen HTTP status with a vendor body, nothing created, `times` hits', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'status', status: 503, times: 2 })
    for (let i = 0; i < 2; i++) {
      const r = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
      expect(r.status).toBe(503)
      expect(Object.keys(r.json).sort()).toEqual(['error_code', 'error_msg', 'request_id'])
    }
    expect(e.stats.runsCreated).toBe(0)
    await startRun(e, F.pipelines.succeed)
    expect(e.stats.runsCreated).toBe(1)
    expect(e.stats.run).toBe(3)
  })

  test('throttle: 429 APIG.0308 with Retry-After in seconds or as an HTTP date', async () => {
    const e = await start()
    e.injectFault({ on: 'detail', kind: 'throttle', retryAfter: 7 })
    e.injectFault({ on: 'detail', kind: 'throttle', retryAfter: 'Wed, 21 Oct 2015 07:28:00 GMT' })
    e.injectFault({ on: 'detail', kind: 'throttle' })
    const a = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(a.status).toBe(429)
    expect(a.json).toMatchObject({ error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit' })
    expect(a.headers['retry-after']).toBe('7')
    const b = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(b.headers['retry-after']).toBe('Wed, 21 Oct 2015 07:28:00 GMT')
    const c = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(c.status).toBe(429)
    expect(c.headers['retry-after']).toBeUndefined()
  })

  test('slow: the answer comes after delayMs', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'slow', delayMs: 300 })
    const t0 = Date.now()
    await startRun(e, F.pipelines.succeed)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290)
  })

  test('drop: the socket dies, nothing is created', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'drop' })
    await expect(send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })).rejects.toThrow()
    expect(e.stats.run).toBe(1)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('accept-then-cut: exactly one run is created and the client sees a socket error', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'accept-then-cut' })
    await expect(send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: JSON.stringify({ description: 'corr-42' }) })).rejects.toThrow(
      /socket hang up|ECONNRESET/
    )
    expect(e.stats.runsCreated).toBe(1)
    const list = await send(e, { method: 'POST', path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/list`, body: listBody })
    expect(list.json.total).toBe(1)
    expect(e.getRun(list.json.pipeline_runs[0].pipeline_run_id)?.description).toBe('corr-42')
  })

  test('reset-mid-body: headers and half the body, then the connection dies', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'reset-mid-body' })
    await expect(send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })).rejects.toThrow()
    expect(e.stats.runsCreated).toBe(1)
  })

  test('malformed, empty, wrong-shape: 200 answers a client cannot use', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'malformed' })
    e.injectFault({ on: 'run', kind: 'empty' })
    e.injectFault({ on: 'run', kind: 'wrong-shape' })
    const malformed = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(malformed.status).toBe(200)
    expect(() => JSON.parse(malformed.text)).toThrow()
    const empty = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(empty.status).toBe(200)
    expect(empty.text).toBe('')
    const wrong = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(wrong.status).toBe(200)
    expect(wrong.json).toBeDefined()
    expect(wrong.json.pipeline_run_id).toBeUndefined()
    expect(wrong.json.error_code).toBeUndefined()
    expect(e.stats.runsCreated).toBe(3)
  })

  test('html: a 502 page from a proxy, nothing created', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'html' })
    const r = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(r.status).toBe(502)
    expect(r.headers['content-type']).toContain('text/html')
    expect(r.text).toMatch(/^<html>/)
    expect(e.stats.runsCreated).toBe(0)
  })

  test('huge: a streamed 200 body of sizeBytes', async () => {
    const e = await start()
    e.injectFault({ on: 'detail', kind: 'huge', sizeBytes: 1_000_000 })
    const r = await send(e, { path: detailPath(F.pipelines.succeed) })
    expect(r.status).toBe(200)
    expect(r.headers['content-length']).toBeUndefined()
    expect(Buffer.byteLength(r.text)).toBe(1_000_000)
  })

  test("a fault hits only its operation; 'any' hits everything; clearFaults removes them", async () => {
    const e = await start()
    e.injectFault({ on: 'stop', kind: 'status', status: 500 })
    expect((await send(e, { path: detailPath(F.pipelines.succeed) })).status).toBe(404)
    e.injectFault({ on: 'any', kind: 'status', status: 504, times: Infinity })
    expect((await send(e, { path: detailPath(F.pipelines.succeed) })).status).toBe(504)
    expect((await send(e, { path: '/nothing/here' })).status).toBe(504)
    e.clearFaults()
    expect((await send(e, { path: detailPath(F.pipelines.succeed) })).status).toBe(404)
  })

  test('process: true makes a status fault create the run it refuses', async () => {
    const e = await start()
    e.injectFault({ on: 'run', kind: 'status', status: 504, process: true })
    const r = await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{}' })
    expect(r.status).toBe(504)
    expect(e.stats.runsCreated).toBe(1)
  })
})

describe('observability and shutdown', () => {
  test('requests are recorded raw', async () => {
    const e = await start()
    await send(e, { method: 'POST', path: runPath(F.pipelines.succeed), body: '{"description":"hello"}', headers: { 'X-Custom': 'yes' } })
    await send(e, { path: detailPath(F.pipelines.succeed) + '?x=1' })
    const [first, second] = e.stats.requests
    expect(first).toMatchObject({ method: 'POST', path: runPath(F.pipelines.succeed), query: '', body: '{"description":"hello"}', at: START })
    expect(first?.headers['x-auth-token']).toBe(F.token)
    expect(first?.headers['x-custom']).toBe('yes')
    expect(first?.rawHeaders).toContain('X-Custom')
    expect(second?.query).toBe('x=1')
    expect(e.stats).toMatchObject({ run: 1, detail: 1, retry: 0, stop: 0, list: 0, runsCreated: 1 })
    e.resetStats()
    expect(e.stats.requests).toHaveLength(0)
  })

  test('close() ends kept-alive connections and pending slow answers', async () => {
    const e = await startCodeArtsEmulator({ now: () => clock.now })
    // A kept-alive socket left idle after a complete answer.
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: e.port, path: detailPath(F.pipelines.succeed), headers: { 'X-Auth-Token': F.token }, agent }, (res) => {
        res.resume()
        res.on('end', resolve)
      }).on('error', reject).end()
    })
    e.injectFault({ on: 'detail', kind: 'slow', delayMs: 60_000 })
    const before = e.stats.detail
    const pending = send(e, { path: detailPath(F.pipelines.succeed) })
    pending.catch(() => undefined)
    await until(() => e.stats.detail > before, 'the slow request arrived')
    const t0 = Date.now()
    await e.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    await expect(pending).rejects.toThrow()
    agent.destroy()
  })
})

describe('definition, step outputs and artifacts (issue 13)', () => {
  test('the definition declares the variables with is_runtime, the jobs by identifier (in a JSON string), and the code source', async () => {
    const e = await start()
    const r = await send(e, { path: `${BASE}/${F.pipelines.succeed}` })
    expect(r.status).toBe(200)
    expect(r.json.variables.map((v: any) => [v.name, v.is_runtime, v.value])).toEqual([
      ['ENV', true, 'dev'],
      ['VERSION', true, '1.0.0'],
      ['REGION', false, 'cn-north-4']
    ])
    const jobs = JSON.parse(r.json.definition).stages.flatMap((stage: any) => stage.jobs.map((job: any) => [stage.name, job.name, job.id, job.identifier]))
    expect(jobs).toEqual([
      ['Build', 'Compile', '', SCENARIO_IDENTIFIERS.compileJob],
      ['Build', 'Unit test', '', SCENARIO_IDENTIFIERS.unitTestJob],
      ['Deploy', 'Deploy', '', SCENARIO_IDENTIFIERS.deployJob]
    ])
    expect(r.json.sources[0]).toMatchObject({ type: 'code', params: { git_type: 'codehub', git_url: expect.stringMatching(/^https:/) } })
    expect((await send(e, { path: `${BASE}/${F.pipelines.noSource}` })).json.sources).toEqual([])
  })

  test('the loss a client must prevent: an unknown choose_jobs id selects nothing, yet the run "succeeds", having built nothing', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.succeed, { choose_jobs: ['build'] })
    await readUntil(e, F.pipelines.succeed, runId, 'COMPLETED')
    expect(e.getRun(runId)!.stages.flatMap(stage => stage.jobs.map(job => job.status))).toEqual(['UNSELECTED', 'UNSELECTED', 'UNSELECTED'])
    expect((await send(e, { path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/${runId}/artifacts` })).json).toEqual({ artifacts: [] })
  })

  test('the loss a client must prevent: a variable not set at run time, or undeclared, is ignored; step outputs show the values used', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.succeed, { variables: [{ name: 'ENV', value: 'prod' }, { name: 'REGION', value: 'eu-west-0' }, { name: 'NOPE', value: 'x' }] })
    await readUntil(e, F.pipelines.succeed, runId, 'COMPLETED')
    const deployStep = (await detail(e, F.pipelines.succeed, runId)).stages[1].jobs[0].steps[0].id
    const r = await send(e, { path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/${runId}/steps/outputs?step_run_ids=${deployStep}` })
    expect(r.json.step_outputs).toEqual([{ step_run_id: deployStep, output_result: [{ key: 'DEPLOYED_TO', value: 'prod' }, { key: 'REGION', value: 'cn-north-4' }] }])
    expect((await send(e, { path: `${BASE}/${F.pipelines.succeed}/pipeline-runs/${runId}/steps/outputs` })).status).toBe(400)
  })

  test('artifacts: what COMPLETED jobs uploaded, with an https download link', async () => {
    const e = await start()
    const runId = await startRun(e, F.pipelines.succeed, { variables: [{ name: 'VERSION', value: '3.1.0' }] })
    const path = `${BASE}/${F.pipelines.succeed}/pipeline-runs/${runId}/artifacts`
    expect((await send(e, { path })).json).toEqual({ artifacts: [] })
    await readUntil(e, F.pipelines.succeed, runId, 'COMPLETED')
    const r = await send(e, { path })
    expect(r.json.artifacts).toEqual([
      expect.objectContaining({ name: 'app-3.1.0.jar', file_size: '0.90KB', artifact_download_url_with_id: 'https://devrepo.example.invalid/artifacts/app-3.1.0.jar' })
    ])
  })
})
