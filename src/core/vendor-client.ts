import type { Clock } from './clock.js'
import { RelayError, toRelayError } from './errors.js'
import type { HttpMethod, HttpRequest, HttpResponse, Transport } from './http.js'
import type { Logger } from './log.js'
import { READ_RETRY_POLICY, WRITE_RETRY_POLICY, withRetries, type Intent, type RetryPolicy } from './retry.js'
import { encodeRfc3986 } from '../signing/uri-encode.js'
import type { CallOptions } from '../providers/types.js'

export interface ApiRequest {
  method: HttpMethod
  /** Path below the base URL, segments already encoded. */
  path: string
  query?: Readonly<Record<string, string>>
  /** Sent as JSON. */
  body?: unknown
  /** Sent as application/x-www-form-urlencoded (RFC 3986 escapes), for APIs that take forms. */
  form?: Readonly<Record<string, string>>
  intent: Intent
  /** What the request does, for logs and errors: "start the run". */
  action: string
  options?: CallOptions
}

/**
 * What differs between vendors at the wire level: how a request carries credentials and how an
 * answer is read. Everything else — timeouts, retries, logging — is the same for all of them.
 */
export interface VendorDialect {
  /**
   * Learns what the credentials need before a request can be authorized (Huawei: the IAM project
   * of the region), once, before the request's first attempt and outside its retries.
   */
  prepare?(request: ApiRequest): Promise<void>
  /** Adds credentials to one attempt. Called again for every attempt: signatures carry the time. */
  authorize(request: HttpRequest, now: Date): HttpRequest
  /** Returns the payload of a vendor answer, or throws the RelayError the answer means. */
  interpret(response: HttpResponse, request: ApiRequest, nowMs: number): unknown
}

export interface VendorClientDeps {
  baseUrl: string
  transport: Transport
  clock: Clock
  log: Logger
  dialect: VendorDialect
  requestTimeoutMs: number
  signal?: AbortSignal
  /** Masks registered credentials (ProviderDeps.redact); applied to every answer before the dialect reads it. */
  redact?: (text: string) => string
}

export class VendorClient {
  constructor(private readonly deps: VendorClientDeps) {}

  async send(request: ApiRequest): Promise<unknown> {
    const { clock, log, signal, dialect } = this.deps
    try {
      await dialect.prepare?.(request)
    } catch (thrown) {
      // What the request needs first (the IAM project look-up) failed, so the request itself was never
      // sent: a start is not in doubt, whatever the look-up's own failure was.
      const error = toRelayError(thrown)
      throw error.notSent ? error : new RelayError(error.kind, error.message, { status: error.status, vendorCode: error.vendorCode, requestId: error.requestId, hint: error.hint, retryAfterMs: error.retryAfterMs, cause: error, notSent: true })
    }
    const policy = policyFor(request)
    return withRetries(() => this.attempt(request), {
      intent: request.intent,
      policy,
      clock,
      signal,
      onRetry: notice =>
        log.warning(
          `Could not ${request.action} (${notice.error.describe()}); trying again in ${(notice.delayMs / 1000).toFixed(1)} s (attempt ${notice.attempt + 1} of ${notice.maxAttempts})`
        )
    })
  }

  private async attempt(request: ApiRequest): Promise<unknown> {
    const { transport, clock, log, dialect, signal, redact } = this.deps
    const unsigned: HttpRequest = {
      method: request.method,
      url: this.urlFor(request),
      ...bodyOf(request),
      timeoutMs: request.options?.timeoutMs ?? this.deps.requestTimeoutMs
    }
    // A write in flight is not interrupted when our job is canceled: cutting it would leave a run
    // that may exist but whose id we never learn. Letting it finish means it can be stopped. But a
    // write not yet sent when the job is canceled is not sent at all (a provider may have swallowed
    // the abort of a read before it, e.g. an optional list before a start).
    if (request.intent === 'write' && signal?.aborted === true) {
      throw new RelayError('aborted', `The job was canceled before the request to ${request.action} was sent`, { notSent: true })
    }
    const started = clock.now()
    const interruptible = request.intent === 'read' ? signal : undefined
    const response = await transport(dialect.authorize(unsigned, new Date(clock.now())), interruptible)
    log.debug(`${request.method} ${new URL(unsigned.url).pathname} -> HTTP ${response.status} in ${clock.now() - started} ms`)
    // Vendors echo credentials (a 401 page quoting the token), and an answer's text is cut short
    // for error messages (preview) and log lines before the host masks what is written; a cut
    // secret no longer matches. Masked here, before anything reads the answer, no cut can leave
    // part of one. Masking can change only a credential's own text, which no answer needs back.
    const answer = redact === undefined ? response : redactAnswer(response, redact)
    try {
      return dialect.interpret(answer, request, clock.now())
    } catch (error) {
      throw toRelayError(error)
    }
  }

  private urlFor(request: ApiRequest): string {
    const base = this.deps.baseUrl.replace(/\/+$/, '')
    const query = encodePairs(request.query ?? {})
    return query === '' ? `${base}${request.path}` : `${base}${request.path}?${query}`
  }
}

function redactAnswer(response: HttpResponse, redact: (text: string) => string): HttpResponse {
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, redact(value)]))
  return { ...response, headers, body: redact(response.body) }
}

/** The headers and exact bytes of a request's body: JSON by default, a form where the API takes one. */
function bodyOf(request: ApiRequest): Pick<HttpRequest, 'headers' | 'body'> {
  if (request.form !== undefined) {
    return { headers: { Accept: 'application/json', 'Content-Type': 'application/x-www-form-urlencoded' }, body: encodePairs(request.form) }
  }
  return {
    headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
    body: request.body === undefined ? undefined : JSON.stringify(request.body)
  }
}

function encodePairs(pairs: Readonly<Record<string, string>>): string {
  return Object.entries(pairs)
    .map(([name, value]) => `${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
    .join('&')
}

function policyFor(request: ApiRequest): RetryPolicy {
  const base = request.intent === 'read' ? READ_RETRY_POLICY : WRITE_RETRY_POLICY
  const options = request.options ?? {}
  return {
    ...base,
    maxAttempts: options.maxAttempts ?? base.maxAttempts,
    budgetMs: options.budgetMs ?? base.budgetMs
  }
}

export type JsonBody = { kind: 'json'; value: unknown } | { kind: 'empty' } | { kind: 'invalid'; text: string }

/** Reads a body that should be JSON, telling apart "no body" and "not JSON" (an HTML error page). */
export function readJsonBody(response: HttpResponse): JsonBody {
  const text = response.body.trim()
  if (text === '') return { kind: 'empty' }
  try {
    return { kind: 'json', value: JSON.parse(text) as unknown }
  } catch {
    return { kind: 'invalid', text }
  }
}

/** The start of a body, on one line, for error messages. */
export function preview(text: string, length = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > length ? `${line.slice(0, length)}…` : line
}
