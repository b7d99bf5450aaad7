import { RelayError } from '../../core/errors.js'
import type { VendorClient } from '../../core/vendor-client.js'
import type { CodeArtsPacSettings } from '../../inputs/index.js'
import { record, type JsonRecord } from '../json.js'
import { partStatus, runStatus } from '../codearts/status.js'
import type { CallOptions, CancelOutcome, JobState, LogCursor, LogPage, Provider, RetryRequest, RunRef, RunState, StartRequest } from '../types.js'
import { field, listField, textField, timeField } from './fields.js'
import { readJobLogPage, readJobLogTail, type JobLogAddress } from './job-log.js'
import { HISTORY_READ, knownLengths, runLength } from '../history.js'
import { stopCodeArtsRun } from '../codearts/stop-run.js'
import { ID_FORMS, optionalId, pathSegment, requiredId } from '../ids.js'
import { describeProjectScope } from '../codearts/iam-project.js'

/**
 * GitCode pipelines ("PAC") through the CodeArts v6 API (reference/huawei-codearts.md §3). Same
 * hosts, signing and error dialect as `codearts`; runs are addressed by pipeline id and run id,
 * and a new run is started from a repository and its pipeline file.
 *
 * No readResults: the v6 API documents no step outputs and no artifacts (reference/next-capabilities.md
 * §0, §4: "GitCode v6: none documented"), so the core sets `outputs` to {} and no `artifacts`.
 */
export class CodeArtsPacProvider implements Provider {
  readonly displayName = 'Huawei CodeArts GitCode pipeline'
  private readonly actionsPath: string

  constructor(
    private readonly settings: CodeArtsPacSettings,
    private readonly client: VendorClient
  ) {
    this.actionsPath = `/v6/${pathSegment(settings.domainId)}/api/pac/pipelines/actions`
  }

  describe(): string[] {
    const { endpoint, domainId, credentials, repositoryUrl, pipelineFile, gitcodeToken, projectScope } = this.settings
    const signIn = credentials.kind === 'token' ? 'IAM token' : `AK/SK${credentials.securityToken === undefined ? '' : ' with a security token'}`
    return [
      `endpoint: ${endpoint}`,
      `account (domain): ${domainId}`,
      ...describeProjectScope(projectScope),
      ...(repositoryUrl === undefined ? [] : [`repository: ${repositoryUrl}, pipeline file ${pipelineFile ?? ''}`]),
      `credentials: ${signIn}${gitcodeToken === undefined ? '' : ', GitCode token'} (masked)`
    ]
  }

  refFor(runId: string, pipelineId = this.settings.pipelineId): RunRef {
    // No console page is documented for GitCode pipeline runs; run_url is set when an answer carries one.
    return { runId, pipelineId }
  }

  /** The branch the last start asked for, to match its run in a lookup. */
  private branchAsked: string | undefined
  /** The runs of the pipeline file before our start request, when they could be read. */
  private runsBeforeStart: Set<string> | undefined

  async start(request: StartRequest): Promise<RunRef> {
    this.branchAsked = request.branch
    // One short attempt (as a history read): this list helps a rare lookup after a lost answer; it is
    // not worth a delay. Its failure is ignored; a cancel meanwhile still stops the start (VendorClient).
    this.runsBeforeStart = await this.newestRuns(HISTORY_READ).then(
      runs => new Set(runs.map(run => textField(run, 'pipeline_run_id')).filter((id): id is string => id !== undefined)),
      () => undefined
    )
    const { repositoryUrl, pipelineFile, commit, gitcodeToken } = this.settings
    const body = dropEmpty({
      https_url: repositoryUrl,
      file_path: pipelineFile,
      branch: request.branch,
      tag: request.tag,
      commit_id: commit,
      access_token: gitcodeToken
    })
    const answer = record(await this.client.send({ method: 'POST', path: `${this.actionsPath}/run`, body, intent: 'write', action: 'start a GitCode pipeline run' }))
    // The service took the request: an answer without usable ids is as unclear as a timeout, for the core to resolve.
    const runId = requiredId(field(answer, 'pipeline_run_id'), ID_FORMS.codeArtsRunId, { vendor: 'CodeArts', field: 'pipeline_run_id in the start answer' })
    const pipelineId = requiredId(field(answer, 'pipeline_id'), ID_FORMS.codeArtsPipelineId, { vendor: 'CodeArts', field: 'pipeline_id in the start answer' })
    return this.refFor(runId, pipelineId)
  }

  /**
   * The run API takes no description or variable that could carry the mark. So the newest runs of
   * the same repository and file are read: exactly one that was not there before our request (or,
   * when that list could not be read, that started within a minute of it), on the same branch, is
   * ours. None, or more than one, and the core stops rather than guess.
   */
  async findStartedRun(_correlationId: string, sinceMs: number): Promise<RunRef | undefined> {
    const before = this.runsBeforeStart
    const candidates = (await this.newestRuns()).filter(run => {
      const id = textField(run, 'pipeline_run_id')
      const started = timeField(run, 'start_time')
      const branch = textField(run, 'branch')
      const isNew = before !== undefined ? id !== undefined && !before.has(id) : started !== undefined && started >= sinceMs - 60_000
      return isNew && (this.branchAsked === undefined || branch === undefined || branch === this.branchAsked)
    })
    const only = candidates.length === 1 ? candidates[0] : undefined
    const runId = only === undefined ? undefined : optionalId(field(only, 'pipeline_run_id'), ID_FORMS.codeArtsRunId, LISTED_RUN_ID)
    return only === undefined || runId === undefined ? undefined : this.refFor(runId, optionalId(field(only, 'pipeline_id'), ID_FORMS.codeArtsPipelineId, LISTED_PIPELINE_ID))
  }

  private async newestRuns(options?: CallOptions): Promise<JsonRecord[]> {
    const { repositoryUrl, pipelineFile } = this.settings
    // Typed as both SDK models declare them (ActionsPipelineRunsQueryDTO): page an integer,
    // page_size a string (documented as fixed "20").
    const body = { ...dropEmpty({ https_url: repositoryUrl, file_path: pipelineFile }), page: 1, page_size: '20' }
    const answer = await this.client.send({ method: 'POST', path: this.actionsPath, body, intent: 'read', action: 'list the newest runs of the pipeline file', options })
    return Array.isArray(answer) ? answer.map(record) : listField(record(answer), 'pipeline_runs')
  }

  /** The lengths of the newest successful runs of the pipeline file, from the same list (one page of 20). */
  async recentDurations(limit: number): Promise<number[]> {
    const runs = (await this.newestRuns(HISTORY_READ)).filter(run => runStatus(textField(run, 'status') ?? '').status === 'succeeded')
    return knownLengths(runs.map(run => runLength(timeField(run, 'start_time'), timeField(run, 'end_time'))), limit)
  }

  async retry(run: RunRef, _request: RetryRequest): Promise<RunRef> {
    const pipelineId = this.pipelineOf(run)
    const body = dropEmpty({ pipeline_id: pipelineId, pipeline_run_id: run.runId, access_token: this.settings.gitcodeToken })
    const answer = record(await this.client.send({ method: 'POST', path: `${this.actionsPath}/rerun`, body, intent: 'write', action: `re-run run ${run.runId}` }))
    // Whether a rerun keeps the run id is not documented: the id it answers with is followed. An
    // answer without one does not say which run to follow (following the old one would wait on its
    // old result): as unclear as a timeout, for the core to resolve.
    const newRunId = optionalId(field(answer, 'pipeline_run_id'), ID_FORMS.codeArtsRunId, { vendor: 'CodeArts', field: 'pipeline_run_id in the rerun answer' })
    if (newRunId === undefined) throw new RelayError('protocol', `CodeArts accepted the rerun of run ${run.runId} but its answer has no pipeline_run_id`)
    const newPipelineId = optionalId(field(answer, 'pipeline_id'), ID_FORMS.codeArtsPipelineId, { vendor: 'CodeArts', field: 'pipeline_id in the rerun answer' })
    return this.refFor(newRunId, newPipelineId ?? pipelineId)
  }

  // StopActionsPipelineRun is documented by Huawei (API reference, GitCode pipelines) but is not in
  // the SDKs (node 3.1.209, python 3.1.211): the route is ours, the path and method are the docs'.
  async cancel(run: RunRef, options?: CallOptions): Promise<CancelOutcome> {
    return stopCodeArtsRun(this.client, `${this.runPath(run)}/stop`, run, options, () => this.getState(run, options))
  }

  async getState(run: RunRef, options?: CallOptions): Promise<RunState> {
    const detail = record(
      await this.client.send({ method: 'GET', path: this.runPath(run), intent: 'read', action: `read the state of run ${run.runId}`, options })
    )
    const rawStatus = textField(detail, 'status')
    if (rawStatus === undefined) throw new RelayError('protocol', `The detail of run ${run.runId} has no status field`)
    const meaning = runStatus(rawStatus)
    const endedAt = timeField(detail, 'end_time')
    const runId = optionalId(field(detail, 'pipeline_run_id'), ID_FORMS.codeArtsRunId, { vendor: 'CodeArts', field: 'pipeline_run_id in the run detail' })
    const pipelineId = optionalId(field(detail, 'pipeline_id'), ID_FORMS.codeArtsPipelineId, { vendor: 'CodeArts', field: 'pipeline_id in the run detail' })
    return {
      ...this.refFor(runId ?? run.runId, pipelineId ?? this.pipelineOf(run)),
      runNumber: optionalId(field(detail, 'run_number'), ID_FORMS.runNumber, { vendor: 'CodeArts', field: 'run_number' }),
      status: meaning.status,
      rawStatus,
      terminal: meaning.terminal,
      startedAt: timeField(detail, 'start_time'),
      endedAt,
      attempt: `${timeField(detail, 'start_time') ?? ''}/${endedAt ?? ''}`,
      jobs: listField(detail, 'jobs').map(jobOf)
    }
  }

  // ShowActionsPipelineJobLog, like the stop, is documented by Huawei but absent from the SDKs: the route follows the docs.
  /** One page of the job's log (job-log.ts): character offsets, unfinished lines kept for the next page. */
  readLog(run: RunRef, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
    return readJobLogPage(this.logAddress(run), job, from)
  }

  /** Pages through the job's log (bounded) and keeps its last lines. */
  logTail(run: RunRef, job: JobState, maxLines: number): Promise<string[]> {
    return readJobLogTail(this.logAddress(run), job, maxLines, LOG_PAGES)
  }

  private logAddress(run: RunRef): JobLogAddress {
    return { client: this.client, runPath: this.runPath(run) }
  }

  private pipelineOf(run: RunRef): string {
    const pipelineId = run.pipelineId ?? this.settings.pipelineId
    if (pipelineId === '') throw new RelayError('input', 'Input pipeline_id: is required to address a GitCode pipeline run')
    return pipelineId
  }

  private runPath(run: RunRef): string {
    return `${this.actionsPath}/${pathSegment(this.pipelineOf(run))}/${pathSegment(run.runId)}`
  }
}

const LISTED_RUN_ID = { vendor: 'CodeArts', field: 'pipeline_run_id in the run list' }
const LISTED_PIPELINE_ID = { vendor: 'CodeArts', field: 'pipeline_id in the run list' }

// A failed job's log is read at most this far for its tail (16 pages): bounded in time and memory.
const LOG_PAGES = 16

function jobOf(job: JsonRecord): JobState {
  const rawStatus = textField(job, 'status') ?? ''
  return {
    id: textField(job, 'job_run_id') ?? textField(job, 'id') ?? '',
    name: textField(job, 'name') ?? textField(job, 'job_name') ?? '(unnamed job)',
    stage: textField(job, 'stage_name'),
    status: partStatus(rawStatus),
    rawStatus,
    message: textField(job, 'message'),
    startedAt: timeField(job, 'start_time'),
    endedAt: timeField(job, 'end_time')
  }
}

function dropEmpty(body: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''))
}
