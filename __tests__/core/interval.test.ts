import { autoInterval, durationModel, fixedInterval, type PollContext } from '../../src/core/interval.js'
import { waitForRunEnd } from '../../src/core/poll.js'
import type { JobState, PartStatus, RunState, Status } from '../../src/providers/types.js'
import { FakeClock } from '../fixtures/fake-clock.js'

const SECOND = 1_000
const MINUTE = 60_000
const HOUR = 3_600_000
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0)

function job(id: string, status: PartStatus, stage = 'Build'): JobState {
  return { id, name: id, stage, status, rawStatus: status.toUpperCase() }
}

function running(jobs: JobState[] = [], extra: Partial<RunState> = {}): RunState {
  return { runId: 'r1', status: 'running', rawStatus: 'RUNNING', terminal: false, jobs, ...extra }
}

function withStatus(status: Status): RunState {
  return { ...running(), status, rawStatus: status.toUpperCase() }
}

/** A context `elapsedMs` into the wait, with no change since the start unless given. */
function at(elapsedMs: number, state?: RunState, sinceChangeMs = elapsedMs): PollContext {
  return { elapsedMs, sinceChangeMs, state, nowMs: NOW }
}

// Three stages: Build done, Test running, Deploy not started; and the same run in its last stage.
const PENDING = [job('compile', 'succeeded'), job('unit', 'running', 'Test'), job('deploy', 'queued', 'Deploy')]
const LAST_STAGE = [job('compile', 'succeeded'), job('unit', 'succeeded', 'Test'), job('deploy', 'running', 'Deploy')]
// Recent runs of about 8 minutes (6 to 10).
const HISTORY = Array.from({ length: 20 }, (_, i) => (6 + (i % 5)) * MINUTE)

describe('fixedInterval', () => {
  test('always the configured pause', () => {
    const policy = fixedInterval(45_000)
    expect([policy(at(0)), policy(at(HOUR, running(LAST_STAGE)))]).toEqual([45_000, 45_000])
  })
})

describe('durationModel', () => {
  test('needs three finished runs; nonsense durations do not count', () => {
    expect(durationModel([])).toBeUndefined()
    expect(durationModel([5 * MINUTE, 6 * MINUTE])).toBeUndefined()
    expect(durationModel([5 * MINUTE, 6 * MINUTE, Number.NaN, 0, -1, 3 * 24 * HOUR])).toBeUndefined()
    expect(durationModel([5 * MINUTE, 6 * MINUTE, 7 * MINUTE])?.runs).toBe(3)
  })

  test('a log-normal fit from the median and the quartiles of the logarithms', () => {
    // ln 4, ln 8, ln 16 min: the quartiles are ln 4√2 and ln 8√2, an interquartile range of ln 2.
    const model = durationModel([16 * MINUTE, 4 * MINUTE, 8 * MINUTE])!
    expect(model.medianMs).toBeCloseTo(8 * MINUTE, 6)
    expect(model.spread).toBeCloseTo(Math.log(2) / 1.349, 6)
    expect(model.earliestMs).toBeCloseTo(8 * MINUTE * Math.exp(-2 * model.spread), 3)
    expect(model.latestMs).toBeCloseTo(8 * MINUTE * Math.exp(2 * model.spread), 3)
  })

  test('identical runs still leave a margin: a floor on the spread, and the earliest end below the shortest run', () => {
    const many = durationModel(Array.from({ length: 10 }, () => 8 * MINUTE))!
    expect(many.spread).toBe(0.1)
    expect(many.earliestMs).toBeCloseTo(8 * MINUTE * Math.exp(-0.2), 3)
    // Few runs say less: the spread is taken wider.
    expect(durationModel([8 * MINUTE, 8 * MINUTE, 8 * MINUTE])!.spread).toBe(0.3)
  })

  test('one odd run hardly moves the median, and only widens the window on its own side', () => {
    const usual = durationModel(HISTORY)!
    const odd = durationModel([...HISTORY.slice(1), 3 * HOUR])!
    expect(Math.abs(odd.medianMs - usual.medianMs)).toBeLessThanOrEqual(30 * SECOND)
    expect(odd.latestMs).toBe(3 * HOUR)
    expect(odd.earliestMs).toBeGreaterThan(0.8 * usual.earliestMs)
  })

  test('the earliest plausible end stays below the fastest run seen', () => {
    const model = durationModel([8 * MINUTE, 8 * MINUTE, 8 * MINUTE, 8 * MINUTE, 8 * MINUTE, 8 * MINUTE, 8 * MINUTE, 2 * MINUTE])!
    expect(model.earliestMs).toBeLessThanOrEqual(0.9 * 2 * MINUTE)
  })
})

describe('autoInterval without history', () => {
  const auto = autoInterval()

  test.each<[string, PollContext, number]>([
    ['the first pause', at(0, running()), 5 * SECOND],
    ['5 s in', at(5 * SECOND, running()), 5 * SECOND],
    ['then doubling', at(8 * SECOND, running()), 8 * SECOND],
    ['no stage signal: every 10 s', at(12 * SECOND, running()), 10 * SECOND],
    ['still 10 s at 15 minutes', at(15 * MINUTE, running()), 10 * SECOND],
    ['then a ninetieth of the age', at(30 * MINUTE, running()), 20 * SECOND],
    ['at most 30 s', at(6 * HOUR, running()), 30 * SECOND],
    ['no state yet', at(2 * MINUTE), 10 * SECOND],
    ['stages still to start: every 30 s', at(5 * MINUTE, running(PENDING)), 30 * SECOND],
    ['…but not before the first pauses are over', at(10 * SECOND, running(PENDING)), 10 * SECOND],
    ['the last stage runs: every 8 s', at(5 * MINUTE, running(LAST_STAGE)), 8 * SECOND],
    ['the last stage of a six-hour run: still 8 s', at(6 * HOUR, running(LAST_STAGE)), 8 * SECOND],
    ['a job failed: the run ends with its stage', at(5 * MINUTE, running([job('a', 'failed'), job('b', 'running'), job('c', 'queued')])), 8 * SECOND],
    ['a job was canceled', at(5 * MINUTE, running([job('a', 'canceled'), job('c', 'queued')])), 8 * SECOND],
    ['skipped parts count as finished', at(5 * MINUTE, running([job('a', 'skipped'), job('b', 'running')])), 8 * SECOND],
    ['one job running, nothing finished: no stage signal', at(5 * MINUTE, running([job('a', 'running')])), 10 * SECOND],
    ['an unknown run status is read like a running one', at(5 * MINUTE, { ...running(PENDING), status: 'unknown', rawStatus: 'NEW' }), 30 * SECOND]
  ])('%s', (_name, context, pause) => {
    expect(auto(context)).toBe(pause)
  })

  test.each<[Status, number, number, number]>([
    ['queued', 10 * MINUTE, 0, 5 * SECOND],
    ['queued', 10 * MINUTE, 20 * SECOND, 10 * SECOND],
    ['queued', 10 * MINUTE, 5 * MINUTE, 30 * SECOND],
    ['waiting', HOUR, 40 * SECOND, 20 * SECOND],
    ['waiting', HOUR, HOUR, 30 * SECOND]
  ])('a %s run, %d ms into the wait, %d ms since it changed: %d ms', (status, elapsedMs, sinceChangeMs, pause) => {
    expect(auto(at(elapsedMs, withStatus(status), sinceChangeMs))).toBe(pause)
  })

  test('after a cancel: every 2 s at first, at most 10 s, whatever the stages say', () => {
    const stopping = autoInterval({ stopping: true, history: HISTORY })
    expect([0, 10 * SECOND, MINUTE].map(elapsed => stopping(at(elapsed, running(PENDING))))).toEqual([2 * SECOND, 5 * SECOND, 10 * SECOND])
  })

  test('fewer than three recent runs are no history', () => {
    const few = autoInterval({ history: [8 * MINUTE, 9 * MINUTE] })
    for (const elapsed of [30 * SECOND, 3 * MINUTE, 20 * MINUTE]) expect(few(at(elapsed, running()))).toBe(auto(at(elapsed, running())))
  })
})

describe('autoInterval with history', () => {
  const auto = autoInterval({ history: HISTORY })
  const model = durationModel(HISTORY)!

  test('the model of the fixture: about 8 minutes, the earliest plausible end near 5', () => {
    expect(model.medianMs).toBeCloseTo(8 * MINUTE, 3)
    expect(model.earliestMs).toBeGreaterThan(4.5 * MINUTE)
    expect(model.earliestMs).toBeLessThan(5.5 * MINUTE)
  })

  test.each<[string, PollContext, number]>([
    ['the first pauses are the same', at(0, running()), 5 * SECOND],
    ['far from the earliest end: once a minute', at(2 * MINUTE, running()), MINUTE],
    ['far, stages pending: once a minute', at(2 * MINUTE, running(PENDING)), MINUTE],
    ['the last stage early in the run: still far', at(2 * MINUTE, running(LAST_STAGE)), MINUTE],
    ['a failed job is never far', at(2 * MINUTE, running([job('a', 'failed')])), 8 * SECOND],
    ['in the window: every 8 s', at(8 * MINUTE, running()), 8 * SECOND],
    ['in the window, stages pending, 2.5 minutes before the median: half of that, at most a minute', at(5.5 * MINUTE, running(PENDING)), MINUTE],
    ['in the window, stages pending, a minute before the median: 30 s', at(7 * MINUTE, running(PENDING)), 30 * SECOND],
    ['in the window, stages pending, past the median: 30 s', at(9 * MINUTE, running(PENDING)), 30 * SECOND],
    ['in the window, last stage: 8 s', at(8 * MINUTE, running(LAST_STAGE)), 8 * SECOND],
    ['slower than the history says: read as with no history', at(50 * MINUTE, running()), 30 * SECOND],
    ['slower than the history says, last stage: 8 s', at(40 * MINUTE, running(LAST_STAGE)), 8 * SECOND]
  ])('%s', (_name, context, pause) => {
    expect(auto(context)).toBe(pause)
  })

  test('close to the earliest plausible end, the pause ends there (and never under 8 s, or 30 s with stages pending)', () => {
    const justBefore = model.earliestMs - 20 * SECOND
    expect(auto(at(justBefore, running()))).toBe(20 * SECOND)
    expect(auto(at(model.earliestMs - 3 * SECOND, running()))).toBe(8 * SECOND)
    expect(auto(at(justBefore, running(PENDING)))).toBe(30 * SECOND)
  })

  test("a watched run's age is its own: started 9 minutes before the wait, it is in its window at once", () => {
    const watched = running([], { startedAt: NOW - 9 * MINUTE })
    expect(auto(at(MINUTE, watched))).toBe(8 * SECOND)
    // The same state without a start time: only the wait's own minute counts.
    expect(auto(at(MINUTE, running()))).toBe(MINUTE)
  })

  test('a start time in the future, or days old (a retried run may keep its first one), is not trusted', () => {
    expect(auto(at(MINUTE, running([], { startedAt: NOW + MINUTE })))).toBe(MINUTE)
    expect(auto(at(MINUTE, running([], { startedAt: NOW - 30 * 24 * HOUR })))).toBe(MINUTE)
  })
})

describe('autoInterval: bounds', () => {
  test('whatever the context, a pause is between 2 s and a minute', () => {
    const policies = [autoInterval(), autoInterval({ history: HISTORY }), autoInterval({ history: [1, 2, 3] }), autoInterval({ stopping: true })]
    const states: (RunState | undefined)[] = [undefined, running(), running(PENDING), running(LAST_STAGE), withStatus('queued'), withStatus('waiting'), running([job('x', 'failed')])]
    for (const policy of policies) {
      for (const state of states) {
        for (const elapsed of [0, 1, 999, 7 * SECOND, MINUTE, 4 * MINUTE, 11 * MINUTE, HOUR, 6 * HOUR, 30 * 24 * HOUR]) {
          for (const since of [0, elapsed]) {
            const pause = policy(at(elapsed, state, since))
            expect(pause).toBeGreaterThanOrEqual(2 * SECOND)
            expect(pause).toBeLessThanOrEqual(MINUTE)
          }
        }
      }
    }
  })
})

describe('autoInterval through the wait loop, on a fake clock', () => {
  /** A three-stage run: Build to 40 % of its length, Test to 80 %, Deploy to the end. */
  function threeStages(lengthMs: number) {
    return (elapsed: number): RunState => {
      const part = (from: number, to: number): PartStatus => (elapsed >= to * lengthMs ? 'succeeded' : elapsed >= from * lengthMs ? 'running' : 'queued')
      const jobs = [job('compile', part(0, 0.4)), job('unit', part(0.4, 0.8), 'Test'), job('deploy', part(0.8, 1), 'Deploy')]
      if (elapsed >= lengthMs) return { ...running(jobs), status: 'succeeded', rawStatus: 'COMPLETED', terminal: true }
      return running(jobs)
    }
  }

  async function follow(lengthMs: number, history?: readonly number[]) {
    const clock = new FakeClock(NOW)
    const run = threeStages(lengthMs)
    let reads = 0
    const result = await waitForRunEnd({
      clock,
      deadline: NOW + 2 * HOUR,
      interval: autoInterval({ history }),
      getState: async () => {
        reads += 1
        return run(clock.now() - NOW)
      }
    })
    return { result, reads, latencyMs: clock.now() - NOW - lengthMs }
  }

  test('an 8-minute run: seen within 8 s of its end, with under half the reads of a fixed 10 s poller', async () => {
    for (const history of [HISTORY, undefined]) {
      const { result, reads, latencyMs } = await follow(8 * MINUTE, history)
      expect(result.outcome).toBe('ended')
      expect(latencyMs).toBeLessThanOrEqual(8 * SECOND)
      expect(reads).toBeLessThan(49 / 2 + 6)
    }
  })

  test('a run much faster than its history is still seen, at most a minute late', async () => {
    const { result, latencyMs } = await follow(90 * SECOND, HISTORY)
    expect(result.outcome).toBe('ended')
    expect(latencyMs).toBeLessThanOrEqual(MINUTE)
  })
})
