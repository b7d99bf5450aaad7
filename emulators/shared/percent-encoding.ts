// RFC 3986 percent-encoding as request-signing schemes define it: unreserved characters stay,
// everything else becomes UTF-8 %XX with upper-case hex, and a space is %20, never '+'.

/** Encodes one path segment, query key or query value the way a signer must have. */
export function encodeRfc3986(text: string): string {
  // encodeURIComponent already emits upper-case hex and UTF-8, but leaves !'()* alone.
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

/**
 * Decodes what arrived on the wire so it can be re-encoded canonically. '+' is kept as a
 * literal plus: a client that sends '+' for a space signs something else than it sends, and
 * emulators want to catch that. An undecodable sequence is kept as received.
 */
export function decodeLenient(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}
