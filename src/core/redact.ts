/**
 * Last line of defence for secrets: every text we write anywhere (log, error, output, summary,
 * state file) passes through `redact`, and so does every vendor answer before anything reads it
 * (core/vendor-client.ts), so that no later cut can leave a prefix of a secret that no longer
 * matches. GitHub's own masking works on the runner's side only; this keeps our own output clean too.
 *
 * Each registered secret is masked in every form it could take on the way back from a vendor:
 * - raw, URL-encoded (RFC 3986 and encodeURIComponent, form-encoded), base64, base64url, and
 *   escaped inside a JSON string (with `/` as `\/` too, as PHP and some Java servers write it);
 * - in any letter case (a server that upper-cases a token it echoes);
 * - split by line breaks: `\n` or `\r\n`, real or JSON-escaped, each maybe followed by
 *   indentation (a token wrapped at 76 columns in an error page or a log);
 * - inside a longer base64 blob (a Docker `auth`, a JSON document sent as base64), at any offset,
 *   up to two blobs deep: such a blob is masked whole (for forms of 8 bytes or more).
 *
 * Cost, linear in the text: the forms are one regular expression of plain alternatives (no
 * quantifier, so no backtracking beyond a secret's length), built when a secret is added; line
 * breaks are taken out in one pass and mapped back only when a secret is found; base64 runs long
 * enough to hold a secret are found in one pass and decoded (once, or four times when the run has
 * no padding to show where the blob is aligned). Measured: about 13 ms per MB of log text, 60 ms
 * per MB of base64.
 */
import { encodeRfc3986 } from '../signing/uri-encode.js'

export const MASK = '***'

/** Secrets shorter than this are not credentials; masking them would shred ordinary words in the log. */
const MIN_SECRET_LENGTH = 3

/**
 * Only forms this long are looked for inside decoded blobs. Decoded bytes are mostly noise: a
 * short form would turn up in them by chance (and mask an id a provider must read), and every
 * short word of a log would be a run worth decoding.
 */
const MIN_FORM_IN_BLOB = 8

/** How many base64 blobs inside each other are opened (a base64 Docker config holds base64 `auth` values). */
const BLOB_DEPTH = 2

/**
 * A line break a server or a wrapper may put inside a secret: CRLF, LF or CR, real or as a JSON
 * escape, with the indentation of the next line. Forms are looked for in the text with these
 * taken out (and mapped back), which keeps the pattern a plain list of words.
 */
const LINE_BREAK = /(?:\r\n?|\n|\\r\\n|\\n|\\r)[ \t]*/g

/** The characters of base64 and base64url (Node decodes either). */
const BASE64_CHAR = '[A-Za-z0-9+/_-]'

interface Matcher {
  /** Every form of every secret, for `matchAll`. */
  readonly everywhere: RegExp
  /** The same, for `test` (a global expression keeps state between calls). */
  readonly anywhere: RegExp
  /** What opens base64 blobs; undefined when no form is long enough to look for in one. */
  readonly blobs: BlobMatcher | undefined
}

interface BlobMatcher {
  /**
   * Base64 runs long enough to hold the shortest form looked for. The look-behind lets a run be
   * tried from its first character only, so a text of short words is scanned once, not once per letter.
   */
  readonly runs: RegExp
  /** The forms looked for, as UTF-8 bytes, one character per byte (latin1 decodes fastest). */
  readonly inBytes: RegExp
}

export class Redactor {
  /** Every form of every secret, without line breaks (texts are searched without theirs). */
  private readonly forms = new Set<string>()
  private matcher: Matcher | undefined

  add(secret: string): void {
    const value = secret.trim()
    if (value.length < MIN_SECRET_LENGTH) return
    for (const form of formsOf(value)) {
      // What is left of a form without its line breaks (a secret may have lines of its own) must
      // still be long enough to be a secret.
      const joined = form.replace(LINE_BREAK, '')
      if (joined.length >= MIN_SECRET_LENGTH && !this.forms.has(joined)) {
        this.forms.add(joined)
        this.matcher = undefined
      }
    }
  }

  redact(text: string): string {
    if (this.forms.size === 0 || text === '') return text
    const matcher = (this.matcher ??= buildMatcher(this.forms))
    // Forms first: where a blob holds a secret's own base64 form, the secret starts on a 3-byte
    // boundary and none of the blob's other characters carry any of its bits, so masking the
    // form alone is enough (and a word glued to it is not lost). Blobs that still hold a secret
    // hold it at another offset, or encoded, or deeper: those go whole.
    const withoutForms = maskForms(text, matcher)
    const { blobs } = matcher
    if (blobs === undefined) return withoutForms
    return withoutForms.replace(blobs.runs, run => (blobHoldsSecret(run, blobs, BLOB_DEPTH) ? MASK : run))
  }
}

function buildMatcher(forms: ReadonlySet<string>): Matcher {
  // Longest first: where two forms start at the same place, the whole of the longer one goes.
  const sorted = [...forms].sort((a, b) => b.length - a.length)
  const source = sorted.map(escapePattern).join('|')
  return { everywhere: new RegExp(source, 'gi'), anywhere: new RegExp(source, 'i'), blobs: blobMatcher(sorted) }
}

function blobMatcher(forms: readonly string[]): BlobMatcher | undefined {
  const bytes = forms.map(form => Buffer.from(form, 'utf8').toString('latin1')).filter(form => form.length >= MIN_FORM_IN_BLOB)
  if (bytes.length === 0) return undefined
  // A blob that decodes to a text holding a form of n bytes is at least 4n/3 characters long.
  const minRun = Math.ceil((Math.min(...bytes.map(form => form.length)) * 4) / 3)
  return {
    runs: new RegExp(`(?<!${BASE64_CHAR})${BASE64_CHAR}{${minRun},}={0,2}`, 'g'),
    inBytes: new RegExp(bytes.map(escapePattern).join('|'), 'i')
  }
}

function escapePattern(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&')
}

function formsOf(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64')
  const json = JSON.stringify(secret).slice(1, -1)
  // Lower-case percent escapes need no form of their own: matching ignores case.
  return [
    secret,
    encodeURIComponent(secret),
    encodeRfc3986(secret),
    new URLSearchParams([['', secret]]).toString().slice(1),
    json,
    json.replace(/\//g, '\\/'),
    base64,
    base64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url')
  ]
}

/** Where line breaks were taken out of a text: at `at` in the joined text, `length` characters. */
interface Cut {
  readonly at: number
  readonly length: number
}

function lineBreaksIn(text: string): Cut[] {
  const cuts: Cut[] = []
  let removed = 0
  for (const found of text.matchAll(LINE_BREAK)) {
    cuts.push({ at: found.index - removed, length: found[0].length })
    removed += found[0].length
  }
  return cuts
}

/**
 * Masks every form of every secret, also where line breaks split it. A match in the text without
 * its line breaks is mapped back onto the text as it was, breaks inside the match included.
 */
function maskForms(text: string, matcher: Matcher): string {
  const joined = text.replace(LINE_BREAK, '')
  if (joined.length === text.length) return text.replace(matcher.everywhere, MASK)
  // Most texts with line breaks hold no secret: only those that do are mapped.
  if (!matcher.anywhere.test(joined)) return text
  const cuts = lineBreaksIn(text)
  const parts: string[] = []
  let from = 0
  for (const found of joined.matchAll(matcher.everywhere)) {
    // A break just before the match stays; one just after it stays too.
    const start = found.index + removedBefore(cuts, found.index, true)
    const end = found.index + found[0].length + removedBefore(cuts, found.index + found[0].length, false)
    parts.push(text.slice(from, start), MASK)
    from = end
  }
  parts.push(text.slice(from))
  return parts.join('')
}

/** Characters taken out before `at` in the joined text; with `atToo`, those taken out right at `at`. */
function removedBefore(cuts: readonly Cut[], at: number, atToo: boolean): number {
  let removed = 0
  for (const cut of cuts) {
    if (cut.at > at || (cut.at === at && !atToo)) break
    removed += cut.length
  }
  return removed
}

function blobHoldsSecret(run: string, blobs: BlobMatcher, depth: number): boolean {
  const body = run.replace(/=+$/, '')
  // The run may start with characters that are not part of the blob (a path before it, a word
  // glued to it): one of the four alignments is the blob's own. Padding marks where the blob ends,
  // and so the one alignment that fits.
  const offsets = body.length < run.length ? [run.length % 4] : [0, 1, 2, 3]
  for (const offset of offsets) {
    if (offset >= body.length) continue
    const decoded = Buffer.from(body.slice(offset), 'base64').toString('latin1')
    if (blobs.inBytes.test(decoded.replace(LINE_BREAK, ''))) return true
    if (depth > 1) {
      for (const inner of decoded.match(blobs.runs) ?? []) {
        if (blobHoldsSecret(inner, blobs, depth - 1)) return true
      }
    }
  }
  return false
}
