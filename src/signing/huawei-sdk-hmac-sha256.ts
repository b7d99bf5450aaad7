/**
 * Huawei Cloud API Gateway AK/SK signing, algorithm "SDK-HMAC-SHA256".
 *
 * Specification: the Huawei research notes (huawei-codearts.md, section 2a: the official signing guide plus the behaviour of the
 * official Node.js SDK). Everything here is a pure function of its arguments, so the clock is passed in and the
 * signature can be checked against fixed test vectors.
 */
import {
  EMPTY_SHA256,
  assembleCanonicalRequest,
  canonicalHeaders as sharedCanonicalHeaders,
  canonicalQuery,
  encodePathSegments,
  findHeader,
  hmacSha256Hex,
  payloadHashWith,
  sha256Hex,
  type CanonicalHeaders
} from './canonical.js'

export const SDK_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256'

/** sha256 of zero bytes: the payload hash the gateway expects for a request without a body. */
export const EMPTY_BODY_SHA256 = EMPTY_SHA256

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

export { canonicalQuery, sha256Hex }

/** The path with a trailing `/`: part of the canonical form only; the request is sent without it. */
export function canonicalUri(pathname: string): string {
  const encoded = encodePathSegments(pathname)
  return encoded.endsWith('/') ? encoded : `${encoded}/`
}

export type { CanonicalHeaders }

/** Every header given is signed (the SDK signs all the headers on the request at that point). */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  return sharedCanonicalHeaders(headers)
}

/**
 * A signed `X-Sdk-Content-Sha256` header (for example `UNSIGNED-PAYLOAD`) replaces the body hash, because that is
 * what the gateway does with it; otherwise the hash covers the exact body bytes as UTF-8.
 */
export function payloadHash(body: string, headers: Readonly<Record<string, string>> = {}): string {
  return payloadHashWith(CONTENT_SHA256_HEADER, body, headers)
}

/** The canonical request, signing every header in `request.headers`. */
export function canonicalRequest(request: SignableRequest): string {
  const url = new URL(request.url)
  return assembleCanonicalRequest(
    request.method,
    canonicalUri(url.pathname),
    canonicalQuery(url.searchParams),
    canonicalHeaders(request.headers),
    payloadHash(request.body, request.headers)
  )
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
