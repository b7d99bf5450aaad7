import { VendorClient } from '../../core/vendor-client.js'
import type { BkciSettings } from '../../inputs/bkci.js'
import type { Provider, ProviderDeps } from '../types.js'
import { createBkciDialect } from './dialect.js'
import { BkciProvider } from './provider.js'


/** The bkci provider for these settings: one VendorClient on the gateway endpoint, with the bk-ci dialect. */
export function createBkciProvider(settings: BkciSettings, deps: ProviderDeps): Provider {
  const client = new VendorClient({
    ...deps,
    baseUrl: settings.endpoint,
    dialect: createBkciDialect(settings.credentials),
    requestTimeoutMs: settings.requestTimeoutMs
  })
  return new BkciProvider(settings, client, deps.log)
}
