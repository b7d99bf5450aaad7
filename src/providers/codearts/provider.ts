import { RelayError } from '../../core/errors.js'
import { silentLogger, type Logger } from '../../core/log.js'
import type { VendorClient } from '../../core/vendor-client.js'
import type { CodeArtsSettings } from '../../inputs/index.js'
import type { CallOptions, CancelOutcome, JobState, LogCursor, LogPage, PipelineDeclaration, Provider, RetryRequest, RunRef, RunResults, RunState, StartRequest, StepState } from '../types.js'
import { LOOKUP_SKEW_MS, markedMessage } from '../mark.js'
import { arrayOf, numberOf, record, stringOf, timeOf } from '../json.js'
import { partStatus, runStatus } from './status.js'
import { HISTORY_READ, knownLengths, runLength } from '../history.js'
import { stopCodeArtsRun } from './stop-run.js'
import { ID_FORMS, optionalId, pathSegment } from '../ids.js'
import { chooseRunUrl } from '../run-url.js'
import { readStepLogPage, readStepLogTail, type StepLogAddress } from './step-logs.js'
import { describeProjectScope } from './iam-project.js'
import { codeSourceIn, declarationOf } from './definition.js'
import { artifactsIn, mergeOutputs, producedIn, ranSteps } from './results.js'

/**
 * Huawei Cloud CodeArts Pipeline, v5 API (reference/huawei-codearts.md §1).
 * Each method is one logical question; the VendorClient it is given owns retries and timeouts.
 */
export class CodeArtsProvider implements Provider {
  readonly displayName = 'Huawei CodeArts Pipeline'
  private readonly pipelinePath: string
  /** The pipeline definition, read once: the start check and the code source both need it. */
  private definitionRead?: Promise<Record<string, unknown>>

  constructor(
    private readonly settings: CodeArtsSettings,
    private readonly client: VendorClient,
    private readonly log: Logger = silentLogger
  ) {
    this.pipelinePath = `/v5/${pathSegment(settings.projectId)}/api/pipelines/${pathSegment(settings.pipelineId)}`
  }

  describe(): string[] {
    const { endpoint, projectId, projectScope, credentials } = this.settings
    const signIn = credentials.kind === 'token' ? 'IAM token' : `AK/SK${credentials.securityToken === undefined ? '' : ' with a security token'}`
    return [
      `endpoint: ${endpoint}`,
      `CodeArts project: ${projectId}`,
      ...describeProjectScope(projectScope),
      `credentials: ${signIn} (masked)`
    ]
  }

  refFor(runId: string, detailUrl?: string): RunRef {
    const { region, projectId, pipelineId } = this.settings
    // The console page of a run; the detail answer's own detail_url wins when it is a page of that console.
    const consolePage = `https://devcloud.${region}.huaweicloud.com/cicd/project/${pathSegment(projectId)}/pipeline/detail/${pathSegment(pipelineId)}/${pathSegment(runId)}?v=1`
    return { runId, url: chooseRunUrl(detailUrl, consolePage, this.log) }
  }

  async start(request: StartRequest): Promise<RunRef> {
    const body: Record<string, unknown> = { description: markedMessage(request) }
    if (request.variables.length > 0) body.variables = request.variables.map(({ name, value }) => ({ name, value }))
    if (request.jobs.length > 0) body.choose_jobs = [...request.jobs]
    if (request.branch !== undefined || request.tag !== undefined) body.sources = await this.sourcesFor(request)
    const answer = await this.client.send({ method: 'POST', path: `${this.pipelinePath}/run`, body, intent: 'write', action: 'start a run' })
    const runId = runIdIn(answer, 'start')
    if (runId === undefined) {
      // The service took the request but did not say which run it made: as unclear as a timeout.
      throw new RelayError('protocol', 'CodeArts accepted the start request but its answer has no pipeline_run_id')
    }
    return this.refFor(runId)
  }

  async findStartedRun(correlationId: string, sinceMs: number): Promise<RunRef | undefined> {
    const answer = await this.client.send({
      method: 'POST',
      path: `${this.pipelinePath}/pipeline-runs/list`,
      body: { offset: 0, limit: 10, sort_key: 'start_time', sort_dir: 'desc' },
      intent: 'read',
      action: 'list the newest runs'
    })
    const runs = arrayOf(record(answer).pipeline_runs)
    // The list has no description, so each recent candidate's detail is read to find the mark.
    // Runs that started well before our request cannot be ours (five minutes allow for clock skew).
    const candidates = runs
      .map(run => ({ id: optionalId(run.pipeline_run_id, ID_FORMS.codeArtsRunId, LISTED_RUN_ID), startedAt: numberOf(run.start_time) }))
      .filter((run): run is { id: string; startedAt: number | undefined } => run.id !== undefined)
      .filter(run => run.startedAt === undefined || run.startedAt >= sinceMs - LOOKUP_SKEW_MS)
      .slice(0, 5)
    for (const candidate of candidates) {
      const detail = record(await this.readDetail(candidate.id))
      if ((stringOf(detail.description) ?? '').includes(correlationId)) return this.refFor(candidate.id, stringOf(detail.detail_url))
    }
    return undefined
  }

  /** The lengths of the newest COMPLETED runs: the list answer carries start_time and end_time (reference §1.5). */
  async recentDurations(limit: number): Promise<number[]> {
    const answer = await this.client.send({
      method: 'POST',
      path: `${this.pipelinePath}/pipeline-runs/list`,
      body: { offset: 0, limit, status: ['COMPLETED'], sort_key: 'start_time', sort_dir: 'desc' },
      intent: 'read',
      action: "list the pipeline's recent runs",
      options: HISTORY_READ
    })
    const runs = arrayOf(record(answer).pipeline_runs).filter(run => stringOf(run.status) === 'COMPLETED')
    return knownLengths(runs.map(run => runLength(numberOf(run.start_time), numberOf(run.end_time))), limit)
  }

  async retry(run: RunRef, _request: RetryRequest): Promise<RunRef> {
    const answer = record(
      await this.client.send({ method: 'PUT', path: `${this.runPath(run)}/retry`, intent: 'write', action: `retry run ${run.runId}` })
    )
    if (answer.success === false) throw new RelayError('client', `CodeArts refused to retry run ${run.runId} (success: false); only a failed or canceled run can be retried`)
    // The v5 answer is {success}: the SDK model (RetryPipelineRunResponse) has no pipeline_run_id.
    // Whether a retry keeps the run id is not documented, so a new id in the answer is read only
    // when one is there, and followed (reference §6, open question 3).
    const newRunId = runIdIn(answer, 'retry')
    return newRunId === undefined || newRunId === run.runId ? run : this.refFor(newRunId)
  }

  async cancel(run: RunRef, options?: CallOptions): Promise<CancelOutcome> {
    return stopCodeArtsRun(this.client, `${this.runPath(run)}/stop`, run, options, () => this.getState(run, options))
  }

  async getState(run: RunRef, options?: CallOptions): Promise<RunState> {
    return this.stateFromDetail(record(await this.readDetail(run.runId, options)), run.runId)
  }

  /** One page of the job's log: its steps' logs in order (step-logs.ts). */
  readLog(run: RunRef, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
    return readStepLogPage(this.logAddress(run), job, from)
  }

  /** The end of the failed steps' logs, read from the end (sort: desc). */
  logTail(run: RunRef, job: JobState, maxLines: number): Promise<string[]> {
    return readStepLogTail(this.logAddress(run), job, maxLines)
  }

  private logAddress(run: RunRef): StepLogAddress {
    return { client: this.client, runPath: this.runPath(run) }
  }

  private readDetail(runId: string, options?: CallOptions): Promise<unknown> {
    return this.client.send({
      method: 'GET',
      path: `${this.pipelinePath}/pipeline-runs/detail`,
      query: { pipeline_run_id: runId },
      intent: 'read',
      action: `read the state of run ${runId}`,
      options
    })
  }

  private runPath(run: RunRef): string {
    return `${this.pipelinePath}/pipeline-runs/${pathSegment(run.runId)}`
  }

  private stateFromDetail(detail: Record<string, unknown>, runId: string): RunState {
    const rawStatus = stringOf(detail.status)
    if (rawStatus === undefined) throw new RelayError('protocol', `The detail of run ${runId} has no status field`)
    const meaning = runStatus(rawStatus)
    // CodeArts reports 0 (or nothing) for a time not reached yet.
    const startedAt = timeOf(detail.start_time)
    const endedAt = timeOf(detail.end_time)
    const ref = this.refFor(optionalId(detail.id, ID_FORMS.codeArtsRunId, { vendor: 'CodeArts', field: 'run detail id' }) ?? runId, stringOf(detail.detail_url))
    return {
      ...ref,
      runNumber: optionalId(detail.run_number, ID_FORMS.runNumber, { vendor: 'CodeArts', field: 'run_number' }),
      status: meaning.status,
      rawStatus,
      terminal: meaning.terminal,
      startedAt,
      endedAt,
      attempt: `${startedAt ?? ''}/${endedAt ?? ''}`,
      jobs: jobsOf(detail)
    }
  }

  /** What the pipeline declares (variables, jobs), from its definition (definition.ts). */
  async describePipeline(): Promise<PipelineDeclaration> {
    return declarationOf(await this.readDefinition())
  }

  /**
   * Step outputs and artifacts of an ended run (results.ts): the run detail for its steps, one
   * outputs read per step that ran (whether step_run_ids takes a list, and in which form, is not
   * documented: one id per read works either way), then the artifacts. v5 does not count attempts.
   */
  async readResults(run: RunRef): Promise<RunResults> {
    const steps = ranSteps(record(await this.readDetail(run.runId)))
    const asked = steps.slice(0, MAX_OUTPUT_STEPS)
    if (steps.length > asked.length) this.log.warning(`outputs: run ${run.runId} has ${steps.length} steps that ran; the outputs of the first ${MAX_OUTPUT_STEPS} are read`)
    const answers: { step: (typeof steps)[number]; answer: unknown }[] = []
    for (const step of asked) {
      const answer = await this.client.send({
        method: 'GET',
        path: `${this.runPath(run)}/steps/outputs`,
        query: { step_run_ids: step.id },
        intent: 'read',
        action: `read the outputs of step ${step.id} of run ${run.runId}`
      })
      answers.push({ step, answer })
    }
    const { produced, unnamed } = producedIn(answers)
    if (unnamed > 0) this.log.warning(`outputs: run ${run.runId} has ${unnamed} step output${unnamed === 1 ? '' : 's'} without a key; left out`)
    const artifacts = await this.client.send({ method: 'GET', path: `${this.runPath(run)}/artifacts`, intent: 'read', action: `list the artifacts of run ${run.runId}` })
    return { outputs: mergeOutputs(produced), artifacts: artifactsIn(artifacts) }
  }

  private readDefinition(): Promise<Record<string, unknown>> {
    this.definitionRead ??= this.client
      .send({ method: 'GET', path: this.pipelinePath, intent: 'read', action: "read the pipeline's definition" })
      .then(answer => record(answer))
    return this.definitionRead
  }

  /**
   * The pipeline's code sources with the branch or tag to build: the code source of its definition,
   * which a pipeline has before it ever ran, else the one its latest run shows.
   */
  private async sourcesFor(request: StartRequest): Promise<unknown[]> {
    const input = request.branch !== undefined ? 'branch' : 'tag'
    const noSource = `Cannot set ${input}: the pipeline's definition names no code repository (sources) and no run of it shows one. Add a code source to the pipeline in the CodeArts console (edit the pipeline, Code Source), or leave branch and tag empty to build what the pipeline builds by default`
    // A definition that cannot be read is not the end: the latest run may still show the source.
    const first = codeSourceIn(await this.readDefinition().catch(() => ({}))) ?? (await this.latestRunSource(noSource))
    if (first === undefined) throw new RelayError('client', noSource)
    const params = record(first.params)
    const buildParams =
      request.branch !== undefined
        ? { build_type: 'branch', target_branch: request.branch, event_type: 'Manual' }
        : { build_type: 'tag', tag: request.tag, event_type: 'Manual' }
    // Only the first (main) repository is switched; others keep what the pipeline says.
    const keep = ['git_type', 'git_url', 'alias', 'codehub_id', 'default_branch', 'endpoint_id']
    const kept = Object.fromEntries(keep.filter(key => params[key] !== undefined && params[key] !== '').map(key => [key, params[key]]))
    return [{ type: 'code', params: { ...kept, build_params: buildParams } }]
  }

  /** The code source the pipeline's latest run shows, if it has run. */
  private async latestRunSource(noSource: string): Promise<Record<string, unknown> | undefined> {
    let latest: Record<string, unknown>
    try {
      latest = record(
        await this.client.send({
          method: 'GET',
          path: `${this.pipelinePath}/pipeline-runs/detail`,
          intent: 'read',
          action: "read the pipeline's latest run (for its code source)"
        })
      )
    } catch (error) {
      // A pipeline that never ran has no latest run; a missing pipeline or project keeps its own error.
      if (error instanceof RelayError && error.kind === 'not_found' && error.hint === undefined) throw new RelayError('client', noSource)
      throw error
    }
    return codeSourceIn(latest)
  }
}

/** A run's outputs are read step by step: a bound on the reads, for a pipeline of hundreds of steps. */
const MAX_OUTPUT_STEPS = 100

const LISTED_RUN_ID = { vendor: 'CodeArts', field: 'pipeline_run_id in the run list' }

/** The run id of a start or retry answer: at the top, or in `error` when the run was queued ([tf], uncertain). */
function runIdIn(answer: unknown, operation: 'start' | 'retry'): string | undefined {
  const body = record(answer)
  const source = { vendor: 'CodeArts', field: `pipeline_run_id in the ${operation} answer` }
  return optionalId(body.pipeline_run_id, ID_FORMS.codeArtsRunId, source) ?? optionalId(record(body.error).pipeline_run_id, ID_FORMS.codeArtsRunId, source)
}

function jobsOf(detail: Record<string, unknown>): JobState[] {
  const jobs: JobState[] = []
  for (const stage of arrayOf(detail.stages)) {
    for (const job of arrayOf(stage.jobs)) {
      const rawStatus = stringOf(job.status) ?? ''
      jobs.push({
        id: stringOf(job.id) ?? '',
        name: stringOf(job.name) ?? stringOf(job.identifier) ?? '(unnamed job)',
        stage: stringOf(stage.name),
        status: partStatus(rawStatus),
        rawStatus,
        message: stringOf(job.message),
        startedAt: timeOf(job.start_time),
        endedAt: timeOf(job.end_time),
        steps: stepsOf(job)
      })
    }
  }
  return jobs
}

/** A job's steps (reference §1.4 steps[]: id is the step_run_id), where its log is kept. */
function stepsOf(job: Record<string, unknown>): StepState[] {
  return arrayOf(job.steps).map(step => ({
    id: stringOf(step.id) ?? '',
    name: stringOf(step.name) ?? '(unnamed step)',
    status: partStatus(stringOf(step.status) ?? '')
  }))
}
