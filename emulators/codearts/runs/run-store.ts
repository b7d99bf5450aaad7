// All runs of all pipelines, with the concurrency rules and the two ways time moves.
import { advance, approveGate, cancelRun, isRetryable, restartRun } from './lifecycle.js'
import { buildRun, cloneRunForRetry } from './build-run.js'
import { newId } from './ids.js'
import { scenarioTemplate } from './scenarios.js'
import { type RunRequest, type RunState, isTerminal } from './types.js'
import type { AdvanceMode, PipelineConfig } from '../options.js'
import { replayPhases } from '../../shared/advance.js'
import { DEFAULT_LOG_LINES_PER_PHASE } from './step-log.js'

/** Why a run was queued, if it was: the code the 2xx body must carry (reference 1.6). */
export type QueueReason = 'pipeline' | 'tenant'

export interface Admission {
  run: RunState
  queued?: { reason: QueueReason; queueId: string }
}

const isActive = (run: RunState): boolean => run.status === 'INIT' || run.status === 'RUNNING' || run.status === 'PAUSED'

export class RunStore {
  private readonly runs = new Map<string, RunState>()
  /** Runs per pipeline, oldest first. */
  private readonly byPipeline = new Map<string, RunState[]>()
  private readonly nextRunNumber = new Map<string, number>()

  constructor(
    private readonly pipelines: ReadonlyMap<string, PipelineConfig>,
    private readonly mode: AdvanceMode,
    private readonly now: () => number,
    private readonly tenantConcurrency: number = Infinity,
    private readonly logLinesPerPhase: number = DEFAULT_LOG_LINES_PER_PHASE
  ) {}

  get(runId: string): RunState | undefined {
    this.catchUp()
    return this.runs.get(runId)
  }

  /** The pipeline's runs, oldest first. */
  ofPipeline(pipelineId: string): RunState[] {
    this.catchUp()
    return [...(this.byPipeline.get(pipelineId) ?? [])]
  }

  latest(pipelineId: string): RunState | undefined {
    const runs = this.ofPipeline(pipelineId)
    return runs[runs.length - 1]
  }

  /** Starts a run; it is queued when a concurrency limit is reached. */
  create(pipeline: PipelineConfig, request: RunRequest): Admission {
    this.catchUp()
    const at = this.now()
    const scenario = scenarioTemplate(pipeline.scenario, pipeline)
    const run = buildRun({
      pipelineId: pipeline.id,
      projectId: pipeline.projectId,
      runNumber: this.takeRunNumber(pipeline.id),
      scenario,
      request,
      at,
      logLinesPerPhase: this.logLinesPerPhase
    })
    const limit = this.limitReached(pipeline)
    // The `queued` scenario behaves as if another run held the pipeline's only slot.
    const reason: QueueReason | undefined = limit ?? (run.status === 'QUEUED' ? 'pipeline' : undefined)
    if (reason) run.status = 'QUEUED'
    return this.admit(run, reason)
  }

  /** Same-id retry: the run itself starts again. */
  retryInPlace(run: RunState): Admission {
    this.catchUp()
    const pipeline = this.pipelineOf(run)
    const reason = this.limitReached(pipeline)
    restartRun(run, this.now(), reason !== undefined)
    run.clockAt = this.now()
    if (!reason) return { run }
    return this.queueInfo(run, reason)
  }

  /** New-id retry: a copy of the run starts again; the original keeps its result. */
  retryAsNewRun(run: RunState): Admission {
    this.catchUp()
    const pipeline = this.pipelineOf(run)
    const clone = cloneRunForRetry(run, this.takeRunNumber(pipeline.id), this.now())
    const reason = this.limitReached(pipeline)
    restartRun(clone, this.now(), reason !== undefined)
    return this.admit(clone, reason)
  }

  canRetry(run: RunState): boolean {
    return isRetryable(run)
  }

  stop(run: RunState): void {
    cancelRun(run, this.now())
  }

  approve(run: RunState): boolean {
    this.catchUp()
    const ok = approveGate(run, this.now())
    run.clockAt = this.now()
    return ok
  }

  /** Called after a detail response was rendered: 'per-read' moves the run one phase. */
  afterDetailRead(run: RunState): void {
    if (this.mode !== 'per-read') return
    advance(run, this.now(), () => this.mayLeaveQueue(run))
  }

  private admit(run: RunState, reason: QueueReason | undefined): Admission {
    this.runs.set(run.id, run)
    const list = this.byPipeline.get(run.pipelineId) ?? []
    list.push(run)
    this.byPipeline.set(run.pipelineId, list)
    return reason ? this.queueInfo(run, reason) : { run }
  }

  private queueInfo(run: RunState, reason: QueueReason): Admission {
    run.queueId = newId()
    return { run, queued: { reason, queueId: run.queueId } }
  }

  private takeRunNumber(pipelineId: string): number {
    const n = this.nextRunNumber.get(pipelineId) ?? 1
    this.nextRunNumber.set(pipelineId, n + 1)
    return n
  }

  private pipelineOf(run: RunState): PipelineConfig {
    const p = this.pipelines.get(run.pipelineId)
    if (!p) throw new Error(`emulator bug: run ${run.id} has no pipeline`)
    return p
  }

  private activeCount(filter: (run: RunState) => boolean): number {
    let n = 0
    for (const run of this.runs.values()) if (filter(run) && isActive(run)) n++
    return n
  }

  private limitReached(pipeline: PipelineConfig): QueueReason | undefined {
    if (this.activeCount((r) => r.pipelineId === pipeline.id) >= (pipeline.concurrency ?? Infinity)) return 'pipeline'
    if (this.activeCount(() => true) >= this.tenantConcurrency) return 'tenant'
    return undefined
  }

  /** Queued runs leave in order: only the oldest queued run of a pipeline may take a free slot. */
  private mayLeaveQueue(run: RunState): boolean {
    const oldestQueued = (this.byPipeline.get(run.pipelineId) ?? []).find(
      (r) => r.status === 'QUEUED' && r.queuedPhasesLeft === 0
    )
    if (oldestQueued !== run) return false
    return this.limitReached(this.pipelineOf(run)) === undefined
  }

  /**
   * Timed mode: replay the phases each run is owed by the clock, oldest run first, each phase
   * stamped with its own moment. A paused, ended or slot-waiting run accrues no backlog.
   */
  private catchUp(): void {
    if (this.mode === 'per-read') return
    replayPhases(this.runs.values(), this.mode.msPerPhase, this.now(), (run, at) => {
      if (isTerminal(run.status) || run.status === 'PAUSED') return false
      return advance(run, at, () => this.mayLeaveQueue(run))
    })
  }
}
