/**
 * Alibaba Cloud API signature V3, algorithm "ACS3-HMAC-SHA256".
 *
 * Specification: the Alibaba research notes (aliyun-yunxiao.md, §4.2: the V3 signature document plus the behaviour of
 * the official signer in @alicloud/openapi-util and @alicloud/openapi-core). Everything here is a pure function of its
 * arguments — the time and the nonce are passed in — so signatures can be checked against fixed test vectors.
 */
import {
  EMPTY_SHA256,
  assembleCanonicalRequest,
  canonicalHeaders as sharedCanonicalHeaders,
  canonicalQuery,
  encodePathSegments,
  hmacSha256Hex,
  payloadHashWith,
  sha256Hex,
  type CanonicalHeaders
} from './canonical.js'

export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256'

/** sha256 of zero bytes: the payload hash of a request without a body. */
export const EMPTY_PAYLOAD_SHA256 = EMPTY_SHA256

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

export { sha256Hex }

/** Each `/`-separated part of the path RFC 3986-encoded, as the V3 document prescribes; an empty path is `/`. */
export function canonicalUri(pathname: string): string {
  return pathname === '' ? '/' : encodePathSegments(pathname)
}

/** Parameters sorted by name, then value, RFC 3986-encoded (see canonical.ts). */
export function canonicalQueryString(query: URLSearchParams): string {
  return canonicalQuery(query)
}

/** The headers V3 signs: `host`, `content-type` and every `x-acs-*` one. */
export function isSignedHeader(name: string): boolean {
  const lower = name.toLowerCase()
  return lower === 'host' || lower === 'content-type' || lower.startsWith('x-acs-')
}

export type { CanonicalHeaders }

/** The V3-signed headers among those given (see isSignedHeader), values trimmed. */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  return sharedCanonicalHeaders(headers, isSignedHeader)
}

/** The declared `x-acs-content-sha256` when there is one (the server checks the body against it), else the body's hash. */
export function payloadHash(body: string, headers: Readonly<Record<string, string>> = {}): string {
  return payloadHashWith(CONTENT_SHA256_HEADER, body, headers)
}

/** The canonical request over the V3-signed headers (see isSignedHeader). */
export function canonicalRequest(request: AliyunSignableRequest): string {
  const url = new URL(request.url)
  return assembleCanonicalRequest(
    request.method,
    canonicalUri(url.pathname),
    canonicalQueryString(url.searchParams),
    canonicalHeaders(request.headers),
    payloadHash(request.body, request.headers)
  )
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
