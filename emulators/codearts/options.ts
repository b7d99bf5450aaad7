// Configuration of an emulator instance. Everything is fixed at construction except faults.
import type { AccessKeySecret } from './auth/verify-signature.js'
import type { ScenarioName } from './runs/scenarios.js'
import type { AdvanceMode } from '../shared/advance.js'

export type { AccessKeySecret } from './auth/verify-signature.js'
export type { ScenarioName } from './runs/scenarios.js'

export interface IamProject {
  /** 32 characters [0-9a-zA-Z]. */
  id: string
  /** A region name (cn-north-4), or a sub-project `<region>_<name>`. */
  name: string
}

export interface PipelineConfig {
  /** 32 characters [0-9a-zA-Z], as every vendor id. */
  id: string
  /** The CodeArts project that owns the pipeline (must be listed in `projects`). */
  projectId: string
  name?: string
  scenario: ScenarioName
  /** How many runs may be active (INIT, RUNNING, PAUSED) at once; default unlimited. */
  concurrency?: number
  /** `queued` scenario: phases a new run stays QUEUED before it may start; default 2. */
  queuedPhases?: number
  /** `long` scenario: phases the long step keeps RUNNING; default 100. */
  longPhases?: number
  /**
   * A GitCode pipeline (v6 "PAC"): the repository and pipeline file a run is started from. Such a
   * pipeline is reached through the v6 actions paths only.
   */
  pac?: { repositoryUrl: string; filePath: string }
  /**
   * The custom variables of the pipeline's definition (ShowPipelineDetail `variables[]`). A run
   * sets only the `isRuntime` ones; any other name it sends is ignored and the stored value stays.
   */
  variables?: EmulatedVariable[]
  /** The definition's `sources[]`; default: one CodeHub repository. `[]`: a pipeline without a code source. */
  sources?: unknown[]
}

/** A custom variable as ShowPipelineDetail declares it (is_runtime, is_secret, type, value). */
export interface EmulatedVariable {
  name: string
  value: string
  isRuntime: boolean
  isSecret?: boolean
  type?: 'string' | 'enum' | 'autoIncrement'
}

/**
 * 'per-read': each detail GET of a run moves it one phase (deterministic; default).
 * { msPerPhase }: runs move one phase per msPerPhase of the injected clock, computed lazily when
 * observed (no timers), for demos. The same type for every emulator (emulators/shared/advance.ts).
 */
export type { AdvanceMode } from '../shared/advance.js'

export interface CodeArtsEmulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number
  /** Default 127.0.0.1: the emulator is for loopback use. */
  host?: string
  /** CodeArts project ids that exist. */
  projects?: string[]
  pipelines?: PipelineConfig[]
  /** IAM tokens accepted in X-Auth-Token. */
  tokens?: string[]
  /** Tokens answered with 401 "The token must be updated." */
  expiredTokens?: string[]
  /** AK -> SK (and the security token of a temporary AK). */
  accessKeys?: Record<string, AccessKeySecret>
  advance?: AdvanceMode
  /** The emulator's clock (epoch ms): run times, X-Sdk-Date skew, timed advance. Default Date.now. */
  now?: () => number
  /** false (default): a retry keeps the run id. true: a retry creates a new run and returns its id. */
  retryNewRunId?: boolean
  /** v6 rerun: true (default) makes a new run and answers its id; false keeps the run id (reference §3: uncertain). */
  pacRerunNewRunId?: boolean
  /** v6 detail field names: 'snake' (default, the current pages) or 'camel' (an older page); reference §3. */
  pacCasing?: 'snake' | 'camel'
  /** v6 access_token values the service accepts for reading repositories; unset: any, or none. */
  gitcodeTokens?: string[]
  /** Active runs allowed across all pipelines before new ones queue with DEVPIPE.00011170; default unlimited. */
  tenantConcurrency?: number
  /** Output lines a running step writes to its log per phase; default 12. */
  logLinesPerPhase?: number
  /**
   * v5 step logs: which request offset a page starts at (next-capabilities §1.1, uncertain).
   * 'start' (default): start_offset, with end_offset a bound when past it (0: none). 'end': the
   * documents word for word, the answer's offsets go back as they came and the page starts at the
   * request's end_offset.
   */
  stepLogReading?: 'start' | 'end'
  /** v6 job logs: what `limit` counts, 'chars' (default) or 'lines' (next-capabilities §1.2, uncertain). */
  pacLogLimitUnit?: 'chars' | 'lines'
  /** The service's own bound on a log page, whatever the limit asked: lines (v5), characters (v6). Default none. */
  logPageMax?: number
  /** Region written into run details; default cn-north-4. */
  region?: string
  /** Account (domain) id written into run details. */
  domainId?: string
  /**
   * The account's IAM projects: what `GET /v3/projects` lists, and what the gateway scopes an AK/SK
   * request to. A region's projects are the one named after it and its sub-projects
   * (`<region>_<name>`). Default: none (then the gateway does not check X-Project-Id).
   */
  iamProjects?: IamProject[]
  /** Base of detail_url / modify_url; default the cn-north-4 console. */
  consoleUrl?: string
}
