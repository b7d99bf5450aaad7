// The server's side of SDK-HMAC-SHA256 (reference 2a): rebuild the canonical request from the
// request exactly as it was received, never from what a client meant to send. Written from the
// document; it deliberately shares nothing with src/, so it is an independent check of our client.
import { createHash, createHmac } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { decodeLenient, encodeRfc3986 } from '../../shared/percent-encoding.js'
import { receivedHeader } from '../../shared/api-types.js'

export const SIGNING_ALGORITHM = 'SDK-HMAC-SHA256'
export const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

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

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex')
}

export function hmacSha256Hex(key: string, data: string): string {
  return createHmac('sha256', Buffer.from(key, 'utf8')).update(data, 'utf8').digest('hex')
}

function splitTarget(url: string): { path: string; rawQuery: string } {
  const q = url.indexOf('?')
  return q < 0 ? { path: url, rawQuery: '' } : { path: url.slice(0, q), rawQuery: url.slice(q + 1) }
}

/** Step 4: each segment encoded, and a '/' appended because the signer always adds one. */
export function canonicalUri(path: string): string {
  const encoded = path
    .split('/')
    .map((segment) => encodeRfc3986(decodeLenient(segment)))
    .join('/')
  return encoded.endsWith('/') ? encoded : encoded + '/'
}

/**
 * Step 5: keys sorted by UTF-16 code unit (JS default sort), repeated keys emitted once per value
 * with the values sorted, `key=` kept for an empty value, joined with '&'.
 */
export function canonicalQuery(rawQuery: string): string {
  const byKey = new Map<string, string[]>()
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decodeLenient(eq < 0 ? pair : pair.slice(0, eq))
    const value = eq < 0 ? '' : decodeLenient(pair.slice(eq + 1))
    const values = byKey.get(key) ?? []
    values.push(value)
    byKey.set(key, values)
  }
  const parts: string[] = []
  for (const key of [...byKey.keys()].sort()) {
    for (const value of [...(byKey.get(key) ?? [])].sort()) {
      parts.push(`${encodeRfc3986(key)}=${encodeRfc3986(value)}`)
    }
  }
  return parts.join('&')
}

/** A header's value as received; a repeated header is joined with ','. Absent gives undefined. */
export { receivedHeader }

/**
 * Step 6: one `name:value\n` line per signed header, in the order the client declared them
 * (a conforming client declares them sorted). Values are not trimmed here: Node's HTTP parser
 * already drops the surrounding whitespace, as any gateway does.
 */
export function canonicalHeaders(headers: IncomingHttpHeaders, signedHeaders: string[]): string {
  return signedHeaders.map((name) => `${name}:${receivedHeader(headers, name) ?? ''}\n`).join('')
}

/**
 * Step 7: the hash of the bytes actually received. X-Sdk-Content-Sha256 (the SDK's
 * UNSIGNED-PAYLOAD marker) is honoured only when the client signed that header, so an
 * unsigned header cannot switch body checking off.
 */
export function payloadHash(request: ReceivedRequest, signedHeaders: string[]): string {
  const declared = receivedHeader(request.headers, 'x-sdk-content-sha256')
  if (declared !== undefined && signedHeaders.includes('x-sdk-content-sha256')) return declared
  return sha256Hex(request.body)
}

/** Step 8: METHOD, URI, query, headers (ending in \n, hence a blank line), names, payload hash. */
export function buildCanonicalRequest(request: ReceivedRequest, signedHeaders: string[]): string {
  const { path, rawQuery } = splitTarget(request.url)
  return [
    request.method.toUpperCase(),
    canonicalUri(path),
    canonicalQuery(rawQuery),
    canonicalHeaders(request.headers, signedHeaders),
    signedHeaders.join(';'),
    payloadHash(request, signedHeaders)
  ].join('\n')
}

/** Steps 9 and 10: no key derivation, the SK itself is the HMAC key. */
export function signCanonicalRequest(canonicalRequest: string, sdkDate: string, secretKey: string): string {
  const stringToSign = `${SIGNING_ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`
  return hmacSha256Hex(secretKey, stringToSign)
}
