/**
 * A "world" is one provider (and API flavour) with its emulator, seen the same way by the shared
 * end-to-end suites: which inputs start which scenario, how to read back what the emulator holds,
 * and how to switch its faults on. Vendor differences stay in the world files.
 */
export type Scenario = 'succeed' | 'fail' | 'gate' | 'long'

/** The requests every provider makes: starting a run, reading its state, retrying it, stopping it. */
export type FaultTarget = 'start' | 'status' | 'retry' | 'stop'

export type WorldFault =
  | { on: FaultTarget; kind: 'status'; status: number; times?: number; body?: unknown; headers?: Record<string, string>; errorCode?: string; errorMsg?: string }
  | { on: FaultTarget; kind: 'throttle'; retryAfter?: number | string; times?: number }
  | { on: FaultTarget; kind: 'slow'; delayMs: number; times?: number }
  | { on: FaultTarget; kind: 'huge'; sizeBytes: number; times?: number }
  | { on: FaultTarget; kind: 'drop' | 'accept-then-cut' | 'reset-mid-body' | 'malformed' | 'html' | 'empty' | 'wrong-shape'; times?: number }

export interface World {
  /** For test titles: "codearts", "yunxiao (openapi)". */
  readonly name: string
  start(): Promise<void>
  stop(): Promise<void>
  /** Inputs that run `scenario` (credentials included), plus `extra`. */
  inputs(scenario: Scenario, extra?: Record<string, string>): Record<string, string>
  runsCreated(): number
  /** Every request the emulator has received, as "METHOD path?query" lines (for URL scans). */
  requestLines(): string[]
  /** The vendor's raw status of a run of `scenario`'s pipeline, as the emulator holds it. */
  rawStatus(runId: string, scenario: Scenario): string | undefined
  /** The raw status a stopped run ends in. */
  readonly canceledStatus: string
  /**
   * Raw statuses a run may still show right after an accepted stop, where the vendor cancels
   * asynchronously (bk-ci: "cancel in progress" until its next phase).
   */
  readonly stoppingStatuses: readonly string[]
  /** How many stop requests the emulator accepted for this run. */
  stopCount(runId: string, scenario: Scenario): number
  /** How many attempts the run has had: 1, then one more per retry that took effect. */
  attempts(runId: string, scenario: Scenario): number
  approve(runId: string, scenario: Scenario): void
  injectFault(fault: WorldFault): void
  clearFaults(): void
  /** Every credential the world hands out, for the secret scans. */
  readonly secrets: readonly string[]
  /** True where a retry is a new run (GitCode pipelines' rerun), false where it is a new attempt of the same run. */
  readonly retryCreatesRun: boolean
  /** False where the vendor documents no console page for a run. */
  readonly hasRunUrl: boolean
}
