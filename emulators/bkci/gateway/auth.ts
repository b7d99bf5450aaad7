// The gateway's authentication (§3.1). Credentials come from the X-Bkapi-Authorization JSON
// header only: the legacy query form (allow_auth_from_params) is refused here, the stricter
// reading, because a secret in a URL ends up in logs. Resources: `apigw-app` needs a verified app
// that was granted the devops resources (the user is not verified: X-DEVOPS-UID is trusted);
// `apigw-user` needs a verified user (an access_token here; bk_username alone is not verified).
import type { ApiRequest } from '../../shared/api-types.js'
import { receivedHeader } from '../../shared/api-types.js'
import type { BkciAccessTokenConfig, BkciAppConfig } from '../options.js'
import type { RouteMatch } from '../api/routes.js'
import { type GatewayError, appNoPermission, appVerifyFailed, invalidArgs, userVerifyFailed } from './errors.js'

/** The keys the gateway reads credentials from when it allows them in parameters (§3.1). */
export const CREDENTIAL_PARAMS = ['access_token', 'bk_app_code', 'bk_app_secret', 'app_code', 'app_secret', 'bk_username', 'bk_token']

/** The credential keys present in a query string. */
export const credentialsIn = (query: URLSearchParams): string[] => CREDENTIAL_PARAMS.filter((k) => query.has(k))

export interface GatewayConfig {
  apps: Record<string, BkciAppConfig>
  accessTokens: Record<string, BkciAccessTokenConfig>
}

/** Who the gateway let through. */
export interface GatewayCaller {
  appCode?: string
  /** A user the gateway verified (access_token); undefined in app mode. */
  verifiedUser?: string
}

interface Credentials {
  appCode?: string
  appSecret?: string
  username?: string
  accessToken?: string
  bkToken?: string
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined)

/** The header's JSON; an absent or unparseable header makes an anonymous request. */
function readHeader(request: ApiRequest): Credentials {
  const raw = receivedHeader(request.headers, 'x-bkapi-authorization')
  if (raw === undefined) return {}
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return {}
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {}
  const o = value as Record<string, unknown>
  const c: Credentials = {}
  const appCode = str(o.bk_app_code) ?? str(o.app_code)
  const appSecret = str(o.bk_app_secret) ?? str(o.app_secret)
  const username = str(o.bk_username)
  const accessToken = str(o.access_token)
  const bkToken = str(o.bk_token)
  if (appCode !== undefined) c.appCode = appCode
  if (appSecret !== undefined) c.appSecret = appSecret
  if (username !== undefined) c.username = username
  if (accessToken !== undefined) c.accessToken = accessToken
  if (bkToken !== undefined) c.bkToken = bkToken
  return c
}

export function authenticateGateway(route: RouteMatch, request: ApiRequest, config: GatewayConfig): GatewayCaller | GatewayError {
  const inQuery = credentialsIn(request.query)
  if (inQuery.length > 0) return invalidArgs(`credentials are not accepted in the URL query (${inQuery.join(', ')}); use the X-Bkapi-Authorization header`)
  const c = readHeader(request)
  const appMode = route.apigwType === 'apigw-app'
  const resource = `${route.version}_${appMode ? 'app' : 'user'}_build_${route.op}`

  const caller: GatewayCaller = {}
  if (c.accessToken !== undefined) {
    if (c.appCode !== undefined || c.appSecret !== undefined || c.username !== undefined || c.bkToken !== undefined) {
      return invalidArgs('access_token cannot be combined with other credentials')
    }
    const token = Object.hasOwn(config.accessTokens, c.accessToken) ? config.accessTokens[c.accessToken] : undefined
    if (!token || token.expired) return appMode ? appVerifyFailed('access_token is invalid or expired') : userVerifyFailed('access_token is invalid or expired')
    caller.appCode = token.appCode
    caller.verifiedUser = token.username
  } else if (c.appCode !== undefined) {
    if (c.appCode.length > 32) return invalidArgs('bk_app_code is longer than 32 characters')
    if (c.appSecret !== undefined && c.appSecret.length > 128) return invalidArgs('bk_app_secret is longer than 128 characters')
    const app = Object.hasOwn(config.apps, c.appCode) ? config.apps[c.appCode] : undefined
    if (!app || app.secret !== c.appSecret) return appVerifyFailed('bk_app_code or bk_app_secret is incorrect')
    caller.appCode = c.appCode
  }

  if (appMode) {
    if (caller.appCode === undefined) return appVerifyFailed('app code cannot be empty')
    const app = config.apps[caller.appCode]
    if (!app || app.granted === false) return appNoPermission(caller.appCode, resource)
    return caller
  }
  if (caller.verifiedUser === undefined) {
    return userVerifyFailed(
      c.username !== undefined ? 'the user indicated by bk_username is not verified' : 'user authentication failed, please provide a valid access_token'
    )
  }
  return caller
}
