import type { RelayError } from '../../src/core/errors.js'
import type { HttpRequest, HttpResponse } from '../../src/core/http.js'
import type { ApiRequest } from '../../src/core/vendor-client.js'
import { QUEUED_CODES, createHuaweiDialect, interpretHuaweiResponse, vendorError } from '../../src/providers/codearts/dialect.js'
import { json } from '../fixtures/fake-transport.js'
import { AK, PIPELINE, PROJECT, RUN, SK, TOKEN } from '../fixtures/codearts.js'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)
const REQUEST: ApiRequest = { method: 'POST', path: `/v5/${PROJECT}/api/pipelines/${PIPELINE}/run`, intent: 'write', action: 'start a run' }

function text(status: number, body: string, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers, body }
}

/** The RelayError an answer means (fails the test when the answer is taken as a payload). */
function refusal(response: HttpResponse, request: ApiRequest = REQUEST): RelayError {
  try {
    const payload = interpretHuaweiResponse(response, request, NOW)
    throw new Error(`expected a refusal, got the payload ${JSON.stringify(payload)}`)
  } catch (error) {
    if ((error as Error).name !== 'RelayError') throw error
    return error as RelayError
  }
}

describe('interpretHuaweiResponse: success', () => {
  test('a plain 2xx JSON body is the payload', () => {
    const body = { pipeline_run_id: RUN }
    expect(interpretHuaweiResponse(json(200, body), REQUEST, NOW)).toEqual(body)
    expect(interpretHuaweiResponse(json(201, { success: true }), REQUEST, NOW)).toEqual({ success: true })
  })

  test('a 2xx with empty error fields is still a payload', () => {
    const body = { success: true, error_code: '', error_msg: '', error: null }
    expect(interpretHuaweiResponse(json(200, body), REQUEST, NOW)).toEqual(body)
  })

  test.each([...QUEUED_CODES])('a 2xx with %s and error.pipeline_run_id is the payload: the run is queued, not refused', code => {
    const nested = { error: { code, message: 'Maximum concurrency of a single pipeline is limited, enter the queue state', pipeline_run_id: RUN, queue_id: 'q1' } }
    expect(interpretHuaweiResponse(json(200, nested), REQUEST, NOW)).toEqual(nested)
    const flat = { error_code: code, error_msg: 'enter the queue state', error: { pipeline_run_id: RUN } }
    expect(interpretHuaweiResponse(json(200, flat), REQUEST, NOW)).toEqual(flat)
  })

  test('the queued codes are DEVPIPE.00011169 and DEVPIPE.00011170', () => {
    expect([...QUEUED_CODES].sort()).toEqual(['DEVPIPE.00011169', 'DEVPIPE.00011170'])
  })
})

describe('interpretHuaweiResponse: vendor errors', () => {
  test('a 2xx with another error_code is a client error', () => {
    const error = refusal(json(200, { error_code: 'DEVPIPE.00011999', error_msg: 'something is wrong', request_id: 'req-2xx' }))
    expect(error).toMatchObject({ kind: 'client', status: 200, vendorCode: 'DEVPIPE.00011999', requestId: 'req-2xx' })
    expect(error.message).toBe('CodeArts refused to start a run: something is wrong')
  })

  test('a 2xx with an error{code,message} object is a client error too', () => {
    const error = refusal(json(200, { error: { code: 'DEVPIPE.00011998', message: 'nested refusal' } }))
    expect(error).toMatchObject({ kind: 'client', vendorCode: 'DEVPIPE.00011998' })
    expect(error.message).toContain('nested refusal')
  })

  test('a queued code on a non-2xx answer is not a success', () => {
    expect(refusal(json(500, { error_code: 'DEVPIPE.00011169', error_msg: 'queue' })).kind).toBe('server')
  })

  test('401 APIGW.0301, signature mismatch: auth, with the signature hint', () => {
    const error = refusal(
      json(401, {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information: verify aksk signature fail, canonicalRequest:POST|/v5/x/|...|host;x-sdk-date|abc',
        request_id: 'req-sig'
      })
    )
    expect(error).toMatchObject({ kind: 'auth', status: 401, vendorCode: 'APIGW.0301', requestId: 'req-sig' })
    expect(error.hint).toMatch(/^The signature did not match: check that access_key_secret belongs to access_key_id/)
    expect(error.describe()).toContain('(HTTP 401, code APIGW.0301, request id req-sig). The signature did not match')
  })

  test('401 APIGW.0301, "ak ... not exist": the access key hint', () => {
    const error = refusal(json(401, { error_code: 'APIGW.0301', error_msg: 'Incorrect IAM authentication information: ak HPUAXXXXXXXXXXXXXXXX not exist' }))
    expect(error.kind).toBe('auth')
    expect(error.hint).toMatch(/^The access key id is unknown to Huawei Cloud IAM: check access_key_id/)
  })

  test('401 APIGW.0301, "signature expired": the clock hint with the runner time', () => {
    const error = refusal(
      json(401, {
        error_code: 'APIGW.0301',
        error_msg: 'Incorrect IAM authentication information: signature expired, signature time 20261122T113000Z, server time 20261122T120000Z'
      })
    )
    expect(error.kind).toBe('auth')
    expect(error.hint).toContain("differs from Huawei Cloud's clock by more than 15 minutes")
    expect(error.hint).toContain('runner time 2026-11-22T12:00:00.000Z')
    expect(error.hint).toContain("synchronize the runner's clock")
  })

  test('APIGW.0303 (time skew) is auth with the clock hint', () => {
    const error = refusal(json(401, { error_code: 'APIGW.0303', error_msg: 'Incorrect app authentication information: signature expired' }))
    expect(error).toMatchObject({ kind: 'auth', vendorCode: 'APIGW.0303' })
    expect(error.hint).toContain(`runner time ${new Date(NOW).toISOString()}`)
  })

  test('an expired IAM token gets the token hint', () => {
    const error = refusal(json(401, { error_code: 'APIG.0307', error_msg: 'The token must be updated.' }))
    expect(error.kind).toBe('auth')
    expect(error.hint).toMatch(/^The IAM token has expired/)
  })

  test('403 without a known code is auth with the permission hint', () => {
    const error = refusal(json(403, { error_code: 'DEVPIPE.00010001', error_msg: 'no permission' }))
    expect(error.kind).toBe('auth')
    expect(error.hint).toMatch(/lack permission/)
    expect(refusal(text(403, '')).hint).toMatch(/lack permission/)
  })

  test('429 APIG.0308 with Retry-After is throttled, with the delay', () => {
    const error = refusal(json(429, { error_code: 'APIG.0308', error_msg: 'The throttling threshold has been reached: policy user over ratelimit' }, { 'retry-after': '7' }))
    expect(error).toMatchObject({ kind: 'throttled', status: 429, vendorCode: 'APIG.0308', retryAfterMs: 7_000 })
  })

  test('APIG.0308 is throttled whatever the HTTP status, and Retry-After may be a date', () => {
    const error = refusal(json(400, { error_code: 'APIG.0308', error_msg: 'over ratelimit' }, { 'retry-after': new Date(NOW + 5_000).toUTCString() }))
    expect(error).toMatchObject({ kind: 'throttled', retryAfterMs: 5_000 })
  })

  test('a bare 429 keeps its Retry-After', () => {
    expect(refusal(text(429, '', { 'retry-after': '3' }))).toMatchObject({ kind: 'throttled', retryAfterMs: 3_000 })
  })

  test('404 DEVPIPE.00011401 is not_found with the pipeline hint', () => {
    const error = refusal(json(404, { error_code: 'DEVPIPE.00011401', error_msg: 'pipeline not found' }))
    expect(error).toMatchObject({ kind: 'not_found', status: 404, vendorCode: 'DEVPIPE.00011401' })
    expect(error.hint).toContain('Check pipeline_id')
    expect(error.hint).toContain('belongs to project_id')
  })

  test.each<[string, number, string]>([
    ['DEVPIPE.00011136', 400, 'client'],
    ['DEVPIPE.00011412', 404, 'not_found'],
    ['DEVPIPE.00011412', 200, 'not_found'],
    ['DEV_21_100169', 404, 'not_found'],
    ['pipeline.00060101', 400, 'not_found']
  ])('%s (HTTP %d) is %s with the project id hint', (code, status, kind) => {
    const error = refusal(json(status, { error_code: code, error_msg: '项目ID和流水线不匹配' }))
    expect(error.kind).toBe(kind)
    expect(error.hint).toContain('not the IAM project id')
    expect(error.hint).toContain('project_id must be the CodeArts project id')
  })

  test('a 4xx error_msg without a code keeps the HTTP status meaning', () => {
    const error = refusal(json(400, { error_msg: 'bad request body' }))
    expect(error).toMatchObject({ kind: 'client', status: 400, vendorCode: undefined })
    expect(error.message).toBe('CodeArts refused to start a run: bad request body')
  })
})

describe('interpretHuaweiResponse: answers that are not JSON', () => {
  const html = `<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>${'<!-- padding -->'.repeat(20)}</body></html>`

  test('a 502 HTML page is a server error whose message shows the start of the page', () => {
    const error = refusal(text(502, html, { 'content-type': 'text/html' }))
    expect(error).toMatchObject({ kind: 'server', status: 502 })
    expect(error.message).toMatch(/^CodeArts refused to start a run \(HTTP 502: <html><head><title>502 Bad Gateway<\/title>/)
    expect(error.message).toContain('…')
    expect(error.message.length).toBeLessThan(250)
  })

  test('a 503 page is unavailable, a 504 is server, a 500 is server', () => {
    expect(refusal(text(503, 'Service Unavailable')).kind).toBe('unavailable')
    expect(refusal(text(504, '<html>Gateway Timeout</html>')).kind).toBe('server')
    expect(refusal(text(500, '')).kind).toBe('server')
  })

  test('a 200 with an empty body is a protocol fault', () => {
    const error = refusal(text(200, ''))
    expect(error).toMatchObject({ kind: 'protocol', status: 200 })
    expect(error.message).toBe('CodeArts answered "start a run" with an empty body')
    expect(refusal(text(200, '  \n ')).kind).toBe('protocol')
  })

  test('a 200 with invalid JSON is a protocol fault that shows the body', () => {
    const error = refusal(text(200, '{"pipeline_run_id": '))
    expect(error).toMatchObject({ kind: 'protocol', status: 200 })
    expect(error.message).toBe('CodeArts answered "start a run" with a body that is not JSON: {"pipeline_run_id":')
  })
})

describe('interpretHuaweiResponse: request id', () => {
  test('from the body', () => {
    const error = refusal(json(404, { error_code: 'DEVPIPE.00011401', error_msg: 'not found', request_id: 'body-req-1' }, { 'x-request-id': 'header-req-1' }))
    expect(error.requestId).toBe('body-req-1')
    expect(error.describe()).toContain('request id body-req-1')
  })

  test('from the x-request-id header when the body has none', () => {
    const error = refusal(json(404, { error_code: 'DEVPIPE.00011401', error_msg: 'not found' }, { 'x-request-id': 'header-req-2' }))
    expect(error.describe()).toContain('request id header-req-2')
  })

  test('from the header for a page that is not JSON', () => {
    expect(refusal(text(502, '<html>bad gateway</html>', { 'x-request-id': 'header-req-3' })).describe()).toContain('request id header-req-3')
    expect(refusal(text(200, '', { 'x-request-id': 'header-req-4' })).describe()).toContain('request id header-req-4')
  })
})

describe('vendorError', () => {
  test('reads both shapes, and numbers as codes', () => {
    expect(vendorError({ error_code: 'A.1', error_msg: 'm', request_id: 'r' })).toEqual({ code: 'A.1', message: 'm', requestId: 'r' })
    expect(vendorError({ error: { code: 'B.2', message: 'n' } })).toEqual({ code: 'B.2', message: 'n', requestId: undefined })
    expect(vendorError({ error_code: 12345 })).toEqual({ code: '12345', message: undefined, requestId: undefined })
  })

  test('is undefined for bodies without error fields', () => {
    for (const body of [null, 'text', 42, [], {}, { success: true }, { error: null }, { error: 'x' }, { error_code: '' }]) {
      expect(vendorError(body)).toBeUndefined()
    }
  })
})

describe('createHuaweiDialect: authorize', () => {
  const unsigned: HttpRequest = {
    method: 'POST',
    url: `https://cloudpipeline-ext.cn-north-4.myhuaweicloud.com/v5/${PROJECT}/api/pipelines/${PIPELINE}/pipeline-runs/${RUN}/stop`,
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: '{}',
    timeoutMs: 40_000
  }
  const now = new Date(NOW)

  function signedHeaderNames(authorization: string): string[] {
    const match = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(authorization)
    expect(match).not.toBeNull()
    return match![2]!.split(';')
  }

  test('token mode adds X-Auth-Token and keeps the request otherwise', () => {
    const request = createHuaweiDialect({ kind: 'token', token: TOKEN }, {}).authorize(unsigned, now)
    expect(request.headers).toEqual({ ...unsigned.headers, 'X-Auth-Token': TOKEN })
    expect(request).toMatchObject({ method: 'POST', url: unsigned.url, body: '{}', timeoutMs: 40_000 })
    expect(request.headers.Authorization).toBeUndefined()
  })

  test('token mode sends the extra headers too', () => {
    const request = createHuaweiDialect({ kind: 'token', token: TOKEN }, { 'X-Project-Id': PROJECT }).authorize(unsigned, now)
    expect(request.headers['X-Project-Id']).toBe(PROJECT)
    expect(request.headers['X-Auth-Token']).toBe(TOKEN)
  })

  test('AK/SK mode signs with SDK-HMAC-SHA256, covering host and x-sdk-date', () => {
    const request = createHuaweiDialect({ kind: 'aksk', accessKeyId: AK, secretAccessKey: SK }, {}).authorize(unsigned, now)
    const authorization = request.headers.Authorization!
    expect(authorization.startsWith(`SDK-HMAC-SHA256 Access=${AK}, `)).toBe(true)
    const signed = signedHeaderNames(authorization)
    expect(signed).toEqual(expect.arrayContaining(['host', 'x-sdk-date', 'content-type']))
    expect(signed).toEqual([...signed].sort())
    expect(request.headers.Host).toBe('cloudpipeline-ext.cn-north-4.myhuaweicloud.com')
    expect(request.headers['X-Sdk-Date']).toBe('20261122T120000Z')
    expect(request.headers['X-Auth-Token']).toBeUndefined()
    expect(request.headers['X-Project-Id']).toBeUndefined()
    expect(JSON.stringify(request)).not.toContain(SK)
  })

  test('AK/SK mode adds and signs X-Project-Id when extra headers are given', () => {
    const request = createHuaweiDialect({ kind: 'aksk', accessKeyId: AK, secretAccessKey: SK }, { 'X-Project-Id': PROJECT }).authorize(unsigned, now)
    expect(request.headers['X-Project-Id']).toBe(PROJECT)
    expect(signedHeaderNames(request.headers.Authorization!)).toEqual(expect.arrayContaining(['host', 'x-project-id', 'x-sdk-date']))
  })

  test('AK/SK mode with a security token sends and signs X-Security-Token', () => {
    const request = createHuaweiDialect({ kind: 'aksk', accessKeyId: AK, secretAccessKey: SK, securityToken: 'sts-token-value' }, {}).authorize(unsigned, now)
    expect(request.headers['X-Security-Token']).toBe('sts-token-value')
    expect(signedHeaderNames(request.headers.Authorization!)).toContain('x-security-token')
  })

  test('each attempt is signed at its own time, and the input request is left alone', () => {
    const dialect = createHuaweiDialect({ kind: 'aksk', accessKeyId: AK, secretAccessKey: SK }, {})
    const before = JSON.stringify(unsigned)
    const first = dialect.authorize(unsigned, now)
    const later = dialect.authorize(unsigned, new Date(NOW + 61_000))
    expect(later.headers['X-Sdk-Date']).toBe('20261122T120101Z')
    expect(later.headers.Authorization).not.toBe(first.headers.Authorization)
    expect(JSON.stringify(unsigned)).toBe(before)
  })

  test('the dialect reads answers with interpretHuaweiResponse', () => {
    expect(createHuaweiDialect({ kind: 'token', token: TOKEN }, {}).interpret).toBe(interpretHuaweiResponse)
  })
})
