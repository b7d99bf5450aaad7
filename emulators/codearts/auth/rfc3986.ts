// Percent-encoding as the SDK-HMAC-SHA256 signing guide defines it (reference 2a, step 4):
// RFC 3986 unreserved characters stay, everything else becomes UTF-8 %XX with upper-case hex,
// and a space is %20, never '+'.

/** Encodes one path segment, query key or query value the way the signer must have. */
export function encodeRfc3986(text: string): string {
  // encodeURIComponent already emits upper-case hex and UTF-8, but leaves !'()* alone.
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()
  )
}

/**
 * Decodes what arrived on the wire so it can be re-encoded canonically. '+' is kept as a
 * literal plus: the spec says a space is %20, so a client that sends '+' for a space (Go's
 * url.QueryEscape does) is signing something else than it sends, and we want to catch that.
 * An undecodable sequence is kept as received (it will then be encoded again, and fail).
 */
export function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
