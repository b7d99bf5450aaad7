import { VendorClient } from '../../core/vendor-client.js'
import type { YunxiaoSettings } from '../../inputs/yunxiao.js'
import type { Provider, ProviderDeps } from '../types.js'
import { createOpenApiDialect } from './openapi-dialect.js'
import { createPopDialect, hexNonce } from './pop-dialect.js'
import { YunxiaoProvider } from './provider.js'
import { openApiRoutes, popRoutes } from './routes.js'


/** The yunxiao provider for these settings: the API flavour picks the dialect (token or ACS3 signing) and the routes. */
export function createYunxiaoProvider(settings: YunxiaoSettings, deps: ProviderDeps): Provider {
  const { credentials, organizationId, pipelineId } = settings
  const wiring = (() => {
    if (settings.api === 'openapi') {
      if (credentials.kind !== 'token') throw new TypeError('yunxiao api openapi needs a token (the settings reader ensures it)')
      return { dialect: createOpenApiDialect(credentials.token), routes: openApiRoutes(pipelineId, organizationId) }
    }
    if (credentials.kind !== 'aksk' || organizationId === undefined) {
      throw new TypeError('yunxiao api devops-2021-06-25 needs AK/SK and an organization (the settings reader ensures both)')
    }
    const signing = { accessKeyId: credentials.accessKeyId, accessKeySecret: credentials.accessKeySecret, securityToken: credentials.securityToken }
    // A fresh nonce for every attempt, from the injected clock's randomness.
    return { dialect: createPopDialect(signing, () => hexNonce(() => deps.clock.random())), routes: popRoutes(pipelineId, organizationId) }
  })()
  const client = new VendorClient({ ...deps, baseUrl: settings.endpoint, dialect: wiring.dialect, requestTimeoutMs: settings.requestTimeoutMs })
  return new YunxiaoProvider(settings, client, wiring.routes)
}
