/**
 * The src changes the reliability suite led to, each pinned down in process (the suite's child
 * processes show them end to end):
 * - a stop whose answer is lost reads the run before it reports a failure (operations.stopRun);
 * - a cancel that interrupts the lookup after an ambiguous start or retry says a run may exist
 *   (CanceledInDoubt), so that the abort handling can find and stop it;
 * - a write in flight when the job is canceled gets a short grace, not its whole request_timeout;
 * - a TLS certificate the runner does not trust is reported at once, not retried;
 * - clock skew is reported with the runner's and the server's time.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { RelayError, clockSkewHint } from '../../src/core/errors.js'
import { createNodeTransport } from '../../src/core/http.js'
import { silentLogger, type Logger } from '../../src/core/log.js'
import { CanceledInDoubt, retryRun, startRun, stopRun } from '../../src/core/operations.js'
import { isRetryable } from '../../src/core/retry.js'
import type { CancelOutcome, Provider, RunRef, RunState } from '../../src/providers/types.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { tlsServer, type Listening } from './harness.js'

const RUN: RunRef = { runId: 'run-1' }

function state(rawStatus: string, status: RunState['status'], terminal: boolean, attempt = '1'): RunState {
  return { runId: RUN.runId, rawStatus, status, terminal, attempt, jobs: [] }
}

/** A provider whose answers the test scripts; unused methods throw. */
function provider(parts: Partial<Provider>): Provider {
  const none = (): never => {
    throw new Error('not expected')
  }
  return {
    displayName: 'Emulated CI',
    describe: () => [],
    refFor: runId => ({ runId }),
    start: none,
    findStartedRun: none,
    retry: none,
    cancel: none,
    getState: none,
    ...parts
  }
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return { ...silentLogger, warnings, warning: message => void warnings.push(message) }
}

const lost = (): RelayError => new RelayError('network', 'POST host/stop failed: ECONNRESET')

describe('stopRun: a stop whose answer is lost', () => {
  test('reads the run, and a run that shows canceled was stopped', async () => {
    let stops = 0
    const reads: RunState[] = [state('RUNNING', 'running', false), state('CANCELED', 'canceled', true)]
    const log = recordingLog()
    const p = provider({
      cancel: async () => {
        stops += 1
        throw lost()
      },
      getState: async () => reads.shift() ?? state('CANCELED', 'canceled', true)
    })
    const clock = new FakeClock()
    await expect(stopRun(p, RUN, { clock, log })).resolves.toBe<CancelOutcome>('stopped')
    expect(stops).toBe(1)
    expect(clock.sleeps).toEqual([2_000])
    expect(log.warnings[0]).toMatch(/The stop request may have reached Emulated CI \(POST host\/stop failed: ECONNRESET\); reading run run-1/)
  })

  test('a run that ended otherwise had already ended', async () => {
    const p = provider({ cancel: async () => Promise.reject(lost()), getState: async () => state('COMPLETED', 'succeeded', true) })
    await expect(stopRun(p, RUN, { clock: new FakeClock(), log: silentLogger })).resolves.toBe('already-ended')
  })

  test('a run still going after every read: the stop is not sent again, and the failure says what was seen', async () => {
    let stops = 0
    let reads = 0
    const p = provider({
      cancel: async () => {
        stops += 1
        throw new RelayError('timeout', 'POST host/stop did not answer within 5000 ms')
      },
      getState: async () => {
        reads += 1
        return state('RUNNING', 'running', false)
      }
    })
    const failure = await stopRun(p, RUN, { clock: new FakeClock(), log: silentLogger }, { confirmPausesMs: [0, 1_000] }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(RelayError)
    expect((failure as RelayError).kind).toBe('timeout')
    expect((failure as RelayError).message).toBe('POST host/stop did not answer within 5000 ms; the stop request was not sent again, and it is still RUNNING')
    expect((failure as RelayError).hint).toMatch(/stop it there if it is still going on/)
    expect({ stops, reads }).toEqual({ stops: 1, reads: 2 })
  })

  test('a refusal is not a lost answer: no read, the refusal stands', async () => {
    let reads = 0
    const refusal = new RelayError('auth', 'no permission')
    const p = provider({
      cancel: async () => Promise.reject(refusal),
      getState: async () => {
        reads += 1
        return state('RUNNING', 'running', false)
      }
    })
    await expect(stopRun(p, RUN, { clock: new FakeClock(), log: silentLogger })).rejects.toBe(refusal)
    expect(reads).toBe(0)
  })

  test('out of time (the signal fires during a pause): the stop failure is reported, not the abort', async () => {
    const controller = new AbortController()
    const p = provider({
      cancel: async () => Promise.reject(lost()),
      getState: async () => {
        controller.abort('window over')
        return state('RUNNING', 'running', false)
      }
    })
    const failure = (await stopRun(p, RUN, { clock: new FakeClock(), log: silentLogger, signal: controller.signal }, { confirmPausesMs: [0, 1_000] }).catch((error: unknown) => error)) as RelayError
    expect(failure.kind).toBe('network')
    expect(failure.message).toMatch(/ECONNRESET; the stop request was not sent again, and it is still RUNNING/)
  })
})

describe('a cancel during the lookup after an ambiguous write says a run may exist', () => {
  test('start: CanceledInDoubt carries the mark and the time to look from', async () => {
    const controller = new AbortController()
    const clock = new FakeClock()
    const p = provider({
      start: async () => Promise.reject(new RelayError('timeout', 'POST host/run did not answer within 1000 ms')),
      findStartedRun: async () => {
        controller.abort('received SIGINT')
        throw new RelayError('aborted', 'GET host/list was interrupted: the job is being canceled')
      }
    })
    const since = clock.now()
    const failure = await startRun(p, { variables: [], jobs: [], correlationId: 'abcdef0123' }, { clock, log: silentLogger, signal: controller.signal }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CanceledInDoubt)
    expect((failure as CanceledInDoubt).kind).toBe('aborted')
    expect((failure as CanceledInDoubt).pending).toEqual({ operation: 'start', correlationId: 'abcdef0123', sinceMs: since })
    expect((failure as CanceledInDoubt).message).toMatch(/looking for the run its start request may have created \(mark relay:abcdef0123\)/)
  })

  test('retry: CanceledInDoubt carries the run', async () => {
    const controller = new AbortController()
    let reads = 0
    const p = provider({
      getState: async () => {
        reads += 1
        if (reads > 1) {
          controller.abort('received SIGINT')
          throw new RelayError('aborted', 'interrupted')
        }
        return state('FAILED', 'failed', true)
      },
      retry: async () => Promise.reject(new RelayError('server', 'HTTP 502', { status: 502 }))
    })
    const failure = await retryRun(p, RUN, { jobs: [], failedOnly: true, skipFailed: false }, { clock: new FakeClock(), log: silentLogger, signal: controller.signal }).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(CanceledInDoubt)
    expect((failure as CanceledInDoubt).pending).toEqual({ operation: 'retry', run: RUN })
  })
})

describe('the transport', () => {
  let silent: Server
  let base = ''
  let tls: Listening

  beforeAll(async () => {
    // Takes every request and never answers.
    silent = createServer(() => undefined)
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`
    tls = await tlsServer()
  })
  afterAll(async () => {
    silent.closeAllConnections()
    await new Promise(resolve => silent.close(resolve))
    await tls.close()
  })

  async function failure(promise: Promise<unknown>): Promise<RelayError> {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown
    )
    if (!(error instanceof RelayError)) throw new Error(`expected a RelayError, got ${String(error)}`)
    return error
  }

  test('a write in flight when the job is canceled is cut after the grace, not at its own timeout', async () => {
    const job = new AbortController()
    const send = createNodeTransport({ abortGrace: { signal: job.signal, ms: 200 } })
    const started = Date.now()
    // Canceled once the server holds the request: the write is in flight.
    silent.once('request', () => job.abort('received SIGINT'))
    const pending = failure(send({ method: 'POST', url: `${base}/run`, headers: {}, body: '{}', timeoutMs: 20_000 }))
    const error = await pending
    expect(Date.now() - started).toBeLessThan(2_000)
    expect(error.kind).toBe('timeout')
    expect(error.message).toMatch(/did not answer within 200 ms of the job being canceled/)
    // It may have reached the server: the at-most-once logic decides what it means.
    expect(error.notSent).toBe(false)
  })

  test('the grace never lengthens a request: an earlier deadline of its own stands', async () => {
    const job = new AbortController()
    const send = createNodeTransport({ abortGrace: { signal: job.signal, ms: 5_000 } })
    const started = Date.now()
    silent.once('request', () => job.abort())
    const pending = failure(send({ method: 'POST', url: `${base}/run`, headers: {}, body: '{}', timeoutMs: 300 }))
    const error = await pending
    expect(error.message).toMatch(/did not answer within 300 ms$/)
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  test('a request sent after the cancel (the stop itself) keeps its own timeout', async () => {
    const job = new AbortController()
    job.abort()
    const send = createNodeTransport({ abortGrace: { signal: job.signal, ms: 50 } })
    const started = Date.now()
    const error = await failure(send({ method: 'POST', url: `${base}/stop`, headers: {}, body: '{}', timeoutMs: 400 }))
    expect(error.message).toMatch(/did not answer within 400 ms$/)
    expect(Date.now() - started).toBeGreaterThanOrEqual(350)
  })

  test('a read whose signal has already fired is refused at once, as aborted (with or without a grace)', async () => {
    const job = new AbortController()
    job.abort()
    for (const send of [createNodeTransport(), createNodeTransport({ abortGrace: { signal: job.signal, ms: 50 } })]) {
      const error = await failure(send({ method: 'GET', url: `${base}/detail`, headers: {}, timeoutMs: 2_000 }, job.signal))
      expect(error.kind).toBe('aborted')
      expect(error.message).toBe('GET /detail was interrupted: the job is being canceled')
    }
  })

  test('a TLS certificate the runner does not trust is reported at once, with a fix, and not retried', async () => {
    const error = await failure(createNodeTransport()({ method: 'GET', url: `https://127.0.0.1:${tls.port}/detail`, headers: {}, timeoutMs: 2_000 }))
    expect(error.kind).toBe('client')
    expect(error.notSent).toBe(true)
    expect(error.message).toMatch(/does not trust the TLS certificate of 127\.0\.0\.1 \(UNABLE_TO_VERIFY_LEAF_SIGNATURE/)
    expect(error.hint).toMatch(/NODE_EXTRA_CA_CERTS/)
    expect(isRetryable(error, 'read')).toBe(false)
    expect(isRetryable(error, 'write')).toBe(false)
  })

  test('an https:// endpoint that speaks plain HTTP is reported as such', async () => {
    const error = await failure(createNodeTransport()({ method: 'GET', url: base.replace('http:', 'https:'), headers: {}, timeoutMs: 2_000 }))
    expect(error.kind).toBe('client')
    expect(error.notSent).toBe(true)
    expect(error.message).toMatch(/failed: the server did not answer in TLS \((EPROTO|ERR_SSL_WRONG_VERSION_NUMBER): .*wrong version number/i)
    expect(error.hint).toMatch(/speaks plain HTTP/)
  })
})

describe('clock skew', () => {
  const runner = Date.UTC(2026, 10, 22, 12, 0, 0)

  test('with the server Date header: both times, and which way and how far the runner is off', () => {
    const hint = clockSkewHint('Huawei Cloud', runner, new Date(runner + 40 * 60_000).toUTCString())
    expect(hint).toBe(
      "Huawei Cloud refused the request time as too far from its own (at most 15 minutes apart): runner time 2026-11-22T12:00:00.000Z, server time 2026-11-22T12:40:00.000Z, the runner is 40 min behind. Synchronize the runner's clock"
    )
    expect(clockSkewHint('Alibaba Cloud', runner, new Date(runner - 20 * 60_000).toUTCString())).toMatch(/the runner is 20 min ahead/)
  })

  test('without one: the runner time alone', () => {
    expect(clockSkewHint('Alibaba Cloud', runner, undefined)).toBe(
      "The request time differs from Alibaba Cloud's clock by more than 15 minutes (runner time 2026-11-22T12:00:00.000Z): synchronize the runner's clock"
    )
    expect(clockSkewHint('Alibaba Cloud', runner, 'not a date')).toMatch(/^The request time differs/)
  })
})
