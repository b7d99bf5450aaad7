/**
 * The one error type of pipeline-relay. Every failure — bad input, a refused request, a network
 * fault, a vendor business error — becomes a RelayError where it arises, so that the retry policy,
 * the wait loop and the final report all reason about the same few facts.
 */

export type ErrorKind =
  /** A bad input: reported before any request is sent. */
  | 'input'
  /** Credentials refused (401/403, vendor auth codes). Never retried; ends a wait. */
  | 'auth'
  /** The pipeline, project or run does not exist (or is not visible to these credentials). */
  | 'not_found'
  /**
   * Any other refusal: by the vendor (4xx, business error), or by this runner's TLS layer (a server
   * certificate it does not trust). Never retried.
   */
  | 'client'
  /** 429 or a vendor throttling code: nothing was done, so it may be sent again after a pause. */
  | 'throttled'
  /** 503: the server refused the request without acting on it. */
  | 'unavailable'
  /** 500, 502, 504: the server may or may not have acted. */
  | 'server'
  /** The connection failed; `notSent` says whether the request could have reached the server. */
  | 'network'
  /** No complete answer within the request timeout. */
  | 'timeout'
  /** An answer we cannot read (malformed JSON, an HTML page, a body of the wrong shape, too large). */
  | 'protocol'
  /** A start or retry may have taken effect and we could not find out: never sent twice. */
  | 'ambiguous'
  /** Our own job is being canceled. */
  | 'aborted'

export interface RelayErrorDetails {
  status?: number
  vendorCode?: string
  requestId?: string
  hint?: string
  /** True only when the request provably never reached the server (refused connection, DNS). */
  notSent?: boolean
  /** A delay the server asked for (Retry-After), in milliseconds. */
  retryAfterMs?: number
  cause?: unknown
}

export class RelayError extends Error {
  readonly kind: ErrorKind
  readonly status?: number
  readonly vendorCode?: string
  readonly requestId?: string
  readonly hint?: string
  readonly notSent: boolean
  readonly retryAfterMs?: number

  constructor(kind: ErrorKind, message: string, details: RelayErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause })
    this.name = 'RelayError'
    this.kind = kind
    this.status = details.status
    this.vendorCode = details.vendorCode
    this.requestId = details.requestId
    this.hint = details.hint
    this.notSent = details.notSent ?? false
    this.retryAfterMs = details.retryAfterMs
  }

  /** One line for a person: the message, then what identifies the failure, then the fix. */
  describe(): string {
    const facts = [
      this.status === undefined ? undefined : `HTTP ${this.status}`,
      this.vendorCode === undefined ? undefined : `code ${this.vendorCode}`,
      this.requestId === undefined ? undefined : `request id ${this.requestId}`
    ].filter((fact): fact is string => fact !== undefined)
    const head = facts.length > 0 ? `${this.message} (${facts.join(', ')})` : this.message
    return this.hint === undefined ? head : `${head}. ${this.hint}`
  }
}

/** Anything thrown, as a RelayError: foreign errors become `protocol` faults with their message kept. */
export function toRelayError(error: unknown): RelayError {
  if (error instanceof RelayError) return error
  const message = error instanceof Error ? error.message : String(error)
  return new RelayError('protocol', `Unexpected failure: ${message}`, { cause: error })
}

/** The message a person reads for any thrown value. */
export function describeError(error: unknown): string {
  return toRelayError(error).describe()
}

/** Maps an HTTP status to the kind it means when the vendor body says nothing more precise. */
export function kindForStatus(status: number): ErrorKind {
  if (status === 401 || status === 403) return 'auth'
  if (status === 404) return 'not_found'
  if (status === 429) return 'throttled'
  if (status === 503) return 'unavailable'
  if (status >= 500) return 'server'
  return 'client'
}

/**
 * The fix hint for a signature the vendor refused as expired (clock skew): the runner's time and,
 * when the answer carried a Date header, the server's, so that a person sees the skew instead of
 * guessing it.
 */
export function clockSkewHint(vendor: string, runnerMs: number, serverDate: string | undefined): string {
  const serverMs = serverDate === undefined ? Number.NaN : Date.parse(serverDate)
  const runner = new Date(runnerMs).toISOString()
  if (Number.isNaN(serverMs)) {
    return `The request time differs from ${vendor}'s clock by more than 15 minutes (runner time ${runner}): synchronize the runner's clock`
  }
  const minutes = Math.round((runnerMs - serverMs) / 60_000)
  const off = minutes === 0 ? 'within a minute of it' : `${Math.abs(minutes)} min ${minutes > 0 ? 'ahead' : 'behind'}`
  return `${vendor} refused the request time as too far from its own (at most 15 minutes apart): runner time ${runner}, server time ${new Date(serverMs).toISOString()}, the runner is ${off}. Synchronize the runner's clock`
}
