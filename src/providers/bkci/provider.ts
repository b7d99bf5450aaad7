import { RelayError, describeError } from '../../core/errors.js'
import { silentLogger, type Logger } from '../../core/log.js'
import type { ApiRequest, VendorClient } from '../../core/vendor-client.js'
import { BUILD_MESSAGE_VARIABLE, MAX_BUILD_MESSAGE, type BkciSettings } from '../../inputs/bkci.js'
import type { CallOptions, CancelOutcome, JobState, LogCursor, LogPage, PipelineDeclaration, Provider, RetryRequest, RunRef, RunResults, RunState, StartRequest } from '../types.js'
import { LOOKUP_SKEW_MS, correlationMark, markedMessage } from '../mark.js'
import { arrayOf, numberOf, record, stringOf, timeOf, type JsonRecord } from '../json.js'
import { routeFor, type BkciOperation } from './paths.js'
import { partStatus, runStatus } from './status.js'
import { HISTORY_READ, knownLengths, runLength } from '../history.js'
import { ID_FORMS, optionalId, pathSegment, type IdSource } from '../ids.js'
import { checkBuildId, checkContainerHashId, lineOf, logPage, type BkciJob, type BkciLogAddress } from './logs.js'
import { chainRoute, declarationOf, resultsOf, stepsOf, type ChainRead } from './chain.js'

/**
 * Tencent BlueKing CI through the BlueKing API gateway (reference/tencent-bkci.md).
 * Each method is one logical question; the VendorClient it is given owns retries and timeouts.
 */
export class BkciProvider implements Provider {
  readonly displayName = 'Tencent BlueKing CI'

  constructor(
    private readonly settings: BkciSettings,
    private readonly client: VendorClient,
    private readonly log: Logger = silentLogger
  ) {}

  describe(): string[] {
    const { endpoint, api, projectId, consoleUrl, credentials } = this.settings
    const signIn = credentials.kind === 'app' ? `app ${credentials.appCode} with its secret (masked)` : 'access token (masked)'
    return [
      `endpoint: ${endpoint} (API ${api}, apigw-app)`,
      `bk-ci project: ${projectId}; console: ${consoleUrl}`,
      `credentials: ${signIn}, acting as ${credentials.username}`
    ]
  }

  refFor(runId: string, runNumber?: string): RunRef {
    const { consoleUrl, projectId, pipelineId } = this.settings
    const url = `${consoleUrl}/console/pipeline/${pathSegment(projectId)}/${pathSegment(pipelineId)}/detail/${pathSegment(runId)}`
    return runNumber === undefined ? { runId, url } : { runId, runNumber, url }
  }

  async start(request: StartRequest): Promise<RunRef> {
    // Start values are a flat object of strings; BK_CI_BUILD_MSG sets the build message, which carries the mark.
    const body: Record<string, string> = {}
    for (const { name, value } of request.variables) body[name] = value
    body[BUILD_MESSAGE_VARIABLE] = markedMessage(request, MAX_BUILD_MESSAGE)
    const query: Record<string, string> = {}
    if (request.branch !== undefined) query.branch = request.branch
    const data = record(await this.send('start', undefined, { body, query, intent: 'write', action: 'start a build' }))
    const buildId = optionalId(data.id, ID_FORMS.bkciBuildId, source('data.id in the start answer'))
    if (buildId === undefined) {
      // bk-ci took the request but did not say which build it made: as unclear as a timeout.
      throw new RelayError('protocol', 'bk-ci accepted the start request but its answer has no build id (data.id)')
    }
    return this.refFor(buildId, optionalId(data.num, ID_FORMS.runNumber, source('data.num in the start answer')))
  }

  async findStartedRun(correlationId: string, sinceMs: number): Promise<RunRef | undefined> {
    const mark = correlationMark(correlationId)
    // v4 filters on the build message (SQL LIKE %mark%); v3 has no such filter, so the newest page is searched.
    const query: Record<string, string> = { page: '1', pageSize: '20' }
    if (this.settings.api === 'v4') query.buildMsg = mark
    const data = record(await this.send('history', undefined, { query, intent: 'read', action: 'list the newest builds' }))
    // Builds queued well before our request cannot be ours (five minutes allow for clock skew).
    const found = arrayOf(data.records).find(build => {
      const queuedAt = numberOf(build.queueTime) ?? numberOf(build.startTime)
      return (stringOf(build.buildMsg) ?? '').includes(mark) && (queuedAt === undefined || queuedAt <= 0 || queuedAt >= sinceMs - LOOKUP_SKEW_MS)
    })
    if (found === undefined) return undefined
    const buildId = optionalId(found.id, ID_FORMS.bkciBuildId, source('id in the build history'))
    return buildId === undefined ? undefined : this.refFor(buildId, optionalId(found.buildNum, ID_FORMS.runNumber, source('buildNum in the build history')))
  }

  /** The lengths of the newest successful builds, from the history page (v4 filters on status there, v3 cannot). */
  async recentDurations(limit: number): Promise<number[]> {
    const query: Record<string, string> = { page: '1', pageSize: String(Math.min(Math.max(limit, 1), 100)) }
    if (this.settings.api === 'v4') query.status = 'SUCCEED'
    const data = record(await this.send('history', undefined, { query, intent: 'read', action: "list the pipeline's recent builds", options: HISTORY_READ }))
    const lengths = arrayOf(data.records).map(build => {
      const times = { startTime: timeOf(build.startTime), endTime: timeOf(build.endTime) }
      const meaning = runStatus(stringOf(build.status) ?? '', times)
      return meaning.status === 'succeeded' && meaning.terminal ? runLength(times.startTime, times.endTime) : undefined
    })
    return knownLengths(lengths, limit)
  }

  async retry(run: RunRef, request: RetryRequest): Promise<RunRef> {
    const target = await this.retryTarget(run, request)
    const query: Record<string, string> = {}
    // bk-ci reads failedContainer and skip only with a taskId (a whole-build retry has neither, as in its console).
    if (target !== undefined) {
      query.taskId = target
      query.failedContainer = String(request.failedOnly)
      query.skip = String(request.skipFailed)
    }
    const data = record(await this.send('retry', run.runId, { query, intent: 'write', action: `retry build ${run.runId}` }))
    // A retry runs the same build again with executeCount + 1; a different id in the answer is followed all the same.
    const buildId = optionalId(data.id, ID_FORMS.bkciBuildId, source('data.id in the retry answer')) ?? run.runId
    return buildId === run.runId ? this.refFor(buildId, run.runNumber) : this.refFor(buildId)
  }

  async cancel(run: RunRef, options?: CallOptions): Promise<CancelOutcome> {
    try {
      await this.send('stop', run.runId, { intent: 'write', action: `stop build ${run.runId}`, options })
      return 'stopped'
    } catch (error) {
      if (error instanceof RelayError && error.vendorCode === '2101182') return 'already-ended'
      // Someone else's cancel is under way: the build is stopping, and a second one now would be refused anyway.
      if (error instanceof RelayError && error.vendorCode === '2101019') return 'stopped'
      throw error
    }
  }

  async getState(run: RunRef, options?: CallOptions): Promise<RunState> {
    let detail: JsonRecord
    try {
      detail = record(await this.send('detail', run.runId, { intent: 'read', action: `read the state of build ${run.runId}`, options }))
    } catch (error) {
      // A detail too large or malformed to read: the small status answer still tells how the build stands.
      if (!(error instanceof RelayError) || error.kind !== 'protocol') throw error
      return this.stateFromStatus(run, options)
    }
    return this.stateOf(detail, run, jobsOf(detail), numberOf(detail.executeCount))
  }

  /** build_status: status and times, no attempt and no jobs (so a terminal state of it never passes for a new attempt). */
  private async stateFromStatus(run: RunRef, options?: CallOptions): Promise<RunState> {
    const status = record(await this.send('status', run.runId, { intent: 'read', action: `read the status of build ${run.runId}`, options }))
    return this.stateOf(status, run, [], undefined)
  }

  private stateOf(answer: JsonRecord, run: RunRef, jobs: JobState[], executeCount: number | undefined): RunState {
    const rawStatus = stringOf(answer.status)
    if (rawStatus === undefined) throw new RelayError('protocol', `The answer about build ${run.runId} has no status field`)
    const startedAt = timeOf(answer.startTime)
    const endedAt = timeOf(answer.endTime)
    const meaning = runStatus(rawStatus, { startTime: startedAt, endTime: endedAt })
    const buildId = optionalId(answer.id, ID_FORMS.bkciBuildId, source('id in the build state'))
    const ref = this.refFor(buildId ?? run.runId, optionalId(answer.buildNum, ID_FORMS.runNumber, source('buildNum')) ?? run.runNumber)
    return {
      ...ref,
      status: meaning.status,
      rawStatus,
      terminal: meaning.terminal,
      startedAt,
      endedAt,
      // The execution count: a retry runs the same build id again as count + 1.
      attempt: executeCount === undefined ? undefined : String(executeCount),
      jobs
    }
  }

  /**
   * What a retry starts from (bk-ci's taskId): the id in jobs after checking the build has it (bk-ci silently
   * re-runs the whole build for an id it does not find), or, for failed_only or skip_failed without jobs, the first
   * failed or canceled stage: bk-ci's stage retry with failedContainer re-runs only its failed jobs, and with skip
   * skips its failed steps. Undefined: the whole build again.
   */
  private async retryTarget(run: RunRef, request: RetryRequest): Promise<string | undefined> {
    const given = request.jobs[0]
    if (given === undefined && !request.failedOnly && !request.skipFailed) return undefined
    const detail = record(await this.send('detail', run.runId, { intent: 'read', action: `read build ${run.runId} (to find what to retry)` }))
    const stages = arrayOf(record(detail.model).stages)
    if (given !== undefined) {
      if (retryTargets(stages).has(given)) return given
      throw new RelayError('client', `jobs: "${given}" is not a stage, job or step of build ${run.runId}`, {
        hint: `bk-ci would re-run the whole build for an id it does not know. Ids in this build: ${[...retryTargets(stages)].slice(0, 12).join(', ')}`
      })
    }
    const failed = stages.slice(1).find(stage => ['failed', 'canceled'].includes(partStatus(stringOf(stage.status) ?? '')))
    const stageId = failed === undefined ? undefined : stringOf(failed.id)
    if (stageId !== undefined) return stageId
    if (request.skipFailed) throw new RelayError('client', `Build ${run.runId} has no failed stage, so there is no failed step to skip`)
    // Nothing failed (a build canceled before its stages ran, or one that succeeded): the whole build again.
    return undefined
  }

  /** One page of a job's log: init_logs first, then after_line_logs from the next line number (logs.ts). */
  async readLog(run: RunRef, job: JobState, from: LogCursor | undefined): Promise<LogPage> {
    const buildId = checkBuildId(run.runId)
    const address = await this.logAddress(buildId, job)
    const start = lineOf(from)
    const query: Record<string, string> = { containerHashId: address.containerHashId }
    if (address.executeCount !== undefined) query.executeCount = String(address.executeCount)
    if (start !== undefined) query.start = String(start)
    const answer = await this.send(start === undefined ? 'logInit' : 'logAfter', buildId, {
      query,
      intent: 'read',
      action: `read the log of job ${job.name} of build ${buildId}`
    })
    return logPage(answer, address, from, buildId)
  }

  /**
   * Where the job's log is: carried by the jobs getState made; for a job from elsewhere, looked up in
   * the build's detail (one more read) by its container id.
   */
  private async logAddress(buildId: string, job: JobState): Promise<BkciLogAddress> {
    const known = (job as BkciJob).log
    if (known !== undefined) return known
    const detail = record(await this.send('detail', buildId, { intent: 'read', action: `read build ${buildId} (to find the log of job ${job.name})` }))
    const found = jobsOf(detail).find(candidate => candidate.id === job.id)?.log
    if (found === undefined) throw new RelayError('protocol', `bk-ci does not say where the log of job ${job.name} (${job.id}) of build ${buildId} is (no containerHashId)`)
    return found
  }

  /** The pipeline's start parameters (build_manual_startup_info): what a start may set, and what it must. */
  async describePipeline(): Promise<PipelineDeclaration> {
    try {
      return declarationOf(await this.sendChain('startupInfo', undefined, {}, "read the pipeline's start parameters"))
    } catch (error) {
      throw unavailableRead(error, 'the start parameters (build_manual_startup_info)')
    }
  }

  /** After the build ended: its variables and attempt (build_status), and its artifacts where the API lists them (v4). */
  async readResults(run: RunRef): Promise<RunResults> {
    const status = await this.send('status', run.runId, { intent: 'read', action: `read the variables of build ${run.runId}` })
    // A page as large as the core keeps (it keeps 200 artifacts).
    let files: unknown
    try {
      files = await this.sendChain('artifacts', run.runId, { page: '1', pageSize: '200' }, `list the artifacts of build ${run.runId}`)
    } catch (error) {
      // The artifact list is another service (bk-repo) and another gateway resource: its failure leaves
      // `artifacts` unset, said here, rather than losing the build variables too.
      this.log.warning(`Could not list the artifacts of build ${run.runId}; the artifacts output is left unset: ${describeError(unavailableRead(error, 'the artifact list (artifactories/file_info)'))}`)
      files = undefined
    }
    // The state the core followed carries the execution count from build_detail; build_status may not have it.
    const followed = (run as Partial<RunState>).attempt
    return resultsOf(status, files, followed === undefined ? undefined : numberOf(followed))
  }

  /** A chain read; undefined (nothing sent) where the API flavour has no such resource. */
  private async sendChain(read: ChainRead, buildId: string | undefined, query: Record<string, string>, action: string): Promise<unknown> {
    const { api, projectId, pipelineId } = this.settings
    const route = chainRoute(api, read, { projectId, pipelineId, buildId })
    if (route === undefined) return undefined
    return this.client.send({ method: route.method, path: route.path, query: { ...route.query, ...query }, intent: 'read', action })
  }

  private send(operation: BkciOperation, buildId: string | undefined, request: Omit<ApiRequest, 'method' | 'path'>): Promise<unknown> {
    const { api, projectId, pipelineId } = this.settings
    const route = routeFor(api, operation, { projectId, pipelineId, buildId })
    return this.client.send({ ...request, method: route.method, path: route.path, query: { ...route.query, ...request.query } })
  }
}

/**
 * A chain read the gateway does not let this app make (1640301: the resource is not granted) or does not publish
 * (1640401: an older gateway) says nothing about the credentials or the pipeline, which a start would still
 * reach: it is a read that could not be made ('client'), not an 'auth' or 'not_found' error that stops the step.
 */
function unavailableRead(error: unknown, what: string): unknown {
  if (!(error instanceof RelayError) || (error.vendorCode !== '1640301' && error.vendorCode !== '1640401')) return error
  const { status, vendorCode, requestId } = error
  return new RelayError('client', `${error.message} (reading ${what})`, {
    status,
    vendorCode,
    requestId,
    cause: error,
    hint:
      vendorCode === '1640301'
        ? `The app may call the build resources but not this one: ask the gateway admin to grant it (devops gateway, ${what}), or set variables_check: warn to start unchecked`
        : `This gateway does not publish ${what}: ask its admin to import the current devops resources, or set variables_check: warn to start unchecked`
  })
}

function source(field: string): IdSource {
  return { vendor: 'bk-ci', field }
}

/**
 * The job table: one row per job (bk-ci container), with its stage, and the first failed step's message. Jobs
 * rather than steps: a job is what runs on one agent and what a person retries; steps (checkout, script, upload…)
 * would make the table long without saying more, and the failed step is named in the message. The trigger stage
 * (the first, holding the trigger container) is not a job. A matrix job shows its generated jobs.
 */
function jobsOf(detail: JsonRecord): BkciJob[] {
  const jobs: BkciJob[] = []
  for (const stage of arrayOf(record(detail.model).stages)) {
    for (const container of arrayOf(stage.containers)) {
      if (container['@type'] === 'trigger') continue
      const group = arrayOf(container.groupContainers)
      for (const job of group.length > 0 ? group : [container]) jobs.push(jobOf(job, stringOf(stage.name)))
    }
  }
  return jobs
}

function jobOf(container: JsonRecord, stage: string | undefined): BkciJob {
  const rawStatus = stringOf(container.status) ?? ''
  const status = partStatus(rawStatus)
  const startedAt = timeOf(container.startEpoch)
  const totalCost = numberOf(record(container.timeCost).totalCost)
  const ended = ['succeeded', 'failed', 'canceled', 'skipped'].includes(status)
  const failedStep = arrayOf(container.elements).find(element => partStatus(stringOf(element.status) ?? '') === 'failed')
  const stepMessage = failedStep === undefined ? undefined : stringOf(failedStep.errorMsg)
  const log = logAddressOf(container)
  return {
    id: stringOf(container.id) ?? stringOf(container.containerHashId) ?? '',
    name: stringOf(container.name) ?? stringOf(container.jobId) ?? '(unnamed job)',
    stage,
    status,
    rawStatus,
    message: failedStep === undefined ? undefined : `${stringOf(failedStep.name) ?? 'a step'} failed${stepMessage === undefined ? '' : `: ${stepMessage}`}`,
    startedAt,
    endedAt: ended && startedAt !== undefined && totalCost !== undefined && totalCost > 0 ? startedAt + totalCost : undefined,
    steps: stepsOf(container),
    ...(log === undefined ? {} : { log })
  }
}

/**
 * The job's log address: its container hash id, and the latest execution it or one of its steps ran in
 * (a retry of one step re-runs the steps of that job under the build's new count).
 */
function logAddressOf(container: JsonRecord): BkciLogAddress | undefined {
  const containerHashId = checkContainerHashId(stringOf(container.containerHashId))
  if (containerHashId === undefined) return undefined
  const counts = [container, ...arrayOf(container.elements)].map(node => numberOf(node.executeCount)).filter((count): count is number => count !== undefined && count > 0)
  return counts.length === 0 ? { containerHashId } : { containerHashId, executeCount: Math.max(...counts) }
}

/** The ids a retry's taskId can name: stages, jobs (their container id) and steps (element id or step id). */
function retryTargets(stages: JsonRecord[]): Set<string> {
  const ids = new Set<string>()
  const add = (value: unknown): void => {
    const id = stringOf(value)
    if (id !== undefined) ids.add(id)
  }
  for (const stage of stages) {
    add(stage.id)
    for (const container of arrayOf(stage.containers)) {
      for (const job of [container, ...arrayOf(container.groupContainers)]) {
        add(job.id)
        for (const element of arrayOf(job.elements)) {
          add(element.id)
          add(element.stepId)
        }
      }
    }
  }
  return ids
}
