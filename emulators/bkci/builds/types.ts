// The emulator's model of a bk-ci build. Nodes carry BuildStatus values directly (reference §2.1),
// as bk-ci's own records do; render.ts shapes them into the wire objects (§2.4).
import type { LogLineRecord } from './log.js'

/** The 29 BuildStatus values (reference §2.1), in ordinal order. */
export const BUILD_STATUSES = [
  'SUCCEED',
  'FAILED',
  'CANCELED',
  'RUNNING',
  'TERMINATE',
  'REVIEWING',
  'REVIEW_ABORT',
  'REVIEW_PROCESSED',
  'HEARTBEAT_TIMEOUT',
  'PREPARE_ENV',
  'UNEXEC',
  'SKIP',
  'QUALITY_CHECK_FAIL',
  'QUEUE',
  'LOOP_WAITING',
  'CALL_WAITING',
  'TRY_FINALLY',
  'QUEUE_TIMEOUT',
  'EXEC_TIMEOUT',
  'QUEUE_CACHE',
  'RETRY',
  'PAUSE',
  'STAGE_SUCCESS',
  'QUOTA_FAILED',
  'DEPENDENT_WAITING',
  'QUALITY_CHECK_PASS',
  'QUALITY_CHECK_WAIT',
  'TRIGGER_REVIEWING',
  'UNKNOWN'
] as const

export type BuildStatus = (typeof BUILD_STATUSES)[number]

/** `isSuccess()` (§2.2). */
export const SUCCESS_STATUSES: readonly BuildStatus[] = ['SUCCEED', 'SKIP', 'REVIEW_PROCESSED', 'QUALITY_CHECK_PASS']
/** `isFailure()` (§2.2): failures, passive stops and timeouts. */
export const FAILURE_STATUSES: readonly BuildStatus[] = [
  'FAILED',
  'QUOTA_FAILED',
  'TERMINATE',
  'REVIEW_ABORT',
  'QUALITY_CHECK_FAIL',
  'QUEUE_TIMEOUT',
  'EXEC_TIMEOUT',
  'HEARTBEAT_TIMEOUT'
]
/** `isFinish()` (§2.2): without STAGE_SUCCESS, UNEXEC, TRIGGER_REVIEWING. */
export const FINISHED_STATUSES: readonly BuildStatus[] = [...SUCCESS_STATUSES, ...FAILURE_STATUSES, 'CANCELED']

export type StartType = 'SERVICE'

/** How one task (plugin, "element") of a scenario behaves. */
export interface TaskTemplate {
  name: string
  atomCode: string
  /** The element's class: `marketBuild` (a store plugin) or `linuxScript`. */
  elementType: 'marketBuild' | 'linuxScript'
  /** Phases the task stays RUNNING; default 1. */
  phases?: number
  /** Fails while the build's executeCount is at most this (1 = fails once, a retry passes). */
  failOnExecuteCount?: number
  failMessage?: string
  /** Build variables the task sets when it succeeds (`echo "::set-variable name=X::v"`), next-capabilities §4. */
  setVariables?: Readonly<Record<string, string>>
  /** Files the task archives to the pipeline repository when it succeeds (artifactories/file_info lists them). */
  archives?: readonly { name: string; size: number }[]
}

export interface ContainerTemplate {
  name: string
  /** `vmBuild` jobs prepare a build machine first (PREPARE_ENV); `normal` jobs run agentless. */
  type: 'vmBuild' | 'normal'
  tasks: TaskTemplate[]
}

export interface StageTemplate {
  name: string
  /** A manual stage review (checkIn): the build stops before this stage until approve(). */
  review?: boolean
  containers: ContainerTemplate[]
}

export interface ScenarioTemplate {
  /** The stages after the trigger stage (stage-1), which every build has. */
  stages: StageTemplate[]
}

export interface TaskRun {
  /** `e-` + 32 hex. */
  id: string
  stepId: string
  template: TaskTemplate
  status: BuildStatus
  executeCount: number
  retryCountManual: number
  phasesLeft: number
  startEpoch: number | null
  endEpoch: number | null
  errorMsg: string | null
}

export interface ContainerRun {
  /** The container's sequence id ("0" for the trigger container, then "1", "2"...). */
  id: string
  /** `c-` + 32 hex. */
  containerHashId: string
  jobId: string
  type: 'trigger' | 'vmBuild' | 'normal'
  name: string
  status: BuildStatus
  startVMStatus: BuildStatus | null
  executeCount: number
  prepPhasesLeft: number
  startEpoch: number | null
  endEpoch: number | null
  tasks: TaskRun[]
}

export type ReviewStatus = 'REVIEWING' | 'REVIEW_PROCESSED' | 'REVIEW_ABORT'

export interface StageRun {
  /** `stage-1`, `stage-2`... */
  id: string
  name: string
  status: BuildStatus
  /** Set for a stage with a manual review (checkIn); undefined until the build reaches it. */
  review?: { status: ReviewStatus | undefined; reviewer: string | null }
  hasReview: boolean
  executeCount: number
  startEpoch: number | null
  endEpoch: number | null
  containers: ContainerRun[]
}

/** One finished attempt, kept for build_detail?executeCount=N and recordList. */
export interface AttemptRecord {
  executeCount: number
  status: BuildStatus
  startUser: string
  startTime: number
  endTime: number | null
  stages: StageRun[]
}

export interface Build {
  /** `b-` + 32 hex. */
  id: string
  projectId: string
  pipelineId: string
  pipelineName: string
  /** The pipeline's build counter: 1, 2, 3... */
  buildNum: number
  status: BuildStatus
  /** 1, then +1 per retry (same build id). */
  executeCount: number
  startUser: string
  startType: StartType
  /** BK_CI_BUILD_MSG, or the default. */
  buildMsg: string
  /** The startup values the build took (declared, non-constant variables and defaults). */
  values: Record<string, string>
  /** Keys of the start body that were not taken (undeclared, or constants). */
  ignoredValues: Record<string, string>
  /** The buildNo query of the start (it also moved the pipeline's counter), if any. */
  buildNo?: number
  /** Custom trigger material from BK_CI_MATERIAL_ID/NAME/URL. */
  material?: { id?: string; name?: string; url?: string }
  /** Which API version started it. */
  apiVersion: 'v3' | 'v4'
  queueTime: number
  startTime: number
  endTime: number | null
  queuePhasesLeft: number
  /** Stop requests accepted (a second one within 60 s is refused). */
  stopCount: number
  cancelUser: string | null
  cancelRequestedAt: number | null
  cancelPhasesLeft: number
  /** For advance { msPerPhase }. */
  clockAt: number
  stages: StageRun[]
  /** Earlier attempts, by executeCount. */
  records: AttemptRecord[]
  /** The build log, every execution's lines (log.ts). */
  logs: LogLineRecord[]
  /** QueryLogs.status of a read: 0 while the log is kept, 2 CLEAN or 3 CLOSED once it expired. */
  logStatus: 0 | 2 | 3
  /** Variables the build's tasks set (::set-variable); they stay across attempts, as build variables do. */
  setVariables: Record<string, string>
  /** Files archived by the build's tasks, by name (a retry that archives again replaces the file). */
  artifacts: Map<string, { name: string; size: number; modifiedTime: number }>
}
