import type { Clock } from '../core/clock.js'
import type { Transport } from '../core/http.js'
import type { Logger } from '../core/log.js'

/**
 * The small interface every provider implements. A provider answers questions about one vendor
 * ("start a run", "what state is run X in") with one logical request each; the core owns
 * retries, waiting, deadlines, logging and outputs. A provider never sleeps, never reads
 * inputs and never writes outputs.
 */

export type ProviderId = 'codearts' | 'codearts-pac' | 'yunxiao' | 'bkci'

/** The normalized run status users see in the `status` output. */
export type Status = 'queued' | 'running' | 'waiting' | 'succeeded' | 'failed' | 'canceled' | 'timed_out' | 'unknown'

/** Stages and jobs can also be skipped (not selected, ignored by a condition). */
export type PartStatus = Exclude<Status, 'timed_out'> | 'skipped'

/** A row of a provider's status table: what a vendor value means. */
export interface StatusMeaning<S extends string = Status> {
  status: S
  /** True when the vendor will not change this value any more. */
  terminal: boolean
}

export interface RunRef {
  runId: string
  /** Set when the provider learns the pipeline from the run (GitCode pipelines start by file, not id). */
  pipelineId?: string
  /** The vendor's human-facing number, where it has one. */
  runNumber?: string
  /** The run's page in the vendor console. */
  url?: string
}

/** A step of a job, where the vendor reports them (CodeArts steps, bk-ci tasks): what holds a log on some vendors. */
export interface StepState {
  id: string
  name: string
  status: PartStatus
}

export interface JobState {
  id: string
  name: string
  /** The stage the job belongs to, by name. */
  stage?: string
  status: PartStatus
  rawStatus: string
  /** The vendor's error message for a failed job. */
  message?: string
  startedAt?: number
  endedAt?: number
  /** Its steps, where the vendor lists them. */
  steps?: readonly StepState[]
}

export interface RunState extends RunRef {
  status: Status
  rawStatus: string
  terminal: boolean
  /** Epoch milliseconds. */
  startedAt?: number
  endedAt?: number
  /**
   * Identifies the attempt this state belongs to (an end time, an execution count): after a
   * retry, a terminal state of the same attempt as before is the old result, not the new one.
   */
  attempt?: string
  jobs: readonly JobState[]
}

export interface Variable {
  name: string
  value: string
}

export interface StartRequest {
  variables: readonly Variable[]
  branch?: string
  tag?: string
  message?: string
  jobs: readonly string[]
  /** A unique mark the provider stores with the run (message, comment), to find it again. */
  correlationId: string
}

export interface RetryRequest {
  jobs: readonly string[]
  failedOnly: boolean
  skipFailed: boolean
}

/** Per-call limits the core sets, e.g. one short attempt when stopping a run during a cancel. */
export interface CallOptions {
  timeoutMs?: number
  maxAttempts?: number
  budgetMs?: number
}

export type CancelOutcome = 'stopped' | 'already-ended'

export interface Provider {
  /** For logs: "Huawei CodeArts Pipeline". */
  readonly displayName: string
  /** Where and as whom it works, for the log: endpoint, project, kind of credentials — never their values. */
  describe(): string[]
  /** The ref of a run known by id (for retry, cancel, watch): its URL without a request. */
  refFor(runId: string): RunRef
  /** One start request; an ambiguous failure is thrown as it is, for the core to resolve. */
  start(request: StartRequest): Promise<RunRef>
  /** After an ambiguous start: the run carrying `correlationId` created since `sinceMs`, if any. */
  findStartedRun(correlationId: string, sinceMs: number): Promise<RunRef | undefined>
  /** Starts a new attempt of a finished run; returns the run to follow (maybe a new id). */
  retry(run: RunRef, request: RetryRequest): Promise<RunRef>
  cancel(run: RunRef, options?: CallOptions): Promise<CancelOutcome>
  getState(run: RunRef, options?: CallOptions): Promise<RunState>
  /** The last lines of a job's log (at most `maxLines`), for a failed run's report, where the vendor serves logs. */
  logTail?(run: RunRef, job: JobState, maxLines: number): Promise<string[]>
  /**
   * One page of a job's log from `from` (undefined: its beginning), for streaming a live run: one
   * request. The cursor is the vendor's own (an offset, a line number), opaque to the core.
   */
  readLog?(run: RunRef, job: JobState, from: LogCursor | undefined): Promise<LogPage>
  /** What the pipeline declares (variables, jobs), for checking a start before it is sent. */
  describePipeline?(): Promise<PipelineDeclaration>
  /** What an ended run produced (outputs, artifacts, attempt): read once, best effort. */
  readResults?(run: RunRef): Promise<RunResults>
  /**
   * How long the pipeline's recent successful runs took (ms, newest first, at most `limit`), from the
   * list request the provider already makes: one attempt, for `poll_interval: auto` to shape its
   * pauses. Best effort: the core ignores a failure.
   */
  recentDurations?(limit: number): Promise<number[]>
}

/** A run variable as the pipeline declares it. */
export interface DeclaredVariable {
  name: string
  /** False for a constant, or a variable the pipeline does not let a run set. */
  settable: boolean
  /** A run must give it: it has no default. */
  required: boolean
}

/** A job (or task) a start can select or a retry can name, with the id the API takes. */
export interface DeclaredJob {
  id: string
  name: string
  stage?: string
}

/** What the pipeline declares, for checking a start before it is sent. A list the vendor does not give is undefined. */
export interface PipelineDeclaration {
  variables?: readonly DeclaredVariable[]
  jobs?: readonly DeclaredJob[]
}

export interface Artifact {
  name: string
  size?: number
  url?: string
}

/** What an ended run produced, where the vendor says. */
export interface RunResults {
  /** Name to value: bk-ci build variables, CodeArts step outputs. */
  outputs: Readonly<Record<string, string>>
  artifacts?: readonly Artifact[]
  /** The attempt number, where the vendor counts them (bk-ci executeCount). */
  attempt?: number
}

/** Where a job's log goes on: the vendor's offset or line number, as the provider writes it. */
export type LogCursor = string

export interface LogPage {
  lines: string[]
  /** Where the next page starts; the same cursor again when nothing new was there. */
  next: LogCursor
  /** The vendor has more of this log now (another page), or the job may still write more. */
  more: boolean
}

/** What the core hands a provider factory: the transport, time, the log, and the abort signal. */
export interface ProviderDeps {
  transport: Transport
  clock: Clock
  log: Logger
  signal?: AbortSignal
  /**
   * Masks the registered credentials in a vendor answer before the provider reads it, so that an
   * error message cut short cannot keep a prefix of a secret (the host's own masking would not
   * recognise it). The host's `redact`; leaving it out leaves answers as they are.
   */
  redact?: (text: string) => string
}
