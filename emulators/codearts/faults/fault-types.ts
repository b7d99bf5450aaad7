// Faults a test can switch on at runtime. Each hits the next `times` requests of one operation
// (or of any request), in the order the faults were injected.
import type { Operation } from '../api/routes.js'

export type FaultTarget = Operation | 'any'

interface FaultBase {
  on: FaultTarget
  /** How many matching requests it hits; default 1. Infinity keeps it on until clearFaults(). */
  times?: number
  /**
   * Whether the request is also carried out (a run created, a run stopped...) before the fault
   * shapes the answer. Defaults per kind in PROCESSED_BY_DEFAULT; fixed for drop (never) and
   * accept-then-cut (always).
   */
  process?: boolean
}

/** Any HTTP status with a vendor error body. */
export interface StatusFault extends FaultBase {
  kind: 'status'
  status: number
  errorCode?: string
  errorMsg?: string
}

/** 429 APIG.0308, optionally with Retry-After (seconds, or an HTTP-date string). */
export interface ThrottleFault extends FaultBase {
  kind: 'throttle'
  retryAfter?: number | string
}

/** The answer comes after delayMs; the request is carried out after the delay. */
export interface SlowFault extends FaultBase {
  kind: 'slow'
  delayMs: number
}

/** 200 with a body of sizeBytes, streamed without Content-Length. */
export interface HugeFault extends FaultBase {
  kind: 'huge'
  sizeBytes?: number
}

export interface SimpleFault extends FaultBase {
  kind: 'drop' | 'accept-then-cut' | 'reset-mid-body' | 'malformed' | 'html' | 'empty' | 'wrong-shape'
}

export type Fault = StatusFault | ThrottleFault | SlowFault | HugeFault | SimpleFault

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
