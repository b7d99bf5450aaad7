import { abortedError } from '../../src/core/clock.js'
import { RelayError, type ErrorKind } from '../../src/core/errors.js'
import { autoInterval, fixedInterval, isNewAttempt, waitForRunEnd, type IntervalPolicy, type WaitOptions } from '../../src/core/poll.js'
import { runStatus } from '../../src/providers/codearts/status.js'
import type { RunState } from '../../src/providers/types.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { RUN } from '../fixtures/codearts.js'

const HOUR = 3_600_000
const MINUTE = 60_000

function state(rawStatus: string, extra: Partial<RunState> = {}): RunState {
  const meaning = runStatus(rawStatus)
  return { runId: RUN, rawStatus, status: meaning.status, terminal: meaning.terminal, jobs: [], ...extra }
}

/** A wait on a FakeClock; `script` answers each status read from the time elapsed since the start. */
function setup(script: (elapsedMs: number, call: number) => RunState | RelayError, overrides: Partial<WaitOptions> = {}) {
  const clock = new FakeClock()
  const start = clock.now()
  const reads: number[] = []
  const changes: { state: RunState; elapsedMs: number }[] = []
  const pollErrors: { error: RelayError; failures: number }[] = []
  const options: WaitOptions = {
    clock,
    deadline: start + HOUR,
    interval: fixedInterval(30_000),
    getState: async () => {
      const elapsed = clock.now() - start
      reads.push(elapsed)
      const answer = script(elapsed, reads.length)
      if (answer instanceof RelayError) throw answer
      return answer
    },
    onState: (s, elapsedMs) => changes.push({ state: s, elapsedMs }),
    onPollError: (error, failures) => pollErrors.push({ error, failures }),
    ...overrides
  }
  return { clock, start, reads, changes, pollErrors, wait: () => waitForRunEnd(options) }
}

describe('waitForRunEnd: deadline', () => {
  test('a one-hour wait runs in milliseconds and times out exactly at the deadline with the last state', async () => {
    const { clock, start, reads, wait } = setup((elapsed) => state('RUNNING', { jobs: [{ id: 'j', name: 'Build', status: 'running', rawStatus: elapsed < 30 * MINUTE ? 'QUEUED' : 'RUNNING' }] }))
    const began = performance.now()
    const result = await wait()
    expect(performance.now() - began).toBeLessThan(2_000)
    expect(result.outcome).toBe('timed_out')
    expect(result.state?.rawStatus).toBe('RUNNING')
    expect(result.state?.jobs[0]?.rawStatus).toBe('RUNNING')
    expect(clock.now() - start).toBe(HOUR)
    // A read every 30 s from 0 to the deadline, the last one at the deadline itself.
    expect(reads).toHaveLength(121)
    expect(reads.at(-1)).toBe(HOUR)
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(HOUR)
  })

  test('the last pause is cut short so the wait never passes the deadline', async () => {
    const { clock, start, wait } = setup(() => state('RUNNING'), { deadline: Date.UTC(2026, 10, 22, 12, 0, 0) + 100_000, interval: fixedInterval(30_000) })
    const result = await wait()
    expect(result.outcome).toBe('timed_out')
    expect(clock.sleeps).toEqual([30_000, 30_000, 30_000, 10_000])
    expect(clock.now() - start).toBe(100_000)
  })

  test('a deadline already passed reads once and times out', async () => {
    const { reads, clock, wait } = setup(() => state('RUNNING'), { deadline: Date.UTC(2026, 10, 22, 11, 0, 0) })
    await expect(wait()).resolves.toMatchObject({ outcome: 'timed_out', state: { rawStatus: 'RUNNING' } })
    expect(reads).toHaveLength(1)
    expect(clock.sleeps).toEqual([])
  })

  test('a run that ends is reported at once, with its state', async () => {
    const { reads, wait } = setup(elapsed => (elapsed < 5 * MINUTE ? state('RUNNING') : state('FAILED')))
    const result = await wait()
    expect(result).toMatchObject({ outcome: 'ended', state: { rawStatus: 'FAILED', status: 'failed' } })
    expect(reads.at(-1)).toBe(5 * MINUTE)
  })

  test('a timed-out wait with no successful read has no state', async () => {
    const { wait } = setup(() => new RelayError('network', 'ECONNRESET'))
    const result = await wait()
    expect(result.outcome).toBe('timed_out')
    expect(result.state).toBeUndefined()
  })
})

describe('waitForRunEnd: onState', () => {
  test('is called only when the state changes', async () => {
    const sequence = ['INIT', 'RUNNING', 'RUNNING', 'RUNNING', 'PAUSED', 'PAUSED', 'RUNNING', 'RUNNING', 'COMPLETED']
    const { changes, reads, wait } = setup((_elapsed, call) => state(sequence[call - 1]!))
    const result = await wait()
    expect(result.outcome).toBe('ended')
    expect(reads).toHaveLength(sequence.length)
    expect(changes.map(c => c.state.rawStatus)).toEqual(['INIT', 'RUNNING', 'PAUSED', 'RUNNING', 'COMPLETED'])
    expect(changes.map(c => c.elapsedMs)).toEqual([0, 30_000, 120_000, 180_000, 240_000])
  })

  test('a job that changes while the run stays RUNNING is a change', async () => {
    const job = (raw: string) => [{ id: 'j', name: 'Build', status: runStatus(raw).status as 'running', rawStatus: raw }]
    const sequence = [state('RUNNING', { jobs: job('QUEUED') }), state('RUNNING', { jobs: job('QUEUED') }), state('RUNNING', { jobs: job('RUNNING') }), state('COMPLETED', { jobs: job('COMPLETED') })]
    const { changes, wait } = setup((_elapsed, call) => sequence[call - 1]!)
    await wait()
    expect(changes.map(c => c.state.jobs[0]?.rawStatus)).toEqual(['QUEUED', 'RUNNING', 'COMPLETED'])
  })
})

describe('waitForRunEnd: errors while polling', () => {
  test('a 10-minute outage inside a 1-hour wait does not end it, and the later success is reported', async () => {
    const { pollErrors, changes, clock, start, wait } = setup((elapsed, call) => {
      if (elapsed >= 5 * MINUTE && elapsed < 15 * MINUTE) {
        return call % 2 === 0 ? new RelayError('server', 'CodeArts refused (HTTP 502)', { status: 502 }) : new RelayError('network', 'ECONNRESET')
      }
      return elapsed < 40 * MINUTE ? state('RUNNING') : state('COMPLETED')
    })
    const result = await wait()
    expect(result).toMatchObject({ outcome: 'ended', state: { rawStatus: 'COMPLETED', status: 'succeeded' } })
    expect(clock.now() - start).toBe(40 * MINUTE)
    expect(pollErrors).toHaveLength(20)
    expect(pollErrors.map(e => e.failures)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(new Set(pollErrors.map(e => e.error.kind))).toEqual(new Set(['server', 'network']))
    expect(changes.map(c => c.state.rawStatus)).toEqual(['RUNNING', 'COMPLETED'])
  })

  test('the failure count starts again after a good read', async () => {
    const { pollErrors, wait } = setup((_elapsed, call) => {
      if ([2, 3, 5].includes(call)) return new RelayError('timeout', 'no answer')
      return call < 7 ? state('RUNNING') : state('COMPLETED')
    })
    await wait()
    expect(pollErrors.map(e => e.failures)).toEqual([1, 2, 1])
  })

  test.each<ErrorKind>(['server', 'network', 'timeout', 'throttled', 'unavailable', 'protocol'])('a %s error does not end the wait', async kind => {
    const { wait } = setup((_elapsed, call) => (call <= 3 ? new RelayError(kind, 'passing') : state('COMPLETED')))
    await expect(wait()).resolves.toMatchObject({ outcome: 'ended' })
  })

  test('an exception that is not a RelayError is a passing fault too', async () => {
    let calls = 0
    const { wait } = setup(() => state('COMPLETED'), {
      getState: async () => {
        calls += 1
        if (calls === 1) throw new TypeError('cannot read properties of undefined')
        return state('COMPLETED')
      }
    })
    await expect(wait()).resolves.toMatchObject({ outcome: 'ended' })
  })

  test('an auth error ends the wait at once', async () => {
    const denied = new RelayError('auth', 'CodeArts refused to read the state: token expired', { status: 401, hint: 'get a new token' })
    const { reads, clock, start, wait } = setup(elapsed => (elapsed < 2 * MINUTE ? state('RUNNING') : denied))
    await expect(wait()).rejects.toBe(denied)
    expect(reads).toHaveLength(5)
    expect(clock.now() - start).toBe(2 * MINUTE)
  })

  test.each<ErrorKind>(['not_found', 'client', 'input', 'ambiguous'])('a %s error ends the wait at once', async kind => {
    const { reads, wait } = setup(() => new RelayError(kind, 'final'))
    await expect(wait()).rejects.toMatchObject({ kind })
    expect(reads).toHaveLength(1)
  })

  test('an unknown status keeps polling until the run ends', async () => {
    const { changes, reads, wait } = setup((_elapsed, call) => (call < 6 ? state('MYSTERY_STATE') : state('COMPLETED')))
    const result = await wait()
    expect(result).toMatchObject({ outcome: 'ended', state: { rawStatus: 'COMPLETED' } })
    expect(reads).toHaveLength(6)
    expect(changes[0]!.state).toMatchObject({ status: 'unknown', terminal: false, rawStatus: 'MYSTERY_STATE' })
  })

  test('an unknown status that never changes ends timed out', async () => {
    const { wait } = setup(() => state('MYSTERY_STATE'))
    await expect(wait()).resolves.toMatchObject({ outcome: 'timed_out', state: { status: 'unknown' } })
  })
})

describe('waitForRunEnd: intervals', () => {
  test('a fixed interval pauses exactly as configured', async () => {
    const { clock, wait } = setup((_elapsed, call) => (call < 10 ? state('RUNNING') : state('COMPLETED')), { interval: fixedInterval(45_000) })
    await wait()
    expect(clock.sleeps).toEqual(Array.from({ length: 9 }, () => 45_000))
  })

  test('the interval policy sees elapsed time, time since the last change, and the latest state', async () => {
    const seen: Parameters<IntervalPolicy>[0][] = []
    const { wait } = setup((_elapsed, call) => state(call < 3 ? 'RUNNING' : call < 4 ? 'PAUSED' : 'COMPLETED'), {
      interval: context => {
        seen.push(context)
        return 10_000
      }
    })
    await wait()
    expect(seen.map(c => [c.elapsedMs, c.sinceChangeMs, c.state?.rawStatus])).toEqual([
      [0, 0, 'RUNNING'],
      [10_000, 10_000, 'RUNNING'],
      [20_000, 0, 'PAUSED']
    ])
  })

  test('the policy is also given the clock, so that a run started before the wait counts its real age', async () => {
    const seen: Parameters<IntervalPolicy>[0][] = []
    const { clock, wait } = setup((_elapsed, call) => state(call < 2 ? 'RUNNING' : 'COMPLETED'), {
      interval: context => {
        seen.push(context)
        return 10_000
      }
    })
    const start = clock.now()
    await wait()
    expect(seen.map(c => c.nowMs)).toEqual([start])
  })

  test('auto without history: short pauses first, then every 10 s, growing slowly once the run is old', async () => {
    const { clock, wait } = setup(elapsed => (elapsed < 30 * MINUTE ? state('RUNNING') : state('COMPLETED')), { interval: autoInterval() })
    await wait()
    const sleeps = clock.sleeps
    for (let i = 1; i < sleeps.length; i++) expect(sleeps[i]!).toBeGreaterThanOrEqual(sleeps[i - 1]!)
    expect(sleeps.slice(0, 3)).toEqual([5_000, 5_000, 10_000])
    expect(sleeps.at(-1)).toBeLessThanOrEqual(30_000)
    // Fewer reads than a fixed 10 s (181 in 30 minutes), since the pauses grow past 15 minutes.
    expect(sleeps.length).toBeLessThan(170)
  })

  test('auto with history: a run far from its usual length is read rarely, then densely around its expected end', async () => {
    const history = Array.from({ length: 20 }, (_, i) => (8 + (i % 5) - 2) * MINUTE)
    const end = 9 * MINUTE
    const { clock, wait, reads } = setup(elapsed => (elapsed < end ? state('RUNNING') : state('COMPLETED')), { interval: autoInterval({ history }) })
    const result = await wait()
    expect(result.outcome).toBe('ended')
    // Detected within 8 s of the end, with far fewer reads than a fixed 10 s poller (55).
    expect(reads.at(-1)! - end).toBeLessThanOrEqual(8_000)
    expect(reads.length).toBeLessThan(45)
    expect(Math.max(...clock.sleeps)).toBe(60_000)
  })
})

describe('waitForRunEnd: after a retry', () => {
  const previous = state('FAILED', { attempt: '1700000000000/1700000090000', endedAt: 1_700_000_090_000 })

  test("the previous attempt's terminal state is not the outcome: the wait follows the new attempt", async () => {
    const sequence = [previous, previous, state('RUNNING', { attempt: '1700000000000/0' }), state('COMPLETED', { attempt: '1700000000000/1700000500000' })]
    const { changes, reads, wait } = setup((_elapsed, call) => sequence[Math.min(call, sequence.length) - 1]!, { previous })
    const result = await wait()
    expect(result).toMatchObject({ outcome: 'ended', state: { rawStatus: 'COMPLETED', status: 'succeeded' } })
    expect(reads).toHaveLength(4)
    expect(changes.map(c => c.state.rawStatus)).toEqual(['RUNNING', 'COMPLETED'])
  })

  test('a terminal state of a different attempt is a new attempt and ends the wait', async () => {
    const again = state('FAILED', { attempt: '1700000000000/1700000600000' })
    const { reads, wait } = setup((_elapsed, call) => (call < 3 ? previous : again), { previous })
    await expect(wait()).resolves.toEqual({ outcome: 'ended', state: again })
    expect(reads).toHaveLength(3)
  })

  test('a different run id is a new attempt', async () => {
    const other = state('COMPLETED', { runId: '99990000999900009999000099990000', attempt: previous.attempt })
    const { wait } = setup(() => other, { previous })
    await expect(wait()).resolves.toEqual({ outcome: 'ended', state: other })
  })

  test('throws after the grace period when no new attempt appears', async () => {
    const { reads, clock, start, changes, wait } = setup(() => previous, { previous, newAttemptGraceMs: 120_000 })
    await expect(wait()).rejects.toMatchObject({
      kind: 'client',
      message: 'The run still shows its previous result (FAILED) 120 s after the retry request; the retry did not take effect'
    })
    expect(clock.now() - start).toBe(150_000)
    expect(reads).toHaveLength(6)
    expect(changes).toEqual([])
  })

  test('the default grace period is two minutes', async () => {
    const { clock, start, wait } = setup(() => previous, { previous })
    await expect(wait()).rejects.toMatchObject({ kind: 'client' })
    expect(clock.now() - start).toBeGreaterThan(120_000)
    expect(clock.now() - start).toBeLessThanOrEqual(150_000)
  })

  test('without attempt marks, a same-run terminal state is still the previous result', async () => {
    const old = state('FAILED')
    const { wait } = setup(() => old, { previous: old, newAttemptGraceMs: 60_000 })
    await expect(wait()).rejects.toMatchObject({ kind: 'client' })
  })

  test('isNewAttempt', () => {
    expect(isNewAttempt(previous, previous)).toBe(false)
    expect(isNewAttempt(previous, state('FAILED', { attempt: previous.attempt }))).toBe(false)
    expect(isNewAttempt(previous, state('RUNNING', { attempt: previous.attempt }))).toBe(true)
    expect(isNewAttempt(previous, state('PAUSED', { attempt: previous.attempt }))).toBe(true)
    expect(isNewAttempt(previous, state('FAILED', { attempt: 'other' }))).toBe(true)
    expect(isNewAttempt(previous, state('FAILED', { attempt: undefined }))).toBe(false)
    expect(isNewAttempt(previous, state('FAILED', { attempt: previous.attempt, runId: 'x' }))).toBe(true)
  })
})

describe('waitForRunEnd: abort', () => {
  /** A clock whose pauses only end by abort, as a real long pause would when the job is canceled. */
  class PausingClock extends FakeClock {
    sleeping: (() => void) | undefined
    private readonly started = new Promise<void>(resolve => {
      this.sleeping = resolve
    })
    whenSleeping(): Promise<void> {
      return this.started
    }
    override sleep(ms: number, signal?: AbortSignal): Promise<void> {
      this.sleeps.push(ms)
      this.sleeping?.()
      return new Promise<void>((_resolve, reject) => {
        if (signal?.aborted === true) reject(abortedError(signal))
        signal?.addEventListener('abort', () => reject(abortedError(signal)), { once: true })
      })
    }
  }

  test('an abort during a pause throws an aborted RelayError', async () => {
    const clock = new PausingClock()
    const controller = new AbortController()
    let reads = 0
    const waiting = waitForRunEnd({
      clock,
      signal: controller.signal,
      deadline: clock.now() + HOUR,
      interval: fixedInterval(30_000),
      getState: async () => {
        reads += 1
        return state('RUNNING')
      }
    })
    await clock.whenSleeping()
    controller.abort('received SIGINT')
    await expect(waiting).rejects.toBeInstanceOf(RelayError)
    await expect(waiting).rejects.toMatchObject({ kind: 'aborted', message: 'Stopped waiting: received SIGINT' })
    expect(reads).toBe(1)
    expect(clock.sleeps).toEqual([30_000])
  })

  test('an abort during a status read ends the wait even if the read fails for a passing reason', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    const waiting = waitForRunEnd({
      clock,
      signal: controller.signal,
      deadline: clock.now() + HOUR,
      interval: fixedInterval(30_000),
      getState: async () => {
        controller.abort('received SIGTERM')
        throw new RelayError('network', 'socket closed')
      }
    })
    await expect(waiting).rejects.toMatchObject({ kind: 'network' })
    expect(clock.sleeps).toEqual([])
  })

  test('an already aborted signal reads nothing', async () => {
    const clock = new FakeClock()
    const controller = new AbortController()
    controller.abort()
    let reads = 0
    await expect(
      waitForRunEnd({
        clock,
        signal: controller.signal,
        deadline: clock.now() + HOUR,
        interval: fixedInterval(30_000),
        getState: async () => {
          reads += 1
          return state('RUNNING')
        }
      })
    ).rejects.toMatchObject({ kind: 'aborted', message: 'Stopped waiting: the job was canceled' })
    expect(reads).toBe(0)
  })
})
