// The emulator's internal model of a run. The wire shapes (reference 1.4, 1.5) are produced
// from it by render.ts; nothing here is sent as is.

/**
 * Run status. The documented run enum has 7 values (reference 1.3); QUEUED and INIT are not in it
 * but "probably show up at run level". The stricter reading is to send them, so a client must
 * treat statuses outside the enum as non-terminal.
 */
export type RunStatus = 'QUEUED' | 'INIT' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELED'

/** Stage and job statuses used here: a subset of the documented 14 (reference 1.3). */
export type NodeStatus = 'INIT' | 'RUNNING' | 'PAUSED' | 'COMPLETED' | 'FAILED' | 'CANCELED' | 'UNSELECTED'

/**
 * Step status. The document lists 4 values (RUNNING, CANCELED, COMPLETED, FAILED); a step that has
 * not started yet needs some value, and we send INIT, which is outside that list on purpose.
 */
export type StepStatus = 'INIT' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELED'

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['COMPLETED', 'FAILED', 'CANCELED']

export const isTerminal = (status: RunStatus): boolean => TERMINAL_RUN_STATUSES.includes(status)

export type BusinessType = 'Normal' | 'Build' | 'Test' | 'Check' | 'Deploy'

/** How one step of a scenario behaves. */
export interface StepTemplate {
  name: string
  task: string
  businessType: BusinessType
  /** Phases the step stays RUNNING before it ends; default 1. */
  phases?: number
  /** The step fails while the run's attempt number is at most this (1 = fails once, then a retry passes). */
  failOnAttempts?: number
  failMessage?: string
  /** A manual review: the job, stage and run pause until approve() is called. */
  gate?: boolean
  /** What the step writes as step outputs once it ran; `${NAME}` is the run's value of variable NAME. */
  outputs?: { key: string; value: string }[]
}

export interface JobTemplate {
  name: string
  /** Stable job identifier, what choose_jobs names (the apidef example is timestamp + UUID). */
  identifier: string
  steps: StepTemplate[]
  /** What the job uploads when it completes (ShowPipelineArtifacts); `${NAME}` as in step outputs. */
  artifacts?: { name: string; fileSize: string; downloadUrl: string }[]
}

export interface StageTemplate {
  name: string
  /** Stable stage identifier, what choose_stages names. */
  identifier: string
  jobs: JobTemplate[]
}

export interface ScenarioTemplate {
  stages: StageTemplate[]
  /** Phases a new run waits in QUEUED as if another run held the slot (the `queued` scenario). */
  startQueuedPhases?: number
}

export interface StepState {
  id: string
  template: StepTemplate
  status: StepStatus
  message: string
  startTime: number
  endTime: number
  phasesLeft: number
  /** Its log so far (runs/step-log.ts): it only grows, and may end inside a line while the step runs. */
  log: string
  /** Output lines written, for their numbering. */
  logLines: number
  /** The time of the last line written (each line is a millisecond after the last at least). */
  logClock: number
  /** A progress line is half written. */
  progressOpen: boolean
}

export interface JobState {
  id: string
  template: JobTemplate
  status: NodeStatus
  message: string
  startTime: number
  endTime: number
  selected: boolean
  execId: string
  /** Index of the step that runs next or now. */
  currentStep: number
  steps: StepState[]
}

export interface StageState {
  id: string
  template: StageTemplate
  status: NodeStatus
  startTime: number
  endTime: number
  pauseTime: number
  selected: boolean
  jobs: JobState[]
}

export interface Variable {
  name: string
  value: string
}

/** The request fields of RunPipelineDTO (reference 1.2) as the run keeps them. */
export interface RunRequest {
  sources: unknown[]
  description: string
  variables: Variable[]
  chooseJobs: string[]
  chooseStages: string[]
}

export interface RunState extends RunRequest {
  id: string
  pipelineId: string
  projectId: string
  runNumber: number
  status: RunStatus
  /** Epoch ms; 0 until the moment happens (the document types these as integers). */
  startTime: number
  endTime: number
  pauseTime: number
  updateTime: number
  /** 1 for the first execution, +1 per retry. */
  attempts: number
  stopCount: number
  /** Phases left in QUEUED before the run may take a slot. */
  queuedPhasesLeft: number
  /** Set while the run was queued by a concurrency limit. */
  queueId?: string
  /** With retryNewRunId, the run this one retried. */
  retryOf?: string
  /** For advance: { msPerPhase }: the time up to which phases have been applied. */
  clockAt: number
  /** Output lines a running step writes per phase. */
  logLinesPerPhase: number
  /** The run's logs were cleaned up: log reads answer the expired-log error. */
  logsExpired: boolean
  stages: StageState[]
}
