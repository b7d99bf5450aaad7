import * as http from 'node:http'
import * as https from 'node:https'
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net'
import { createConnections } from '../../src/core/agents.js'
import { RelayError } from '../../src/core/errors.js'
import { createNodeTransport } from '../../src/core/http.js'

const PROXY_VARIABLES = ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy']
const saved = Object.fromEntries(PROXY_VARIABLES.map(name => [name, process.env[name]]))

beforeEach(() => {
  for (const name of PROXY_VARIABLES) delete process.env[name]
})
afterEach(() => {
  for (const name of PROXY_VARIABLES) {
    const value = saved[name]
    if (value === undefined) delete process.env[name]
    else process.env[name] = value
  }
})

describe('direct connections', () => {
  test('node:http for http URLs, node:https for https URLs; fresh connections (no keep-alive), one agent per protocol', () => {
    const connections = createConnections()
    expect(connections.moduleFor(new URL('http://example.test/a')).request).toBe(http.request)
    expect(connections.moduleFor(new URL('https://example.test/a')).request).toBe(https.request)
    const plain = connections.agentFor(new URL('http://example.test/a'))
    const secure = connections.agentFor(new URL('https://example.test/b'))
    expect(secure).toBeInstanceOf(https.Agent)
    expect(plain).not.toBeInstanceOf(https.Agent)
    expect((plain as unknown as { keepAlive: boolean }).keepAlive).toBe(false)
    expect(connections.agentFor(new URL('https://other.test/'))).toBe(secure)
  })

  test('a proxy is not used for loopback hosts, nor for hosts NO_PROXY names', () => {
    process.env.HTTPS_PROXY = 'http://proxy.test:3128'
    process.env.NO_PROXY = '.internal.test'
    const connections = createConnections()
    const direct = connections.agentFor(new URL('https://127.0.0.1:8443/'))
    expect(connections.agentFor(new URL('https://api.internal.test/'))).toBe(direct)
    expect(connections.agentFor(new URL('https://cloud.example.test/'))).not.toBe(direct)
  })
})

describe('through an HTTP proxy (CONNECT)', () => {
  let target: http.Server
  let proxy: http.Server
  let connects: { authority: string; authorization?: string }[]
  let refuse: number | undefined
  const tunnels = new Set<Socket>()

  beforeEach(async () => {
    connects = []
    refuse = undefined
    target = http.createServer((request, response) => {
      response.setHeader('content-type', 'application/json')
      response.end(JSON.stringify({ path: request.url, host: request.headers.host }))
    })
    await new Promise<void>(done => target.listen(0, '127.0.0.1', done))
    const targetPort = (target.address() as AddressInfo).port
    // A proxy that opens tunnels to "<any host>:<port>" on our target server, as a real one would to the host named.
    proxy = http.createServer((_request, response) => response.writeHead(405).end())
    proxy.on('connect', (request: http.IncomingMessage, client: Socket, head: Buffer) => {
      connects.push({ authority: request.url ?? '', authorization: request.headers['proxy-authorization'] })
      tunnels.add(client)
      if (refuse !== undefined) {
        client.end(`HTTP/1.1 ${refuse} Refused\r\n\r\n`)
        return
      }
      const upstream = netConnect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.write(head)
        upstream.pipe(client)
        client.pipe(upstream)
      })
      tunnels.add(upstream)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    process.env.HTTP_PROXY = `http://relay%40ci:p%3Ass@127.0.0.1:${(proxy.address() as AddressInfo).port}`
  })

  afterEach(async () => {
    for (const tunnel of tunnels) tunnel.destroy()
    proxy.closeAllConnections()
    target.closeAllConnections()
    await Promise.all([new Promise(done => proxy.close(done)), new Promise(done => target.close(done))])
  })

  test('the request goes through a CONNECT tunnel, with the proxy credentials as Basic auth', async () => {
    const transport = createNodeTransport()
    const response = await transport({ method: 'GET', url: 'http://api.example.test:8080/v5/runs?x=1', headers: {}, timeoutMs: 5_000 })
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ path: '/v5/runs?x=1', host: 'api.example.test:8080' })
    expect(connects).toEqual([{ authority: 'api.example.test:8080', authorization: `Basic ${Buffer.from('relay@ci:p:ss').toString('base64')}` }])
  })

  test('each request opens its own tunnel (no keep-alive), on the default port when none is given', async () => {
    const transport = createNodeTransport()
    await transport({ method: 'GET', url: 'http://api.example.test/a', headers: {}, timeoutMs: 5_000 })
    await transport({ method: 'POST', url: 'http://api.example.test/b', headers: { 'Content-Type': 'application/json' }, body: '{}', timeoutMs: 5_000 })
    expect(connects.map(c => c.authority)).toEqual(['api.example.test:80', 'api.example.test:80'])
  })

  test('a refused tunnel is a network error that provably did not reach the server', async () => {
    refuse = 407
    const transport = createNodeTransport()
    const failure = await transport({ method: 'POST', url: 'http://api.example.test/run', headers: {}, body: '{}', timeoutMs: 5_000 }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RelayError)
    expect(failure).toMatchObject({ kind: 'network', notSent: true })
    expect((failure as RelayError).message).toMatch(/refused a tunnel to api\.example\.test:80: HTTP 407/)
  })
})

// A self-signed certificate for api.example.test, made for this test only (openssl req -x509, 100 years).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDYnXKIydzpR1zz
80a5L8tjctYL0ngR5yU/xm1qkGhwwNJY4A+CSbd6NUisoHPku4YsEBn1/ukUPgaJ
KZECSn86/PlaBb9JfvjstQPFio/HWOAPHvk0oVkJh+luDTTh9NwYs2r0quatoD6e
kAf7YQPXeBgbtjua46IWH5aWFvlsqMz6+YHJYhPofbShZCHZxlEtBTAUoxU+QgC/
jaOgrTEkZyzixUHMFTNP3AB/dVYgg6xRmIiLYNHhTvHWCYK0LDIPzPrY3iIF4dek
rAQZT//WxQ9LW5Js62YaBzPh5jCN/L19roksiIquFIugEsIU55LCrKALB3m8XLZo
neCoZNcVAgMBAAECggEAUvxy2iPXzclIu676a8z7MxTWGv5dgKJYu2eWGIrNcFD2
5RSl7Gi4cYnDV1s7Oyh6fRwIDh3EBrzCfT7e7o1C1AMBtnLYN1x9GhY5JS9x6NHM
OQ7JM1gTB9s5Wy+VEHHh9laaRbTJnj/zbYTJgg1HTv+T4N3+VNcbjDU62DJiCTWn
jIA5Ypmp5cXEWzvJtIiXuMcWGiQ8eN1nQLNu2cCBYqZFOi7VuEGjQ9g/u7d6jvny
Hg2KMAUKwD+d9jNA7Z6DuBU29MmWzfVzTcFbD2lMBKHEviZKXvjWFRmTCVwaSH1k
1H38+djl/FBXZyjblvY0Z4zGuSnFBJwiWxiCXtlviwKBgQD0w2gXpT6g0W18xBaU
j+qV9nwcewH+doOKTzNTShetzJURJ1b/4DUWIzvT0cKAzfYwf7jmuoeS8uLT+L4l
IhHvWM3DXErEyDhzjjtaj1EVTbOiBHegO6kld469eUeclTdpNFyjlRfCffFjdInx
XdyO9Teo7MSX+ZRmvZyeyvdj9wKBgQDijzoI4w0CAqDqaMuKlU/bmjmo8N6FCQ04
vvfmZfTKJg/Y6YBbTxNHLsL6co8G1JLypqPn2PZg6tG/8xI5la1Kc+WOxqE+z1jM
QSz3fbSsbm19PrPbDf5HfLPQHscHoYPxcOC0XHEYPGPIdW77FPZAcluEnGNF8cZm
V4Z3HvSCUwKBgQCboVAjkM+EpAVxCqGs7uFjXynFVjWLXkH/hKKG+BqcSPQTxybb
Ze17WQXmhn6dNdivN9cS5lHkDwpJa+VDaSlsPdP/v0RPYVv7pdl5mJ0e5ZwtjZee
y7CegSnCskXlez+TZlbtMJS99ySwb15ymZLvV15/y6SpWWmR9kiK81VgOwKBgDgr
OkApynfNHwf+ozfgfMP9IH55+TESZWzEK8G7VU0o0pT8jw4UNLtZJI3jCQKwgR4X
oltAtxSgIxBruwD70tK6mRckt6VS0rkRD4zsZXa6ifqbKQwOFBS1Hf9jIgUKTiP1
0D/nC0Lu9e4k7zbgo4ymzXm7LAGTR5Tn7jZqPkRxAoGATk/s/llAlw8EMgdUFYHq
r8PVlMvU59HDponKcd2UKqvU6tl2njKBFOdD50MSRCu0nFYrB0/3mNxb1tlFlq97
GbGA4yZDzsedP1ST62UIlak72VK4vUGld9mw/C9a8biEMBjxN4pY2vYGoWcKOgVo
2v5iK3qZkKrpETL7zdUNYsQ=
-----END PRIVATE KEY-----`
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIDNTCCAh2gAwIBAgITNyIPEl5PNoJhK711GRoDMLYZ1jANBgkqhkiG9w0BAQsF
ADAbMRkwFwYDVQQDDBBhcGkuZXhhbXBsZS50ZXN0MCAXDTI2MTEyMjEyNTYxNVoY
DzIxMjYxMDI5MTI1NjE1WjAbMRkwFwYDVQQDDBBhcGkuZXhhbXBsZS50ZXN0MIIB
IjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2J1yiMnc6Udc8/NGuS/LY3LW
C9J4EeclP8ZtapBocMDSWOAPgkm3ejVIrKBz5LuGLBAZ9f7pFD4GiSmRAkp/Ovz5
WgW/SX747LUDxYqPx1jgDx75NKFZCYfpbg004fTcGLNq9KrmraA+npAH+2ED13gY
G7Y7muOiFh+Wlhb5bKjM+vmByWIT6H20oWQh2cZRLQUwFKMVPkIAv42joK0xJGcs
4sVBzBUzT9wAf3VWIIOsUZiIi2DR4U7x1gmCtCwyD8z62N4iBeHXpKwEGU//1sUP
S1uSbOtmGgcz4eYwjfy9fa6JLIiKrhSLoBLCFOeSwqygCwd5vFy2aJ3gqGTXFQID
AQABo3AwbjAdBgNVHQ4EFgQUshIT1aKCtaoVS7o7iF4tgagtaqEwHwYDVR0jBBgw
FoAUshIT1aKCtaoVS7o7iF4tgagtaqEwDwYDVR0TAQH/BAUwAwEB/zAbBgNVHREE
FDASghBhcGkuZXhhbXBsZS50ZXN0MA0GCSqGSIb3DQEBCwUAA4IBAQCV1w9T8Mgf
2ngRR0td0PpdX28okDi3s/QccfOqZoH2Ob7JihFSb8DbvHpjiEwQ1bObUCtJGnMW
e2OCl44TV8NH66nfsTJPCIdxKTSw1lscJg+8UDfpz0hW9TY1ca8sAjf3OktLQG+R
+GV5F75q1A7NcOU/H/d9uLQQNqmw1nkx/O+9Fpx4ewSrEg7N8nC3ms3s/LSXlDJK
ZJRTE2leEV5tbfyEfCtC6YGpzc4LcusFi0hgNwmoviT/GEBYZHLh97+Lb34+pJUS
EuKQt7+CGLL14p9LNNemyTTfxVIq2HOGy9u5VsjbbtWg1fjyugzGzFGtV5itK7iK
RSBQYruedMCV
-----END CERTIFICATE-----`

describe('an https target through the proxy', () => {
  let target: https.Server
  let proxy: http.Server
  const authorities: string[] = []
  // Tunnels are taken over from the proxy server, which then no longer tracks them.
  const tunnels = new Set<Socket>()

  beforeEach(async () => {
    target = https.createServer({ key: TEST_KEY, cert: TEST_CERT }, (request, response) => response.end(`tls ok ${request.url ?? ''}`))
    await new Promise<void>(done => target.listen(0, '127.0.0.1', done))
    const targetPort = (target.address() as AddressInfo).port
    proxy = http.createServer()
    proxy.on('connect', (request: http.IncomingMessage, client: Socket) => {
      authorities.push(request.url ?? '')
      tunnels.add(client)
      const upstream = netConnect(targetPort, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        upstream.pipe(client)
        client.pipe(upstream)
      })
      tunnels.add(upstream)
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
    })
    await new Promise<void>(done => proxy.listen(0, '127.0.0.1', done))
    process.env.HTTPS_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`
  })

  afterEach(async () => {
    for (const tunnel of tunnels) tunnel.destroy()
    proxy.closeAllConnections()
    target.closeAllConnections()
    await Promise.all([new Promise(done => proxy.close(done)), new Promise(done => target.close(done))])
  })

  function get(url: string, options: https.RequestOptions): Promise<string> {
    const connections = createConnections()
    return new Promise((resolve, reject) => {
      const request = https.request(url, { ...options, agent: connections.agentFor(new URL(url)) }, response => {
        let body = ''
        response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk))
        response.on('end', () => resolve(body))
      })
      request.on('error', reject)
      request.end()
    })
  }

  test('TLS runs end to end inside the tunnel, checked against the target host name', async () => {
    await expect(get('https://api.example.test:8443/v5/x', { ca: TEST_CERT })).resolves.toBe('tls ok /v5/x')
    expect(authorities).toContain('api.example.test:8443')
  })

  test('the proxy cannot stand in for the target: an untrusted certificate fails the request', async () => {
    await expect(get('https://api.example.test:8443/v5/x', {})).rejects.toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })
  })
})
