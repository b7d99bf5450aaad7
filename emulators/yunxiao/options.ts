// Configuration of a Yunxiao emulator instance. Everything is fixed at construction except faults.
import type { AdvanceMode } from '../shared/advance.js'
import type { ScenarioName } from './runs/scenarios.js'

export type { AdvanceMode } from '../shared/advance.js'
export type { ScenarioName } from './runs/scenarios.js'

export interface YunxiaoPipelineConfig {
  /** Numeric, as Flow shows it (`flow.aliyun.com/pipelines/{id}`). */
  id: number
  /** The organization that owns the pipeline (must be in `organizations`). */
  organizationId: string
  name?: string
  scenario: ScenarioName
  /** The code source shown in `sources` (a Codeup repository URL). */
  repoUrl?: string
  /** `long` scenario: phases the long job keeps RUNNING; default 100. */
  longPhases?: number
}

export interface OrganizationConfig {
  /** 24 hex digits, as in `devops.aliyun.com/organization/{id}`. */
  id: string
  /** Account ids (aliyunPk) of the members. */
  members: string[]
}

/** A Yunxiao identity, by account id. Absent from `users`: registered, with access. */
export interface YunxiaoUserConfig {
  name?: string
  /** false: not a registered Yunxiao user (POP `InvalidUser.NotFound`). */
  registered?: boolean
  /** false: a RAM user without the AliyunRDCFullAccess policy (POP `InvalidParam.NoPermission`). */
  rdcAccess?: boolean
}

/** A personal access token (x-yunxiao-token). */
export interface PersonalAccessTokenConfig {
  accountId: string
  /** Only read scopes: run, stop and retry get 403 Forbidden. */
  readOnly?: boolean
  /** Answered with 401 ExpiredTokenError. */
  expired?: boolean
}

/** An AccessKey pair of the POP API (and the STS token of a temporary one). */
export interface AccessKeyConfig {
  accessKeySecret: string
  /** Set for STS credentials: requests must carry it in x-acs-security-token, signed. */
  securityToken?: string
  /** The Yunxiao account the key (its RAM user or role) acts as. */
  accountId: string
}

export interface YunxiaoEmulatorOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number
  /** Default 127.0.0.1: the emulator is for loopback use. */
  host?: string
  organizations?: OrganizationConfig[]
  users?: Record<string, YunxiaoUserConfig>
  pipelines?: YunxiaoPipelineConfig[]
  /** Personal access tokens of the Yunxiao OpenAPI. */
  tokens?: Record<string, PersonalAccessTokenConfig>
  /** AccessKey id -> secret (and STS token) of the devops 2021-06-25 POP API. */
  accessKeys?: Record<string, AccessKeyConfig>
  advance?: AdvanceMode
  /** The emulator's clock (epoch ms): run times, x-acs-date skew, timed advance. Default Date.now. */
  now?: () => number
  /** Phases a new run shows WAITING before it starts; default 1 (0: it starts RUNNING). */
  queuedPhases?: number
  /**
   * The run status while a manual-review job waits. The document leaves it open (§7.2) and lists
   * WAITING as "queued or waiting at a manual gate" (§2): 'WAITING' (default) or 'RUNNING'.
   */
  gateRunStatus?: 'WAITING' | 'RUNNING'
  /**
   * POP business errors. 'documented' (default): the codes the document lists answer with its
   * HTTP status, and the emulator's own codes with HTTP 200 and success:false (the document says
   * a client must handle both, §1.5). 200: every business error comes on HTTP 200.
   */
  popBusinessErrorStatus?: 'documented' | 200
  /**
   * The OpenAPI error body (§3.3 gives two schemas): 'OpenApiErrorResponse' (default:
   * traceId, code, errorCode, errorMessage, errorDescription) or 'ErrorResponse' (errorCode,
   * errorMessage, requestId).
   */
  openApiErrorShape?: 'OpenApiErrorResponse' | 'ErrorResponse'
  /** The unit of GetPipelineJobRunLog's `last` (undocumented): 'lines' (default) or 'characters'. */
  logLastUnit?: 'lines' | 'characters'
}
