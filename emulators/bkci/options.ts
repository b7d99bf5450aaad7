// Configuration of a bk-ci emulator instance. Everything is fixed at construction except faults.
import type { AdvanceMode } from '../shared/advance.js'
import type { ScenarioName } from './builds/scenarios.js'

export type { AdvanceMode } from '../shared/advance.js'
export type { ScenarioName } from './builds/scenarios.js'

/** A variable declared on the pipeline's trigger container (only these are taken from a start body). */
export interface BkciPipelineParam {
  id: string
  defaultValue?: string
  /**
   * BuildFormProperty.required: shown on the start form (入参). bk-ci still takes a start value for a parameter
   * without it (parseTriggerParam only logs it); default true.
   */
  required?: boolean
  /** BuildFormProperty.valueNotEmpty: the value may not end up empty, or the start is refused (2101254). */
  valueNotEmpty?: boolean
  /** A constant keeps its default whatever the start body says. */
  constant?: boolean
  /** BuildFormProperty.readOnly: marked read-only in the console; a start value is still taken. */
  readOnly?: boolean
  desc?: string
}

export interface BkciPipelineConfig {
  /** `p-` + 32 hex digits. */
  id: string
  /** The project's English name (must be in `projects`). */
  projectId: string
  name?: string
  scenario: ScenarioName
  params?: BkciPipelineParam[]
  /** The start limiter's bucket (the pipeline's maxConRunningQueueSize); default unlimited. */
  startBurst?: number
  /** One start token comes back per this many ms; default 1000. */
  startRefillMs?: number
  /** A locked pipeline cannot start (2101047). */
  locked?: boolean
  /** `long` scenario: phases the long task keeps RUNNING; default 100. */
  longPhases?: number
}

/** An app registered with the BlueKing API gateway. */
export interface BkciAppConfig {
  secret: string
  /** Whether the app was granted the devops gateway's resources; false: 403 1640301. Default true. */
  granted?: boolean
  /** Projects the app code is bound to in bk-ci (T_APP_CODE_PROJECT), '*' for all (default). */
  projects?: string[] | '*'
}

/** A gateway access_token: it carries its own app and user. */
export interface BkciAccessTokenConfig {
  appCode: string
  username: string
  expired?: boolean
}

export type BkciPermission = 'execute' | 'view'

export interface BkciEmulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number
  /** Default 127.0.0.1: the emulator is for loopback use. */
  host?: string
  /** The gateway's `/api/{gateway name}/{stage}` prefix; default `/api/devops/prod`. */
  basePath?: string
  /** Project English names that exist. */
  projects?: string[]
  pipelines?: BkciPipelineConfig[]
  apps?: Record<string, BkciAppConfig>
  accessTokens?: Record<string, BkciAccessTokenConfig>
  /** Pipeline permission of each user (X-DEVOPS-UID); a user not listed has none. */
  users?: Record<string, BkciPermission>
  /** Serve the legacy v3 paths too (an older gateway); default true. false: they are 404 1640401. */
  enableV3?: boolean
  /**
   * bk-ci's own `api.gateway.auth`: unknown projects are 404 and apigw-app calls need the app
   * code bound to the project (403). Default true (the stricter reading; the community template
   * sets false).
   */
  gatewayAuth?: boolean
  advance?: AdvanceMode
  /** The emulator's clock (epoch ms). Default Date.now. */
  now?: () => number
  /** Phases a new build stays QUEUE before it runs; default 1 (0: it starts RUNNING). */
  queuePhases?: number
  /** Phases between an accepted stop and CANCELED (bk-ci cancels asynchronously); default 1. */
  cancelPhases?: number
  /** Builds started longer ago than this cannot be retried (2101258); default 28. */
  retryLimitDays?: number
  /** Lines one log read answers at most; default 10 000 (bk-ci's NORMAL_MAX_LINES). Small values make clients page. */
  logPageLines?: number
  /** The delay of a `gateway-timeout` fault without delayMs: the gateway's 30 s backend timeout. */
  gatewayTimeoutMs?: number
}
