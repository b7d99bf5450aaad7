// Checks an `Authorization: SDK-HMAC-SHA256 ...` header the way the API gateway does
// (reference 2a): find the AK, check the date, recompute the signature from the received
// request, and compare. Each failure answers with the gateway's code and wording (1.6).
import { timingSafeEqual } from 'node:crypto'
import {
  type ReceivedRequest,
  SIGNING_ALGORITHM,
  buildCanonicalRequest,
  receivedHeader,
  signCanonicalRequest
} from './canonical-request.js'
import {
  type VendorError,
  akskRejected,
  signatureExpired,
  signatureMismatch,
  unknownAccessKey
} from '../api/vendor-errors.js'

export interface AccessKeySecret {
  secretAccessKey: string
  /** Set for temporary (STS) credentials: the request must then carry it, signed. */
  securityToken?: string
}

/** The gateway rejects a signature dated more than 15 minutes from its clock (reference 2a). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000

export interface ParsedAuthorization {
  accessKey: string
  signedHeaders: string[]
  signature: string
}

// The SDKs write exactly `Access=AK, SignedHeaders=a;b, Signature=hex` (note the ', ').
// We require that form: the stricter reading of a header the gateway documents by example only.
const AUTHORIZATION_FORM = new RegExp(
  `^${SIGNING_ALGORITHM} Access=([^,\\s]+), SignedHeaders=([^,\\s]+), Signature=([0-9a-fA-F]+)$`
)

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION_FORM.exec(value.trim())
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined
  return { accessKey: m[1], signedHeaders: m[2].split(';'), signature: m[3].toLowerCase() }
}

const SDK_DATE_FORM = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/

/** `YYYYMMDDTHHmmssZ` (UTC) to epoch ms, or undefined when it is not that form. */
export function parseSdkDate(value: string): number | undefined {
  const m = SDK_DATE_FORM.exec(value)
  if (!m) return undefined
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number]
  const ms = Date.UTC(y, mo - 1, d, h, mi, s)
  return Number.isNaN(ms) ? undefined : ms
}

export function formatSdkDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')
}

export interface VerifiedAccessKey {
  accessKey: string
}

/**
 * Verifies a signed request. Order of checks: header form, AK, required signed headers,
 * date and skew, security token, then the signature itself.
 */
export function verifySignedRequest(
  request: ReceivedRequest,
  authorization: string,
  accessKeys: Record<string, AccessKeySecret>,
  nowMs: number
): VerifiedAccessKey | VendorError {
  const parsed = parseAuthorization(authorization)
  if (!parsed) return akskRejected('Authorization header is malformed')

  const secret = Object.hasOwn(accessKeys, parsed.accessKey) ? accessKeys[parsed.accessKey] : undefined
  if (!secret) return unknownAccessKey(parsed.accessKey)

  const names = parsed.signedHeaders
  if (names.some((n) => n === '' || n !== n.toLowerCase())) {
    return akskRejected('SignedHeaders must be lower-case header names separated by ;')
  }
  // The signer always signs host (step 2) and x-sdk-date (step 1); without them a signature
  // could be replayed to another host or at another time.
  for (const required of ['host', 'x-sdk-date']) {
    if (!names.includes(required)) return akskRejected(`${required} is not in SignedHeaders`)
  }
  for (const name of names) {
    if (receivedHeader(request.headers, name) === undefined) {
      return akskRejected(`signed header ${name} is missing from the request`)
    }
  }

  const sdkDate = receivedHeader(request.headers, 'x-sdk-date') ?? ''
  const signedAt = parseSdkDate(sdkDate)
  if (signedAt === undefined) return akskRejected(`x-sdk-date ${sdkDate} is not in the form YYYYMMDDTHHmmssZ`)
  if (Math.abs(nowMs - signedAt) > MAX_CLOCK_SKEW_MS) {
    return signatureExpired(sdkDate, formatSdkDate(nowMs))
  }

  const presentedToken = receivedHeader(request.headers, 'x-security-token')
  if (secret.securityToken !== undefined) {
    if (!names.includes('x-security-token')) return akskRejected('x-security-token is required and must be signed')
    if (presentedToken !== secret.securityToken) return akskRejected('security token is invalid or expired')
  } else if (presentedToken !== undefined) {
    // A permanent AK has no security token; a client mixing credentials is wrong.
    return akskRejected(`ak ${parsed.accessKey} is not a temporary access key, x-security-token is not accepted`)
  }

  const canonical = buildCanonicalRequest(request, names)
  const expected = signCanonicalRequest(canonical, sdkDate, secret.secretAccessKey)
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(parsed.signature, 'utf8')
  if (a.length !== b.length || !timingSafeEqual(a, b)) return signatureMismatch(canonical)
  return { accessKey: parsed.accessKey }
}
