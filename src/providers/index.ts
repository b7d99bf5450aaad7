import { VendorClient } from '../core/vendor-client.js'
import type { Settings } from '../inputs/index.js'
import { createHuaweiDialect } from './codearts/dialect.js'
import { CodeArtsProvider } from './codearts/provider.js'
import { createYunxiaoProvider } from './yunxiao/index.js'
import { createBkciProvider } from './bkci/index.js'
import { CodeArtsPacProvider } from './codearts-pac/provider.js'
import type { Provider, ProviderDeps } from './types.js'

/** The registry: provider id → the provider for these settings. */
export function createProvider(settings: Settings, deps: ProviderDeps): Provider {
  switch (settings.provider) {
    case 'codearts': {
      const extraHeaders: Record<string, string> = settings.iamProjectId === undefined ? {} : { 'X-Project-Id': settings.iamProjectId }
      const client = new VendorClient({
        ...deps,
        baseUrl: settings.endpoint,
        dialect: createHuaweiDialect(settings.credentials, extraHeaders),
        requestTimeoutMs: settings.requestTimeoutMs
      })
      return new CodeArtsProvider(settings, client, deps.log)
    }
    case 'codearts-pac': {
      const client = new VendorClient({
        ...deps,
        baseUrl: settings.endpoint,
        dialect: createHuaweiDialect(settings.credentials, { 'X-Domain-Id': settings.domainId }),
        requestTimeoutMs: settings.requestTimeoutMs
      })
      return new CodeArtsPacProvider(settings, client)
    }
    case 'yunxiao':
      return createYunxiaoProvider(settings, deps)
    case 'bkci':
      return createBkciProvider(settings, deps)
  }
}
