import { RelayError, type ErrorKind } from '../../src/core/errors.js'
import {
  READ_RETRY_POLICY,
  WRITE_RETRY_POLICY,
  isRetryable,
  parseRetryAfter,
  retryDelayMs,
  withRetries,
  type Intent,
  type RetryNotice,
  type RetryPolicy
} from '../../src/core/retry.js'
import { FakeClock } from '../fixtures/fake-clock.js'

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)

function err(kind: ErrorKind, details: ConstructorParameters<typeof RelayError>[2] = {}): RelayError {
  return new RelayError(kind, `failure of kind ${kind}`, details)
}

describe('isRetryable', () => {
  // [kind, notSent, retryable as a read, retryable as a write]
  test.each<[ErrorKind, boolean, boolean, boolean]>([
    ['throttled', false, true, true],
    ['unavailable', false, true, true],
    ['network', false, true, false],
    ['network', true, true, true],
    ['timeout', false, true, false],
    ['timeout', true, true, true],
    ['server', false, true, false],
    ['server', true, true, false],
    ['protocol', false, true, false],
    ['auth', false, false, false],
    ['not_found', false, false, false],
    ['client', false, false, false],
    ['input', false, false, false],
    ['ambiguous', false, false, false],
    ['aborted', false, false, false]
  ])('%s (notSent %s): read %s, write %s', (kind, notSent, read, write) => {
    const error = err(kind, { notSent })
    expect(isRetryable(error, 'read')).toBe(read)
    expect(isRetryable(error, 'write')).toBe(write)
  })
})

describe('retryDelayMs', () => {
  const policy: RetryPolicy = { ...READ_RETRY_POLICY }

  test('full jitter: random 0 gives no pause at all', () => {
    for (const failures of [1, 2, 5, 12]) {
      expect(retryDelayMs(failures, err('server'), policy, () => 0)).toBe(0)
      expect(retryDelayMs(failures, err('throttled'), policy, () => 0)).toBe(0)
    }
  })

  test('full jitter: random just below 1 stays below the exponential ceiling', () => {
    const delays = [1, 2, 3, 4, 5].map(failures => retryDelayMs(failures, err('server'), policy, () => 0.999))
    expect(delays).toEqual([999, 1998, 3996, 7992, 15984])
    for (const [index, delay] of delays.entries()) {
      expect(delay).toBeLessThan(policy.baseDelayMs * 2 ** index)
    }
  })

  test('throttling uses the larger base', () => {
    expect(retryDelayMs(1, err('throttled'), policy, () => 0.999)).toBe(1998)
    expect(retryDelayMs(2, err('throttled'), policy, () => 0.5)).toBe(2000)
    expect(retryDelayMs(1, err('unavailable'), policy, () => 0.5)).toBe(500)
  })

  test('the ceiling is capped at maxDelayMs however many failures there were', () => {
    expect(retryDelayMs(6, err('server'), policy, () => 0.999)).toBe(Math.floor(0.999 * 20_000))
    expect(retryDelayMs(30, err('server'), policy, () => 0.999)).toBe(Math.floor(0.999 * 20_000))
    expect(retryDelayMs(30, err('throttled'), policy, () => 0.999)).toBe(Math.floor(0.999 * 20_000))
    expect(retryDelayMs(1000, err('server'), policy, () => 0.999)).toBeLessThan(policy.maxDelayMs)
  })

  test('a Retry-After is used as it is, without jitter', () => {
    expect(retryDelayMs(1, err('throttled', { retryAfterMs: 7000 }), policy, () => 0)).toBe(7000)
    expect(retryDelayMs(3, err('unavailable', { retryAfterMs: 0 }), policy, () => 0.999)).toBe(0)
  })

  test('a Retry-After longer than maxRetryAfterMs is clamped, a negative one is 0', () => {
    expect(retryDelayMs(1, err('throttled', { retryAfterMs: 3_600_000 }), policy, () => 0.5)).toBe(60_000)
    expect(retryDelayMs(1, err('throttled', { retryAfterMs: 3_600_000 }), { ...policy, maxRetryAfterMs: 5_000 }, () => 0.5)).toBe(5_000)
    expect(retryDelayMs(1, err('throttled', { retryAfterMs: -10 }), policy, () => 0.5)).toBe(0)
  })
})

describe('parseRetryAfter', () => {
  test.each<[string | undefined, number | undefined]>([
    ['7', 7_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 3 ', 3_000],
    ['120', 120_000],
    ['', undefined],
    ['   ', undefined],
    [undefined, undefined],
    ['soon', undefined],
    ['later please', undefined]
  ])('%j is %s ms', (value, ms) => {
    expect(parseRetryAfter(value, NOW)).toBe(ms)
  })

  test('an HTTP-date is the time left until it', () => {
    expect(parseRetryAfter(new Date(NOW + 30_000).toUTCString(), NOW)).toBe(30_000)
    expect(parseRetryAfter(new Date(NOW + 3_600_000).toUTCString(), NOW)).toBe(3_600_000)
  })

  test('an HTTP-date in the past is 0', () => {
    expect(parseRetryAfter(new Date(NOW - 60_000).toUTCString(), NOW)).toBe(0)
  })
})

describe('withRetries', () => {
  function script(...outcomes: (RelayError | string)[]): { attempt: (n: number) => Promise<string>; calls: number[] } {
    const calls: number[] = []
    const queue = [...outcomes]
    return {
      calls,
      attempt: async (n: number) => {
        calls.push(n)
        const next = queue.length > 1 ? queue.shift()! : queue[0]!
        if (next instanceof RelayError) throw next
        return next
      }
    }
  }

  function options(intent: Intent, clock: FakeClock, extra: Partial<{ policy: RetryPolicy; signal: AbortSignal; notices: RetryNotice[] }> = {}) {
    return {
      intent,
      policy: extra.policy ?? (intent === 'read' ? READ_RETRY_POLICY : WRITE_RETRY_POLICY),
      clock,
      signal: extra.signal,
      onRetry: (notice: RetryNotice) => extra.notices?.push(notice)
    }
  }

  test('retries a 503, then succeeds, and records the pause it took', async () => {
    const clock = new FakeClock(NOW, [0.5])
    const notices: RetryNotice[] = []
    const { attempt, calls } = script(err('unavailable', { status: 503 }), 'ok')
    await expect(withRetries(attempt, options('read', clock, { notices }))).resolves.toBe('ok')
    expect(calls).toEqual([1, 2])
    expect(clock.sleeps).toEqual([500])
    expect(clock.now() - NOW).toBe(500)
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ attempt: 1, maxAttempts: READ_RETRY_POLICY.maxAttempts, delayMs: 500 })
    expect(notices[0]!.error.status).toBe(503)
  })

  test('a 503 on a write is retried too: nothing was created', async () => {
    const clock = new FakeClock(NOW, [0.5, 0.5])
    const { attempt, calls } = script(err('unavailable', { status: 503 }), err('throttled', { status: 429 }), 'created')
    await expect(withRetries(attempt, options('write', clock))).resolves.toBe('created')
    expect(calls).toEqual([1, 2, 3])
    expect(clock.sleeps).toEqual([500, 2000])
  })

  test('backoff doubles between attempts', async () => {
    const clock = new FakeClock(NOW, [0.999, 0.999, 0.999])
    const { attempt } = script(err('server', { status: 500 }), err('server', { status: 502 }), err('network'), 'ok')
    await withRetries(attempt, options('read', clock))
    expect(clock.sleeps).toEqual([999, 1998, 3996])
  })

  test('gives up after maxAttempts and says so', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('unavailable', { status: 503, requestId: 'req-9', vendorCode: 'X.1' }))
    const failure = withRetries(attempt, options('read', clock))
    await expect(failure).rejects.toMatchObject({
      kind: 'unavailable',
      status: 503,
      requestId: 'req-9',
      vendorCode: 'X.1',
      message: 'failure of kind unavailable (gave up after 5 attempts)'
    })
    expect(calls).toEqual([1, 2, 3, 4, 5])
    expect(clock.sleeps).toHaveLength(4)
  })

  test('a write gives up after its own, smaller count', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('throttled', { status: 429 }))
    await expect(withRetries(attempt, options('write', clock))).rejects.toThrow('(gave up after 4 attempts)')
    expect(calls).toHaveLength(WRITE_RETRY_POLICY.maxAttempts)
  })

  test.each<[string, RelayError]>([
    ['400', err('client', { status: 400 })],
    ['401', err('auth', { status: 401 })],
    ['403', err('auth', { status: 403 })],
    ['404', err('not_found', { status: 404 })],
    ['a vendor business error', err('client', { status: 200, vendorCode: 'DEVPIPE.00011999' })]
  ])('never retries %s, and throws the error unchanged', async (_name, error) => {
    for (const intent of ['read', 'write'] as const) {
      const clock = new FakeClock(NOW)
      const { attempt, calls } = script(error, 'never')
      await expect(withRetries(attempt, options(intent, clock))).rejects.toBe(error)
      expect(calls).toEqual([1])
      expect(clock.sleeps).toEqual([])
    }
  })

  test('stops when the pauses would pass the budget', async () => {
    const clock = new FakeClock(NOW, [0.999, 0.999, 0.999, 0.999])
    const policy: RetryPolicy = { ...READ_RETRY_POLICY, budgetMs: 2_500 }
    const { attempt, calls } = script(err('server', { status: 500 }))
    // 999 ms fits; 999 + 1998 ms does not.
    await expect(withRetries(attempt, options('read', clock, { policy }))).rejects.toThrow('(gave up after 2 attempts)')
    expect(calls).toEqual([1, 2])
    expect(clock.sleeps).toEqual([999])
  })

  test('a Retry-After is honoured, clamped, and counts against the budget', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('throttled', { status: 429, retryAfterMs: 3_600_000 }))
    await expect(withRetries(attempt, options('read', clock))).rejects.toThrow('(gave up after 3 attempts)')
    // 60 s + 60 s fill the 120 s budget; a third pause would pass it.
    expect(clock.sleeps).toEqual([60_000, 60_000])
    expect(calls).toHaveLength(3)
  })

  test.each<[string, RelayError]>([
    ['a timeout', err('timeout', { notSent: false })],
    ['a reset connection', err('network', { notSent: false })],
    ['a 502', err('server', { status: 502 })],
    ['a 504', err('server', { status: 504 })],
    ['an unreadable answer', err('protocol', { status: 200 })]
  ])('a write that failed ambiguously (%s) is not sent again', async (_name, error) => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(error, 'second run')
    await expect(withRetries(attempt, options('write', clock))).rejects.toBe(error)
    expect(calls).toEqual([1])
    expect(clock.sleeps).toEqual([])
  })

  test('the same ambiguous failures are retried on a read', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('timeout'), err('network'), err('server', { status: 502 }), err('protocol'), 'state')
    await expect(withRetries(attempt, options('read', clock))).resolves.toBe('state')
    expect(calls).toHaveLength(5)
  })

  test('a write that provably never left is sent again', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('network', { notSent: true }), err('timeout', { notSent: true }), 'created')
    await expect(withRetries(attempt, options('write', clock))).resolves.toBe('created')
    expect(calls).toEqual([1, 2, 3])
  })

  test('foreign exceptions count as protocol faults', async () => {
    const clock = new FakeClock(NOW)
    let calls = 0
    const attempt = async (): Promise<string> => {
      calls += 1
      if (calls === 1) throw new TypeError('boom')
      return 'ok'
    }
    await expect(withRetries(attempt, options('read', clock))).resolves.toBe('ok')
    await expect(withRetries(async () => Promise.reject(new TypeError('bang')), options('write', clock))).rejects.toMatchObject({
      kind: 'protocol',
      message: 'Unexpected failure: bang'
    })
  })

  test('an aborted error stops at once', async () => {
    const clock = new FakeClock(NOW)
    const { attempt, calls } = script(err('aborted'), 'never')
    await expect(withRetries(attempt, options('read', clock))).rejects.toMatchObject({ kind: 'aborted' })
    expect(calls).toEqual([1])
    expect(clock.sleeps).toEqual([])
  })

  test('a failure after the signal aborted is not retried', async () => {
    const clock = new FakeClock(NOW)
    const controller = new AbortController()
    let calls = 0
    const attempt = async (): Promise<string> => {
      calls += 1
      controller.abort('received SIGINT')
      throw err('server', { status: 500 })
    }
    await expect(withRetries(attempt, options('read', clock, { signal: controller.signal }))).rejects.toMatchObject({ kind: 'server' })
    expect(calls).toBe(1)
    expect(clock.sleeps).toEqual([])
  })

  test('an abort as the pause begins ends the retries with an aborted error', async () => {
    const clock = new FakeClock(NOW)
    const controller = new AbortController()
    const notices: RetryNotice[] = []
    let calls = 0
    const attempt = async (): Promise<string> => {
      calls += 1
      throw err('unavailable', { status: 503 })
    }
    const opts = options('read', clock, { signal: controller.signal, notices })
    const onRetry = (notice: RetryNotice): void => {
      opts.onRetry(notice)
      controller.abort('received SIGTERM')
    }
    await expect(withRetries(attempt, { ...opts, onRetry })).rejects.toMatchObject({ kind: 'aborted', message: 'Stopped waiting: received SIGTERM' })
    expect(calls).toBe(1)
    expect(notices).toHaveLength(1)
  })
})
