/**
 * Alibaba Cloud API signature V3, algorithm "ACS3-HMAC-SHA256".
 *
 * Specification: the Alibaba research notes (aliyun-yunxiao.md, §4.2: the V3 signature document plus the behaviour of
 * the official signer in @alicloud/openapi-util and @alicloud/openapi-core). Everything here is a pure function of its
 * arguments — the time and the nonce are passed in — so signatures can be checked against fixed test vectors.
 */
import { createHash, createHmac } from 'node:crypto'

import { encodeRfc3986 } from './uri-encode.js'

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256'

/** sha256 of zero bytes: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export interface AliyunSignableRequest {
  method: string
  /** Full URL including the query; the query is signed as parsed from here so the signature covers what is sent. */
  url: string
  /** Headers to send. Only `host`, `content-type` and `x-acs-*` ones are signed (the others may be rewritten on the way). */
  headers: Readonly<Record<string, string>>
  /** Exact bytes that will be sent; '' when there is no body. */
  body: string
}

export interface AliyunCredentials {
  accessKeyId: string
  accessKeySecret: string
  /** STS token of temporary credentials: sent, and signed, as x-acs-security-token. */
  securityToken?: string
}

/** Everything the signature was computed from, so a rejected request can be diagnosed. */
export interface Acs3Signature {
  canonicalRequest: string
  stringToSign: string
  signedHeaders: string
  signature: string
  /** The value of the `Authorization` header. */
  authorization: string
}

const DATE_HEADER = 'x-acs-date'
const NONCE_HEADER = 'x-acs-signature-nonce'
const CONTENT_SHA256_HEADER = 'x-acs-content-sha256'
const SECURITY_TOKEN_HEADER = 'x-acs-security-token'
const ACCESS_KEY_ID_HEADER = 'x-acs-accesskey-id'

/** `YYYY-MM-DDTHH:mm:ssZ` in UTC, without milliseconds; the gateway rejects times more than 15 minutes off. */
export function formatAcsDate(date: Date): string {
  // toISOString is always UTC and throws on an invalid Date, which is better than signing "NaN".
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex')
}

function hmacSha256Hex(key: string, data: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex')
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    // A stray '%' is not an escape; encoding it as '%25' is how the server will read it too.
    return segment
  }
}

/**
 * Each `/`-separated part of the path RFC 3986-encoded, as the V3 document prescribes. The pathname may come raw
 * or already percent-encoded (as `URL.pathname` gives it): each segment is decoded and encoded again, so an escape
 * is never encoded twice. An empty path is `/`.
 */
export function canonicalUri(pathname: string): string {
  if (pathname === '') return '/'
  return pathname
    .split('/')
    .map(segment => encodeRfc3986(decodeSegment(segment)))
    .join('/')
}

/**
 * Parameters sorted by name (then by value for a repeated name, by UTF-16 code unit), each `name=value` with both
 * RFC 3986-encoded, joined by `&`; an empty value keeps its `=`; no query gives ''.
 *
 * `URLSearchParams` decodes `+` as a space. That is faithful only because our URL builder writes spaces as `%20`
 * and never a literal `+`.
 */
export function canonicalQueryString(query: URLSearchParams): string {
  const pairs = [...query].sort(([keyA, valueA], [keyB, valueB]) => compare(keyA, keyB) || compare(valueA, valueB))
  return pairs.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join('&')
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** The headers V3 signs: `host`, `content-type` and every `x-acs-*` one. */
export function isSignedHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return lower === 'host' || lower === 'content-type' || lower.startsWith('x-acs-')
}

export interface CanonicalHeaders {
  /** One `lowername:value\n` line per signed header, sorted by name. */
  canonicalHeaders: string
  /** Lowercased names of the signed headers, sorted, joined with `;`. */
  signedHeaders: string
}

/**
 * Values are trimmed, as HTTP parsers and the official signers do. Throws on two names that differ only in case:
 * both would be sent, and the server's view of them cannot be predicted.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  const byName = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (byName.has(lower)) throw new TypeError(`Header "${name}" is given twice with different letter case`)
    if (isSignedHeader(lower)) byName.set(lower, value.trim())
  }
  const names = [...byName.keys()].sort()
  return {
    canonicalHeaders: names.map(name => `${name}:${byName.get(name) ?? ''}\n`).join(''),
    signedHeaders: names.join(';')
  }
}

function findHeader(headers: Readonly<Record<string, string>>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === lowerName) return value
  }
  return undefined
}

/** The declared `x-acs-content-sha256` when there is one (the server checks the body against it), else the body's hash. */
export function payloadHash(body: string, headers: Readonly<Record<string, string>> = {}): string {
  const declared = findHeader(headers, CONTENT_SHA256_HEADER)
  if (declared !== undefined) return declared.trim()
  return body === '' ? EMPTY_PAYLOAD_SHA256 : sha256Hex(body)
}

/** `METHOD\nURI\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOADHASH` (the header lines end in `\n`, so a blank line follows them). */
export function canonicalRequest(request: AliyunSignableRequest): string {
  const url = new URL(request.url)
  const { canonicalHeaders: headerLines, signedHeaders } = canonicalHeaders(request.headers)
  return [
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQueryString(url.searchParams),
    headerLines,
    signedHeaders,
    payloadHash(request.body, request.headers)
  ].join('\n')
}

export function stringToSign(canonicalRequestText: string): string {
  return `${ACS3_ALGORITHM}\n${sha256Hex(canonicalRequestText)}`
}

export function authorizationHeader(accessKeyId: string, signedHeaders: string, signature: string): string {
  return `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`
}

/**
 * Signs the request as given, adding no header: the caller has put in x-acs-date, the nonce and the rest. Use this
 * for published vectors; `signAliyunAcs3Request` is the normal entry point.
 */
export function computeAcs3Signature(
  request: AliyunSignableRequest,
  credentials: Pick<AliyunCredentials, 'accessKeyId' | 'accessKeySecret'>
): Acs3Signature {
  const canonicalRequestText = canonicalRequest(request)
  const toSign = stringToSign(canonicalRequestText)
  const signature = hmacSha256Hex(credentials.accessKeySecret, toSign)
  const { signedHeaders } = canonicalHeaders(request.headers)
  return {
    canonicalRequest: canonicalRequestText,
    stringToSign: toSign,
    signedHeaders,
    signature,
    authorization: authorizationHeader(credentials.accessKeyId, signedHeaders, signature)
  }
}

/**
 * Returns the complete header map to send: the input headers, plus `host` (= new URL(url).host), `x-acs-date`,
 * `x-acs-signature-nonce`, `x-acs-content-sha256` (of the exact body), `x-acs-accesskey-id` and
 * `x-acs-security-token` with an STS token, and `Authorization`. Never mutates its input.
 *
 * Input headers that this function sets itself (in any letter case) are replaced, so the result never carries two
 * conflicting copies. The nonce must differ for every request sent (the server refuses a repeated one).
 */
export function signAliyunAcs3Request(
  request: AliyunSignableRequest,
  credentials: AliyunCredentials,
  date: Date,
  nonce: string
): Record<string, string> {
  if (nonce.trim() === '') throw new TypeError('The signature nonce must not be empty')
  const added: Record<string, string> = {
    host: new URL(request.url).host,
    [DATE_HEADER]: formatAcsDate(date),
    [NONCE_HEADER]: nonce,
    [CONTENT_SHA256_HEADER]: request.body === '' ? EMPTY_PAYLOAD_SHA256 : sha256Hex(request.body)
  }
  if (credentials.securityToken !== undefined && credentials.securityToken !== '') {
    added[ACCESS_KEY_ID_HEADER] = credentials.accessKeyId
    added[SECURITY_TOKEN_HEADER] = credentials.securityToken
  }

  const replaced = new Set([...Object.keys(added), 'authorization'])
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!replaced.has(name.toLowerCase())) headers[name] = value
  }
  Object.assign(headers, added)

  const { authorization } = computeAcs3Signature({ ...request, headers }, credentials)
  return { ...headers, Authorization: authorization }
}
