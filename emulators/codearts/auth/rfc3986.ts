// Percent-encoding as the SDK-HMAC-SHA256 signing guide defines it (reference 2a, step 4):
// RFC 3986 unreserved characters stay, everything else becomes UTF-8 %XX with upper-case hex,
// a space is %20, never '+'; on decoding, '+' stays a literal plus. Shared with other emulators.
export { decodeLenient, encodeRfc3986 } from '../../shared/percent-encoding.js'
