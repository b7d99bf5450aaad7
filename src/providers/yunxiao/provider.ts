import { RelayError } from '../../core/errors.js'
import type { VendorClient } from '../../core/vendor-client.js'
import type { YunxiaoSettings } from '../../inputs/yunxiao.js'
import type { CallOptions, CancelOutcome, JobState, LogCursor, LogPage, Provider, RetryRequest, RunRef, RunState, StartRequest } from '../types.js'
import { arrayOf, numberOf, record, stringOf, timeOf, type JsonRecord } from '../json.js'
import { buildRunParams } from './params.js'
import { LOOKUP_SKEW_MS, correlationMark } from '../mark.js'
import type { Route, YunxiaoRoutes } from './routes.js'
import { atManualGate, partStatus, runMeaning } from './status.js'
import { HISTORY_READ, knownLengths, runLength } from '../history.js'
import { stopUnlessEnded } from '../stop.js'
import { ID_FORMS, optionalId, pathSegment, requiredId, type IdSource } from '../ids.js'
import { checkIntegerId, pageOfWholeLog, tailOfWholeLog, wholeLogOf, type WholeLog } from './logs.js'
import { firstRepository, pipelineRoute, repositoryOfSources } from './pipeline-detail.js'

/**
 * Alibaba Cloud Yunxiao Flow (reference/aliyun-yunxiao.md), over either API: the Yunxiao OpenAPI (token) or the
 * devops 2021-06-25 POP API (AK/SK). The answers of both carry the same run model (§1.4, §3.2), bare (OpenAPI) or
 * wrapped in an envelope (POP), so one reading serves both; only the routes differ.
 */

/** The console page of a run (Flow's own pipeline links are https://flow.aliyun.com/pipelines/<id>/current). */
export const CONSOLE_BASE = 'https://flow.aliyun.com'

const LIST_SIZE = 10
// Without the mark, only a run created this close to the request counts as ours.
const RECENT_WINDOW_MS = 60_000
const LOOKUP_CANDIDATES = 5
// "Not found" codes about the pipeline or organization rather than about a run.
const MISSING_TARGET_CODES = new Set(['InvalidPipeline.NotFound', 'InvalidOrganization.NotFound'])

interface Job extends JobState {
  /** Types of the actions the job offers (PassPipelineValidate, RetryPipelineJobRun, ...). */
  actions: string[]
}

export class YunxiaoProvider implements Provider {
  readonly displayName = 'Alibaba Cloud Yunxiao Flow'

  constructor(
    private readonly settings: YunxiaoSettings,
    private readonly client: VendorClient,
    private readonly routes: YunxiaoRoutes
  ) {}

  describe(): string[] {
    const { api, endpoint, organizationId, credentials } = this.settings
    const signIn =
      credentials.kind === 'token'
        ? 'personal access token'
        : `AK/SK${credentials.securityToken === undefined ? '' : ' with a security token'}, signed ACS3-HMAC-SHA256`
    return [
      `API: ${api === 'openapi' ? 'Yunxiao OpenAPI' : 'devops 2021-06-25 (POP)'}`,
      `endpoint: ${endpoint}`,
      `organization: ${organizationId ?? 'none (region edition)'}`,
      `credentials: ${signIn} (masked)`
    ]
  }

  refFor(runId: string): RunRef {
    const { api, organizationId, pipelineId } = this.settings
    // A region edition of the OpenAPI has a console of its own, whose address we do not know.
    const url = api === 'openapi' && organizationId === undefined ? undefined : `${CONSOLE_BASE}/pipelines/${pathSegment(pipelineId)}/builds/${pathSegment(runId)}`
    return { runId, runNumber: runId, url }
  }

  /** The newest run number before our start request, when it could be read: later numbers are newer runs. */
  private newestBeforeStart: number | undefined

  async start(request: StartRequest): Promise<RunRef> {
    const repository = request.branch !== undefined || request.tag !== undefined ? await this.repositoryFor(request) : undefined
    // Run numbers grow per pipeline, so the newest one now tells a later lookup which runs came after
    // our request, with no clock involved (the comment that carries our mark may never be shown).
    // One short attempt (as a history read): it helps a rare lookup, it is not worth delaying the
    // start for. Its failure is ignored; a cancel meanwhile still stops the start (VendorClient).
    this.newestBeforeStart = await this.listRuns(HISTORY_READ).then(
      runs => Math.max(0, ...runs.map(run => Number(run.id)).filter(Number.isFinite)),
      () => undefined
    )
    const answer = await this.client.send({ ...this.routes.start(buildRunParams(request, repository)), intent: 'write', action: 'start a run' })
    const runId = startedRunId(answer)
    if (runId === undefined) {
      // The service took the request but did not say which run it made: as unclear as a timeout.
      throw new RelayError('protocol', 'Yunxiao accepted the start request but its answer has no pipelineRunId')
    }
    return this.refFor(runId)
  }

  async findStartedRun(correlationId: string, sinceMs: number): Promise<RunRef | undefined> {
    const mark = correlationMark(correlationId)
    const candidates = (await this.listRuns())
      .filter(run => run.startedAt === undefined || run.startedAt >= sinceMs - LOOKUP_SKEW_MS)
      .slice(0, LOOKUP_CANDIDATES)
    let commentsShown = false
    for (const candidate of candidates) {
      // The mark is in the run's comment; wherever an answer echoes it (list item, detail), it identifies the run.
      const listed = JSON.stringify(candidate.item)
      if (listed.includes(mark)) return this.refFor(candidate.id)
      const detail = JSON.stringify(await this.readRun(candidate.id) ?? null)
      if (detail.includes(mark)) return this.refFor(candidate.id)
      commentsShown ||= listed.includes('"comment"') || detail.includes('"comment"')
    }
    if (commentsShown) return undefined
    // Neither documented run model carries the comment (reference §1.4, §3.2), so the mark may never
    // come back. Then the one run newer than the newest before our request is ours (or, when that was
    // not known, the one created within a minute of it); none or several, and the core stops rather
    // than guess.
    const before = this.newestBeforeStart
    const recent = candidates.filter(run =>
      before !== undefined ? Number(run.id) > before : run.startedAt !== undefined && run.startedAt >= sinceMs - RECENT_WINDOW_MS
    )
    return recent.length === 1 && recent[0] !== undefined ? this.refFor(recent[0].id) : undefined
  }

  /** Yunxiao retries single jobs, within the same run (reference §1.2): the run id stays, its attempt changes. */
  async retry(run: RunRef, request: RetryRequest): Promise<RunRef> {
    const jobs = jobsOf(runRecord(await this.readRun(run.runId)))
    const targets = request.jobs.length > 0 ? resolveJobs(run.runId, jobs, request.jobs) : failedJobs(run.runId, jobs, request.failedOnly)
    const retried: string[] = []
    // Job ids go into the request paths: all are checked before the first retry is sent.
    for (const job of targets) requiredId(job.id, ID_FORMS.yunxiaoJobId, source('job id in the run detail'), { notSent: true })
    for (const job of targets) {
      // Several jobs are retried one by one; a refusal after the first says which ones did restart.
      const already = retried.length === 0 ? '' : ` (already retried: ${retried.join(', ')})`
      let answer: unknown
      try {
        answer = await this.client.send({ ...this.routes.retryJob(run.runId, job.id), intent: 'write', action: `retry job ${job.id} (${job.name}) of run ${run.runId}` })
      } catch (error) {
        if (retried.length === 0 || !(error instanceof RelayError)) throw error
        const { status, vendorCode, requestId, hint, notSent, retryAfterMs } = error
        throw new RelayError(error.kind, `${error.message}${already}`, { status, vendorCode, requestId, hint, notSent, retryAfterMs, cause: error })
      }
      if (answer === false || record(answer).success === false) {
        throw new RelayError('client', `Yunxiao did not retry job ${job.id} (${job.name}) of run ${run.runId}${already}`)
      }
      retried.push(`${job.id} (${job.name})`)
    }
    return this.refFor(run.runId)
  }

  cancel(run: RunRef, options?: CallOptions): Promise<CancelOutcome> {
    return stopUnlessEnded(
      'Yunxiao',
      run,
      async () => {
        const answer = await this.client.send({ ...this.routes.stop(run.runId), intent: 'write', action: `stop run ${run.runId}`, options })
        return answer !== false && record(answer).success !== false
      },
      () => this.getState(run, options)
    )
  }

  async getState(run: RunRef, options?: CallOptions): Promise<RunState> {
    return this.stateOf(runRecord(await this.readRun(run.runId, options)), run.runId)
  }

  /** The job's new lines since `from`: one read of its whole log, the cursor counts lines (logs.ts). */
  async readLog(run: RunRef, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
    return pageOfWholeLog(await this.readJobLog(run, job), job, from)
  }

  /** The whole log comes in one read, so its end needs no paging. */
  async logTail(run: RunRef, job: JobState, maxLines: number): Promise<string[]> {
    return tailOfWholeLog(await this.readJobLog(run, job), maxLines)
  }

  private async readJobLog(run: RunRef, job: JobState): Promise<WholeLog> {
    const route = this.routes.jobLog(checkIntegerId('run', run.runId), checkIntegerId('job', job.id))
    return wholeLogOf(await this.send(route, `read the log of job ${job.id} (${job.name}) of run ${run.runId}`))
  }

  private readRun(runId: string, options?: CallOptions): Promise<unknown> {
    return this.client.send({ ...this.routes.run(runId), intent: 'read', action: `read the state of run ${runId}`, options })
  }

  private send(route: Route, action: string, options?: CallOptions): Promise<unknown> {
    return this.client.send({ ...route, intent: 'read', action, options })
  }

  /** The newest runs, newest first: a bare array (OpenAPI) or `pipelineRuns` (POP). */
  private async listRuns(options?: CallOptions): Promise<{ id: string; startedAt?: number; item: JsonRecord }[]> {
    const answer = await this.send(this.routes.list(LIST_SIZE), 'list the newest runs', options)
    const items = Array.isArray(answer) ? arrayOf(answer) : arrayOf(record(answer).pipelineRuns)
    return items
      .map(item => ({ id: optionalId(item.pipelineRunId, ID_FORMS.yunxiaoRunId, source('pipelineRunId in the run list')), startedAt: timeOf(item.startTime), item }))
      .filter((run): run is { id: string; startedAt: number | undefined; item: JsonRecord } => run.id !== undefined)
      .sort((a, b) => Number(b.id) - Number(a.id))
  }

  /** The lengths of the newest SUCCESS runs: list items carry startTime and endTime (reference §1.2, §3.2). */
  async recentDurations(limit: number): Promise<number[]> {
    const answer = await this.send(this.routes.list(limit), "list the pipeline's recent runs", HISTORY_READ)
    const items = (Array.isArray(answer) ? arrayOf(answer) : arrayOf(record(answer).pipelineRuns))
      .filter(item => runMeaning(stringOf(item.status) ?? '', []).status === 'succeeded')
      .sort((a, b) => (numberOf(b.pipelineRunId) ?? 0) - (numberOf(a.pipelineRunId) ?? 0))
    return knownLengths(items.map(item => runLength(numberOf(item.startTime), numberOf(item.endTime))), limit)
  }

  private stateOf(detail: JsonRecord, runId: string): RunState {
    const rawStatus = stringOf(detail.status)
    if (rawStatus === undefined) throw new RelayError('protocol', `The detail of run ${runId} has no status field`)
    const jobs = jobsOf(detail)
    const meaning = runMeaning(rawStatus, jobs)
    const latestStart = latest(jobs.map(job => job.startedAt))
    const latestEnd = latest(jobs.map(job => job.endedAt))
    const updatedAt = timeOf(detail.updateTime)
    return {
      ...this.refFor(optionalId(detail.pipelineRunId, ID_FORMS.yunxiaoRunId, source('pipelineRunId in the run detail')) ?? runId),
      status: meaning.status,
      rawStatus,
      terminal: meaning.terminal,
      startedAt: timeOf(detail.startTime) ?? timeOf(detail.createTime),
      endedAt: meaning.terminal ? (timeOf(detail.endTime) ?? latestEnd ?? updatedAt) : undefined,
      // A retried job starts (and ends) again, so the latest job times change with every attempt; a finished run's
      // job times do not change otherwise.
      attempt: jobs.length > 0 ? `${latestStart ?? ''}/${latestEnd ?? ''}` : `${updatedAt ?? ''}`,
      // A job at a manual gate shows as waiting in the job table, as the run does.
      jobs: jobs.map(({ actions: _actions, ...job }) => (atManualGate({ status: job.status, actions: _actions }) ? { ...job, status: 'waiting' as const } : job))
    }
  }

  /**
   * The URL of the pipeline's first code source: the branch and tag maps are keyed by it. From the pipeline itself
   * (GetPipeline), so that a pipeline that never ran can be given a branch; from its latest run when the pipeline
   * answer names none or cannot be read (a token without the pipeline read scope).
   */
  private async repositoryFor(request: StartRequest): Promise<string> {
    const input = request.branch !== undefined ? 'branch' : 'tag'
    const repository = (await this.pipelineRepository()) ?? repositoryOfSources((await this.latestRun())?.sources)
    if (repository === undefined) {
      throw new RelayError(
        'client',
        `Cannot set ${input}: the pipeline names no code source, neither in its settings nor in a run (it has none yet, or its runs show none). Add a code source (代码源) to the pipeline in Flow, or leave branch and tag empty to build its default`
      )
    }
    return repository
  }

  /** The first code source of the pipeline's own settings; undefined when it names none or cannot be read for want of rights. */
  private async pipelineRepository(): Promise<string | undefined> {
    const { api, pipelineId, organizationId } = this.settings
    try {
      return firstRepository(await this.send(pipelineRoute(api, pipelineId, organizationId), 'read the pipeline (for its code source)'))
    } catch (error) {
      // A token allowed to run the pipeline but not to read its settings still has the latest run to go by.
      if (error instanceof RelayError && (error.kind === 'auth' || (error.kind === 'not_found' && !MISSING_TARGET_CODES.has(error.vendorCode ?? '')))) return undefined
      throw error
    }
  }

  private async latestRun(): Promise<JsonRecord | undefined> {
    try {
      if (this.routes.latest !== undefined) {
        const answer = await this.send(this.routes.latest(), "read the pipeline's latest run (for its code source)")
        return answer === undefined || answer === null ? undefined : runRecord(answer)
      }
      const newest = (await this.listRuns())[0]
      return newest === undefined ? undefined : runRecord(await this.readRun(newest.id))
    } catch (error) {
      // A pipeline that never ran has no latest run; a missing pipeline or organization keeps its own error.
      if (error instanceof RelayError && error.kind === 'not_found' && !MISSING_TARGET_CODES.has(error.vendorCode ?? '')) return undefined
      throw error
    }
  }
}

/** The run of a detail answer: bare (OpenAPI) or in `pipelineRun` (POP). */
function runRecord(answer: unknown): JsonRecord {
  const body = record(answer)
  const wrapped = body.pipelineRun
  return wrapped !== null && typeof wrapped === 'object' && !Array.isArray(wrapped) ? record(wrapped) : body
}

/** The start answer: a bare integer (OpenAPI), or `pipelineRunId` in the envelope (POP). */
function startedRunId(answer: unknown): string | undefined {
  const bare = typeof answer === 'number' || typeof answer === 'string'
  return optionalId(bare ? answer : record(answer).pipelineRunId, ID_FORMS.yunxiaoRunId, source('pipelineRunId in the start answer'))
}

function source(field: string): IdSource {
  return { vendor: 'Yunxiao', field }
}

function jobsOf(detail: JsonRecord): Job[] {
  const jobs: Job[] = []
  for (const stage of arrayOf(detail.stages)) {
    const info = record(stage.stageInfo)
    const stageName = stringOf(stage.name) ?? stringOf(info.name)
    for (const job of arrayOf(info.jobs ?? stage.jobs)) {
      const rawStatus = stringOf(job.status) ?? ''
      jobs.push({
        id: stringOf(job.id) ?? '',
        name: stringOf(job.name) ?? '(unnamed job)',
        stage: stageName,
        status: partStatus(rawStatus),
        rawStatus,
        startedAt: timeOf(job.startTime),
        endedAt: timeOf(job.endTime),
        actions: arrayOf(job.actions)
          .map(action => stringOf(action.type))
          .filter((type): type is string => type !== undefined)
      })
    }
  }
  return jobs
}

function resolveJobs(runId: string, jobs: readonly Job[], wanted: readonly string[]): Job[] {
  return wanted.map(name => {
    const byId = jobs.find(job => job.id === name)
    if (byId !== undefined) return byId
    const byName = jobs.filter(job => job.name === name)
    if (byName.length === 1 && byName[0] !== undefined) return byName[0]
    if (byName.length > 1) {
      throw new RelayError('client', `Run ${runId} has ${byName.length} jobs named "${name}" (ids ${byName.map(job => job.id).join(', ')}); name the one to retry by its id in jobs`)
    }
    throw new RelayError('client', `Run ${runId} has no job "${name}"; its jobs are ${listJobs(jobs)}`)
  })
}

function failedJobs(runId: string, jobs: readonly Job[], failedOnly: boolean): Job[] {
  if (!failedOnly) throw new RelayError('client', 'Yunxiao retries single jobs: name the jobs to re-run in jobs')
  const failed = jobs.filter(job => job.status === 'failed' && job.id !== '')
  if (failed.length === 0) {
    throw new RelayError('client', `Run ${runId} has no failed job to retry (its jobs are ${listJobs(jobs)}); name the jobs to re-run in jobs`)
  }
  return failed
}

function listJobs(jobs: readonly Job[]): string {
  return jobs.length === 0 ? 'none' : jobs.map(job => `${job.id} (${job.name}, ${job.rawStatus || 'no status'})`).join(', ')
}

/** Yunxiao reports 0 (or nothing) for a time that has not come yet. */
function latest(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined)
  return known.length === 0 ? undefined : Math.max(...known)
}
