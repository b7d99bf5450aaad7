import { describeError } from './core/errors.js'
import type { Logger } from './core/log.js'
import type { JobState, LogCursor, Provider, RunRef, RunState } from './providers/types.js'
import { jobName } from './report.js'

/**
 * The remote run's log in ours: the pages of every started job while the run goes on (`logs: all`),
 * and the last lines of failed jobs when it ends (`logs: failed`). A provider only answers "this
 * job's log from cursor N" (or "its last lines"); the pacing, the bounds and the printing are here.
 * Every line is vendor text: the host strips it of control characters, neutralises workflow
 * commands and redacts secrets as it prints; here it is only cut to a bounded length.
 */

/** A failed run shows the end of at most this many failed jobs' logs, this many lines each. */
export const TAIL_JOBS = 5
export const TAIL_LINES = 50
/** The few lines of a failed job's tail that go into its error annotation. */
export const ANNOTATION_LINES = 5
// One log line as printed: a minified bundle or a base64 blob on one line must not flood the log.
const LINE_CHARS = 1_000
// What streaming prints at most, per job and per run; past that the log says where it was cut.
const STREAM_LINES_PER_JOB = 20_000
const STREAM_LINES_PER_RUN = 100_000
// After the run ended, the pages read per job to reach the end of its log; and the pages a tail
// is looked for in when the vendor has no "last lines" read of its own.
const FINISH_PAGES = 20
// A job whose log cannot be read this many times in a row is no longer asked for it.
const READ_FAILURES_TO_GIVE_UP = 3

export interface LogTail {
  job: JobState
  lines: readonly string[]
}

/** One log line, bounded. */
export function logLine(text: string): string {
  const line = text.replace(/\r$/, '')
  return line.length > LINE_CHARS ? `${line.slice(0, LINE_CHARS)}… (line cut at ${LINE_CHARS} characters)` : line
}

interface JobLog {
  cursor?: LogCursor
  /** The job has ended and the vendor said there is no more. */
  finished: boolean
  /** Stopped by a bound or by failed reads. */
  stopped: boolean
  printed: number
  failures: number
  /** The last TAIL_LINES lines read, for the report. */
  tail: string[]
}

/** A job with a log to read: it has started (or ended). Queued and skipped jobs have none yet. */
function hasLog(job: JobState): boolean {
  return job.status !== 'queued' && job.status !== 'skipped' && job.status !== 'unknown'
}

function ended(job: JobState): boolean {
  return job.status === 'succeeded' || job.status === 'failed' || job.status === 'canceled'
}

/** `logs: all`: streams each started job's new lines into the step log, prefixed with the job's name, in order, without repeats or gaps. */
export class LiveLogs {
  private readonly jobs = new Map<string, JobLog>()
  private printedInRun = 0

  constructor(
    private readonly provider: Provider,
    private readonly run: RunRef,
    private readonly log: Logger
  ) {}

  /** True when the provider can serve pages of a job's log at all. */
  get available(): boolean {
    return this.provider.readLog !== undefined
  }

  /** One poll's worth: at most one page of each started job whose log is not finished. Returns the lines printed. */
  async poll(state: RunState): Promise<number> {
    let printed = 0
    for (const job of state.jobs) if (hasLog(job)) printed += await this.readPage(job)
    return printed
  }

  /** After the run ended: the rest of each job's log, a bounded number of pages each. */
  async finish(state: RunState): Promise<number> {
    let printed = 0
    for (const job of state.jobs) {
      if (!hasLog(job)) continue
      for (let page = 0; page < FINISH_PAGES && this.wantsMore(job); page++) printed += await this.readPage(job)
    }
    return printed
  }

  /** What was read of the failed jobs' logs: their last lines, with no request. */
  tails(jobs: readonly JobState[]): LogTail[] {
    return jobs
      .slice(0, TAIL_JOBS)
      .map(job => ({ job, lines: this.jobs.get(keyOf(job))?.tail ?? [] }))
      .filter(tail => tail.lines.length > 0)
  }

  private wantsMore(job: JobState): boolean {
    const read = this.jobs.get(keyOf(job))
    return read === undefined || (!read.finished && !read.stopped)
  }

  private async readPage(job: JobState): Promise<number> {
    const readLog = this.provider.readLog
    if (readLog === undefined) return 0
    const key = keyOf(job)
    const read = this.jobs.get(key) ?? { finished: false, stopped: false, printed: 0, failures: 0, tail: [] }
    this.jobs.set(key, read)
    if (read.finished || read.stopped) return 0
    let page
    try {
      page = await readLog.call(this.provider, this.run, job, read.cursor)
      read.failures = 0
    } catch (error) {
      read.failures += 1
      if (read.failures >= READ_FAILURES_TO_GIVE_UP) {
        read.stopped = true
        this.log.warning(`Could not read the log of ${jobName(job)} (${read.failures} times in a row; no longer reading it): ${describeError(error)}`)
      } else {
        this.log.warning(`Could not read the log of ${jobName(job)}: ${describeError(error)}`)
      }
      return 0
    }
    let printed = 0
    for (const line of page.lines) {
      if (read.printed >= STREAM_LINES_PER_JOB || this.printedInRun >= STREAM_LINES_PER_RUN) {
        read.stopped = true
        const bound = read.printed >= STREAM_LINES_PER_JOB ? `${STREAM_LINES_PER_JOB} lines of this job` : `${STREAM_LINES_PER_RUN} lines of this run`
        this.log.info(`[${jobName(job)}] … the log is cut here, after ${bound}; the rest is on the run's page${this.run.url === undefined ? '' : ` ${this.run.url}`}`)
        return printed + 1
      }
      const text = logLine(line)
      this.log.info(`[${jobName(job)}] ${text}`)
      read.tail.push(text)
      if (read.tail.length > TAIL_LINES) read.tail.shift()
      read.printed += 1
      this.printedInRun += 1
      printed += 1
    }
    // A vendor that hands back the same cursor with nothing new, for an ended job, has no more to give.
    const stuck = page.next === read.cursor && page.lines.length === 0
    read.cursor = page.next
    if (ended(job) && (!page.more || stuck)) read.finished = true
    return printed
  }
}

function keyOf(job: JobState): string {
  return job.id === '' ? jobName(job) : job.id
}

/**
 * `logs: failed`: the last lines of each failed job (at most TAIL_JOBS), from the provider's own
 * "last lines" read or, where it has only pages, the end of a bounded read from the start. A read
 * that fails only warns.
 */
export async function readFailedTails(provider: Provider, run: RunRef, failedJobs: readonly JobState[], log: Logger): Promise<LogTail[]> {
  const tails: LogTail[] = []
  if (provider.logTail === undefined && provider.readLog === undefined) return tails
  for (const job of failedJobs.slice(0, TAIL_JOBS)) {
    try {
      const lines = provider.logTail !== undefined ? await provider.logTail(run, job, TAIL_LINES) : await tailByPages(provider, run, job)
      if (lines.length > 0) tails.push({ job, lines: lines.slice(-TAIL_LINES).map(logLine) })
    } catch (error) {
      log.warning(`Could not read the log of ${jobName(job)}: ${describeError(error)}`)
    }
  }
  return tails
}

async function tailByPages(provider: Provider, run: RunRef, job: JobState): Promise<string[]> {
  let tail: string[] = []
  let cursor: LogCursor | undefined
  for (let page = 0; page < FINISH_PAGES && provider.readLog !== undefined; page++) {
    const read = await provider.readLog(run, job, cursor)
    tail = [...tail, ...read.lines].slice(-TAIL_LINES)
    if (!read.more || read.next === cursor) break
    cursor = read.next
  }
  return tail
}
