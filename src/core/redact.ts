/**
 * Last line of defence for secrets: every text we write anywhere (log, error, output, summary,
 * state file) passes through `redact`, which replaces each registered secret in every form it
 * could take on the way out: raw, URL-encoded, base64, and escaped inside a JSON string.
 * GitHub's own masking works on the runner's side only; this keeps our own output clean too.
 */
import { encodeRfc3986 } from '../signing/uri-encode.js'

export const MASK = '***'

export class Redactor {
  private readonly forms = new Set<string>()

  add(secret: string): void {
    const value = secret.trim()
    // Too short to be a credential; masking it would shred ordinary words in the log.
    if (value.length < 3) return
    for (const form of variantsOf(value)) this.forms.add(form)
  }

  redact(text: string): string {
    let result = text
    // Longest first, so that a secret's encoded form is not half-replaced by a shorter one.
    for (const form of [...this.forms].sort((a, b) => b.length - a.length)) {
      if (result.includes(form)) result = result.split(form).join(MASK)
    }
    return result
  }
}

function variantsOf(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64')
  const percent = encodeRfc3986(secret)
  return [
    secret,
    encodeURIComponent(secret),
    percent,
    percent.replace(/%[0-9A-F]{2}/g, escape => escape.toLowerCase()),
    JSON.stringify(secret).slice(1, -1),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url')
  ]
}
