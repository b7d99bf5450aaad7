/**
 * The fault matrix: for one provider world, every operation (run, retry, cancel, watch) under every
 * fault of issue #7, each case the built bundle run as a GitHub step against a fresh emulator of its
 * own (so cases run side by side). The fault hits the request the operation is about — the start,
 * the retry, the stop, the status read — or, for network faults, the endpoint itself.
 *
 * Each case ends one of two ways: success with exactly the runs the operation makes (one for run,
 * one more attempt for retry, one accepted stop for cancel, none for watch), or a clear error that
 * names the cause. Never a second run or a second attempt, never a hang (every child is bounded),
 * never a stack trace, never a credential in anything written (debug logging on).
 */
import { readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Scenario, World, WorldFault } from '../e2e/worlds/types.js'
import type { Flavour } from './flavours.js'
import { STACK_TRACE, UNRESOLVABLE_HOST, closedPort, errorLines, githubStep, tlsServer, withOrigin, type Listening, type Ran } from './harness.js'

export type Operation = 'run' | 'retry' | 'cancel' | 'watch'
export const OPERATIONS: readonly Operation[] = ['run', 'retry', 'cancel', 'watch']

/** The request each operation is about, where its faults are injected. */
const TARGET = { run: 'start', retry: 'retry', cancel: 'stop', watch: 'status' } as const

const MB = 1024 * 1024
/** Peak memory a step may reach while a 50 MB answer comes in: the body is cut at 8 MB. */
export const HUGE_BODY_RSS_LIMIT_MB = 120
const MAX_RSS_PRELOAD = resolve(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'max-rss.cjs')

type FaultSpec = WorldFault extends infer F ? (F extends WorldFault ? Omit<F, 'on'> : never) : never

/**
 * How a fault behaves, which decides the outcome:
 * - `refusal`: the server refused without acting (429, the vendor's throttling, 503): sent again, succeeds;
 * - `unprocessed`: the server may have acted as far as the client can tell, but did not (500, 502, 504,
 *   a proxy's HTML page, a connection cut before the work): a read is sent again; a start or retry is
 *   looked up, not found, and reported, never sent twice;
 * - `processed`: the work was done and the answer lost or garbled (cut after, reset, slow, malformed,
 *   empty, huge, wrong shape): a read is sent again; a start or retry is looked up and followed;
 * - `business`: the vendor said no (in a 2xx answer): reported at once;
 * - `network`: the endpoint cannot be reached at all.
 */
type Behaviour = 'refusal' | 'unprocessed' | 'processed' | 'business' | 'network'

interface Row {
  id: string
  title: string
  behaviour: Behaviour
  fault?: (flavour: Flavour) => FaultSpec
  endpoint?: 'refused' | 'dns' | 'tls'
}

export const ROWS: readonly Row[] = [
  { id: 'refused', title: 'connection refused', behaviour: 'network', endpoint: 'refused' },
  { id: 'dns', title: 'DNS failure', behaviour: 'network', endpoint: 'dns' },
  { id: 'tls', title: 'TLS handshake failure (untrusted certificate)', behaviour: 'network', endpoint: 'tls' },
  { id: '429', title: '429 without Retry-After', behaviour: 'refusal', fault: () => ({ kind: 'status', status: 429 }) },
  { id: '429-seconds', title: '429 with Retry-After in seconds', behaviour: 'refusal', fault: () => ({ kind: 'status', status: 429, headers: { 'Retry-After': '1' } }) },
  {
    id: '429-date',
    title: '429 with Retry-After as an HTTP date',
    behaviour: 'refusal',
    fault: () => ({ kind: 'status', status: 429, headers: { 'Retry-After': new Date(Date.now() + 1500).toUTCString() } })
  },
  { id: 'throttle', title: "the vendor's throttling code", behaviour: 'refusal', fault: () => ({ kind: 'throttle' }) },
  { id: '500', title: '500', behaviour: 'unprocessed', fault: () => ({ kind: 'status', status: 500 }) },
  { id: '502', title: '502', behaviour: 'unprocessed', fault: () => ({ kind: 'status', status: 502 }) },
  { id: '503', title: '503', behaviour: 'refusal', fault: () => ({ kind: 'status', status: 503 }) },
  { id: '504', title: '504', behaviour: 'unprocessed', fault: () => ({ kind: 'status', status: 504 }) },
  { id: 'slow', title: 'an answer slower than the request timeout', behaviour: 'processed', fault: () => ({ kind: 'slow', delayMs: 3_000 }) },
  { id: 'reset', title: 'connection reset mid-body', behaviour: 'processed', fault: () => ({ kind: 'reset-mid-body' }) },
  { id: 'cut-before', title: 'request accepted, connection cut before the work', behaviour: 'unprocessed', fault: () => ({ kind: 'drop' }) },
  { id: 'cut-after', title: 'request accepted, connection cut after the work', behaviour: 'processed', fault: () => ({ kind: 'accept-then-cut' }) },
  { id: 'vendor-error', title: 'a 2xx answer with a vendor error in the body', behaviour: 'business', fault: flavour => ({ kind: 'status', status: 200, body: flavour.vendorError.body }) },
  { id: 'malformed', title: 'malformed JSON', behaviour: 'processed', fault: () => ({ kind: 'malformed' }) },
  { id: 'html', title: 'an HTML error page', behaviour: 'unprocessed', fault: () => ({ kind: 'html' }) },
  { id: 'empty', title: 'an empty body', behaviour: 'processed', fault: () => ({ kind: 'empty' }) },
  { id: 'huge', title: 'a 50 MB body', behaviour: 'processed', fault: () => ({ kind: 'huge', sizeBytes: 50 * MB }) },
  { id: 'wrong-shape', title: 'a body of the wrong shape', behaviour: 'processed', fault: () => ({ kind: 'wrong-shape' }) }
]

/** What a case must end in. `cause` is matched against the step's error lines (or, for a wait that timed out, its warnings). */
export type Expectation = { ok: true } | { ok: false; cause: RegExp; timedOut?: boolean }

const NETWORK_CAUSE: Record<NonNullable<Row['endpoint']>, RegExp> = {
  refused: /ECONNREFUSED/,
  dns: /ENOTFOUND|EAI_AGAIN/,
  tls: /certificate|UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/i
}

/** Why a write that may have taken effect was not sent again. */
const NOT_SENT_TWICE = { run: /not sent again, so that the pipeline does not run twice/, retry: /not sent again, so that the run is not retried twice/ } as const

/**
 * The expected outcome of one case. Vendor quirks are named where they apply, each with its reason.
 */
export function expectationFor(row: Row, operation: Operation, flavour: Flavour): Expectation {
  if (row.endpoint !== undefined) {
    const cause = NETWORK_CAUSE[row.endpoint]
    // A wait outlives an unreachable status endpoint (it may come back) until its timeout; a
    // certificate nobody trusts will not change, so it ends everything at once.
    if (operation === 'watch' && row.endpoint !== 'tls') return { ok: false, cause, timedOut: true }
    return { ok: false, cause }
  }
  switch (row.behaviour) {
    case 'refusal':
      return { ok: true }
    case 'business':
      return { ok: false, cause: operation === 'cancel' ? new RegExp(`${flavour.vendorError.cause.source}|did not stop run \\S+; it is still`) : flavour.vendorError.cause }
    case 'unprocessed':
      if (operation === 'watch') return { ok: true }
      if (operation === 'cancel') return { ok: false, cause: /stop/ }
      return { ok: false, cause: NOT_SENT_TWICE[operation] }
    case 'processed':
      // A GitCode rerun makes a new run, which a look at the old one cannot find.
      if (operation === 'retry' && flavour.id === 'codearts-pac') return { ok: false, cause: NOT_SENT_TWICE.retry }
      return { ok: true }
    case 'network':
      throw new Error(`row ${row.id} has no endpoint`)
  }
}

/** Network stand-ins shared by a file's cases. */
export interface Network {
  refusedPort: number
  tls: Listening
}

export async function startNetwork(): Promise<Network> {
  return { refusedPort: await closedPort(), tls: await tlsServer() }
}

function brokenEndpoint(endpoint: string, kind: NonNullable<Row['endpoint']>, network: Network): string {
  switch (kind) {
    case 'refused':
      return withOrigin(endpoint, `http://127.0.0.1:${network.refusedPort}`)
    case 'dns':
      return withOrigin(endpoint, `https://${UNRESOLVABLE_HOST}`)
    case 'tls':
      return withOrigin(endpoint, `https://127.0.0.1:${network.tls.port}`)
  }
}

/** The scenario each operation works on, and what the case checks at the end. */
const SCENARIO: Record<Operation, Scenario> = { run: 'succeed', retry: 'fail', cancel: 'long', watch: 'succeed' }

const WAIT = { poll_interval: '100ms', request_timeout: '2s', timeout: '20s' }

export interface CaseResult {
  ran: Ran
  setup?: Ran
  created: number
  attemptsAdded: number
  stops: number
  runId: string
  /** Peak memory of the step, for the 50 MB body cases. */
  maxRssMb?: number
}

/** One case: its own emulator, the setup the operation needs (a failed run, a running one...), the fault, the step. */
export async function runCase(flavour: Flavour, row: Row, operation: Operation, network: Network): Promise<CaseResult> {
  const world: World = flavour.make()
  await world.start()
  try {
    const scenario = SCENARIO[operation]
    let runId = ''
    let setup: Ran | undefined
    if (row.endpoint !== undefined) {
      // Nothing reaches the server, so the run only has to be well-formed.
      runId = flavour.placeholderRunId
    } else if (operation !== 'run') {
      // retry: a failed run; cancel: a running one; watch: one started without waiting.
      setup = await githubStep({ inputs: world.inputs(scenario, { ...WAIT, wait: operation === 'retry' ? 'true' : 'false' }), secrets: world.secrets })
      runId = setup.outputs.run_id ?? ''
      if (runId === '') throw new Error(`setup of ${operation} made no run: ${setup.stdout}`)
    }
    const extra: Record<string, string> = { ...WAIT, ...(operation === 'run' ? {} : { operation, run_id: runId }) }
    if (row.endpoint !== undefined) {
      extra.endpoint = brokenEndpoint(world.inputs(scenario).endpoint ?? '', row.endpoint, network)
      if (operation === 'watch') extra.timeout = '4s'
    }
    const fault = row.fault?.(flavour)
    if (fault !== undefined) world.injectFault({ ...fault, on: TARGET[operation] } as WorldFault)
    const createdBefore = world.runsCreated()
    const attemptsBefore = runId === '' || row.endpoint !== undefined ? 0 : world.attempts(runId, scenario)
    // A 50 MB answer: the step reports its peak memory, which must stay far below the body's size.
    const rss = row.id === 'huge' ? join(tmpdir(), `relay-rss-${process.pid}-${Math.random().toString(16).slice(2)}`) : undefined
    const env: Record<string, string> = rss === undefined ? {} : { NODE_OPTIONS: `--require ${MAX_RSS_PRELOAD}`, RELAY_MAX_RSS_FILE: rss }
    const ran = await githubStep({ inputs: world.inputs(scenario, extra), secrets: world.secrets, env })
    const maxRssMb = rss === undefined ? undefined : Number(readFileSync(rss, 'utf8')) / 1024
    if (rss !== undefined) rmSync(rss, { force: true })
    const id = operation === 'run' ? (ran.outputs.run_id ?? '') : runId
    // A new run starts at attempt 1: only attempts beyond that are retries.
    const attempts = id === '' || row.endpoint !== undefined ? 0 : world.attempts(id, scenario) - (operation === 'run' ? 1 : attemptsBefore)
    return {
      ran,
      setup,
      created: world.runsCreated() - createdBefore,
      attemptsAdded: attempts,
      stops: id === '' || row.endpoint !== undefined ? 0 : world.stopCount(id, scenario),
      runId: id,
      maxRssMb
    }
  } finally {
    await world.stop()
  }
}

/** Checks one case's outcome against its expectation. */
export function checkCase(result: CaseResult, expectation: Expectation, operation: Operation, flavour: Flavour): void {
  const { ran } = result
  const log = ran.stdout + ran.stderr
  // Bounded: the step ended by itself, well within the kill timer, never killed.
  expect(ran.signal).toBeNull()
  expect(ran.durationMs).toBeLessThan(35_000)
  // Sentences, never a stack trace or an unhandled rejection.
  expect(log).not.toMatch(STACK_TRACE)
  expect(log).not.toMatch(/Unhandled|UnhandledPromiseRejection|Unexpected failure/)
  // Memory stays bounded: what is read of a 50 MB answer is capped.
  if (result.maxRssMb !== undefined) expect(result.maxRssMb).toBeLessThan(HUGE_BODY_RSS_LIMIT_MB)
  // Nothing written anywhere holds a credential, in any encoding.
  expect(ran.leaks).toEqual([])
  expect(result.setup?.leaks ?? []).toEqual([])

  // Never a second run, never a second attempt, never a second stop.
  const retryMakesRun = flavour.id === 'codearts-pac'
  expect(result.created).toBeLessThanOrEqual(operation === 'run' || (operation === 'retry' && retryMakesRun) ? 1 : 0)
  expect(result.attemptsAdded).toBeLessThanOrEqual(operation === 'retry' ? 1 : 0)
  expect(result.stops).toBeLessThanOrEqual(operation === 'cancel' ? 1 : 0)

  if (expectation.ok) {
    expect({ exitCode: ran.exitCode, errors: errorLines(ran.stdout) }).toEqual({ exitCode: 0, errors: [] })
    expect(ran.outputs.status).toBe(operation === 'cancel' ? 'canceled' : 'succeeded')
    if (operation === 'run') expect(result.created).toBe(1)
    if (operation === 'retry') expect(retryMakesRun ? result.created : result.attemptsAdded).toBe(1)
    if (operation === 'cancel') expect(result.stops).toBe(1)
    return
  }
  expect(ran.exitCode).toBe(1)
  const errors = errorLines(ran.stdout)
  expect(errors.length).toBeGreaterThan(0)
  if (expectation.timedOut === true) {
    // The wait went on until its timeout; the log says why each read failed.
    expect(ran.outputs.status).toBe('timed_out')
    expect(ran.stdout.split('\n').filter(line => line.startsWith('::warning')).join('\n')).toMatch(expectation.cause)
  } else {
    expect(errors.join('\n')).toMatch(expectation.cause)
  }
}

/** A failed check says what the step did, not only which expectation broke. */
function explain(result: CaseResult, error: unknown): Error {
  const { ran } = result
  const lines = ran.stdout.split('\n').filter(line => /^::(error|warning)/.test(line) || /^(Started|Found|Retrying|Asked|Run )/.test(line))
  const memory = result.maxRssMb === undefined ? '' : `; peak memory ${result.maxRssMb.toFixed(0)} MB`
  const facts = `exit ${String(ran.exitCode)} after ${ran.durationMs} ms; created ${result.created}, attempts +${result.attemptsAdded}, stops ${result.stops}; status ${ran.outputs.status ?? '-'}${memory}`
  const message = error instanceof Error ? error.message : String(error)
  return new Error(`${message}\n\n${facts}\n${lines.slice(-12).join('\n')}`)
}

/** Registers the whole matrix for one world: ROWS × OPERATIONS cases, run side by side. */
export function faultMatrixSuite(flavour: Flavour): void {
  let network: Network | undefined
  beforeAll(async () => {
    network = await startNetwork()
  })
  afterAll(async () => {
    await network?.tls.close()
  })

  describe(`${flavour.id}: every operation under every fault`, () => {
    for (const row of ROWS) {
      for (const operation of OPERATIONS) {
        const expectation = expectationFor(row, operation, flavour)
        const outcome = expectation.ok ? 'succeeds' : expectation.timedOut === true ? 'waits out its timeout, saying why' : 'fails clearly'
        test.concurrent(
          `${operation} × ${row.title}: ${outcome}`,
          async () => {
            if (network === undefined) throw new Error('the network stand-ins are not up')
            const result = await runCase(flavour, row, operation, network)
            try {
              checkCase(result, expectation, operation, flavour)
            } catch (error) {
              throw explain(result, error)
            }
          },
          90_000
        )
      }
    }
  })
}
