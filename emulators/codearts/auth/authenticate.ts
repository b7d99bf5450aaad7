// Authentication for every API request: an IAM token in X-Auth-Token, or an AK/SK signature
// (reference 2a, 2b). When an Authorization header is present it decides, as the gateway
// treats a signed request as an AK/SK request whatever else it carries.
import type { ReceivedRequest } from './canonical-request.js'
import { receivedHeader } from './canonical-request.js'
import { type AccessKeySecret, verifySignedRequest } from './verify-signature.js'
import { VendorError, tokenExpired, tokenRejected } from '../api/vendor-errors.js'

export interface AuthConfig {
  tokens: readonly string[]
  expiredTokens: readonly string[]
  accessKeys: Record<string, AccessKeySecret>
}

export type Caller = { kind: 'token' } | { kind: 'aksk'; accessKey: string }

export function authenticate(request: ReceivedRequest, config: AuthConfig, nowMs: number): Caller | VendorError {
  const authorization = receivedHeader(request.headers, 'authorization')
  if (authorization !== undefined) {
    const result = verifySignedRequest(request, authorization, config.accessKeys, nowMs)
    return result instanceof VendorError ? result : { kind: 'aksk', accessKey: result.accessKey }
  }
  const token = receivedHeader(request.headers, 'x-auth-token')
  if (token === undefined || token === '') return tokenRejected('no X-Auth-Token or Authorization header')
  if (config.expiredTokens.includes(token)) return tokenExpired()
  if (!config.tokens.includes(token)) return tokenRejected('the token is invalid')
  return { kind: 'token' }
}
