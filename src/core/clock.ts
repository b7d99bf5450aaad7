import { RelayError } from './errors.js'

/**
 * Time and chance, injected: the wait loop and the retry policy only ever read the time, sleep
 * and draw random numbers through this, so a test of a one-hour wait runs in milliseconds.
 */
export interface Clock {
  now(): number
  /** Resolves after `ms`, or rejects with an `aborted` RelayError as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
  /** A number in [0, 1). */
  random(): number
}

export function abortedError(signal?: AbortSignal): RelayError {
  const reason: unknown = signal?.reason
  const why = typeof reason === 'string' ? reason : 'the job was canceled'
  return new RelayError('aborted', `Stopped waiting: ${why}`)
}

export const systemClock: Clock = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortedError(signal))
        return
      }
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(abortedError(signal))
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, Math.max(0, ms))
      signal?.addEventListener('abort', onAbort, { once: true })
    })
}
