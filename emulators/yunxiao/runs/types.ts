// The emulator's internal model of a Flow run. Internal states are neutral; render.ts turns them
// into the vendor's status words (reference §2), so the wire never sees these names.

/** Where a run is. `awaiting`: stopped at a manual-review job until approve(). */
export type RunState = 'queued' | 'running' | 'awaiting' | 'succeeded' | 'failed' | 'canceled'

export type StageState = 'pending' | 'running' | 'succeeded' | 'failed' | 'canceled'

/** `awaiting`: a manual-review job waiting for its reviewer. */
export type JobState = 'pending' | 'running' | 'awaiting' | 'succeeded' | 'failed' | 'canceled'

export const ENDED_RUN_STATES: readonly RunState[] = ['succeeded', 'failed', 'canceled']

export const hasEnded = (run: { state: RunState }): boolean => ENDED_RUN_STATES.includes(run.state)

/** How one job of a scenario behaves. */
export interface JobTemplate {
  name: string
  /** Flow's job sign (the component identifier), e.g. `build_java`. */
  jobSign: string
  /** Phases the job stays RUNNING before it ends; default 1. */
  phases?: number
  /** The job fails while its own execution number is at most this (1 = fails once, a retry passes). */
  failOnAttempts?: number
  failMessage?: string
  /** A manual review (人工卡点): the job waits until approve() is called. */
  gate?: boolean
}

export interface StageTemplate {
  name: string
  jobs: JobTemplate[]
}

export interface ScenarioTemplate {
  stages: StageTemplate[]
}

export interface JobRun {
  /** Numeric, unique in the emulator: what the retry path names. */
  id: number
  template: JobTemplate
  state: JobState
  /** Executions so far: 0 until it starts, +1 per retry. */
  attempts: number
  phasesLeft: number
  message: string
  startTime: number | null
  endTime: number | null
  /** The current execution's whole log so far (log.ts). */
  log: string
}

export interface StageRun {
  template: StageTemplate
  state: StageState
  startTime: number | null
  endTime: number | null
  jobs: JobRun[]
}

/** The documented keys of `params` (reference §1.3), as the run keeps them. */
export interface RunParams {
  /** The `params` text exactly as received; undefined when the request had none. */
  raw?: string
  envs: Record<string, string>
  branchModeBranchs: string[]
  runningBranchs: Record<string, string>
  runningTags: Record<string, string>
  runningPipelineArtifacts: Record<string, string>
  runningAcrArtifacts: Record<string, string>
  runningPackagesArtifacts: Record<string, string>
  comment?: string
  needCreateBranch?: boolean
  releaseBranch?: string
  /** Keys the document does not list; kept, not applied. */
  unknownKeys: string[]
}

export type YunxiaoApi = 'openapi' | 'pop'

export interface FlowRun {
  organizationId: string
  pipelineId: number
  /** Per pipeline, 1, 2, 3... ("流水线运行id，也既流水线的运行次数", reference §2). */
  runId: number
  state: RunState
  /** Which API started it. */
  api: YunxiaoApi
  creatorAccountId: string
  createTime: number
  updateTime: number
  /** When it was triggered (the list's startTime). */
  startTime: number
  endTime: number | null
  /** 1, then +1 per job retry. */
  attempts: number
  stopCount: number
  queuedPhasesLeft: number
  /** For advance { msPerPhase }: the time up to which phases have been applied. */
  clockAt: number
  params: RunParams
  stages: StageRun[]
}
