// Faults a test can switch on at runtime, for any vendor emulator. Each hits the next `times`
// requests of one operation (or of any request), in the order the faults were injected. `Op` is
// the vendor's operation names; the shapes of the answers come from the vendor's ResponseStyle.

export type FaultTarget<Op extends string = string> = Op | 'any'

export interface FaultBase<Op extends string = string> {
  on: FaultTarget<Op>
  /** How many matching requests it hits; default 1. Infinity keeps it on until clearFaults(). */
  times?: number
  /**
   * Whether the request is also carried out (a run created, a run stopped...) before the fault
   * shapes the answer. Defaults per kind in PROCESSED_BY_DEFAULT; fixed for drop (never) and
   * accept-then-cut (always).
   */
  process?: boolean
}

/** Any HTTP status with the vendor's error body (or `body`, sent as JSON instead). */
export interface StatusFault<Op extends string = string> extends FaultBase<Op> {
  kind: 'status'
  status: number
  errorCode?: string
  errorMsg?: string
  /** A JSON body to send instead of the vendor's error body. */
  body?: unknown
  /** Extra headers on the answer (e.g. a standard Retry-After on a plain 429 or 503). */
  headers?: Record<string, string>
  /**
   * The answer comes after delayMs. Unlike `slow`, a processed request is carried out at once,
   * before the wait: a backend that kept working while the gateway in front of it gave up.
   */
  delayMs?: number
}

/** The vendor's throttling answer, optionally with a retry-after hint. */
export interface ThrottleFault<Op extends string = string> extends FaultBase<Op> {
  kind: 'throttle'
  /** Seconds, or a string sent verbatim (an HTTP date). Each vendor says which header carries it. */
  retryAfter?: number | string
  /** HTTP status; default the vendor's throttling status. */
  status?: number
  /** Error code; default the vendor's throttling code. */
  errorCode?: string
}

/** The answer comes after delayMs; the request is carried out after the delay. */
export interface SlowFault<Op extends string = string> extends FaultBase<Op> {
  kind: 'slow'
  delayMs: number
}

/** 200 with a body of sizeBytes, streamed without Content-Length. */
export interface HugeFault<Op extends string = string> extends FaultBase<Op> {
  kind: 'huge'
  sizeBytes?: number
}

export interface SimpleFault<Op extends string = string> extends FaultBase<Op> {
  kind: 'drop' | 'accept-then-cut' | 'reset-mid-body' | 'malformed' | 'html' | 'empty' | 'wrong-shape'
}

export type Fault<Op extends string = string> = StatusFault<Op> | ThrottleFault<Op> | SlowFault<Op> | HugeFault<Op> | SimpleFault<Op>

export type FaultKind = Fault['kind']

/**
 * Whether the request is carried out when the fault does not say. A refused request (status,
 * throttle, a gateway's HTML 502) did nothing; a broken or garbled answer (cut, malformed,
 * empty, huge, wrong shape) came from a request that was carried out, which is the ambiguous
 * case a client must resolve without starting a second run.
 */
export const PROCESSED_BY_DEFAULT: Record<FaultKind, boolean> = {
  status: false,
  throttle: false,
  html: false,
  drop: false,
  slow: true,
  'accept-then-cut': true,
  'reset-mid-body': true,
  malformed: true,
  empty: true,
  huge: true,
  'wrong-shape': true
}

export function isProcessed(fault: Fault | undefined): boolean {
  if (!fault) return true
  if (fault.kind === 'drop') return false
  if (fault.kind === 'accept-then-cut') return true
  return fault.process ?? PROCESSED_BY_DEFAULT[fault.kind]
}

export const DEFAULT_HUGE_BYTES = 10 * 1024 * 1024
