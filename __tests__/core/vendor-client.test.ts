import { RelayError } from '../../src/core/errors.js'
import type { HttpRequest } from '../../src/core/http.js'
import { Redactor } from '../../src/core/redact.js'
import { VendorClient, preview, readJsonBody, type VendorDialect } from '../../src/core/vendor-client.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FakeTransport, json } from '../fixtures/fake-transport.js'

function client(transport: FakeTransport, clock = new FakeClock(), signal?: AbortSignal, prepare?: VendorDialect['prepare']) {
  const authorizedAt: number[] = []
  const dialect: VendorDialect = {
    prepare,
    authorize(request: HttpRequest, now: Date) {
      authorizedAt.push(now.getTime())
      return { ...request, headers: { ...request.headers, 'X-Test-Auth': `at-${now.getTime()}` } }
    },
    interpret(response) {
      if (response.status >= 400) throw new RelayError(response.status === 503 ? 'unavailable' : 'client', `HTTP ${response.status}`)
      return JSON.parse(response.body) as unknown
    }
  }
  const log = new FakeHost({})
  const vendor = new VendorClient({ baseUrl: 'https://api.example.com/base/', transport: transport.send, clock, log, dialect, requestTimeoutMs: 1234, signal })
  return { vendor, authorizedAt, log, clock }
}

describe('VendorClient', () => {
  test("a dialect's prepare step runs once per request, before its first attempt and outside its retries; its failure sends nothing", async () => {
    const transport = new FakeTransport().on('GET /base/p', json(503, {}), json(200, { ok: true }))
    const prepared: string[] = []
    const { vendor } = client(transport, new FakeClock(), undefined, async request => {
      prepared.push(`${request.action} after ${transport.requests.length} requests`)
      if (request.intent === 'write') throw new RelayError('client', 'no scope')
    })
    await vendor.send({ method: 'GET', path: '/p', intent: 'read', action: 'read p' })
    expect(prepared).toEqual(['read p after 0 requests'])
    expect(transport.requests).toHaveLength(2)
    await expect(vendor.send({ method: 'POST', path: '/p', body: {}, intent: 'write', action: 'write p' })).rejects.toThrow('no scope')
    expect(prepared).toHaveLength(2)
    expect(transport.requests).toHaveLength(2)
  })

  test('a write whose prepare step failed in a way that looks unclear (a timeout) is still known not to have been sent', async () => {
    const transport = new FakeTransport()
    const { vendor } = client(transport, new FakeClock(), undefined, async () => {
      throw new RelayError('timeout', 'IAM did not answer')
    })
    const error = (await vendor.send({ method: 'POST', path: '/run', body: {}, intent: 'write', action: 'start a run' }).catch((thrown: unknown) => thrown)) as RelayError
    expect(error).toMatchObject({ kind: 'timeout', message: 'IAM did not answer', notSent: true })
    expect(transport.requests).toHaveLength(0)
  })

  test('query values are RFC 3986 encoded (space as %20), under the base path', async () => {
    const transport = new FakeTransport().on('GET /base/x', json(200, {}))
    await client(transport).vendor.send({ method: 'GET', path: '/x', query: { 'a b': 'c d*~', q: 'ä' }, intent: 'read', action: 'read x' })
    expect(transport.requests[0]!.url).toBe('https://api.example.com/base/x?a%20b=c%20d%2A~&q=%C3%A4')
    expect(transport.requests[0]!.timeoutMs).toBe(1234)
  })

  test('a JSON body is sent as JSON, a form as url-encoded pairs with its content type', async () => {
    const transport = new FakeTransport().on('POST /base/j', json(200, {})).on('POST /base/f', json(200, {}))
    const { vendor } = client(transport)
    await vendor.send({ method: 'POST', path: '/j', body: { a: 1 }, intent: 'write', action: 'j' })
    await vendor.send({ method: 'POST', path: '/f', form: { params: '{"k":"v w"}' }, intent: 'write', action: 'f' })
    expect(transport.requests[0]!).toMatchObject({ body: '{"a":1}', headers: { 'Content-Type': 'application/json' } })
    expect(transport.requests[1]!).toMatchObject({
      body: 'params=%7B%22k%22%3A%22v%20w%22%7D',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
    })
  })

  test('credentials are applied again for every attempt, with the time of that attempt', async () => {
    const transport = new FakeTransport().on('GET /base/s', json(503, {}), json(200, { ok: true }))
    const { vendor, authorizedAt, log } = client(transport, new FakeClock(1_000_000, [0.5]))
    await expect(vendor.send({ method: 'GET', path: '/s', intent: 'read', action: 'read s' })).resolves.toEqual({ ok: true })
    expect(authorizedAt).toEqual([1_000_000, 1_000_500])
    expect(transport.requests.map(request => request.headers['X-Test-Auth'])).toEqual(['at-1000000', 'at-1000500'])
    expect(log.lines.some(line => /Could not read s \(HTTP 503\); trying again in 0\.5 s \(attempt 2 of 5\)/.test(line))).toBe(true)
  })

  test('reads can be interrupted by the abort signal; writes in flight cannot', async () => {
    const signals: (AbortSignal | undefined)[] = []
    const transport = { send: async (_request: HttpRequest, signal?: AbortSignal) => (signals.push(signal), json(200, {})) }
    const controller = new AbortController()
    const { vendor } = client(transport as unknown as FakeTransport, new FakeClock(), controller.signal)
    await vendor.send({ method: 'GET', path: '/r', intent: 'read', action: 'r' })
    await vendor.send({ method: 'POST', path: '/w', body: {}, intent: 'write', action: 'w' })
    expect(signals).toEqual([controller.signal, undefined])
  })

  test('a write is not sent once the job is canceled: an aborted error, and no request', async () => {
    const transport = new FakeTransport().on('POST /base/run', json(200, { id: 'r-1' }))
    const controller = new AbortController()
    const { vendor } = client(transport, new FakeClock(), controller.signal)
    controller.abort('received SIGINT')
    const refused = vendor.send({ method: 'POST', path: '/run', body: {}, intent: 'write', action: 'start a run' })
    await expect(refused).rejects.toMatchObject({ kind: 'aborted', notSent: true, message: 'The job was canceled before the request to start a run was sent' })
    expect(transport.requests).toHaveLength(0)
  })

  test('per-call limits: one attempt only', async () => {
    const transport = new FakeTransport().on('POST /base/stop', json(503, {}), json(200, {}))
    const { vendor } = client(transport)
    await expect(vendor.send({ method: 'POST', path: '/stop', body: {}, intent: 'write', action: 'stop', options: { maxAttempts: 1 } })).rejects.toThrow('HTTP 503')
    expect(transport.requests).toHaveLength(1)
  })
})

describe('VendorClient: credentials echoed in answers (issue 12)', () => {
  const TOKEN = 'MIIfake-iam-token-value-0123456789abcdefghijkl'

  /** Every piece of the secret long enough to mean something: none may be printed. */
  function fragments(secret: string, length = 5): string[] {
    return Array.from({ length: secret.length - length + 1 }, (_, start) => secret.slice(start, start + length))
  }

  /** A dialect that reads answers the way the real ones do: JSON, else a preview of the text. */
  const previewing: VendorDialect = {
    authorize: request => request,
    interpret(response) {
      const body = readJsonBody(response)
      if (response.status < 400 && body.kind === 'json') return body.value
      const detail = body.kind === 'invalid' ? `: ${preview(body.text)}` : ''
      throw new RelayError('auth', `refused (HTTP ${response.status}${detail}, request ${response.headers['x-request-id'] ?? '-'})`)
    }
  }

  function client(transport: FakeTransport, redact?: (text: string) => string): VendorClient {
    return new VendorClient({ baseUrl: 'https://api.example.com', transport: transport.send, clock: new FakeClock(), log: new FakeHost({}), dialect: previewing, requestTimeoutMs: 1000, redact })
  }

  function redactorOf(secret: string): (text: string) => string {
    const redactor = new Redactor()
    redactor.add(secret)
    return text => redactor.redact(text)
  }

  function html401(before: string): { status: number; headers: Record<string, string>; body: string } {
    return { status: 401, headers: { 'content-type': 'text/html' }, body: `<html><body>${before}${TOKEN}</body></html>` }
  }

  async function messageOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown
    )
    expect(error).toBeInstanceOf(RelayError)
    return (error as RelayError).message
  }

  test('a 401 page cut to 120 characters shows the mask, not the first characters of the token', async () => {
    // The cut falls 18 characters into the token: the host's masking would not recognise what is left.
    const before = `Unauthorized: the X-Auth-Token is not valid. ${'.'.repeat(120 - 18 - 45 - 12)}`
    const transport = new FakeTransport().on('GET /x', html401(before))
    const message = await messageOf(client(transport, redactorOf(TOKEN)).send({ method: 'GET', path: '/x', intent: 'read', action: 'read x' }))
    expect(message).toContain('***')
    for (const fragment of fragments(TOKEN)) expect(message).not.toContain(fragment)
  })

  test('wherever the cut falls in the token, no part of it is left', async () => {
    const redact = redactorOf(TOKEN)
    for (let lead = 60; lead <= 125; lead++) {
      const transport = new FakeTransport().on('GET /x', html401('x'.repeat(lead - '<html><body>'.length)))
      const message = await messageOf(client(transport, redact).send({ method: 'GET', path: '/x', intent: 'read', action: 'read x' }))
      for (const fragment of fragments(TOKEN, 4)) expect(message).not.toContain(fragment)
    }
  })

  test('an answer is masked before the dialect reads it: body and headers, the rest intact', async () => {
    const seen: string[] = []
    const transport = new FakeTransport().on('GET /x', json(200, { id: 'r-1', echo: `Bearer ${TOKEN.toUpperCase()}` }, { 'x-request-id': `req-${TOKEN}` }))
    const recording: VendorDialect = {
      authorize: request => request,
      interpret(response) {
        seen.push(response.body, response.headers['x-request-id'] ?? '')
        return JSON.parse(response.body) as unknown
      }
    }
    const vendor = new VendorClient({ baseUrl: 'https://api.example.com', transport: transport.send, clock: new FakeClock(), log: new FakeHost({}), dialect: recording, requestTimeoutMs: 1000, redact: redactorOf(TOKEN) })
    await expect(vendor.send({ method: 'GET', path: '/x', intent: 'read', action: 'read x' })).resolves.toEqual({ id: 'r-1', echo: 'Bearer ***' })
    expect(seen).toEqual(['{"id":"r-1","echo":"Bearer ***"}', 'req-***'])
  })
})
