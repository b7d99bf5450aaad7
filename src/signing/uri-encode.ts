/**
 * RFC 3986 percent-encoding as used by cloud API signatures (Huawei SDK-HMAC-SHA256, Alibaba ACS3, AWS SigV4):
 * only the unreserved set `A-Z a-z 0-9 - _ . ~` is kept, everything else becomes UTF-8 `%XX` with upper-case hex.
 *
 * `encodeURIComponent` is almost this, but it also keeps `! ' ( ) *`, which the signing specs treat as reserved;
 * a signature computed over `*` would not match a gateway that canonicalises it to `%2A`.
 *
 * Throws `URIError` on a lone UTF-16 surrogate: such a string has no UTF-8 form, so there is nothing correct to sign.
 */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}
