/**
 * Huawei Cloud API Gateway AK/SK signing, algorithm "SDK-HMAC-SHA256".
 *
 * Specification: the Huawei research notes (huawei-codearts.md, section 2a: the official signing guide plus the behaviour of the
 * official Node.js SDK). Everything here is a pure function of its arguments, so the clock is passed in and the
 * signature can be checked against fixed test vectors.
 */
import { createHash, createHmac } from 'node:crypto'

import { encodeRfc3986 } from './uri-encode.js'

export const SDK_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256'

/** sha256 of zero bytes: the payload hash the gateway expects for a request without a body. */
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export interface SignableRequest {
  method: string
  /** Full URL including the query; the query is signed as parsed from here so the signature covers what is sent. */
  url: string
  /** Headers to sign. Every one of them is signed, so leave out headers an HTTP client may rewrite (User-Agent...). */
  headers: Readonly<Record<string, string>>
  /** Exact bytes that will be sent; '' when there is no body. */
  body: string
}

export interface HuaweiAkSk {
  accessKeyId: string
  secretAccessKey: string
  securityToken?: string
}

/** Everything the signature was computed from, so a rejected request can be diagnosed against the gateway's view. */
export interface RequestSignature {
  canonicalRequest: string
  stringToSign: string
  signedHeaders: string
  signature: string
  /** The value of the `Authorization` header. */
  authorization: string
}

const SDK_DATE_HEADER = 'x-sdk-date'
const CONTENT_SHA256_HEADER = 'x-sdk-content-sha256'

/** `YYYYMMDDTHHmmssZ` in UTC; the gateway rejects dates more than 15 minutes away from its clock. */
export function formatSdkDate(date: Date): string {
  // toISOString is always UTC and throws on an invalid Date, which is better than signing "NaN".
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')
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
 * Accepts a URL pathname either raw or already percent-encoded (as `URL.pathname` returns it): each segment is
 * decoded and re-encoded, so both give the same result and an escape is never encoded twice. This matches the Go
 * and Python SDKs; the Node SDK would turn an already-escaped `%20` into `%2520`.
 *
 * The trailing `/` is part of the canonical form only; the request itself is sent without it.
 */
export function canonicalUri(pathname: string): string {
  const encoded = pathname
    .split('/')
    .map((segment) => encodeRfc3986(decodeSegment(segment)))
    .join('/')
  return encoded.endsWith('/') ? encoded : `${encoded}/`
}

/**
 * Keys sorted, then the values of a repeated key sorted, both by UTF-16 code unit on the decoded text (as the SDKs
 * sort before encoding). An empty value keeps its `=`.
 *
 * The parameters come from `URLSearchParams`, which decodes `+` as a space. That is faithful only because our own
 * URL builder writes spaces as `%20` and never a literal `+`: a URL from elsewhere containing `+` meaning a plus
 * sign would be signed as if it held a space.
 */
export function canonicalQuery(query: URLSearchParams): string {
  const valuesByKey = new Map<string, string[]>()
  for (const [key, value] of query) {
    const values = valuesByKey.get(key)
    if (values) values.push(value)
    else valuesByKey.set(key, [value])
  }
  const pairs: string[] = []
  for (const key of [...valuesByKey.keys()].sort()) {
    for (const value of [...(valuesByKey.get(key) ?? [])].sort()) {
      pairs.push(`${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
    }
  }
  return pairs.join('&')
}

export interface CanonicalHeaders {
  /** One `lowername:value\n` line per header, sorted by name; ends with a newline when not empty. */
  canonicalHeaders: string
  /** Lowercased names, sorted, joined with `;`. */
  signedHeaders: string
}

/**
 * Values are trimmed because HTTP parsers drop leading and trailing whitespace, so the gateway recomputes the
 * signature from trimmed values (the Go and Python SDKs trim; the Node SDK does not).
 *
 * Throws on two names that differ only in case: they would be sent as one header, and no signature can match that.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  const byName = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (byName.has(lower)) throw new TypeError(`Header "${name}" is given twice with different letter case`)
    byName.set(lower, value.trim())
  }
  const names = [...byName.keys()].sort()
  return {
    canonicalHeaders: names.map((name) => `${name}:${byName.get(name) ?? ''}\n`).join(''),
    signedHeaders: names.join(';')
  }
}

function findHeader(headers: Readonly<Record<string, string>>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === lowerName) return value
  }
  return undefined
}

/**
 * A signed `X-Sdk-Content-Sha256` header (for example `UNSIGNED-PAYLOAD`) replaces the body hash, because that is
 * what the gateway does with it; otherwise the hash covers the exact body bytes as UTF-8.
 */
export function payloadHash(body: string, headers: Readonly<Record<string, string>> = {}): string {
  const declared = findHeader(headers, CONTENT_SHA256_HEADER)
  if (declared !== undefined) return declared.trim()
  return body === '' ? EMPTY_BODY_SHA256 : sha256Hex(body)
}

/** `METHOD\nURI\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOADHASH`, signing every header in `request.headers`. */
export function canonicalRequest(request: SignableRequest): string {
  const url = new URL(request.url)
  const { canonicalHeaders: headerLines, signedHeaders } = canonicalHeaders(request.headers)
  return [
    // Node's HTTP client sends the method upper-cased, so that is what the gateway signs.
    request.method.toUpperCase(),
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    headerLines,
    signedHeaders,
    payloadHash(request.body, request.headers)
  ].join('\n')
}

export function stringToSign(sdkDate: string, canonicalRequestText: string): string {
  return [SDK_SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequestText)].join('\n')
}

/**
 * Signs exactly the headers given, adding none. `X-Sdk-Date` must be among them since the string to sign repeats
 * it. Use this when the set of signed headers is dictated from outside (for example the Go SDK's published test
 * vectors, which sign `x-sdk-date` alone); `signHuaweiRequest` is the normal entry point.
 */
export function computeSignature(
  request: SignableRequest,
  credentials: Pick<HuaweiAkSk, 'accessKeyId' | 'secretAccessKey'>
): RequestSignature {
  const sdkDate = findHeader(request.headers, SDK_DATE_HEADER)
  if (sdkDate === undefined) throw new TypeError('The headers to sign must include X-Sdk-Date')
  const canonicalRequestText = canonicalRequest(request)
  const toSign = stringToSign(sdkDate.trim(), canonicalRequestText)
  const signature = hmacSha256Hex(credentials.secretAccessKey, toSign)
  const { signedHeaders } = canonicalHeaders(request.headers)
  return {
    canonicalRequest: canonicalRequestText,
    stringToSign: toSign,
    signedHeaders,
    signature,
    authorization:
      `${SDK_SIGNING_ALGORITHM} Access=${credentials.accessKeyId}, ` +
      `SignedHeaders=${signedHeaders}, Signature=${signature}`
  }
}

/**
 * Returns the complete header map to send: the input headers, plus Host (= new URL(url).host), X-Sdk-Date,
 * X-Security-Token when securityToken is given (it must be signed), and Authorization. Never mutates its input.
 *
 * Input headers that this function sets itself (in any letter case) are replaced, so the result never carries two
 * conflicting copies of Host, X-Sdk-Date, X-Security-Token or Authorization.
 */
export function signHuaweiRequest(
  request: SignableRequest,
  credentials: HuaweiAkSk,
  date: Date
): Record<string, string> {
  const added: Record<string, string> = {
    // Signed explicitly because the gateway verifies it; the HTTP client must send this exact value.
    Host: new URL(request.url).host,
    'X-Sdk-Date': formatSdkDate(date)
  }
  if (credentials.securityToken) added['X-Security-Token'] = credentials.securityToken

  const replaced = new Set([...Object.keys(added), 'Authorization'].map((name) => name.toLowerCase()))
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (!replaced.has(name.toLowerCase())) headers[name] = value
  }
  Object.assign(headers, added)

  const { authorization } = computeSignature({ ...request, headers }, credentials)
  return { ...headers, Authorization: authorization }
}
