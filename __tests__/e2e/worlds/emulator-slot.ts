import type { RecordedRequest } from '../../../emulators/shared/stats.js'

/**
 * The one emulator a world runs: started in the suite's beforeAll, closed in its afterAll, and
 * read in between (reading it outside that window is a mistake in the suite, said plainly).
 */
export function emulatorSlot<E extends { close(): Promise<void> }>(name: string, launch: () => Promise<E>) {
  let emulator: E | undefined
  return {
    live(): E {
      if (emulator === undefined) throw new Error(`the ${name} emulator is not started`)
      return emulator
    },
    async start(): Promise<void> {
      emulator = await launch()
    },
    async stop(): Promise<void> {
      await emulator?.close()
    }
  }
}

/** Every request an emulator received, as "METHOD path?query" lines (for URL scans). */
export function requestLines(requests: readonly RecordedRequest[]): string[] {
  return requests.map(request => `${request.method} ${request.path}?${request.query}`)
}
