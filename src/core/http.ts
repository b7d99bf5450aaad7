import type * as http from 'node:http'
import { createConnections } from './agents.js'
import { RelayError } from './errors.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE'

export interface HttpRequest {
  method: HttpMethod
  url: string
  headers: Readonly<Record<string, string>>
  /** Exact bytes to send (already serialized): signers hash these. */
  body?: string
  /** Whole-request deadline: connect, send, and read the full body. */
  timeoutMs: number
}

export interface HttpResponse {
  status: number
  /** Lower-case names. */
  headers: Readonly<Record<string, string>>
  body: string
}

/** One attempt of one request. Never retries: the retry policy lives above it. */
export type Transport = (request: HttpRequest, signal?: AbortSignal) => Promise<HttpResponse>

/** A vendor answer larger than this is not a run detail: stop reading so memory stays bounded. */
export const MAX_RESPONSE_BYTES = 8 * 1024 * 1024

// A TLS handshake that failed because this runner does not trust the server's certificate (or the
// server does not speak TLS at all). Asking again gives the same answer, so these are not retried.
const UNTRUSTED_TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER'
])

// Errors that can only happen before the first byte of the request is written: a failed name
// lookup or connection, or a TLS handshake that did not complete (the request follows it).
const NOT_SENT_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EPROTO', ...UNTRUSTED_TLS_CODES])

interface TransportOptions {
  userAgent?: string
  maxResponseBytes?: number
  /**
   * A request sent without a signal of its own (a start, a retry, a stop: writes are not cut when
   * the job is canceled, or a run could exist whose id we never learn) still must not outlive the
   * runner's cancel window. When `signal` aborts while such a request is in flight, its deadline is
   * brought forward to `ms` from then: a timeout like any other, which the at-most-once logic
   * resolves. Requests that start after the abort (the stop itself) keep their own timeout.
   */
  abortGrace?: { signal: AbortSignal; ms: number }
}

/**
 * The production transport: node's http/https, through the proxy HTTPS_PROXY, HTTP_PROXY and
 * NO_PROXY say, the way the runner's own tools read them (agents.ts). The request
 * itself is driven here rather than through a client library so that we own the whole-request
 * deadline, the body cap, cancellation, and — most important for "never start a run twice" —
 * whether a failed request could have reached the server.
 */
export function createNodeTransport(options: TransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'pipeline-relay'
  const maxBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES
  const connections = createConnections()

  return (request, signal) =>
    new Promise<HttpResponse>((resolve, reject) => {
      const url = new URL(request.url)
      const module = connections.moduleFor(url)
      const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8')
      const headers: Record<string, string> = { 'User-Agent': userAgent, ...request.headers }
      if (body !== undefined) headers['Content-Length'] = String(body.length)

      let connected = false
      let settled = false
      const finish = (outcome: () => void): void => {
        if (settled) return
        settled = true
        clearTimeout(deadline)
        signal?.removeEventListener('abort', onAbort)
        grace?.signal.removeEventListener('abort', onGrace)
        outcome()
      }
      const fail = (error: RelayError): void => {
        finish(() => reject(error))
        outgoing.destroy()
      }

      const outgoing = module.request(
        url,
        { method: request.method, headers, agent: connections.agentFor(url) },
        incoming => {
          const chunks: Buffer[] = []
          let size = 0
          incoming.on('data', (chunk: Buffer) => {
            size += chunk.length
            if (size > maxBytes) {
              fail(
                new RelayError(
                  'protocol',
                  `The response to ${request.method} ${url.pathname} is larger than ${maxBytes} bytes; stopped reading it`,
                  { status: incoming.statusCode }
                )
              )
              return
            }
            chunks.push(chunk)
          })
          incoming.on('end', () =>
            finish(() =>
              resolve({
                status: incoming.statusCode ?? 0,
                headers: flattenHeaders(incoming.headers),
                body: Buffer.concat(chunks).toString('utf8')
              })
            )
          )
          incoming.on('error', error => fail(networkError(error, request, true)))
          incoming.on('aborted', () =>
            fail(networkError(new Error('connection closed before the response ended'), request, true))
          )
        }
      )

      outgoing.on('socket', socket => {
        const markConnected = (): void => {
          connected = true
        }
        // Once TCP is up, a failure may come after the server read the request, unless its code
        // says otherwise (TLS handshake errors). A socket handed over already connected counts as
        // connected: when in doubt, the request may have been sent.
        if (socket.connecting) socket.once('connect', markConnected)
        else connected = true
      })
      outgoing.on('error', error => fail(networkError(error, request, connected)))

      const timedOut = (why: string) => (): void => {
        fail(new RelayError('timeout', `${request.method} ${url.host}${url.pathname} did not answer ${why}`, { notSent: !connected }))
      }
      let deadline = setTimeout(timedOut(`within ${request.timeoutMs} ms`), request.timeoutMs)
      // Only an uninterruptible request in flight when the job is canceled gets the shorter deadline.
      const grace = signal === undefined && options.abortGrace !== undefined && !options.abortGrace.signal.aborted ? options.abortGrace : undefined
      const sentAt = Date.now()
      const onGrace = (): void => {
        if (grace === undefined || Date.now() - sentAt + grace.ms >= request.timeoutMs) return
        clearTimeout(deadline)
        deadline = setTimeout(timedOut(`within ${grace.ms} ms of the job being canceled`), grace.ms)
      }
      grace?.signal.addEventListener('abort', onGrace, { once: true })
      const onAbort = (): void => {
        fail(new RelayError('aborted', `${request.method} ${url.pathname} was interrupted: the job is being canceled`))
      }
      if (signal?.aborted) {
        onAbort()
        return
      }
      signal?.addEventListener('abort', onAbort, { once: true })

      outgoing.end(body)
    })
}

function networkError(error: Error, request: HttpRequest, connected: boolean): RelayError {
  const code = (error as NodeJS.ErrnoException).code
  const url = new URL(request.url)
  const notSent = !connected || (code !== undefined && NOT_SENT_CODES.has(code))
  // A server that answers TLS with plain HTTP: node reports EPROTO "wrong version number".
  const plain = code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'EPROTO' && /wrong version number/i.test(error.message))
  if (plain || (code !== undefined && UNTRUSTED_TLS_CODES.has(code))) {
    // Not a passing fault: the same handshake fails the same way, so it is reported at once.
    return new RelayError(
      'client',
      `${request.method} ${url.host}${url.pathname} failed: ${plain ? 'the server did not answer in TLS' : `this runner does not trust the TLS certificate of ${url.hostname}`} (${code ?? ''}: ${error.message})`,
      {
        notSent: true,
        cause: error,
        hint: plain
          ? 'Check endpoint: the server at that port speaks plain HTTP (use the https port), or a proxy in between does not pass TLS through'
          : 'Check endpoint. If the server (or a TLS-inspecting proxy in between) uses a private certificate authority, give its CA certificate in NODE_EXTRA_CA_CERTS'
      }
    )
  }
  const what = code ?? error.message
  return new RelayError('network', `${request.method} ${url.host}${url.pathname} failed: ${what}`, {
    notSent,
    cause: error,
    hint: code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `Check that the host ${url.hostname} is right and resolvable from this runner` : undefined
  })
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return flat
}
