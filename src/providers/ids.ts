import { RelayError, type RelayErrorDetails } from '../core/errors.js'
import { outputText } from '../core/vendor-text.js'
import { encodeRfc3986 } from '../signing/uri-encode.js'
import { stringOf } from './json.js'

/**
 * The documented forms of the ids vendors answer with. A vendor id becomes an output (run_id, which
 * a later shell step may paste into a command), a path segment of an authenticated request, and a
 * log line: an answer from a compromised gateway or a hostile proxy must not get
 * `c0ffee$(touch x)` or `../../<other project>` into any of them. So every id is checked against
 * its form where it is read, before anything uses it.
 */
export interface IdForm {
  readonly pattern: RegExp
  /** What the id is, for the message: "a CodeArts run id (32 letters and digits)". */
  readonly description: string
}

export const ID_FORMS = {
  // reference/huawei-codearts.md §1.1: "IDs (project, pipeline, run) are 32 characters, digits and letters only"
  // ([apidef] path params minLength=maxLength=32). §3 states no form for the v6 GitCode pipeline and run ids; they
  // are the same service's ids ("the doc example returns the same ID format"), and the codearts-pac pipeline_id and
  // run_id inputs already take only this form, so an id of another form could not be used again anyway.
  codeArtsPipelineId: { pattern: /^[0-9A-Za-z]{32}$/, description: 'a CodeArts pipeline id (32 letters and digits)' },
  codeArtsRunId: { pattern: /^[0-9A-Za-z]{32}$/, description: 'a CodeArts run id (32 letters and digits)' },
  // reference/tencent-bkci.md §1.1 states the prefixes: pipeline ids start with p-, build ids with b-. The rest,
  // 32 lowercase hex digits (a UUID without hyphens), is the form the run_id and pipeline_id inputs already require.
  bkciBuildId: { pattern: /^b-[0-9a-f]{32}$/, description: 'a bk-ci build id ("b-" and 32 lowercase hex digits)' },
  bkciPipelineId: { pattern: /^p-[0-9a-f]{32}$/, description: 'a bk-ci pipeline id ("p-" and 32 lowercase hex digits)' },
  // reference/aliyun-yunxiao.md §1.2, §3.2: pipelineRunId is a long (a bare integer in the OpenAPI start answer);
  // whether it is a global id or the run's number within its pipeline is uncertain (§2), and both are integers.
  // Job ids are longs too. At most 19 digits: a Java long.
  yunxiaoRunId: { pattern: /^[0-9]{1,19}$/, description: 'a Yunxiao run id (pipelineRunId, an integer)' },
  yunxiaoJobId: { pattern: /^[0-9]{1,19}$/, description: 'a Yunxiao job id (an integer)' },
  // CodeArts run_number is an int ≥ 1 (§1.4), the v6 one a string of it (§3); bk-ci buildNum and num are ints.
  runNumber: { pattern: /^[0-9]{1,19}$/, description: 'a run number (digits)' }
} as const satisfies Record<string, IdForm>

// The bad value is named by a short start only: it is vendor text, and a message is printed and may
// become an error output.
const PREVIEW_LENGTH = 24

/** How a bad value is shown in a message: a short, control-free start of it, quoted. */
export function idPreview(value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number') return value === null ? 'null' : `a value of type ${Array.isArray(value) ? 'array' : typeof value}`
  return JSON.stringify(outputText(String(value), PREVIEW_LENGTH))
}

/** Where an id was read, for the message: `{ vendor: 'CodeArts', field: 'pipeline_run_id' }`. */
export interface IdSource {
  vendor: string
  field: string
}

/** `notSent` when the id is checked before a write it is needed for: nothing was sent, so nothing is in doubt. */
export type IdErrorDetails = Pick<RelayErrorDetails, 'notSent'>

/**
 * The id in `value` if it has its documented form; undefined when the answer has none (null,
 * missing, empty). Any other value is a `protocol` fault: an answer we cannot use. After a start or
 * retry, that is one whose effect is unclear, which the core resolves without sending it again.
 */
export function optionalId(value: unknown, form: IdForm, source: IdSource, details: IdErrorDetails = {}): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const id = stringOf(value)
  if (id !== undefined && form.pattern.test(id)) return id
  throw new RelayError('protocol', `${source.vendor} answered with a ${source.field} that is not ${form.description}: ${idPreview(value)}`, details)
}

/** As optionalId, but a missing id is a protocol fault too. */
export function requiredId(value: unknown, form: IdForm, source: IdSource, details: IdErrorDetails = {}): string {
  const id = optionalId(value, form, source, details)
  if (id === undefined) throw new RelayError('protocol', `${source.vendor}'s answer has no ${source.field}`, details)
  return id
}

/**
 * One path segment, percent-encoded, so that `/`, `?`, `#` and `%` in it stay inside it. This is
 * encodeURIComponent plus `!'()*`: the RFC 3986 form both signers canonicalise a path to, so that
 * the path sent is the path signed. `.` and `..` are refused, because URL parsers resolve them (also
 * as `%2E%2E`) and the request would go to another resource. Applied to every id, also to ids that
 * were checked or come from inputs: the path is safe whatever the id. The error is raised before
 * anything is sent, so it never counts as a write that may have happened.
 */
export function pathSegment(value: string): string {
  if (value === '' || value === '.' || value === '..') {
    throw new RelayError('protocol', `${idPreview(value)} cannot be a part of a request path`, { notSent: true })
  }
  return encodeRfc3986(value)
}
