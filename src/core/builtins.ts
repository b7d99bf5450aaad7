import type * as crypto from 'node:crypto'
import type * as https from 'node:https'
import { createRequire } from 'node:module'
import type * as tls from 'node:tls'

/**
 * Built-in modules that not every run needs, loaded on first use instead of when the bundle
 * starts: a static import of them would be hoisted by ncc to the top of dist/index.js and paid
 * for before the first request (bench/README.md, start-up). https and tls are needed only for an
 * https endpoint or proxy; crypto only for a signed request (AK/SK, ACS3): a run with a token
 * never loads it. Node caches each module, so later calls cost a map lookup.
 */
const lazyRequire = createRequire(import.meta.url)

export const httpsModule = (): typeof https => lazyRequire('node:https') as typeof https
export const tlsModule = (): typeof tls => lazyRequire('node:tls') as typeof tls
export const cryptoModule = (): typeof crypto => lazyRequire('node:crypto') as typeof crypto
