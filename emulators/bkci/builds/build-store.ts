// All builds of all pipelines: creation (with the start limiter), stop, retry, reviews, and the
// two ways time moves.
import { replayPhases, type AdvanceMode } from '../../shared/advance.js'
import { newBuildId } from './ids.js'
import { advance, approveReview, buildStages, finalizeCancel, isBuildFinished, rejectReview, retryBuild, startIfDue, type RetryTarget } from './lifecycle.js'
import { scenarioTemplate } from './scenarios.js'
import type { Build } from './types.js'
import type { BkciPipelineConfig } from '../options.js'

export interface NewBuild {
  pipeline: BkciPipelineConfig
  startUser: string
  buildMsg: string
  values: Record<string, string>
  ignoredValues: Record<string, string>
  buildNo?: number
  material?: Build['material']
  apiVersion: 'v3' | 'v4'
}

/** A second stop within this long answers 2101019; after it, a stop forces the cancel (§1.4). */
export const CANCEL_GUARD_MS = 60_000

export type StopOutcome = { kind: 'accepted' } | { kind: 'ended' } | { kind: 'in-progress'; by: string; retryAfterSeconds: number }

export interface StoreTuning {
  queuePhases: number
  cancelPhases: number
}

export class BuildStore {
  private readonly builds = new Map<string, Build>()
  /** Builds per pipeline, oldest first. */
  private readonly byPipeline = new Map<string, Build[]>()
  /** The pipeline's build-number variable (BK_CI_BUILD_NO), moved by the buildNo query. */
  private readonly buildNoCounters = new Map<string, number>()
  /** The start limiter: tokens left and when they were counted. */
  private readonly buckets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly mode: AdvanceMode,
    private readonly now: () => number,
    private readonly tuning: StoreTuning
  ) {}

  get(buildId: string): Build | undefined {
    this.catchUp()
    return this.builds.get(buildId)
  }

  /** The pipeline's builds, oldest first. */
  ofPipeline(pipelineId: string): Build[] {
    this.catchUp()
    return [...(this.byPipeline.get(pipelineId) ?? [])]
  }

  byNumber(pipelineId: string, buildNum: number): Build | undefined {
    return this.ofPipeline(pipelineId).find((b) => b.buildNum === buildNum)
  }

  buildNoOf(pipelineId: string): number {
    return this.buildNoCounters.get(pipelineId) ?? 0
  }

  /**
   * The start rate limiter (2101020): a bucket of `startBurst` tokens (the pipeline's
   * maxConRunningQueueSize) refilled one per `startRefillMs`. Takes a token when it can.
   */
  takeStartToken(pipeline: BkciPipelineConfig): boolean {
    const burst = pipeline.startBurst ?? Infinity
    if (burst === Infinity) return true
    const refill = pipeline.startRefillMs ?? 1000
    const now = this.now()
    let { tokens, at } = this.buckets.get(pipeline.id) ?? { tokens: burst, at: now }
    const gained = Math.floor((now - at) / refill)
    if (gained > 0) {
      tokens = Math.min(burst, tokens + gained)
      at += gained * refill
    }
    if (tokens < 1) {
      this.buckets.set(pipeline.id, { tokens, at })
      return false
    }
    // A full bucket starts refilling from the moment a token is taken.
    this.buckets.set(pipeline.id, { tokens: tokens - 1, at: tokens >= burst ? now : at })
    return true
  }

  create(input: NewBuild): Build {
    this.catchUp()
    const at = this.now()
    const list = this.byPipeline.get(input.pipeline.id) ?? []
    if (input.buildNo !== undefined) this.buildNoCounters.set(input.pipeline.id, input.buildNo)
    const build: Build = {
      id: newBuildId(),
      projectId: input.pipeline.projectId,
      pipelineId: input.pipeline.id,
      pipelineName: input.pipeline.name ?? input.pipeline.id,
      buildNum: list.length + 1,
      status: 'QUEUE',
      executeCount: 1,
      startUser: input.startUser,
      startType: 'SERVICE',
      buildMsg: input.buildMsg,
      values: input.values,
      ignoredValues: input.ignoredValues,
      apiVersion: input.apiVersion,
      queueTime: at,
      startTime: at,
      endTime: null,
      queuePhasesLeft: this.tuning.queuePhases,
      stopCount: 0,
      cancelUser: null,
      cancelRequestedAt: null,
      cancelPhasesLeft: 0,
      clockAt: at,
      stages: buildStages(scenarioTemplate(input.pipeline.scenario, input.pipeline)),
      records: [],
      logs: [],
      logStatus: 0,
      setVariables: {},
      artifacts: new Map()
    }
    if (input.buildNo !== undefined) build.buildNo = input.buildNo
    if (input.material) build.material = input.material
    startIfDue(build, at)
    this.builds.set(build.id, build)
    list.push(build)
    this.byPipeline.set(input.pipeline.id, list)
    return build
  }

  /**
   * A stop (§1.4): an ended build answers 2101182; a second stop within 60 s answers 2101019;
   * after 60 s it forces the cancel. A first stop is accepted and takes effect `cancelPhases`
   * phases later (at once with 0), as bk-ci cancels asynchronously.
   */
  stop(build: Build, user: string): StopOutcome {
    this.catchUp()
    const now = this.now()
    if (isBuildFinished(build)) return { kind: 'ended' }
    if (build.cancelRequestedAt !== null) {
      const waited = now - build.cancelRequestedAt
      if (waited < CANCEL_GUARD_MS) {
        return { kind: 'in-progress', by: build.cancelUser ?? user, retryAfterSeconds: Math.ceil((CANCEL_GUARD_MS - waited) / 1000) }
      }
      build.stopCount += 1
      finalizeCancel(build, now)
      return { kind: 'accepted' }
    }
    build.stopCount += 1
    build.cancelUser = user
    build.cancelRequestedAt = now
    if (this.tuning.cancelPhases <= 0) finalizeCancel(build, now)
    else build.cancelPhasesLeft = this.tuning.cancelPhases
    build.clockAt = now
    return { kind: 'accepted' }
  }

  retry(build: Build, target: RetryTarget, options: { skip: boolean; failedContainer: boolean }): void {
    this.catchUp()
    retryBuild(build, target, options, this.now())
    build.clockAt = this.now()
  }

  approve(build: Build, reviewer: string): boolean {
    this.catchUp()
    const ok = approveReview(build, this.now(), reviewer)
    build.clockAt = this.now()
    return ok
  }

  reject(build: Build, reviewer: string): boolean {
    this.catchUp()
    return rejectReview(build, this.now(), reviewer)
  }

  /** Called after a build was rendered for a status or detail read: 'per-read' moves it one phase. */
  afterRead(build: Build): void {
    if (this.mode !== 'per-read') return
    advance(build, this.now())
  }

  private catchUp(): void {
    if (this.mode === 'per-read') return
    replayPhases(this.builds.values(), this.mode.msPerPhase, this.now(), (build, at) => !isBuildFinished(build) && advance(build, at))
  }
}
