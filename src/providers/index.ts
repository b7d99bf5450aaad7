import { VendorClient } from '../core/vendor-client.js'
import type { CodeArtsPacSettings, CodeArtsSettings, Settings } from '../inputs/index.js'
import { createHuaweiDialect } from './codearts/dialect.js'
import { createProjectScope } from './codearts/iam-project.js'
import { CodeArtsProvider } from './codearts/provider.js'
import { createYunxiaoProvider } from './yunxiao/index.js'
import { createBkciProvider } from './bkci/index.js'
import { CodeArtsPacProvider } from './codearts-pac/provider.js'
import type { Provider, ProviderDeps } from './types.js'

/** The registry: provider id → the provider for these settings. */
export function createProvider(settings: Settings, deps: ProviderDeps): Provider {
  switch (settings.provider) {
    case 'codearts':
      return new CodeArtsProvider(settings, huaweiClient(settings, deps), deps.log)
    case 'codearts-pac':
      // The SDK signs the v6 calls with project credentials too (X-Project-Id, not X-Domain-Id);
      // the account stays in the path.
      return new CodeArtsPacProvider(settings, huaweiClient(settings, deps))
    case 'yunxiao':
      return createYunxiaoProvider(settings, deps)
    case 'bkci':
      return createBkciProvider(settings, deps)
  }
}

/**
 * The client of both Huawei providers. The IAM project lives in the dialect, with the credentials:
 * how a request is signed and scoped is the dialect's business, and resolving it there (lazily,
 * before the first request, once) keeps each provider method one question and the factory free of
 * requests, so that a bad input still fails before any request and a canceled job asks nothing.
 */
function huaweiClient(settings: CodeArtsSettings | CodeArtsPacSettings, deps: ProviderDeps): VendorClient {
  const scope = createProjectScope(settings.projectScope, settings.credentials, { ...deps, requestTimeoutMs: settings.requestTimeoutMs })
  return new VendorClient({
    ...deps,
    baseUrl: settings.endpoint,
    dialect: createHuaweiDialect(settings.credentials, {}, scope),
    requestTimeoutMs: settings.requestTimeoutMs
  })
}
