import { createRequire } from 'node:module'

import {
  ACS3_ALGORITHM,
  EMPTY_PAYLOAD_SHA256,
  authorizationHeader,
  canonicalHeaders,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  computeAcs3Signature,
  formatAcsDate,
  isSignedHeader,
  payloadHash,
  sha256Hex,
  signAliyunAcs3Request,
  stringToSign,
  type AliyunCredentials,
  type AliyunSignableRequest
} from '../../src/signing/aliyun-acs3-hmac-sha256.js'
import { encodeRfc3986 } from '../../src/signing/uri-encode.js'

const AK = 'YourAccessKeyId'
const SK = 'YourAccessKeySecret'
const CREDENTIALS: AliyunCredentials = { accessKeyId: AK, accessKeySecret: SK }

// The official V3 worked example (aliyun-yunxiao.md §4.3).
const OFFICIAL: AliyunSignableRequest = {
  method: 'POST',
  url: 'https://ecs.cn-shanghai.aliyuncs.com/?ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256
  },
  body: ''
}
const OFFICIAL_CANONICAL_REQUEST = [
  'POST',
  '/',
  'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
  'host:ecs.cn-shanghai.aliyuncs.com',
  'x-acs-action:RunInstances',
  `x-acs-content-sha256:${EMPTY_PAYLOAD_SHA256}`,
  'x-acs-date:2023-10-26T10:22:32Z',
  'x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d',
  'x-acs-version:2014-05-26',
  '',
  'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
  EMPTY_PAYLOAD_SHA256
].join('\n')
const OFFICIAL_SIGNATURE = '06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0'

describe('the official V3 worked example', () => {
  test('canonical request, its hash and the string to sign', () => {
    expect(canonicalRequest(OFFICIAL)).toBe(OFFICIAL_CANONICAL_REQUEST)
    expect(sha256Hex(OFFICIAL_CANONICAL_REQUEST)).toBe('7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259')
    expect(stringToSign(OFFICIAL_CANONICAL_REQUEST)).toBe(`${ACS3_ALGORITHM}\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259`)
  })

  test('signature and Authorization', () => {
    const signed = computeAcs3Signature(OFFICIAL, CREDENTIALS)
    expect(signed.signature).toBe(OFFICIAL_SIGNATURE)
    expect(signed.authorization).toBe(
      `ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=${OFFICIAL_SIGNATURE}`
    )
  })

  test('signAliyunAcs3Request reproduces it from the date and nonce', () => {
    const headers = signAliyunAcs3Request(
      { ...OFFICIAL, headers: { 'x-acs-action': 'RunInstances', 'x-acs-version': '2014-05-26' } },
      CREDENTIALS,
      new Date(Date.UTC(2023, 9, 26, 10, 22, 32)),
      '3156853299f313e23d1673dc12e1703d'
    )
    expect(headers).toEqual({ ...OFFICIAL.headers, Authorization: computeAcs3Signature(OFFICIAL, CREDENTIALS).authorization })
  })
})

// Oracle-derived devops vectors (aliyun-yunxiao.md §4.3, NOT official; two implementations agree).
const DEVOPS = 'https://devops.cn-hangzhou.aliyuncs.com'
const DEVOPS_DATE = new Date(Date.UTC(2025, 0, 1, 0, 0, 0))
const START_PARAMS = JSON.stringify({ envs: { FOO: 'bar baz' }, runningBranchs: { 'https://codeup.aliyun.com/x/y.git': 'main' }, comment: 'from GitHub' })

describe('devops 2021-06-25 vectors', () => {
  test('StartPipelineRun: a form body', () => {
    const headers = signAliyunAcs3Request(
      {
        method: 'POST',
        url: `${DEVOPS}/organizations/org1/pipelines/123/run`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-acs-action': 'StartPipelineRun', 'x-acs-version': '2021-06-25' },
        body: `params=${encodeRfc3986(START_PARAMS)}`
      },
      CREDENTIALS,
      DEVOPS_DATE,
      '00000000000000000000000000000001'
    )
    expect(headers['x-acs-content-sha256']).toBe('9c1a532ebcc72ccb7f5555e4243e58214745fca4813ec79982101dacc61ba4bb')
    expect(headers.Authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=a7d365542d0701acba6061e2a1b9102481b0242da7ba2abf67ffddd02a0c7fb6'
    )
  })

  const LIST: AliyunSignableRequest = {
    method: 'GET',
    url: `${DEVOPS}/organization/org1/pipelines/123/pipelineRuns?maxResults=20&status=RUNNING`,
    headers: { 'x-acs-action': 'ListPipelineRuns', 'x-acs-version': '2021-06-25' },
    body: ''
  }

  test('ListPipelineRuns: a query and no body', () => {
    const headers = signAliyunAcs3Request(LIST, CREDENTIALS, DEVOPS_DATE, '00000000000000000000000000000002')
    expect(headers['x-acs-content-sha256']).toBe(EMPTY_PAYLOAD_SHA256)
    expect(headers.Authorization).toMatch(/,Signature=c6385f53fcad5ba18ef89e061ba67ecdfac0679d759c23e722360f1c7ee4f43e$/)
  })

  test('ListPipelineRuns with an STS token: x-acs-accesskey-id and x-acs-security-token are added and signed', () => {
    const headers = signAliyunAcs3Request(LIST, { ...CREDENTIALS, securityToken: 'STS.token+/=' }, DEVOPS_DATE, '00000000000000000000000000000002')
    expect(headers['x-acs-security-token']).toBe('STS.token+/=')
    expect(headers['x-acs-accesskey-id']).toBe(AK)
    expect(headers.Authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version,Signature=0a9b55c6f1b63223abc0233630e6fc2da09814ffbaf10fa7479ce0d6ef103dfd'
    )
  })
})

describe('building blocks', () => {
  test('formatAcsDate: UTC, seconds, no milliseconds', () => {
    expect(formatAcsDate(new Date(Date.UTC(2023, 9, 26, 10, 22, 32, 999)))).toBe('2023-10-26T10:22:32Z')
    expect(() => formatAcsDate(new Date(Number.NaN))).toThrow(RangeError)
  })

  test('canonicalUri encodes each segment once (RFC 3986), raw or already encoded', () => {
    expect(canonicalUri('')).toBe('/')
    expect(canonicalUri('/')).toBe('/')
    expect(canonicalUri('/organization/org1/pipelines/123/pipelineRuns')).toBe('/organization/org1/pipelines/123/pipelineRuns')
    expect(canonicalUri('/a b/c*d/e~f/ä')).toBe('/a%20b/c%2Ad/e~f/%C3%A4')
    expect(canonicalUri('/a%20b/c%2Ad/e%7Ef')).toBe('/a%20b/c%2Ad/e~f')
    expect(canonicalUri("/x!'()")).toBe('/x%21%27%28%29')
    expect(canonicalUri('/100%')).toBe('/100%25')
  })

  test('canonicalQueryString: sorted by name then value, both encoded, empty values keep "="', () => {
    const query = new URLSearchParams()
    for (const [key, value] of [['b', 'x y*'], ['a', '2'], ['a', '1'], ['Z', ''], ['k', "!'()~"]]) query.append(key!, value!)
    expect(canonicalQueryString(query)).toBe('Z=&a=1&a=2&b=x%20y%2A&k=%21%27%28%29~')
    expect(canonicalQueryString(new URLSearchParams())).toBe('')
  })

  test('only host, content-type and x-acs-* are signed, lower-cased, trimmed and sorted', () => {
    expect(isSignedHeader('Host')).toBe(true)
    expect(isSignedHeader('Content-Type')).toBe(true)
    expect(isSignedHeader('X-Acs-Date')).toBe(true)
    expect(isSignedHeader('Accept')).toBe(false)
    expect(isSignedHeader('Authorization')).toBe(false)
    expect(isSignedHeader('x-yunxiao-token')).toBe(false)
    expect(canonicalHeaders({ 'X-Acs-Version': ' 2021-06-25 ', Accept: 'application/json', host: 'h', 'Content-Type': 'application/json', 'user-agent': 'x' })).toEqual({
      canonicalHeaders: 'content-type:application/json\nhost:h\nx-acs-version:2021-06-25\n',
      signedHeaders: 'content-type;host;x-acs-version'
    })
  })

  test('a header given twice in different letter case is refused', () => {
    expect(() => canonicalHeaders({ 'Content-Type': 'a', 'content-type': 'b' })).toThrow(/given twice/)
  })

  test('payloadHash: the declared x-acs-content-sha256, else the hash of the exact body', () => {
    expect(payloadHash('')).toBe(EMPTY_PAYLOAD_SHA256)
    expect(payloadHash('{"a":"中文"}')).toBe(sha256Hex('{"a":"中文"}'))
    expect(payloadHash('ignored', { 'X-Acs-Content-Sha256': ' abc ' })).toBe('abc')
  })

  test('authorizationHeader has no spaces after the commas', () => {
    expect(authorizationHeader('id', 'a;b', 'sig')).toBe('ACS3-HMAC-SHA256 Credential=id,SignedHeaders=a;b,Signature=sig')
  })
})

describe('signAliyunAcs3Request', () => {
  const REQUEST: AliyunSignableRequest = {
    method: 'get',
    url: 'http://127.0.0.1:8080/prefix/organization/o/pipelines/1/pipelineRuns/2',
    headers: { Accept: 'application/json', 'X-Acs-Date': 'stale', HOST: 'wrong', authorization: 'old', 'x-acs-action': 'GetPipelineRun' },
    body: ''
  }
  const headers = signAliyunAcs3Request(REQUEST, CREDENTIALS, DEVOPS_DATE, 'n1')

  test('replaces the headers it owns in any letter case, keeps the others, adds no security token without one', () => {
    expect(Object.keys(headers).sort()).toEqual(
      ['Accept', 'Authorization', 'host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce'].sort()
    )
    expect(headers.host).toBe('127.0.0.1:8080')
    expect(headers['x-acs-date']).toBe('2025-01-01T00:00:00Z')
    expect(headers['x-acs-signature-nonce']).toBe('n1')
  })

  test('the method is signed upper-cased and the endpoint prefix is part of the path', () => {
    const again = computeAcs3Signature({ ...REQUEST, method: 'GET', headers: { ...headers } }, CREDENTIALS)
    expect(headers.Authorization).toBe(again.authorization)
    expect(again.canonicalRequest.split('\n').slice(0, 2)).toEqual(['GET', '/prefix/organization/o/pipelines/1/pipelineRuns/2'])
  })

  test('does not mutate its input and is deterministic', () => {
    expect(REQUEST.headers['X-Acs-Date']).toBe('stale')
    expect(signAliyunAcs3Request(REQUEST, CREDENTIALS, DEVOPS_DATE, 'n1')).toEqual(headers)
  })

  test('a different nonce, date, secret or body gives a different signature', () => {
    const other = [
      signAliyunAcs3Request(REQUEST, CREDENTIALS, DEVOPS_DATE, 'n2'),
      signAliyunAcs3Request(REQUEST, CREDENTIALS, new Date(DEVOPS_DATE.getTime() + 1000), 'n1'),
      signAliyunAcs3Request(REQUEST, { ...CREDENTIALS, accessKeySecret: 'other' }, DEVOPS_DATE, 'n1'),
      signAliyunAcs3Request({ ...REQUEST, body: 'x' }, CREDENTIALS, DEVOPS_DATE, 'n1')
    ]
    for (const signed of other) expect(signed.Authorization).not.toBe(headers.Authorization)
  })

  test('an empty nonce is refused', () => {
    expect(() => signAliyunAcs3Request(REQUEST, CREDENTIALS, DEVOPS_DATE, ' ')).toThrow(/nonce/)
  })

  test('an empty security token adds nothing', () => {
    expect(signAliyunAcs3Request(REQUEST, { ...CREDENTIALS, securityToken: '' }, DEVOPS_DATE, 'n1')).toEqual(headers)
  })
})

// The official signer as an oracle: @alicloud/openapi-util 0.3.3 (CommonJS).
interface OracleUtil {
  getAuthorization(request: unknown, algorithm: string, payload: string, accessKeyId: string, accessKeySecret: string): string
  hash(raw: Buffer, algorithm: string): Buffer
  hexEncode(raw: Buffer): string
  toForm(filter: Record<string, unknown>): string
}
const requireCjs = createRequire(import.meta.url)
const OpenApiUtil = (requireCjs('@alicloud/openapi-util') as { default: OracleUtil }).default
const $tea = requireCjs('@alicloud/tea-typescript') as { Request: new () => Record<string, unknown> }

interface OracleCase {
  name: string
  method: string
  base?: string
  path: string
  query?: Record<string, string>
  headers: Record<string, string>
  body?: string
  securityToken?: string
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' }
const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' }
const POP = (action: string): Record<string, string> => ({ 'x-acs-action': action, 'x-acs-version': '2021-06-25', accept: 'application/json' })

const ORACLE_CASES: OracleCase[] = [
  {
    name: 'StartPipelineRun with a form body',
    method: 'POST',
    path: '/organizations/5ebbc0228123212b59aaaaaa/pipelines/123/run',
    headers: { ...POP('StartPipelineRun'), ...FORM },
    body: `params=${encodeRfc3986(JSON.stringify({ envs: { A: 'x y', B: '中文 ✓' }, comment: "it's (quoted) *starred* [relay:0123456789]" }))}`
  },
  { name: 'GetPipelineRun', method: 'GET', path: '/organization/org1/pipelines/123/pipelineRuns/45', headers: POP('GetPipelineRun') },
  {
    name: 'ListPipelineRuns with a query',
    method: 'GET',
    path: '/organization/org1/pipelines/123/pipelineRuns',
    query: { maxResults: '10', startTime: '1735689600000', status: 'RUNNING' },
    headers: POP('ListPipelineRuns')
  },
  {
    name: 'a query with reserved, unicode and empty values, keys in mixed case',
    method: 'GET',
    path: '/organization/org1/pipelines/123/pipelineRuns',
    query: { b: "x y/ä*~!'()", a: '1', Z: 'upper', empty: '', nextToken: 'abc+/=' },
    headers: POP('ListPipelineRuns')
  },
  { name: 'StopPipelineRun', method: 'PUT', path: '/organization/org1/pipelines/123/pipelineRuns/45/stop', headers: POP('StopPipelineRun') },
  { name: 'RetryPipelineJobRun', method: 'PUT', path: '/organization/org1/pipelines/123/pipelineRuns/45/jobs/2324334', headers: POP('RetryPipelineJobRun') },
  {
    name: 'with an STS token',
    method: 'GET',
    path: '/organization/org1/pipelines/123/pipelineRuns/45',
    headers: POP('GetPipelineRun'),
    securityToken: 'CAIS+token/with=chars'
  },
  {
    name: 'a JSON body with unicode',
    method: 'POST',
    path: '/organizations/org1/pipelines/123/run',
    headers: { ...POP('StartPipelineRun'), ...JSON_TYPE },
    body: JSON.stringify({ params: JSON.stringify({ envs: { NAME: '云效 流水线' } }) })
  },
  {
    name: 'a loopback endpoint with a port and a path prefix',
    method: 'GET',
    base: 'http://127.0.0.1:18080',
    path: '/emulator/organization/org1/pipelines/9/pipelineRuns/1',
    headers: POP('GetPipelineRun')
  },
  {
    name: 'encoded path segments and ~',
    method: 'GET',
    path: '/organization/my%20org~x/pipelines/123/pipelineRuns/45',
    headers: POP('GetPipelineRun')
  },
  {
    name: 'header values with spaces around them and extra x-acs headers',
    method: 'POST',
    path: '/organizations/org1/pipelines/123/run',
    headers: { ...POP('StartPipelineRun'), ...FORM, 'x-acs-extra': '  padded value  ', 'User-Agent': 'pipeline-relay' },
    body: 'params=%7B%7D'
  }
]

function urlOf(testCase: OracleCase): string {
  const query = Object.entries(testCase.query ?? {})
    .map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
    .join('&')
  return `${testCase.base ?? DEVOPS}${testCase.path}${query === '' ? '' : `?${query}`}`
}

describe('against the official signer (@alicloud/openapi-util 0.3.3)', () => {
  test('there are at least 8 oracle cases', () => {
    expect(ORACLE_CASES.length).toBeGreaterThanOrEqual(8)
  })

  test.each(ORACLE_CASES)('$name', testCase => {
    const body = testCase.body ?? ''
    const credentials = { ...CREDENTIALS, securityToken: testCase.securityToken }
    const ours = signAliyunAcs3Request({ method: testCase.method, url: urlOf(testCase), headers: testCase.headers, body }, credentials, DEVOPS_DATE, 'c0ffee0123456789c0ffee0123456789')

    const payload = OpenApiUtil.hexEncode(OpenApiUtil.hash(Buffer.from(body, 'utf8'), ACS3_ALGORITHM))
    expect(ours['x-acs-content-sha256']).toBe(payload)
    const request = new $tea.Request()
    request.method = testCase.method
    request.pathname = testCase.path
    request.query = testCase.query ?? {}
    const { Authorization: _ours, ...sent } = ours
    request.headers = sent
    expect(ours.Authorization).toBe(OpenApiUtil.getAuthorization(request, ACS3_ALGORITHM, payload, AK, SK))
  })

  test('our form encoding of params is the SDK toForm output when the JSON has none of !\'()*', () => {
    expect(`params=${encodeRfc3986(START_PARAMS)}`).toBe(OpenApiUtil.toForm({ params: START_PARAMS }))
  })
})
