import { createRequire } from 'node:module'

import {
  EMPTY_BODY_SHA256,
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  computeSignature,
  formatSdkDate,
  payloadHash,
  sha256Hex,
  signHuaweiRequest,
  stringToSign,
  type HuaweiAkSk,
  type SignableRequest
} from '../../src/signing/huawei-sdk-hmac-sha256.js'
import { encodeRfc3986 } from '../../src/signing/uri-encode.js'

// Inputs shared by vectors V1..V6 (huawei-codearts.md, section 2a).
const HOST = 'cloudpipeline-ext.cn-north-4.myhuaweicloud.com'
const BASE = `https://${HOST}`
const PROJECT = '0123456789abcdef0123456789abcdef'
const DOMAIN = 'fedcba9876543210fedcba9876543210'
const PIPELINE = 'aaaaaaaabbbbbbbbccccccccdddddddd'
const RUN = '11112222333344445555666677778888'
const CREDENTIALS: HuaweiAkSk = {
  accessKeyId: 'HPUATESTAKEXAMPLE000',
  secretAccessKey: 'testSecretKeyExample0000000000000000000000'
}
const SDK_DATE = '20240102T030405Z'
const DATE = new Date(Date.UTC(2024, 0, 2, 3, 4, 5))
const V5_HEADERS = { 'content-type': 'application/json', 'x-project-id': PROJECT }
const V6_HEADERS = { 'content-type': 'application/json', 'x-domain-id': DOMAIN }
const PIPELINE_PATH = `/v5/${PROJECT}/api/pipelines/${PIPELINE}`

const V1_BODY =
  '{"sources":[{"type":"code","params":{"git_type":"codehub","git_url":"https://example.com/g/r.git",' +
  '"build_params":{"build_type":"branch","target_branch":"main"}}}],"variables":[{"name":"V","value":"1"}],' +
  '"choose_jobs":[]}'
const V6_BODY = `{"pipeline_id":"${PIPELINE}","pipeline_run_id":"${RUN}"}`

interface Vector {
  name: string
  request: SignableRequest
  signedHeaders: string
  signature: string
}

const VECTORS: Vector[] = [
  {
    name: 'V1 POST run',
    request: { method: 'POST', url: `${BASE}${PIPELINE_PATH}/run`, headers: V5_HEADERS, body: V1_BODY },
    signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
    signature: '2881dfef5d828fc6c9fde69eda2d320a13aa204c19b02eda6b32a58b720816bf'
  },
  {
    name: 'V2 PUT retry',
    request: {
      method: 'PUT',
      url: `${BASE}${PIPELINE_PATH}/pipeline-runs/${RUN}/retry`,
      headers: V5_HEADERS,
      body: ''
    },
    signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
    signature: 'd65ab6d56d2e86f2be43144930f0d9138856acc23f5ae61494835dd9d8ed9d6b'
  },
  {
    name: 'V3 GET detail',
    request: {
      method: 'GET',
      url: `${BASE}${PIPELINE_PATH}/pipeline-runs/detail?pipeline_run_id=${RUN}`,
      headers: V5_HEADERS,
      body: ''
    },
    signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
    signature: 'ab719e4e8158604eba5f092aba97ffcf587fe2cf1dfb3b76529dd2d572ffe3a7'
  },
  {
    name: 'V4 POST stop',
    request: { method: 'POST', url: `${BASE}${PIPELINE_PATH}/pipeline-runs/${RUN}/stop`, headers: V5_HEADERS, body: '{}' },
    signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
    signature: 'a0b47eb68743ce59f414af7b1eccf6ef8fe528a0012d62ebcf10ec66ca1b16d4'
  },
  {
    name: 'V5 GET with encoded and repeated query',
    request: {
      method: 'GET',
      // b = "x y/ä*~", a = ["2", "1"]
      url: `${BASE}${PIPELINE_PATH}/pipeline-runs/detail?b=x%20y%2F%C3%A4*~&a=2&a=1`,
      headers: V5_HEADERS,
      body: ''
    },
    signedHeaders: 'content-type;host;x-project-id;x-sdk-date',
    signature: '33f61fd92d3011a4f7239ae3042cfb08f0fb44db80ee96ee1bdd7ddf4f706466'
  },
  {
    name: 'V6 POST v6 rerun with X-Domain-Id',
    request: {
      method: 'POST',
      url: `${BASE}/v6/${DOMAIN}/api/pac/pipelines/actions/rerun`,
      headers: V6_HEADERS,
      body: V6_BODY
    },
    signedHeaders: 'content-type;host;x-domain-id;x-sdk-date',
    signature: 'e4d10320dd59a3231007cc86dec1b03e1a2934687d8d37e0883117b2ba841b83'
  }
]

function vector(name: string): Vector {
  const found = VECTORS.find((v) => v.name.startsWith(name))
  if (!found) throw new Error(`no vector ${name}`)
  return found
}

/** The headers that were signed, i.e. everything signHuaweiRequest returns except Authorization. */
function signedHeadersOf(request: SignableRequest, credentials: HuaweiAkSk = CREDENTIALS): Record<string, string> {
  const { Authorization: _authorization, ...signed } = signHuaweiRequest(request, credentials, DATE)
  return signed
}

describe('reference vectors V1..V6', () => {
  test.each(VECTORS)('$name', ({ request, signedHeaders, signature }) => {
    const headers = signHuaweiRequest(request, CREDENTIALS, DATE)
    expect(headers.Authorization).toBe(
      `SDK-HMAC-SHA256 Access=HPUATESTAKEXAMPLE000, SignedHeaders=${signedHeaders}, Signature=${signature}`
    )
    expect(headers.Host).toBe(HOST)
    expect(headers['X-Sdk-Date']).toBe(SDK_DATE)
  })

  test('V1 and V4 body hashes', () => {
    expect(sha256Hex(V1_BODY)).toMatch(/^58a35894[0-9a-f]{50}014e95$/)
    expect(payloadHash('{}')).toMatch(/^44136fa3[0-9a-f]{49}caaff8a$/)
  })

  test('V3 canonical request and its hash', () => {
    const { request } = vector('V3')
    const text = canonicalRequest({ ...request, headers: signedHeadersOf(request) })
    expect(text).toBe(
      [
        'GET',
        `/v5/${PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/detail/`,
        `pipeline_run_id=${RUN}`,
        'content-type:application/json',
        `host:${HOST}`,
        `x-project-id:${PROJECT}`,
        `x-sdk-date:${SDK_DATE}`,
        '',
        'content-type;host;x-project-id;x-sdk-date',
        EMPTY_BODY_SHA256
      ].join('\n')
    )
    expect(sha256Hex(text)).toBe('7b46929ff19875bbdad6bff9a7697fd887f054c76483a99b46511dca3ae67ed7')
    expect(stringToSign(SDK_DATE, text)).toBe(
      `SDK-HMAC-SHA256\n${SDK_DATE}\n7b46929ff19875bbdad6bff9a7697fd887f054c76483a99b46511dca3ae67ed7`
    )
  })

  test('V5 canonical query line', () => {
    expect(canonicalQuery(new URL(vector('V5').request.url).searchParams)).toBe('a=1&a=2&b=x%20y%2F%C3%A4%2A~')
  })
})

describe('official Go SDK vectors (signer_test.go): only x-sdk-date is signed', () => {
  const goCredentials = { accessKeyId: 'AccessKey', secretAccessKey: 'SecretKey' }
  const headers = { 'X-Sdk-Date': '20060102T150405Z' }

  test('GET /path?limit=1', () => {
    const result = computeSignature(
      { method: 'GET', url: 'https://example.huaweicloud.com/path?limit=1', headers, body: '' },
      goCredentials
    )
    expect(result.signedHeaders).toBe('x-sdk-date')
    expect(result.signature).toBe('5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624')
    expect(result.authorization).toBe(
      'SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, ' +
        'Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624'
    )
  })

  test('POST /path?key=value, body ends with the newline Go JSON encoding adds', () => {
    const result = computeSignature(
      {
        method: 'POST',
        url: 'https://example.huaweicloud.com/path?key=value',
        headers,
        body: '{"Name":"test","Id":1}\n'
      },
      goCredentials
    )
    expect(result.signature).toBe('cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// Oracle: the official Node.js signer must produce the same Authorization header.

interface SdkRequest {
  endpoint: string
  method: string
  headers: Record<string, string>
  queryParams: Record<string, string | string[]>
  data?: unknown
}
interface SdkSigner {
  sign(request: SdkRequest, credential: { getAk(): string; getSk(): string }): Record<string, string>
}
const requireCjs = createRequire(import.meta.url)
const { AKSKSigner } = requireCjs('@huaweicloud/huaweicloud-sdk-core/auth/AKSKSigner') as { AKSKSigner: SdkSigner }

interface OracleCase {
  name: string
  method: string
  base?: string
  path: string
  query?: Array<[string, string]>
  headers: Record<string, string>
  /** Sent as JSON.stringify(data), which is what the SDK hashes. */
  data?: unknown
  securityToken?: string
}

const TOKEN = 'tokenExample/+=-_.~:ä'

const ORACLE_CASES: OracleCase[] = [
  {
    name: 'GET detail',
    method: 'GET',
    path: `${PIPELINE_PATH}/pipeline-runs/detail`,
    query: [['pipeline_run_id', RUN]],
    headers: V5_HEADERS
  },
  {
    name: 'GET with unicode, space, reserved characters and repeated keys',
    method: 'GET',
    path: `${PIPELINE_PATH}/pipeline-runs/detail`,
    query: [
      ['b', 'x y/ä*~'],
      ['a', '2'],
      ['a', '1'],
      ['a', '10'],
      ['k€y', '日本 語'],
      ['emoji', '😀'],
      ['punct', "!'()*+,;=:@&?#"],
      ['empty', ''],
      ['Z', 'upper sorts before lower']
    ],
    headers: V5_HEADERS
  },
  {
    name: 'GET list with a security token',
    method: 'GET',
    path: `${PIPELINE_PATH}/pipeline-runs`,
    query: [
      ['limit', '10'],
      ['offset', '0']
    ],
    headers: V5_HEADERS,
    securityToken: TOKEN
  },
  {
    name: 'POST JSON run',
    method: 'POST',
    path: `${PIPELINE_PATH}/run`,
    headers: V5_HEADERS,
    data: {
      sources: [{ type: 'code', params: { git_type: 'codehub', build_params: { target_branch: 'feature/ä ö' } } }],
      variables: [{ name: 'MSG', value: 'hello "world"\n中文 ✓ 😀' }],
      choose_jobs: []
    }
  },
  {
    name: 'POST {} stop with a security token',
    method: 'POST',
    path: `${PIPELINE_PATH}/pipeline-runs/${RUN}/stop`,
    headers: V5_HEADERS,
    data: {},
    securityToken: TOKEN
  },
  { name: 'PUT retry without body', method: 'PUT', path: `${PIPELINE_PATH}/pipeline-runs/${RUN}/retry`, headers: V5_HEADERS },
  { name: 'DELETE without body', method: 'DELETE', path: `${PIPELINE_PATH}/pipeline-runs/${RUN}`, headers: V5_HEADERS },
  {
    name: 'v6 POST rerun with X-Domain-Id',
    method: 'POST',
    path: `/v6/${DOMAIN}/api/pac/pipelines/actions/rerun`,
    headers: V6_HEADERS,
    data: { pipeline_id: PIPELINE, pipeline_run_id: RUN }
  },
  {
    name: 'v6 POST with X-Domain-Id and a security token',
    method: 'POST',
    path: `/v6/${DOMAIN}/api/pac/pipelines/actions/stop`,
    headers: V6_HEADERS,
    data: { pipeline_id: PIPELINE, pipeline_run_id: RUN },
    securityToken: TOKEN
  },
  {
    name: 'non-default port is part of Host',
    method: 'GET',
    base: `https://${HOST}:8443`,
    path: `${PIPELINE_PATH}/pipeline-runs/detail`,
    query: [['pipeline_run_id', RUN]],
    headers: V5_HEADERS
  },
  {
    name: 'path characters outside the unreserved set',
    method: 'GET',
    path: '/v5/a*b/c~d/e.f',
    headers: V5_HEADERS
  },
  {
    name: 'X-Sdk-Content-Sha256 replaces the body hash',
    method: 'POST',
    path: `${PIPELINE_PATH}/upload`,
    headers: {
      'content-type': 'application/octet-stream',
      'x-project-id': PROJECT,
      'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD'
    },
    data: { ignored: true }
  }
]

function buildUrl(base: string, path: string, query: Array<[string, string]> = []): string {
  const search = query.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join('&')
  return `${base}${path}${search ? `?${search}` : ''}`
}

function sdkQueryParams(query: Array<[string, string]> = []): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {}
  for (const [key, value] of query) {
    const existing = params[key]
    if (existing === undefined) params[key] = value
    else params[key] = Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  return params
}

describe('oracle: @huaweicloud/huaweicloud-sdk-core AKSKSigner', () => {
  test.each(ORACLE_CASES)('$name', (c) => {
    const base = c.base ?? BASE
    const body = c.data === undefined ? '' : JSON.stringify(c.data)
    const credentials: HuaweiAkSk = c.securityToken ? { ...CREDENTIALS, securityToken: c.securityToken } : CREDENTIALS

    const ours = signHuaweiRequest(
      { method: c.method, url: buildUrl(base, c.path, c.query), headers: c.headers, body },
      credentials,
      DATE
    )

    const sdkHeaders: Record<string, string> = { ...c.headers, 'X-Sdk-Date': SDK_DATE }
    if (c.securityToken) sdkHeaders['X-Security-Token'] = c.securityToken
    const theirs = AKSKSigner.sign(
      {
        endpoint: `${base}${c.path}`,
        method: c.method,
        headers: sdkHeaders,
        queryParams: sdkQueryParams(c.query),
        ...(c.data === undefined ? {} : { data: c.data })
      },
      { getAk: () => credentials.accessKeyId, getSk: () => credentials.secretAccessKey }
    )

    expect(ours.Authorization).toBe(theirs.Authorization)
    const lowerNames = (headers: Record<string, string>): string[] =>
      Object.keys(headers)
        .map((name) => name.toLowerCase())
        .sort()
    expect(lowerNames(ours)).toEqual(lowerNames(theirs))
    if (c.securityToken) expect(ours.Authorization).toContain('x-security-token')
  })
})

// ---------------------------------------------------------------------------------------------------------------

describe('encodeRfc3986', () => {
  test.each([
    ['AZaz09-_.~', 'AZaz09-_.~'],
    ['a b', 'a%20b'],
    ["!'()*", '%21%27%28%29%2A'],
    ['/?#[]@&=+$,;:', '%2F%3F%23%5B%5D%40%26%3D%2B%24%2C%3B%3A'],
    ['%', '%25'],
    ['ä', '%C3%A4'],
    ['日', '%E6%97%A5'],
    ['😀', '%F0%9F%98%80'],
    ['', '']
  ])('%j -> %j', (input, expected) => {
    expect(encodeRfc3986(input)).toBe(expected)
  })

  test('a lone surrogate has no UTF-8 form and throws', () => {
    expect(() => encodeRfc3986('\ud800')).toThrow(URIError)
  })
})

describe('building blocks', () => {
  test('formatSdkDate is UTC and drops milliseconds', () => {
    expect(formatSdkDate(new Date('2024-01-02T03:04:05.678Z'))).toBe('20240102T030405Z')
    expect(formatSdkDate(new Date('2024-12-31T23:59:59+08:00'))).toBe('20241231T155959Z')
    expect(() => formatSdkDate(new Date(Number.NaN))).toThrow(RangeError)
  })

  test('canonicalUri appends the trailing slash and never encodes an escape twice', () => {
    expect(canonicalUri('/')).toBe('/')
    expect(canonicalUri('')).toBe('/')
    expect(canonicalUri('/v5/x/run')).toBe('/v5/x/run/')
    expect(canonicalUri('/v5/x/')).toBe('/v5/x/')
    expect(canonicalUri('/a b/ä*')).toBe('/a%20b/%C3%A4%2A/')
    expect(canonicalUri('/a%20b/%C3%A4*')).toBe('/a%20b/%C3%A4%2A/')
    expect(canonicalUri('/a%2Fb')).toBe('/a%2Fb/')
    expect(canonicalUri('/100%')).toBe('/100%25/')
  })

  test('canonicalQuery: space is %20, never +', () => {
    expect(canonicalQuery(new URLSearchParams('q=a%20b'))).toBe('q=a%20b')
    // URLSearchParams reads '+' as a space (form encoding); our URL builder never writes one.
    expect(canonicalQuery(new URLSearchParams('q=a+b'))).toBe('q=a%20b')
    expect(canonicalQuery(new URLSearchParams('q=a%2Bb'))).toBe('q=a%2Bb')
  })

  test('canonicalQuery: an empty value keeps its =', () => {
    expect(canonicalQuery(new URLSearchParams('b=&a'))).toBe('a=&b=')
    expect(canonicalQuery(new URLSearchParams(''))).toBe('')
  })

  test('canonicalQuery sorts keys, then values, by code unit', () => {
    expect(canonicalQuery(new URLSearchParams('b=2&B=1&a=z&a=10&a=9'))).toBe('B=1&a=10&a=9&a=z&b=2')
  })

  test('canonicalHeaders lowercases, sorts and trims', () => {
    expect(canonicalHeaders({ 'X-B': ' two ', 'x-a': 'one', Host: 'h' })).toEqual({
      canonicalHeaders: 'host:h\nx-a:one\nx-b:two\n',
      signedHeaders: 'host;x-a;x-b'
    })
  })

  test('canonicalHeaders rejects the same name twice in different case', () => {
    expect(() => canonicalHeaders({ 'Content-Type': 'a', 'content-type': 'b' })).toThrow(TypeError)
  })

  test('payloadHash hashes the exact UTF-8 bytes', () => {
    expect(payloadHash('')).toBe(EMPTY_BODY_SHA256)
    expect(payloadHash('ä')).toBe('33e6d73fee82904c8d7afb78de1154d1e8dc2a0edb08120e63df5b9385c2d9cc')
    expect(payloadHash('{}\n')).not.toBe(payloadHash('{}'))
    expect(payloadHash('x', { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' })).toBe('UNSIGNED-PAYLOAD')
  })

  test('computeSignature requires X-Sdk-Date among the signed headers', () => {
    expect(() =>
      computeSignature({ method: 'GET', url: 'https://h/p', headers: { host: 'h' }, body: '' }, CREDENTIALS)
    ).toThrow(/X-Sdk-Date/)
  })
})

describe('signHuaweiRequest', () => {
  const request = vector('V3').request

  test('does not mutate the input headers or request', () => {
    const headers = Object.freeze({ 'Content-Type': 'application/json', 'X-Project-Id': PROJECT })
    const input: SignableRequest = Object.freeze({ ...request, headers })
    const snapshot = JSON.stringify(input)
    const out = signHuaweiRequest(input, { ...CREDENTIALS, securityToken: 'tok' }, DATE)
    expect(JSON.stringify(input)).toBe(snapshot)
    expect(out).not.toBe(headers)
    expect(Object.keys(headers)).toEqual(['Content-Type', 'X-Project-Id'])
  })

  test('returns the input headers plus Host, X-Sdk-Date and Authorization', () => {
    const out = signHuaweiRequest(request, CREDENTIALS, DATE)
    expect(Object.keys(out).sort()).toEqual(['Authorization', 'Host', 'X-Sdk-Date', 'content-type', 'x-project-id'])
    expect(out['content-type']).toBe('application/json')
  })

  test('the security token is sent and signed', () => {
    const out = signHuaweiRequest(request, { ...CREDENTIALS, securityToken: 'tok' }, DATE)
    expect(out['X-Security-Token']).toBe('tok')
    expect(out.Authorization).toContain('SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token,')
  })

  test('header name case does not change the signature', () => {
    const mixed = signHuaweiRequest(
      { ...request, headers: { 'Content-Type': 'application/json', 'X-Project-Id': PROJECT } },
      CREDENTIALS,
      DATE
    )
    expect(mixed.Authorization).toBe(signHuaweiRequest(request, CREDENTIALS, DATE).Authorization)
  })

  test('a lower-case method signs like its upper-case form', () => {
    expect(signHuaweiRequest({ ...request, method: 'get' }, CREDENTIALS, DATE).Authorization).toBe(
      signHuaweiRequest(request, CREDENTIALS, DATE).Authorization
    )
  })

  test('headers it sets itself replace input copies in any case', () => {
    const out = signHuaweiRequest(
      {
        ...request,
        headers: { ...V5_HEADERS, host: 'evil.example', 'x-sdk-date': '19700101T000000Z', authorization: 'stale' }
      },
      CREDENTIALS,
      DATE
    )
    expect(out).not.toHaveProperty('host')
    expect(out).not.toHaveProperty('x-sdk-date')
    expect(out).not.toHaveProperty('authorization')
    expect(out.Authorization).toBe(signHuaweiRequest(request, CREDENTIALS, DATE).Authorization)
  })

  test('the date changes the signature', () => {
    const later = signHuaweiRequest(request, CREDENTIALS, new Date(DATE.getTime() + 1000))
    expect(later['X-Sdk-Date']).toBe('20240102T030406Z')
    expect(later.Authorization).not.toBe(signHuaweiRequest(request, CREDENTIALS, DATE).Authorization)
  })
})
