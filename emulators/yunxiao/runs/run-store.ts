// All runs of all pipelines, and the two ways time moves.
import { replayPhases, type AdvanceMode } from '../../shared/advance.js'
import { advance, approveReview, cancelRun, retryJob, startIfDue } from './lifecycle.js'
import { scenarioTemplate } from './scenarios.js'
import type { FlowRun, JobRun, RunParams, YunxiaoApi } from './types.js'
import { hasEnded } from './types.js'
import type { YunxiaoPipelineConfig } from '../options.js'

export interface NewRun {
  pipeline: YunxiaoPipelineConfig
  api: YunxiaoApi
  creatorAccountId: string
  params: RunParams
}

export class RunStore {
  /** Runs per pipeline, oldest first. */
  private readonly byPipeline = new Map<number, FlowRun[]>()
  private nextJobId = 40_000_001

  constructor(
    private readonly mode: AdvanceMode,
    private readonly now: () => number,
    private readonly queuedPhases: number
  ) {}

  /** The pipeline's runs, oldest first. */
  ofPipeline(pipelineId: number): FlowRun[] {
    this.catchUp()
    return [...(this.byPipeline.get(pipelineId) ?? [])]
  }

  get(pipelineId: number, runId: number): FlowRun | undefined {
    return this.ofPipeline(pipelineId).find((r) => r.runId === runId)
  }

  /** Every run with this id, across pipelines (run ids are only unique per pipeline). */
  withRunId(runId: number): FlowRun[] {
    this.catchUp()
    return [...this.byPipeline.values()].flat().filter((r) => r.runId === runId)
  }

  latest(pipelineId: number): FlowRun | undefined {
    return this.ofPipeline(pipelineId).at(-1)
  }

  create(input: NewRun): FlowRun {
    this.catchUp()
    const at = this.now()
    const list = this.byPipeline.get(input.pipeline.id) ?? []
    const scenario = scenarioTemplate(input.pipeline.scenario, input.pipeline)
    const run: FlowRun = {
      organizationId: input.pipeline.organizationId,
      pipelineId: input.pipeline.id,
      runId: list.length + 1,
      state: 'queued',
      api: input.api,
      creatorAccountId: input.creatorAccountId,
      createTime: at,
      updateTime: at,
      startTime: at,
      endTime: null,
      attempts: 1,
      stopCount: 0,
      queuedPhasesLeft: this.queuedPhases,
      clockAt: at,
      params: input.params,
      stages: scenario.stages.map((template) => ({
        template,
        state: 'pending',
        startTime: null,
        endTime: null,
        jobs: template.jobs.map(
          (job): JobRun => ({ id: this.nextJobId++, template: job, state: 'pending', attempts: 0, phasesLeft: 0, message: '', startTime: null, endTime: null, log: '' })
        )
      }))
    }
    startIfDue(run, at)
    list.push(run)
    this.byPipeline.set(input.pipeline.id, list)
    return run
  }

  stop(run: FlowRun): void {
    this.catchUp()
    cancelRun(run, this.now())
  }

  retry(run: FlowRun, job: JobRun): void {
    this.catchUp()
    retryJob(run, job, this.now())
    run.clockAt = this.now()
  }

  approve(run: FlowRun): boolean {
    this.catchUp()
    const ok = approveReview(run, this.now())
    run.clockAt = this.now()
    return ok
  }

  /** Called after a run was rendered for a detail read: 'per-read' moves it one phase. */
  afterDetailRead(run: FlowRun): void {
    if (this.mode !== 'per-read') return
    advance(run, this.now())
  }

  /** Timed mode: every run catches up with the clock, oldest pipeline's runs first. */
  private catchUp(): void {
    if (this.mode === 'per-read') return
    const runs = [...this.byPipeline.values()].flat()
    replayPhases(runs, this.mode.msPerPhase, this.now(), (run, at) => !hasEnded(run) && advance(run, at))
  }
}
