// A job's log as Yunxiao serves it: one text for the job's current execution, grown as the job
// runs, handed back whole on every read (GetPipelineJobRunLog / LogPipelineJobRun have no paging
// parameter). Each running phase ends on a line still being written, finished by the next phase,
// so a read can catch a line half written; a job's last line has no line break after it.
import type { JobRun } from './types.js'

/** Complete lines a running job writes per phase, before its unfinished one. */
export const LINES_PER_PHASE = 2
const UNFINISHED = ' is runn'
const FINISHED = 'ing\n'

function closeLine(job: JobRun): void {
  if (job.log.endsWith(UNFINISHED)) job.log += FINISHED
}

export function logJobStart(job: JobRun): void {
  job.log = `[execution ${job.attempts}] ${job.template.name} (${job.template.jobSign}) starts\n`
}

export function logJobPhase(job: JobRun): void {
  closeLine(job)
  const base = job.log.split('\n').length
  for (let i = 0; i < LINES_PER_PHASE; i++) job.log += `${job.template.name}: output ${base + i}\n`
  job.log += `${job.template.name}: step ${base + LINES_PER_PHASE}${UNFINISHED}`
}

export function logJobEnd(job: JobRun): void {
  closeLine(job)
  job.log += job.state === 'failed' ? `ERROR: ${job.message}\n${job.template.name} failed` : `${job.template.name} ${job.state}`
}

/** `last` of GetPipelineJobRunLog: its unit is undocumented, so the emulator serves either reading. */
export type LogLastUnit = 'lines' | 'characters'

export function lastOf(content: string, unit: LogLastUnit): number {
  if (unit === 'characters') return content.length
  return content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0)
}

/** The job's log complete lines, the unfinished last one included: what a client should print in the end. */
export function logLines(job: JobRun): string[] {
  const lines = job.log.split('\n')
  if (lines.at(-1) === '') lines.pop()
  return lines
}
