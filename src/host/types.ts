import type { Logger } from '../core/log.js'
import type { InputName } from '../inputs/index.js'

export type OutputName = 'run_id' | 'pipeline_id' | 'run_url' | 'run_number' | 'status' | 'raw_status' | 'duration_seconds'

/** State handed from the main step to the post step. */
export type StateName = 'isPost' | 'run_id' | 'pipeline_id' | 'finished'

/**
 * Where pipeline-relay runs: a GitHub runner now, a GitLab job or a terminal later. The core
 * talks only to this; every text that leaves through it has been through the secret redactor.
 */
export interface Host extends Logger {
  readonly isPost: boolean
  getInput(name: InputName): string
  /** Registers a credential: masked in everything written from now on. */
  mask(secret: string): void
  setOutput(name: OutputName, value: string): void
  saveState(name: StateName, value: string): void
  getState(name: StateName): string
  /** Markdown for the job summary, where the host has one. */
  writeSummary(markdown: string): Promise<void>
  /** An error annotation, e.g. for a failed remote job. */
  annotateError(message: string, title: string): void
  /** Marks the step failed with this message. */
  setFailed(message: string): void
  /** Where this job runs, for a default run message: "octo/app, workflow run 42". */
  origin(): string | undefined
}
