import type { ErrorKind } from '../core/errors.js'
import type { Logger } from '../core/log.js'
import type { InputName } from '../inputs/index.js'

export type OutputName =
  | 'run_id'
  | 'pipeline_id'
  | 'run_url'
  | 'run_number'
  | 'status'
  | 'raw_status'
  | 'duration_seconds'
  | 'outputs'
  | 'artifacts'
  | 'attempt'

/** State handed from the main step to the post step. */
export type StateName = 'isPost' | 'run_id' | 'pipeline_id' | 'finished'

/**
 * Where pipeline-relay runs: a GitHub runner, a GitLab job, or a terminal (host/detect.ts picks
 * one). The core talks only to this; every text that leaves through it has been through the
 * secret redactor.
 */
export interface Host extends Logger {
  readonly isPost: boolean
  getInput(name: InputName): string
  /** Registers a credential: masked in everything written from now on. */
  mask(secret: string): void
  /** The text with every registered credential masked, for text that is cut or parsed before it is written. */
  redact(text: string): string
  setOutput(name: OutputName, value: string): void
  saveState(name: StateName, value: string): void
  getState(name: StateName): string
  /** Markdown for the job summary, where the host has one. */
  writeSummary(markdown: string): Promise<void>
  /** An error annotation, e.g. for a failed remote job. */
  annotateError(message: string, title: string): void
  /**
   * Marks the step failed with this message. `kind` is the error's kind when the failure is an
   * error rather than the run's outcome: hosts that exit with a code tell bad input (2) from a
   * failed, canceled or timed-out run (1).
   */
  setFailed(message: string, kind?: ErrorKind): void
  /** Where this job runs, for a default run message: "octo/app, workflow run 42". */
  origin(): string | undefined
  /** Called once when the step is over, for hosts that report at the end (the command line's JSON). */
  finish?(): void
}
