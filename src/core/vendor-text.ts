/**
 * Vendor text (job names, messages, statuses, log lines, error bodies) is untrusted: a job name is
 * chosen by whoever edits the remote pipeline, and an answer may come from a compromised gateway.
 * These are the pure cleaners every host and output applies to it before anyone sees it.
 */

// Whole escape sequences first, so that their parameters do not survive as visible junk:
// CSI (ESC [ or the one-byte C1 U+009B, then parameters and one final byte), OSC/DCS/SOS/PM/APC
// strings (ESC ] P X ^ _ or their C1 forms, up to BEL or ST), and two-byte ESC sequences.
const ESCAPE_SEQUENCES = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    '(?:\\u001b[\\]PX^_]|[\\u009d\\u0090\\u0098\\u009e\\u009f])[^\\u0007\\u001b\\u009c]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    '\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?'
  ].join('|'),
  'g'
)
// What is left that a terminal or a log viewer acts on instead of showing: C0 controls but tab and
// line feed (backspace, carriage return, bell, form feed, vertical tab…), DEL, the C1 block, and
// the Unicode bidirectional overrides and isolates that make text read differently from its bytes.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g

/** Text without terminal control: `FAILED\b\b\b\b\b\bPASSED` keeps both words, in that order. Tabs and line feeds stay. */
export function stripControl(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROL_CHARACTERS, '')
}

/** The longest vendor string that becomes an output (raw_status, a run number). */
export const OUTPUT_TEXT_MAX = 256

/**
 * A vendor string fit to be an output: one line of printable text (line breaks and other white
 * space runs become one space), at most `max` characters, cut with an ellipsis.
 */
export function outputText(text: string, max = OUTPUT_TEXT_MAX): string {
  const line = stripControl(text).replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
