/**
 * Network realities, through the built bundle:
 * - HTTPS_PROXY is honoured: every request goes through a forwarding proxy on loopback (CONNECT),
 *   to an https endpoint whose certificate the step trusts through NODE_EXTRA_CA_CERTS (the fake
 *   test CA), the way a runner behind a corporate proxy with its own CA works;
 * - NO_PROXY is honoured: the same step with the host in NO_PROXY never talks to the proxy;
 * - clock skew: a vendor that refuses a signature as expired gets a message with the runner's time
 *   and the server's (from its Date header), and how far apart they are.
 * (Loopback endpoints, as the emulators use, always bypass a proxy: @actions/http-client never
 * proxies localhost and 127.*.)
 */
import { FLAVOURS, FLAVOUR_IDS } from './flavours.js'
import { STACK_TRACE, TLS_FIXTURE, errorLines, forwardingProxy, githubStep, tlsServer, withOrigin, type Listening, type Proxy } from './harness.js'

const WAIT = { poll_interval: '100ms', request_timeout: '3s', timeout: '30s' }

describe('HTTPS_PROXY and NO_PROXY', () => {
  let proxy: Proxy

  beforeAll(async () => {
    proxy = await forwardingProxy()
  })
  afterAll(async () => {
    await proxy.close()
  })

  describe.each(FLAVOUR_IDS)('%s', id => {
    const flavour = FLAVOURS[id]

    async function through(env: Record<string, string>): Promise<{ ran: Awaited<ReturnType<typeof githubStep>>; requests: number; created: number; host: string; tunnelsBefore: number }> {
      const world = flavour.make()
      await world.start()
      let front: Listening | undefined
      try {
        const endpoint = world.inputs('succeed').endpoint ?? ''
        front = await tlsServer(Number(new URL(endpoint).port))
        const host = `${id}.relay.test:${front.port}`
        const tunnelsBefore = proxy.tunnels.length
        // Where the world's emulator is also IAM (Huawei AK/SK), the project look-up takes the same way.
        const iamEndpoint = world.inputs('succeed').iam_endpoint
        const iam: Record<string, string> = iamEndpoint === undefined ? {} : { iam_endpoint: withOrigin(iamEndpoint, `https://${host}`) }
        const ran = await githubStep({
          inputs: world.inputs('succeed', { ...WAIT, endpoint: withOrigin(endpoint, `https://${host}`), ...iam }),
          secrets: world.secrets,
          env: { NODE_EXTRA_CA_CERTS: TLS_FIXTURE.caFile, ...env }
        })
        return { ran, requests: world.requestLines().length, created: world.runsCreated(), host, tunnelsBefore }
      } finally {
        await front?.close()
        await world.stop()
      }
    }

    test('with HTTPS_PROXY, every request goes through the proxy, and the run succeeds', async () => {
      const { ran, requests, created, host, tunnelsBefore } = await through({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}` })
      expect({ exitCode: ran.exitCode, errors: errorLines(ran.stdout) }).toEqual({ exitCode: 0, errors: [] })
      expect(ran.outputs.status).toBe('succeeded')
      expect(created).toBe(1)
      const tunnels = proxy.tunnels.slice(tunnelsBefore).filter(target => target === host)
      // One tunnel per request (no keep-alive): every request the emulator saw came through the proxy.
      expect(requests).toBeGreaterThan(1)
      expect(tunnels).toHaveLength(requests)
      expect(ran.leaks).toEqual([])
    })

    test('with the host in NO_PROXY, the proxy is bypassed (and the made-up host does not resolve)', async () => {
      const { ran, requests, host, tunnelsBefore } = await through({ HTTPS_PROXY: `http://127.0.0.1:${proxy.port}`, NO_PROXY: 'example.com, .relay.test' })
      expect(proxy.tunnels.slice(tunnelsBefore).filter(target => target === host)).toEqual([])
      expect(requests).toBe(0)
      expect(ran.exitCode).toBe(1)
      expect(errorLines(ran.stdout).join('\n')).toMatch(/ENOTFOUND|EAI_AGAIN/)
      expect(ran.stdout).toMatch(/Check that the host \S+\.relay\.test is right and resolvable/)
      expect(ran.stdout + ran.stderr).not.toMatch(STACK_TRACE)
      expect(ran.leaks).toEqual([])
    }, 60_000)
  })
})

describe('clock skew: the vendor refuses the signature as expired', () => {
  const signing = FLAVOUR_IDS.filter(id => FLAVOURS[id].signsWithTime)

  test('every vendor that signs with the time is covered', () => {
    expect(signing).toEqual(['codearts', 'codearts-pac', 'yunxiao-pop'])
  })

  test.each(signing)('%s: the message gives the runner time, the server time, and how far apart', async id => {
    const skewMs = 40 * 60_000
    const world = FLAVOURS[id].make({ now: () => Date.now() + skewMs })
    await world.start()
    try {
      const ran = await githubStep({ inputs: world.inputs('succeed', WAIT), secrets: world.secrets })
      expect(ran.exitCode).toBe(1)
      const errors = errorLines(ran.stdout)
      expect(errors).toHaveLength(1)
      const [, runner = '', server = ''] = /runner time (\S+), server time (\S+),/.exec(errors[0] ?? '') ?? []
      expect(Date.parse(server) - Date.parse(runner)).toBeGreaterThan(skewMs - 60_000)
      expect(Date.parse(server) - Date.parse(runner)).toBeLessThan(skewMs + 60_000)
      expect(errors[0]).toMatch(/the runner is 40 min behind\. Synchronize the runner's clock/)
      // An authentication refusal is not sent again, and nothing was started.
      expect(world.runsCreated()).toBe(0)
      expect(ran.stdout).not.toMatch(/trying again/)
      expect(ran.leaks).toEqual([])
    } finally {
      await world.stop()
    }
  })
})
