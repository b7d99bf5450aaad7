import type * as crypto from 'node:crypto'
import type * as fs from 'node:fs'
import type * as http from 'node:http'
import type * as https from 'node:https'
import type * as net from 'node:net'
import type * as path from 'node:path'
import type * as tls from 'node:tls'

/**
 * Node's built-in modules, for all of src: taken from process.getBuiltinModule rather than imported.
 *
 * Both choices are about start-up time (bench/README.md). ncc turns each `import … from 'node:x'`
 * in an ESM bundle into its own `createRequire(import.meta.url)('node:x')` at load time, and those
 * calls cost about 0.3 ms each before the first request. process.getBuiltinModule is a plain
 * lookup. And the modules not every run needs are loaded when first asked for: https and tls only
 * for an https endpoint or proxy, crypto only for a signed request (AK/SK, ACS3); a run with a
 * token over http loads neither (__tests__/e2e/startup.e2e.test.ts checks which are loaded).
 */
function builtin<Module>(id: string): Module {
  // Node 20.16 and later, and every Node the runners and the GitLab component use.
  if (typeof process.getBuiltinModule !== 'function') {
    throw new Error(`pipeline-relay needs Node.js 20.16 or later; this is Node.js ${process.version}`)
  }
  return process.getBuiltinModule(id) as Module
}

export const fsModule = (): typeof fs => builtin('node:fs')
export const pathModule = (): typeof path => builtin('node:path')
export const httpModule = (): typeof http => builtin('node:http')
export const netModule = (): typeof net => builtin('node:net')
export const httpsModule = (): typeof https => builtin('node:https')
export const tlsModule = (): typeof tls => builtin('node:tls')
export const cryptoModule = (): typeof crypto => builtin('node:crypto')
