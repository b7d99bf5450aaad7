import type * as http from 'node:http'
import type { Duplex } from 'node:stream'
import type * as tls from 'node:tls'
import { getProxyUrl } from '@actions/http-client/lib/proxy'
import { httpModule, httpsModule, netModule, tlsModule } from './builtins.js'

/**
 * How the transport reaches a host: node's http or https, directly or through the proxy that
 * HTTPS_PROXY / HTTP_PROXY name (NO_PROXY and loopback excepted, read by @actions/http-client's
 * proxy module, as the runner's own tools read them).
 *
 * Two things here are about start-up time. https (and TLS under it) is loaded on the first https
 * request rather than when the bundle starts: a run against a plain-http endpoint never needs it.
 * And the proxy tunnel is our own CONNECT, instead of @actions/http-client's HttpClient: that
 * module imports undici at load time, which was three quarters of the bundle and half of the time
 * to the first request.
 */
export interface Connections {
  /** node:http or node:https, for this URL's protocol. */
  moduleFor(url: URL): RequestModule
  /** A fresh-connection agent (no keep-alive) for this URL: direct, or a tunnel through its proxy. */
  agentFor(url: URL): http.Agent
}

export type RequestModule = Pick<typeof http, 'request'>

// A proxy that accepts the connection but never answers the CONNECT must not hold the process.
const CONNECT_TIMEOUT_MS = 30_000

export function createConnections(): Connections {
  const agents = new Map<string, http.Agent>()
  return {
    moduleFor: url => (url.protocol === 'https:' ? (httpsModule() as RequestModule) : httpModule()),
    agentFor(url) {
      const proxy = getProxyUrl(url)
      const key = `${url.protocol}|${proxy?.href ?? 'direct'}`
      let agent = agents.get(key)
      if (agent === undefined) {
        agent = proxy === undefined ? directAgent(url) : tunnelAgent(proxy, url.protocol === 'https:')
        agents.set(key, agent)
      }
      return agent
    }
  }
}

function directAgent(url: URL): http.Agent {
  return url.protocol === 'https:' ? new (httpsModule().Agent)({ keepAlive: false }) : new (httpModule().Agent)({ keepAlive: false })
}

/**
 * Every request through the proxy goes in a CONNECT tunnel (for an https target, TLS to the target
 * runs inside it, so the proxy sees neither the request nor the credentials). An https:// proxy is
 * reached over TLS itself. Proxy credentials in its URL become Basic Proxy-Authorization.
 */
function tunnelAgent(proxy: URL, secureTarget: boolean): http.Agent {
  const agent = secureTarget ? new (httpsModule().Agent)({ keepAlive: false }) : new (httpModule().Agent)({ keepAlive: false })
  agent.createConnection = (options: http.ClientRequestArgs, callback?: (error: Error | null, stream: Duplex) => void): undefined => {
    const done = callback ?? (() => undefined)
    // node's agent reads only the error when there is one.
    const fail = (error: Error): void => (done as (error: Error) => void)(error)
    const host = options.hostname ?? options.host ?? 'localhost'
    const port = Number(options.port ?? (secureTarget ? 443 : 80))
    const authority = `${netModule().isIP(host) === 6 ? `[${host}]` : host}:${port}`
    const headers: Record<string, string> = { Host: authority }
    if (proxy.username !== '' || proxy.password !== '') {
      headers['Proxy-Authorization'] = `Basic ${Buffer.from(`${proxy.username}:${proxy.password}`).toString('base64')}`
    }
    const viaTls = proxy.protocol === 'https:'
    const connect = (viaTls ? (httpsModule() as RequestModule) : httpModule()).request({
      host: proxy.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: proxy.port === '' ? (viaTls ? 443 : 80) : Number(proxy.port),
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false
    })
    connect.setTimeout(CONNECT_TIMEOUT_MS, () => connect.destroy(new Error(`the proxy ${proxy.host} did not open a tunnel within ${CONNECT_TIMEOUT_MS} ms`)))
    connect.once('connect', (response: http.IncomingMessage, socket: Duplex) => {
      connect.setTimeout(0)
      if (response.statusCode !== 200) {
        socket.destroy()
        fail(new Error(`the proxy ${proxy.host} refused a tunnel to ${authority}: HTTP ${response.statusCode ?? 0}`))
        return
      }
      if (!secureTarget) {
        done(null, socket)
        return
      }
      const secureOptions = options as tls.ConnectionOptions
      const servername = secureOptions.servername ?? (netModule().isIP(host) === 0 ? host : undefined)
      done(null, tlsModule().connect({ ...secureOptions, host, port, socket, servername }))
    })
    connect.once('error', fail)
    connect.end()
    return undefined
  }
  return agent
}
