import { RelayError } from '../../core/errors.js'
import { pathSegment } from '../ids.js'
import type { JobState, PartStatus } from '../types.js'

/**
 * What the two Huawei log reads (v5 step logs, v6 job logs) share: path segments made of vendor
 * ids, log text cut into lines, and the few facts about a job or step the paging needs. The text
 * itself is vendor text and is not cleaned here: the host strips and neutralises it as it prints.
 */

// Job and step ids come from the vendor's detail answer and go into a path: the documents give
// 32 letters and digits; anything outside letters, digits, '_' and '-' cannot be an id and is
// refused rather than sent (a '/' or '..' would address another resource).
const SEGMENT = /^[A-Za-z0-9_-]+$/

/** A vendor id as one path segment: checked, then encoded (a no-op for a valid id, kept so no raw value ever reaches a path). */
export function idSegment(value: string, what: string): string {
  if (!SEGMENT.test(value)) throw new RelayError('protocol', `CodeArts gave a ${what} that is not an id (${JSON.stringify(value.slice(0, 40))}); its log is not read`)
  return pathSegment(value)
}

/**
 * Whole lines of a page whose text holds complete lines (v5: `limit` counts lines). The newline
 * that ends the last line does not make an empty line after it.
 */
export function wholeLines(text: string): string[] {
  if (text === '') return []
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

// The part of a line kept while it waits for its end: past this the core cuts it anyway (at
// 1,000 characters, saying so), so a line without an end cannot grow a cursor without bound.
const CARRY_CHARS = 4_096

/**
 * The complete lines of `carry + text`, and what is left after the last newline: the start of a
 * line the next page goes on with (v6 pages end at a character offset, maybe inside a line).
 * With `final`, the rest is a line of its own: the log has ended without a newline.
 */
export function linesWithCarry(carry: string, text: string, final: boolean): { lines: string[]; carry: string } {
  const parts = (carry + text).split(/\r?\n/)
  // The rest may end in a '\r', the first half of a '\r\n' the next page completes: kept as it is.
  let rest = parts.pop() ?? ''
  if (final && rest !== '') {
    parts.push(rest.replace(/\r$/, ''))
    rest = ''
  }
  return { lines: parts, carry: rest.slice(0, CARRY_CHARS) }
}

const ENDED: ReadonlySet<PartStatus> = new Set(['succeeded', 'failed', 'canceled', 'skipped'])

/** The job or step will write no more. */
export function hasEnded(part: { status: PartStatus }): boolean {
  return ENDED.has(part.status)
}

/** A step that ran or runs: it may have a log. One still queued (or of an unknown state) has none yet. */
export function hasStarted(part: { status: PartStatus }): boolean {
  return part.status !== 'queued' && part.status !== 'unknown' && part.status !== 'skipped'
}

/** For messages: "Build / Compile". */
export function jobLabel(job: JobState): string {
  return job.stage === undefined ? job.name : `${job.stage} / ${job.name}`
}

/** An offset as the vendor wrote it: digits (v5 writes them as strings, v6 as numbers). */
export function offsetOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value)
  return undefined
}
