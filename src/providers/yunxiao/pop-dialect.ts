import type { HttpRequest } from '../../core/http.js'
import type { VendorDialect } from '../../core/vendor-client.js'
import { signAliyunAcs3Request, type AliyunCredentials } from '../../signing/aliyun-acs3-hmac-sha256.js'
import { interpretYunxiaoResponse } from './errors.js'

/**
 * The `devops` POP API, version 2021-06-25 (reference/aliyun-yunxiao.md §1, §4.2): ROA paths, every request signed
 * with ACS3-HMAC-SHA256 and naming its action in `x-acs-action`.
 */
export const POP_VERSION = '2021-06-25'

/** The operations we call, by method and path (reference §1.2); the path may sit below an endpoint's own prefix. */
const ACTIONS: readonly { method: string; path: RegExp; action: string }[] = [
  { method: 'GET', path: /\/organization\/[^/]+\/pipelines\/[^/]+$/, action: 'GetPipeline' },
  { method: 'POST', path: /\/organizations\/[^/]+\/pipelines\/[^/]+\/run$/, action: 'StartPipelineRun' },
  { method: 'GET', path: /\/organization\/[^/]+\/pipelines\/[^/]+\/pipelineRuns$/, action: 'ListPipelineRuns' },
  { method: 'GET', path: /\/organization\/[^/]+\/pipelines\/[^/]+\/pipelineRuns\/[^/]+$/, action: 'GetPipelineRun' },
  { method: 'PUT', path: /\/organization\/[^/]+\/pipelines\/[^/]+\/pipelineRuns\/[^/]+\/stop$/, action: 'StopPipelineRun' },
  { method: 'PUT', path: /\/organization\/[^/]+\/pipelines\/[^/]+\/pipelineRuns\/[^/]+\/jobs\/[^/]+$/, action: 'RetryPipelineJobRun' },
  { method: 'GET', path: /\/organization\/[^/]+\/pipeline\/[^/]+\/pipelineRun\/[^/]+\/job\/[^/]+\/logs$/, action: 'LogPipelineJobRun' }
]

/** The POP action name of a request, from its method and path. */
export function popActionFor(method: string, pathname: string): string {
  const found = ACTIONS.find(entry => entry.method === method && entry.path.test(pathname))
  if (found === undefined) throw new TypeError(`No devops ${POP_VERSION} action is known for ${method} ${pathname}`)
  return found.action
}

/** 32 hex digits from a source of numbers in [0, 1): a fresh signature nonce. */
export function hexNonce(random: () => number): string {
  let nonce = ''
  while (nonce.length < 32) nonce += Math.floor(random() * 16).toString(16)
  return nonce
}

/**
 * `nonce` is called once per attempt (the server refuses a nonce it has seen), and the date is the attempt's own,
 * so a retried request is signed afresh.
 */
export function createPopDialect(credentials: AliyunCredentials, nonce: () => string): VendorDialect {
  return {
    authorize(request: HttpRequest, now: Date): HttpRequest {
      const body = request.body ?? ''
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(request.headers)) {
        // A bodyless request carries no Content-Type, as the official SDK sends it: a signed header a proxy might drop
        // from an empty request would break the signature.
        if (body === '' && name.toLowerCase() === 'content-type') continue
        headers[name] = value
      }
      headers['x-acs-action'] = popActionFor(request.method, new URL(request.url).pathname)
      headers['x-acs-version'] = POP_VERSION
      return { ...request, headers: signAliyunAcs3Request({ method: request.method, url: request.url, headers, body }, credentials, now, nonce()) }
    },
    interpret: (response, request, nowMs) => interpretYunxiaoResponse(response, request, nowMs, 'devops-2021-06-25')
  }
}
