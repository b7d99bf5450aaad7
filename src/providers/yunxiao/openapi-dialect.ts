import type { HttpRequest } from '../../core/http.js'
import type { VendorDialect } from '../../core/vendor-client.js'
import { interpretYunxiaoResponse } from './errors.js'

/**
 * The Yunxiao OpenAPI (reference/aliyun-yunxiao.md §3.1): a personal access token in `x-yunxiao-token`, plain JSON,
 * no signing.
 */
export const TOKEN_HEADER = 'x-yunxiao-token'

export function createOpenApiDialect(token: string): VendorDialect {
  return {
    authorize(request: HttpRequest): HttpRequest {
      return { ...request, headers: { ...request.headers, [TOKEN_HEADER]: token } }
    },
    interpret: (response, request, nowMs) => interpretYunxiaoResponse(response, request, nowMs, 'openapi')
  }
}
