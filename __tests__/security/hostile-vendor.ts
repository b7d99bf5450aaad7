/**
 * A hostile vendor: a loopback HTTP proxy in front of a real emulator that forwards every request
 * untouched (method, raw path, headers including Host, body: the emulators' signature checks still
 * pass, since the client signed for the proxy's host) and rewrites the answers the rules pick.
 *
 * Why a proxy and not a "hostile mode" in each emulator: the emulators stay the vendors' honest
 * model (their tests and the lifecycle suites rely on that), one stand-in serves all four
 * providers and both Yunxiao APIs, and a rule names the wire field it poisons, so a test reads as
 * the attack it is. The proxy also records every raw request path exactly as the client sent it
 * (before any server-side normalisation), which is what the path-encoding checks need.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface SeenRequest {
  method: string
  /** The raw request target as sent: path and query, never normalised. */
  target: string
  headers: IncomingHttpHeaders
  body: string
}

export interface Rule {
  /** Which answers: default every one. */
  when?: (request: SeenRequest) => boolean
  /** Every property of that name, at any depth of the JSON answer, gets this value (or the function's result). */
  fields?: Record<string, unknown>
  /** Poison `fields` only inside the value of properties of this name (bk-ci's `data`, not its envelope). */
  within?: string
  /** Or a transformation of the whole parsed JSON answer (after `fields`). */
  json?: (body: unknown, request: SeenRequest) => unknown
  /** Or, instead of forwarding, this answer (the request is not forwarded at all). */
  answer?: (request: SeenRequest) => { status: number; headers?: Record<string, string>; body: string }
  /** Or no answer at all: the request hangs until the proxy closes (a read the client must abandon). */
  hold?: boolean
  /** How many answers this rule applies to; default all. */
  times?: number
}

export interface HostileVendor {
  /** The proxy's origin, e.g. http://127.0.0.1:41234 (append the emulator's base path yourself). */
  readonly url: string
  readonly seen: SeenRequest[]
  /** Rules apply in order; the set is replaced per case with `use`. */
  use(...rules: Rule[]): void
  /** Resolves once a request matching `test` has been seen since `seen[since]` (an event, never a timer). */
  waitFor(test: (request: SeenRequest) => boolean, since: number): Promise<SeenRequest>
  close(): Promise<void>
}

/** Sets `key` to `value` wherever it occurs in a JSON value; a function value gets the old value. */
export function poisonFields(node: unknown, fields: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map(item => poisonFields(item, fields))
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (Object.prototype.hasOwnProperty.call(fields, key)) {
      const replacement = fields[key]
      out[key] = typeof replacement === 'function' ? (replacement as (old: unknown) => unknown)(value) : replacement
    } else {
      out[key] = poisonFields(value, fields)
    }
  }
  return out
}

/** `poisonFields` applied to the value of every property named `within`, wherever it is. */
export function poisonWithin(node: unknown, within: string, fields: Record<string, unknown>): unknown {
  if (Array.isArray(node)) return node.map(item => poisonWithin(item, within, fields))
  if (node === null || typeof node !== 'object') return node
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) out[key] = key === within ? poisonFields(value, fields) : poisonWithin(value, within, fields)
  return out
}

export async function startHostileVendor(upstream: string): Promise<HostileVendor> {
  const target = new URL(upstream)
  const seen: SeenRequest[] = []
  let rules: { rule: Rule; left: number }[] = []
  const waiters: { test: (r: SeenRequest) => boolean; done: (r: SeenRequest) => void }[] = []

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const request: SeenRequest = { method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body: body.toString('utf8') }
      seen.push(request)
      for (const waiter of waiters.splice(0)) {
        if (waiter.test(request)) waiter.done(request)
        else waiters.push(waiter)
      }
      const active = rules.filter(entry => entry.left > 0 && (entry.rule.when?.(request) ?? true))
      const held = active.find(entry => entry.rule.hold === true)
      if (held !== undefined) {
        held.left -= 1
        return
      }
      const canned = active.find(entry => entry.rule.answer !== undefined)
      if (canned !== undefined) {
        canned.left -= 1
        const answer = canned.rule.answer!(request)
        res.writeHead(answer.status, { 'content-type': 'application/json;charset=UTF-8', ...answer.headers, 'content-length': Buffer.byteLength(answer.body) })
        res.end(answer.body)
        return
      }
      const forward = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers, agent: false },
        upstreamRes => {
          const parts: Buffer[] = []
          upstreamRes.on('data', (chunk: Buffer) => parts.push(chunk))
          upstreamRes.on('end', () => {
            let text = Buffer.concat(parts).toString('utf8')
            const rewriting = active.filter(entry => entry.rule.fields !== undefined || entry.rule.json !== undefined)
            if (rewriting.length > 0) {
              try {
                let json: unknown = JSON.parse(text)
                for (const entry of rewriting) {
                  entry.left -= 1
                  if (entry.rule.fields !== undefined) json = entry.rule.within === undefined ? poisonFields(json, entry.rule.fields) : poisonWithin(json, entry.rule.within, entry.rule.fields)
                  if (entry.rule.json !== undefined) json = entry.rule.json(json, request)
                }
                text = JSON.stringify(json)
              } catch {
                // Not JSON (a fault page): forwarded as it came.
              }
            }
            const headers = { ...upstreamRes.headers }
            delete headers['content-length']
            delete headers['transfer-encoding']
            res.writeHead(upstreamRes.statusCode ?? 502, { ...headers, 'content-length': Buffer.byteLength(text) })
            res.end(text)
          })
          upstreamRes.on('error', () => res.destroy())
        }
      )
      forward.on('error', () => res.destroy())
      forward.end(body)
    })
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    use(...next) {
      rules = next.map(rule => ({ rule, left: rule.times ?? Number.POSITIVE_INFINITY }))
    },
    waitFor(test, since) {
      const found = seen.slice(since).find(test)
      if (found !== undefined) return Promise.resolve(found)
      return new Promise(done => waiters.push({ test, done }))
    },
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections()
        server.close(() => done())
      })
  }
}
