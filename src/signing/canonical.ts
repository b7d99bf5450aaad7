import { cryptoModule } from '../core/builtins.js'
import { encodeRfc3986 } from './uri-encode.js'

/**
 * The parts Huawei's SDK-HMAC-SHA256 and Alibaba's ACS3-HMAC-SHA256 canonical requests share: both
 * descend from AWS SigV4 (sorted, RFC 3986-encoded query; lower-case sorted header lines; a hex
 * SHA-256 of the body), and differ only in which headers they sign and how the path ends.
 */

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

export function sha256Hex(data: string): string {
  return cryptoModule().createHash('sha256').update(data, 'utf8').digest('hex')
}

export function hmacSha256Hex(key: string, data: string): string {
  return cryptoModule().createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex')
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
 * Each `/`-separated segment RFC 3986-encoded. The pathname may come raw or already percent-encoded
 * (as `URL.pathname` gives it): each segment is decoded and encoded again, so an escape is never
 * encoded twice (as the Go and Python SDKs do; Huawei's Node SDK would turn `%20` into `%2520`).
 */
export function encodePathSegments(pathname: string): string {
  return pathname
    .split('/')
    .map(segment => encodeRfc3986(decodeSegment(segment)))
    .join('/')
}

/**
 * Parameters sorted by name, then by value for a repeated name (UTF-16 code units, on the decoded
 * text, as the SDKs sort), each `name=value` RFC 3986-encoded, joined by `&`; an empty value keeps
 * its `=`; no query gives ''.
 *
 * `URLSearchParams` decodes `+` as a space. That is faithful only because our URL builder writes
 * spaces as `%20` and never a literal `+`: a URL from elsewhere with `+` meaning a plus sign would be
 * signed as if it held a space.
 */
export function canonicalQuery(query: URLSearchParams): string {
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
  const pairs = [...query].sort(([keyA, valueA], [keyB, valueB]) => compare(keyA, keyB) || compare(valueA, valueB))
  return pairs.map(([key, value]) => `${encodeRfc3986(key)}=${encodeRfc3986(value)}`).join('&')
}

export interface CanonicalHeaders {
  /** One `lowername:value\n` line per signed header, sorted by name; ends with a newline when not empty. */
  canonicalHeaders: string
  /** Lowercased names of the signed headers, sorted, joined with `;`. */
  signedHeaders: string
}

/**
 * The headers `signs` accepts. Values are trimmed, as HTTP parsers and the Go and Python signers do.
 * Throws on two names that differ only in case: both would be sent, and no signature can match that.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>, signs: (lowerName: string) => boolean = () => true): CanonicalHeaders {
  const byName = new Map<string, string>()
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase()
    if (byName.has(lower)) throw new TypeError(`Header "${name}" is given twice with different letter case`)
    if (signs(lower)) byName.set(lower, value.trim())
  }
  const names = [...byName.keys()].sort()
  return {
    canonicalHeaders: names.map(name => `${name}:${byName.get(name) ?? ''}\n`).join(''),
    signedHeaders: names.join(';')
  }
}

export function findHeader(headers: Readonly<Record<string, string>>, lowerName: string): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === lowerName) return value
  }
  return undefined
}

/** A declared content-hash header wins (the server checks the body against it); else the body's hash. */
export function payloadHashWith(declaredHeader: string, body: string, headers: Readonly<Record<string, string>>): string {
  const declared = findHeader(headers, declaredHeader)
  if (declared !== undefined) return declared.trim()
  return body === '' ? EMPTY_SHA256 : sha256Hex(body)
}

/**
 * `METHOD\nURI\nQUERY\nHEADERS\nSIGNEDHEADERS\nPAYLOADHASH`; the header lines end in `\n`, so a
 * blank line follows them. The method is upper-cased: that is how node's HTTP client sends it.
 */
export function assembleCanonicalRequest(method: string, uri: string, query: string, headers: CanonicalHeaders, payloadHash: string): string {
  return [method.toUpperCase(), uri, query, headers.canonicalHeaders, headers.signedHeaders, payloadHash].join('\n')
}
