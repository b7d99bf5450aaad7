import { abortedError, type Clock } from '../../src/core/clock.js'
import { seeded, type Random } from './prng.js'

/**
 * The benchmarks' fake clock: sleep() moves time forward at once, so hours of waiting run in
 * milliseconds of CPU. Unlike the test fixture it keeps no record of its pauses, so that a six-hour
 * wait measures pipeline-relay's memory, not the clock's. Randomness (retry jitter, correlation
 * ids) is seeded: every run of a benchmark is the same.
 */
export class SimClock implements Clock {
  private readonly chance: Random

  constructor(
    private time: number,
    seed = 1
  ) {
    this.chance = seeded(seed)
  }

  now(): number {
    return this.time
  }

  /** Time that passes without a sleep: a request on the wire, the gap between two runs. */
  advance(ms: number): void {
    this.time += ms
  }

  random(): number {
    return this.chance.next()
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) throw abortedError(signal)
    this.time += Math.max(0, ms)
    // Let other promise chains run, as a real pause would.
    await Promise.resolve()
    if (isAborted(signal)) throw abortedError(signal)
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true
}
