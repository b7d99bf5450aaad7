import { formatDuration } from './core/duration.js'
import { stripControl } from './core/vendor-text.js'
import type { JobState, PartStatus, RunRef, RunState, Status } from './providers/types.js'

/** What a person reads: the one-line state of a run, and the job summary. Host-neutral markdown. */

const ICONS: Readonly<Record<PartStatus | Status, string>> = {
  queued: '⏳',
  running: '▶️',
  waiting: '✋',
  succeeded: '✅',
  failed: '❌',
  canceled: '⏹️',
  timed_out: '⌛',
  skipped: '⏭️',
  unknown: '❔'
}

/** `running (RUNNING); now: Build / Compile running, Deploy / Approve waiting` */
export function stateLine(state: RunState): string {
  const status = state.rawStatus.toLowerCase() === state.status ? state.status : `${state.status} (${state.rawStatus})`
  const active = state.jobs.filter(job => job.status === 'running' || job.status === 'waiting' || job.status === 'queued')
  if (state.terminal || active.length === 0) return status
  const parts = active.slice(0, 4).map(job => `${jobName(job)} ${job.status}`)
  const more = active.length > 4 ? ` and ${active.length - 4} more` : ''
  return `${status}; now: ${parts.join(', ')}${more}`
}

export function jobName(job: JobState): string {
  return job.stage === undefined ? job.name : `${job.stage} / ${job.name}`
}

/** Wall time of the run from the vendor's own timestamps, where both are known. */
export function runDurationSeconds(state: RunState | undefined): number | undefined {
  if (state?.startedAt === undefined || state.endedAt === undefined) return undefined
  return Math.max(0, Math.round((state.endedAt - state.startedAt) / 1000))
}

/** One line per job for the log: `✅ Build / Compile: succeeded (COMPLETED), 50s`. */
export function jobLines(state: RunState): string[] {
  return state.jobs.map(job => {
    const took = job.startedAt !== undefined && job.endedAt !== undefined ? `, ${formatDuration(job.endedAt - job.startedAt)}` : ''
    const message = job.message === undefined ? '' : ` — ${job.message}`
    return `${ICONS[job.status]} ${jobName(job)}: ${job.status} (${job.rawStatus})${took}${message}`
  })
}

export interface FinalReport {
  providerName: string
  pipelineId: string
  operation: string
  run: RunRef
  status: Status
  rawStatus: string
  state?: RunState
  durationSeconds?: number
  /** Why the step ended the way it did, in a sentence (a timeout, a cancel). */
  note?: string
  /** The end of failed jobs' logs, where the vendor serves them. */
  logTails?: readonly { job: string; lines: readonly string[] }[]
}

/**
 * GitHub's limit on a step summary: the runner does not upload a summary file over 1 MiB at all
 * (actions/runner src/Runner.Worker/FileCommandManager.cs, CreateStepSummaryCommand:
 * `AttachmentSizeLimit = 1024 * 1024` bytes of the file; over it, an error annotation
 * "$GITHUB_STEP_SUMMARY upload aborted" and no summary). Bytes, not characters.
 */
export const SUMMARY_LIMIT_BYTES = 1024 * 1024
/** What summaryMarkdown stays under: the limit, less room for the line end the host adds and slack. */
export const SUMMARY_BUDGET_BYTES = SUMMARY_LIMIT_BYTES - 4096

// Single vendor strings are cut to these many characters before escaping: a job name, a status,
// a message, one log line. What is over that is noise in a table and would crowd out the rest.
const NAME_CHARS = 200
const MESSAGE_CHARS = 1000
const LOG_LINE_CHARS = 2000
// The jobs table keeps at least this much of the budget when the log tails would take it all.
const JOBS_MIN_BYTES = 192 * 1024
// Room kept for the notes that say what was left out.
const NOTES_BYTES = 8192

/**
 * The job summary (GitHub). Everything the vendor wrote (names, statuses, messages, log lines) is
 * shown as text: it cannot add tags, images, links, mentions or table cells, nor open or close a
 * `<details>`; the only link is the run's page, and only an http(s) one. The whole stays under
 * `budgetBytes` (GitHub's 1 MiB less slack) BY DESIGN: the jobs table and the failed jobs' log tails
 * share what the heading leaves, and what does not fit is left out with a line that says so.
 */
export function summaryMarkdown(report: FinalReport, budgetBytes = SUMMARY_BUDGET_BYTES): string {
  const { run, state } = report
  const runLabel = run.runNumber === undefined ? run.runId : `#${run.runNumber}`
  const url = httpUrl(run.url)
  const runLink = url === undefined ? codeText(run.runId, NAME_CHARS) : `[${markdownText(runLabel, NAME_CHARS)}](<${url}>)`
  const head = [
    `### ${ICONS[report.status]} ${markdownText(report.providerName, NAME_CHARS)}: run ${markdownText(runLabel, NAME_CHARS)} ${report.status.replace('_', ' ')}`,
    '',
    '| | |',
    '|---|---|',
    `| Pipeline | ${codeText(report.pipelineId, NAME_CHARS)} |`,
    `| Run | ${runLink} |`,
    `| Operation | ${markdownText(report.operation, NAME_CHARS)} |`,
    `| Status | ${report.status} (${codeText(report.rawStatus, NAME_CHARS)}) |`
  ]
  if (report.durationSeconds !== undefined) head.push(`| Duration | ${formatDuration(report.durationSeconds * 1000)} |`)
  if (report.note !== undefined) head.push(`| Note | ${markdownText(report.note, MESSAGE_CHARS)} |`)

  const left: string[] = []
  let available = budgetBytes - bytesOf(head) - NOTES_BYTES

  const rows = (state?.jobs ?? []).map(jobRow)
  const tails = (report.logTails ?? []).map(tail => ({ job: tail.job, lines: logLines(tail.lines) }))
  const tailsWanted = tails.reduce((sum, tail) => sum + tailNeed(tail.job, tail.lines), 0)
  const jobsBudget = Math.min(available, Math.max(JOBS_MIN_BYTES, available - tailsWanted))
  const table: string[] = []
  if (rows.length > 0) {
    table.push('', '| Stage | Job | Status | Duration | Message |', '|---|---|---|---|---|')
    let used = bytesOf(table)
    let shown = 0
    for (const row of rows) {
      const size = Buffer.byteLength(row, 'utf8') + 1
      if (used + size > jobsBudget) break
      table.push(row)
      used += size
      shown++
    }
    if (shown < rows.length) {
      const more = rows.length - shown
      // A blank line first: a line right under a table would be read as one more row.
      table.push('', `_${more} more ${more === 1 ? 'job' : 'jobs'} not shown._`)
      left.push(`${more} of the ${rows.length} jobs`)
    }
  }
  available -= bytesOf(table)

  // The log tails share what is left, the smaller ones first so that what they leave goes to the others.
  const shares = new Map<number, number>()
  const order = tails.map((tail, index) => ({ index, size: tailNeed(tail.job, tail.lines) })).sort((a, b) => a.size - b.size)
  let pool = available
  order.forEach((entry, position) => {
    const share = Math.min(entry.size, Math.floor(pool / (order.length - position)))
    shares.set(entry.index, share)
    pool -= share
  })
  const tailBlocks: string[] = []
  tails.forEach((tail, index) => {
    const block = tailBlock(tail.job, tail.lines, shares.get(index) ?? 0)
    if (block === undefined) {
      left.push(`the log of ${tail.job}`)
      return
    }
    tailBlocks.push(...block.lines)
    if (block.cut > 0) left.push(`the first ${block.cut} of ${tail.lines.length} lines of the log of ${tail.job}`)
  })

  const notes: string[] = []
  if (left.length > 0) {
    const what = markdownText(left.join('; '), 1200)
    notes.push('', `> Left out to keep this summary under GitHub's 1 MiB limit for a step summary: ${what}. The job log has everything.`)
  }
  return `${[...head, ...table, ...tailBlocks, ...notes].join('\n')}\n`
}

function jobRow(job: JobState): string {
  const took = job.startedAt !== undefined && job.endedAt !== undefined ? formatDuration(job.endedAt - job.startedAt) : ''
  return `| ${markdownText(job.stage ?? '', NAME_CHARS)} | ${markdownText(job.name, NAME_CHARS)} | ${ICONS[job.status]} ${job.status} | ${took} | ${markdownText(job.message ?? '', MESSAGE_CHARS)} |`
}

/** Log lines as shown: control characters out, one line per line, each cut to LOG_LINE_CHARS. */
function logLines(lines: readonly string[]): string[] {
  return lines
    .flatMap(line => stripControl(line).split('\n'))
    .map(line => (line.length > LOG_LINE_CHARS ? `${line.slice(0, LOG_LINE_CHARS)} … (${line.length - LOG_LINE_CHARS} more characters)` : line))
}

function tailHeader(job: string): string {
  // Raw HTML: Markdown escapes do not work in it, entities do.
  return `<details><summary>End of the log of ${htmlText(job, NAME_CHARS)}</summary>`
}

/** A fence longer than any run of backticks in the lines, so that no line can close it. */
function fenceFor(lines: readonly string[]): string {
  let longest = 2
  for (const line of lines) for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  return '`'.repeat(longest + 1)
}

function tailBytes(job: string, lines: readonly string[]): number {
  return bytesOf(['', tailHeader(job), '', fenceFor(lines), ...lines, fenceFor(lines), '', '</details>'])
}

/** What a whole tail takes in tailBlock: its bytes, and the slack tailBlock keeps for a note. */
function tailNeed(job: string, lines: readonly string[]): number {
  return tailBytes(job, lines) + TAIL_SLACK
}
const TAIL_SLACK = 128

/** The end of one log within `budget` bytes: as many of the last lines as fit, or nothing if not even the frame does. */
function tailBlock(job: string, lines: readonly string[], budget: number): { lines: string[]; cut: number } | undefined {
  const frame = tailBytes(job, []) + TAIL_SLACK
  if (frame > budget) return undefined
  let used = frame
  let first = lines.length
  while (first > 0) {
    const size = Buffer.byteLength(lines[first - 1] ?? '', 'utf8') + 1
    if (used + size > budget) break
    used += size
    first--
  }
  const kept = lines.slice(first)
  const fence = fenceFor(kept)
  const note = first > 0 ? [`_The first ${first} lines are left out._`, ''] : []
  return { lines: ['', tailHeader(job), '', ...note, fence, ...kept, fence, '', '</details>'], cut: first }
}

function bytesOf(lines: readonly string[]): number {
  return lines.reduce((sum, line) => sum + Buffer.byteLength(line, 'utf8') + 1, 0)
}

/** One line of printable vendor text, at most `max` characters. */
function oneLine(text: string, max: number): string {
  const line = stripControl(text).replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

// GitHub turns `@name` into a link to a profile and `#123` into one to an issue after rendering;
// an invisible word joiner after the sign keeps them text.
const noMentions = (text: string): string => text.replace(/[@#]/g, '$&\u2060')

/**
 * Vendor text in Markdown: every ASCII punctuation character backslash-escaped, which CommonMark
 * allows for all of them and which leaves no emphasis, link, image, tag, entity, table cell or
 * autolink (cmark-gfm's autolinks start at an unescaped `:` or `www.`) to the text.
 */
export function markdownText(text: string, max = MESSAGE_CHARS): string {
  return noMentions(oneLine(text, max).replace(/[!-/:-@[-`{-~]/g, '\\$&'))
}

/**
 * Vendor text inside raw HTML, where Markdown escapes are not read: entities. `:` too, so that no
 * renderer that links bare URLs in HTML text either finds a scheme (`https://`) to start one at.
 */
export function htmlText(text: string, max = MESSAGE_CHARS): string {
  // The word joiners first: after the entities they would split `&#39;`.
  return noMentions(oneLine(text, max)).replace(/[&<>"':]/g, char => HTML_ENTITIES[char] ?? '')
}

const HTML_ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', ':': '&#58;' }

/** Vendor text as inline code: a backtick run longer than any inside it; the table's `|` escaped. */
function codeText(text: string, max: number): string {
  const line = oneLine(text, max)
  if (line === '') return ''
  let longest = 0
  for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length)
  const ticks = '`'.repeat(longest + 1)
  const pad = line.startsWith('`') || line.endsWith('`') ? ' ' : ''
  return `${ticks}${pad}${line.replace(/\|/g, '\\|')}${pad}${ticks}`
}

/** The run's page, if it is an http(s) URL; serialized, so it holds no space, `<` or `>`. */
function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined
    if (parsed.username !== '' || parsed.password !== '') return undefined
    return parsed.href
  } catch {
    return undefined
  }
}
