// A build's log as bk-ci's log service keeps it (LogLine.kt): numbered lines, each tagged with its
// element (`tag`), container hash, job id, step id and execution. Lines are written as the build
// moves, so a running job's log grows between two reads.
import type { Build, ContainerRun, TaskRun } from './types.js'

export interface LogLineRecord {
  lineNo: number
  timestamp: number
  message: string
  priority: number
  tag: string
  subTag: string
  jobId: string
  containerHashId: string
  stepId: string
  executeCount: number
}

/** Lines a running task writes per phase, so that a log grows while its job runs. */
export const LINES_PER_PHASE = 3

/** Appends lines of `container` (of `task`, if any) under the build's current execution. */
export function writeLog(build: Build, container: ContainerRun, task: TaskRun | undefined, messages: string[], at: number): void {
  for (const message of messages) {
    build.logs.push({
      lineNo: build.logs.length + 1,
      timestamp: at,
      message,
      priority: 0,
      tag: task?.id ?? '',
      subTag: '',
      jobId: container.jobId,
      containerHashId: container.containerHashId,
      stepId: task?.stepId ?? '',
      executeCount: build.executeCount
    })
  }
}

/** The filters of the log reads (ApigwLogResourceV4/V3): each one given narrows the lines. */
export interface LogFilter {
  tag?: string
  containerHashId?: string
  jobId?: string
  stepId?: string
  /** bk-ci reads execution 1 when none is given. */
  executeCount: number
}

export function logLinesOf(build: Build, filter: LogFilter): LogLineRecord[] {
  return build.logs.filter(
    (line) =>
      line.executeCount === filter.executeCount &&
      (filter.tag === undefined || line.tag === filter.tag) &&
      (filter.containerHashId === undefined || line.containerHashId === filter.containerHashId) &&
      (filter.jobId === undefined || line.jobId === filter.jobId) &&
      (filter.stepId === undefined || line.stepId === filter.stepId)
  )
}
