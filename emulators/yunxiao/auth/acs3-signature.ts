// The server's side of ACS3-HMAC-SHA256 (reference §4.2): rebuild the canonical request from the
// request exactly as it was received, never from what a client meant to send, and compare. Written
// from the document; it shares nothing with src/, so it is an independent check of our client.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { receivedHeader } from '../../shared/api-types.js'
import { decodeLenient, encodeRfc3986 } from '../../shared/percent-encoding.js'

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256'
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
/** "x-acs-date must be within 15 min of server time" (§4.2). */
export const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000

/** What the verifier needs from a received request. */
export interface ReceivedRequest {
  method: string
  /** The request target as received: raw path plus optional '?query'. */
  url: string
  /** Node's lower-cased header map. */
  headers: IncomingHttpHeaders
  /** The raw body bytes. */
  body: Buffer
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex')

export const hmacSha256Hex = (key: string, data: string): string =>
  createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex')

function splitTarget(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) }
}

/**
 * Step 3: the path as received (the client percent-encoded its path parameters), with '+' as
 * %20, '*' as %2A and %7E as '~', everywhere in it; an empty path is '/'.
 */
export function canonicalUri(rawPath: string): string {
  if (rawPath === '') return '/'
  return rawPath.replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~')
}

/**
 * Step 4: keys sorted ascending (JS default sort), each `key=` + encoded value, joined by '&'.
 * Name and value are both encoded, as the document says (identical for ASCII keys, which is all
 * the SDK sends). '+' arriving in the query is a literal plus, not a space. A key repeated in the
 * query appears once per value, values sorted.
 */
export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>()
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeLenient(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeLenient(pair.slice(eq + 1))
    byKey.set(key, [...(byKey.get(key) ?? []), value])
  }
  const parts: string[] = []
  for (const key of [...byKey.keys()].sort()) {
    for (const value of [...(byKey.get(key) ?? [])].sort()) parts.push(`${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
  }
  return parts.join('&')
}

/** Step 5: `name:value\n` for each signed header, value trimmed, in the SignedHeaders order. */
export function canonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: readonly string[]): string {
  return signedHeaders.map((name) => `${name}:${(receivedHeader(headers, name) ?? '').trim()}\n`).join('')
}

/** Step 6. `payloadHash` is the hex SHA-256 of the body bytes. */
export function buildCanonicalRequest(request: ReceivedRequest, signedHeaders: readonly string[], payloadHash: string): string {
  const { path, rawQuery } = splitTarget(request.url)
  return [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(rawQuery),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash
  ].join('\n')
}

/** Step 7. */
export const stringToSign = (canonicalRequest: string): string => `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequest)}`

/** Step 8: lowercase hex HMAC-SHA256 keyed with the AccessKey secret itself. */
export const signCanonicalRequest = (canonicalRequest: string, accessKeySecret: string): string =>
  hmacSha256Hex(accessKeySecret, stringToSign(canonicalRequest))

export interface ParsedAuthorization {
  accessKeyId: string
  signedHeaders: string[]
  signature: string
}

// Step 9 gives the one form: no spaces after the commas. We require exactly it.
const AUTHORIZATION_FORM = new RegExp(`^${ACS3_ALGORITHM} Credential=([^,\\s]+),SignedHeaders=([^,\\s]+),Signature=([0-9a-f]{64})$`)

export function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const m = AUTHORIZATION_FORM.exec(value)
  if (!m || m[1] === undefined || m[2] === undefined || m[3] === undefined) return undefined
  return { accessKeyId: m[1], signedHeaders: m[2].split(';'), signature: m[3] }
}

/** `YYYY-MM-DDTHH:mm:ssZ` (UTC, no milliseconds) to epoch ms, or undefined. */
export function parseAcsDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return undefined
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? undefined : ms
}

export const formatAcsDate = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

/** The credentials the verifier knows: AccessKey id -> secret (and STS token). */
export type AccessKeySecrets = Record<string, { accessKeySecret: string; securityToken?: string }>

/** A gateway refusal in the POP error vocabulary (reference §1.5). */
export interface Acs3Failure {
  status: number
  code: string
  message: string
}

export interface Acs3Verified {
  accessKeyId: string
  nonce: string
}

const fail = (status: number, code: string, message: string): Acs3Failure => ({ status, code, message })

/** The headers a conforming signer always signs (§4.2 "Headers the SDK builds before signing"). */
const ALWAYS_SIGNED = ['host', 'x-acs-action', 'x-acs-content-sha256', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-version']

const incomplete = (detail: string) =>
  fail(400, 'IncompleteSignature', `The request signature does not conform to Aliyun standards. ${detail}`)

/**
 * Verifies a signed request. Order: Authorization form, AccessKey, signed-header set (the
 * stricter reading: the headers the signer always signs, content-type when there is one, and
 * every x-acs-* header received), date and skew, STS token, body hash, then the signature. The
 * nonce's uniqueness is the caller's business (it needs memory across requests).
 */
export function verifyAcs3(request: ReceivedRequest, keys: AccessKeySecrets, nowMs: number): Acs3Verified | Acs3Failure {
  const authorization = receivedHeader(request.headers, 'authorization')
  if (authorization === undefined) return incomplete('The Authorization header is missing.')
  const parsed = parseAuthorization(authorization)
  if (!parsed) {
    return incomplete(`Authorization must be "${ACS3_ALGORITHM} Credential=<AccessKeyId>,SignedHeaders=<names>,Signature=<hex>".`)
  }
  const key = Object.hasOwn(keys, parsed.accessKeyId) ? keys[parsed.accessKeyId] : undefined
  if (!key) return fail(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.')

  const names = parsed.signedHeaders
  const sorted = [...new Set(names)].sort()
  if (names.some((n) => n === '' || n !== n.toLowerCase()) || names.join(';') !== sorted.join(';')) {
    return incomplete('SignedHeaders must be distinct lower-case names, sorted, separated by ";".')
  }
  const required = [...ALWAYS_SIGNED]
  if (receivedHeader(request.headers, 'content-type') !== undefined) required.push('content-type')
  for (const name of Object.keys(request.headers)) if (name.startsWith('x-acs-')) required.push(name)
  const unsigned = required.filter((n) => !names.includes(n))
  if (unsigned.length > 0) return incomplete(`Headers that must be signed are not in SignedHeaders: ${[...new Set(unsigned)].join(', ')}.`)
  const absent = names.filter((n) => receivedHeader(request.headers, n) === undefined)
  if (absent.length > 0) return incomplete(`Signed headers missing from the request: ${absent.join(', ')}.`)

  const date = receivedHeader(request.headers, 'x-acs-date') ?? ''
  const signedAt = parseAcsDate(date)
  if (signedAt === undefined) return fail(400, 'InvalidTimeStamp.Format', `Specified time stamp or date value is not well formatted: ${date}.`)
  if (Math.abs(nowMs - signedAt) > MAX_CLOCK_SKEW_MS) {
    return fail(400, 'InvalidTimeStamp.Expired', `Specified time stamp or date value is expired. x-acs-date ${date}, server time ${formatAcsDate(nowMs)}.`)
  }

  const token = receivedHeader(request.headers, 'x-acs-security-token')
  if (key.securityToken !== undefined) {
    if (token === undefined) return fail(400, 'InvalidSecurityToken.Malformed', 'An STS AccessKey needs x-acs-security-token, signed.')
    if (token !== key.securityToken) return fail(400, 'InvalidSecurityToken.MismatchWithAccessKey', 'Specified SecurityToken mismatch with the AccessKey.')
  } else if (token !== undefined) {
    return fail(400, 'InvalidSecurityToken.MismatchWithAccessKey', `AccessKey ${parsed.accessKeyId} is not an STS AccessKey; x-acs-security-token is not accepted.`)
  }
  const declaredId = receivedHeader(request.headers, 'x-acs-accesskey-id')
  if (declaredId !== undefined && declaredId !== parsed.accessKeyId) {
    return incomplete(`x-acs-accesskey-id ${declaredId} differs from the Credential ${parsed.accessKeyId}.`)
  }

  const bodyHash = sha256Hex(request.body)
  const declaredHash = receivedHeader(request.headers, 'x-acs-content-sha256') ?? ''
  const canonical = buildCanonicalRequest(request, names, bodyHash)
  const serverStringToSign = stringToSign(canonical)
  const echo = `server string to sign is:${serverStringToSign} canonical request is:${canonical.replace(/\n/g, '|')}`
  if (declaredHash !== bodyHash) {
    return fail(400, 'SignatureDoesNotMatch', `x-acs-content-sha256 ${declaredHash} is not the SHA-256 of the body received (${bodyHash}). ${echo}`)
  }
  const expected = Buffer.from(hmacSha256Hex(key.accessKeySecret, serverStringToSign), 'utf8')
  const presented = Buffer.from(parsed.signature, 'utf8')
  if (expected.length !== presented.length || !timingSafeEqual(expected, presented)) {
    return fail(400, 'SignatureDoesNotMatch', `Specified signature does not match our calculation. ${echo}`)
  }
  return { accessKeyId: parsed.accessKeyId, nonce: receivedHeader(request.headers, 'x-acs-signature-nonce') ?? '' }
}
