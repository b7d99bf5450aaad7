// Everything the handlers of both APIs need, and the error bodies of each API.
import type { ApiResponse } from '../../shared/api-types.js'
import type { AccessKeyConfig, PersonalAccessTokenConfig, YunxiaoPipelineConfig } from '../options.js'
import type { NonceMemory } from '../auth/authenticate.js'
import type { RenderOptions } from '../runs/render.js'
import type { FlowContext } from './operations.js'
import type { LogLastUnit } from '../runs/log.js'
import { type OpenApiAuthError, type PopGatewayError, type Problem, openApiWording, popWording } from './problems.js'

export interface YunxiaoApiContext extends FlowContext {
  tokens: Record<string, PersonalAccessTokenConfig>
  accessKeys: Record<string, AccessKeyConfig>
  nonces: NonceMemory
  now(): number
  render(pipeline: YunxiaoPipelineConfig): RenderOptions
  gateRunStatus: 'WAITING' | 'RUNNING'
  popBusinessErrorStatus: 'documented' | 200
  openApiErrorShape: 'OpenApiErrorResponse' | 'ErrorResponse'
  /** The unit of GetPipelineJobRunLog's `last`, which no source states. */
  logLastUnit: LogLastUnit
}

/** The endpoint POP names in HostId. */
export const POP_HOST_ID = 'devops.cn-hangzhou.aliyuncs.com'

/** The POP gateway body (§1.5): RequestId, HostId, Code, Message, Recommend. */
export function popGatewayBody(code: string, message: string, requestId: string) {
  return {
    RequestId: requestId,
    HostId: POP_HOST_ID,
    Code: code,
    Message: message,
    Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(code)}&product=devops&requestId=${requestId}`
  }
}

export function popGatewayResponse(error: PopGatewayError, requestId: string): ApiResponse {
  const response: ApiResponse = { status: error.status, body: popGatewayBody(error.code, error.message, requestId) }
  if (error.headers) response.headers = error.headers
  return response
}

/** A POP business refusal: {requestId, success:false, errorCode, errorMessage} (§1.5). */
export function popProblemResponse(problem: Problem, requestId: string, ctx: Pick<YunxiaoApiContext, 'popBusinessErrorStatus'>): ApiResponse {
  const worded = popWording(problem)
  const status = ctx.popBusinessErrorStatus === 200 || !worded.documented ? 200 : worded.status
  return { status, body: { requestId, success: false, errorCode: worded.code, errorMessage: worded.message } }
}

/** An OpenAPI error body in the shape the options chose (§3.3). */
export function openApiErrorBody(status: number, code: string, message: string, requestId: string, shape: YunxiaoApiContext['openApiErrorShape']) {
  if (shape === 'ErrorResponse') return { errorCode: code, errorMessage: message, requestId }
  return { traceId: requestId, code: status, errorCode: code, errorMessage: message, errorDescription: message }
}

export function openApiProblemResponse(problem: Problem, requestId: string, ctx: Pick<YunxiaoApiContext, 'openApiErrorShape'>): ApiResponse {
  const worded = openApiWording(problem)
  return { status: worded.status, body: openApiErrorBody(worded.status, worded.code, worded.message, requestId, ctx.openApiErrorShape) }
}

export function openApiAuthResponse(error: OpenApiAuthError, requestId: string, ctx: Pick<YunxiaoApiContext, 'openApiErrorShape'>): ApiResponse {
  return { status: error.status, body: openApiErrorBody(error.status, error.code, error.message, requestId, ctx.openApiErrorShape) }
}
