// Every bk-ci (backend) refusal: HTTP 4xx/5xx with {status, message, data:null}, `status` a
// 7-digit bk-ci code or an HTTP-like one (§1.4, §4.3). ErrorCodeException answers HTTP 400 unless
// it says otherwise (build-not-found says 404). Messages follow message_en_US.properties where the
// reference quotes them.
import type { ApiResponse } from '../../shared/api-types.js'

export class BkciError {
  constructor(
    readonly httpStatus: number,
    readonly status: number,
    readonly message: string
  ) {}
}

export const isBkciError = (v: unknown): v is BkciError => v instanceof BkciError

export function bkciErrorResponse(error: BkciError): ApiResponse {
  return { status: error.httpStatus, body: { status: error.status, message: error.message, data: null } }
}

const e = (http: number, status: number, message: string) => new BkciError(http, status, message)

// --- The open API's own checks (ApiAspect, §1.4 and §3.2) ---

/** ParamBlankException, via ApiAspect: HTTP 400, status 400. */
export const paramBlank = (name: string) => e(400, 400, `request param ${name} cannot be empty`)
export const paramInvalid = (detail: string) => e(400, 400, `参数校验失败: ${detail}`)
/** v4 checkPipelineId: an unknown build, or one of another pipeline (§1.4). */
export const invalidBuildId = (buildId: string) => e(400, 400, `参数校验失败: Invalid buildId[${buildId}]`)
export const projectNotFound = (projectId: string) => e(404, 404, `ProjectId [${projectId}] not find`)
export const appNotBound = (appCode: string, projectId: string) =>
  e(403, 403, `Permission denied: apigwType[apigw-app],appCode[${appCode}],ProjectId[${projectId}]`)

// --- The process service (ProcessMessageCode, §4.3) ---

export const buildNotFound = (buildId: string) => e(404, 2101163, `Pipeline build [${buildId}] does not exist`)
/** 2101038 "pipeline {0} does not exist"; HTTP 400 as ErrorCodeException's default. */
export const pipelineNotFound = (pipelineId: string) => e(400, 2101038, `Pipeline [${pipelineId}] does not exist`)
export const startTooOften = () => e(400, 2101020, 'Pipeline: do not start the build too often')
export const pipelineLocked = () => e(400, 2101047, 'The pipeline is locked and cannot be started')
export const requiredParamEmpty = (id: string) => e(400, 2101254, `The required startup parameter [${id}] is empty`)
export const buildAlreadyEnded = () => e(400, 2101182, 'The build has ended and cannot be operated')
export const cancelInProgress = (user: string, seconds: number) =>
  e(400, 2101019, `The build is being canceled by ${user}, please try again after ${seconds}s`)
export const retryWindowPassed = (days: number) => e(400, 2101258, `Only builds started within the last ${days} days can be retried`)
export const duplicateRetry = () => e(400, 2101129, 'The build is running, do not retry it repeatedly')
export const buildPipelineMismatch = (buildId: string, pipelineId: string) =>
  e(400, 2101058, `The build [${buildId}] does not belong to pipeline [${pipelineId}]`)
/** Cancel without EXECUTE (2101008); the HTTP status is an emulator choice (403). */
export const noCancelPermission = (user: string) => e(403, 2101008, `User ${user} has no permission to cancel this build`)
/** PermissionForbiddenException: HTTP 403, status 403, message from the 2100054 template. */
export const noPermission = (user: string, pipelineId: string, action: string) =>
  e(403, 403, `User ${user} does not have the ${action} permission on pipeline ${pipelineId}`)
export const badBody = (detail: string) => e(400, 400, `Request body error: ${detail}`)
