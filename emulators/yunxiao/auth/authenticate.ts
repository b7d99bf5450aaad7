// Who calls: a personal access token for the OpenAPI (§3.1), an ACS3-signed AccessKey for the
// POP API (§4.2, §4.5). Either way the result is a Yunxiao account; what it may do is checked by
// the operations against the organization.
import type { ApiRequest } from '../../shared/api-types.js'
import { receivedHeader } from '../../shared/api-types.js'
import type { AccessKeyConfig, PersonalAccessTokenConfig } from '../options.js'
import {
  OpenApiAuthError,
  PopGatewayError,
  popActionMismatch,
  popNonceUsed,
  popVersionInvalid,
  tokenExpired,
  tokenInvalid,
  tokenMissing
} from '../api/problems.js'
import type { PopAction } from '../api/routes.js'
import { MAX_CLOCK_SKEW_MS, verifyAcs3 } from './acs3-signature.js'

export interface Caller {
  accountId: string
  /** A token with read scopes only. */
  readOnly: boolean
}

export const POP_VERSION = '2021-06-25'

export function authenticateOpenApi(request: ApiRequest, tokens: Record<string, PersonalAccessTokenConfig>): Caller | OpenApiAuthError {
  const token = receivedHeader(request.headers, 'x-yunxiao-token')
  if (token === undefined || token === '') return tokenMissing()
  const config = Object.hasOwn(tokens, token) ? tokens[token] : undefined
  if (!config) return tokenInvalid()
  if (config.expired) return tokenExpired()
  return { accountId: config.accountId, readOnly: config.readOnly ?? false }
}

/**
 * Nonces seen within the skew window: "Nonce must not repeat" (SignatureNonceUsed, §4.4; the
 * V3 document asks for a unique nonce per request too). Older ones are forgotten: a replay of
 * such a request fails the date check anyway.
 */
export class NonceMemory {
  private readonly seen = new Map<string, number>()

  /** Returns false when the nonce was used already. */
  use(nonce: string, nowMs: number): boolean {
    for (const [n, at] of this.seen) if (nowMs - at > MAX_CLOCK_SKEW_MS) this.seen.delete(n)
    if (this.seen.has(nonce)) return false
    this.seen.set(nonce, nowMs)
    return true
  }
}

export function authenticatePop(
  request: ApiRequest,
  action: PopAction,
  accessKeys: Record<string, AccessKeyConfig>,
  nonces: NonceMemory,
  nowMs: number
): Caller | PopGatewayError {
  const verified = verifyAcs3(request, accessKeys, nowMs)
  if (!('accessKeyId' in verified)) return new PopGatewayError(verified.status, verified.code, verified.message)
  if (!nonces.use(verified.nonce, nowMs)) return popNonceUsed()
  const version = receivedHeader(request.headers, 'x-acs-version')
  if (version !== POP_VERSION) return popVersionInvalid(version)
  const declared = receivedHeader(request.headers, 'x-acs-action')
  if (declared !== action) return popActionMismatch(declared, action)
  const key = accessKeys[verified.accessKeyId]
  if (!key) throw new Error('emulator bug: a verified AccessKey has no configuration')
  return { accountId: key.accountId, readOnly: false }
}
