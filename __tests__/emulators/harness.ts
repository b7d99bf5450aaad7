/**
 * What the emulator suites share: emulators started on a test clock and closed after each test,
 * one raw HTTP request on its own connection, and waiting for something to have happened on the
 * server (never for a length of time).
 */
import { request as httpRequest } from 'node:http'

export interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
  // Emulator answers are read field by field in the assertions.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any
}

/**
 * Emulators started with `now` on a test clock that each test starts at `startAt`, all closed
 * after each test so that jest exits cleanly.
 */
export function emulatorsOnTestClock<O extends { now?: () => number }, E extends { close(): Promise<void> }>(
  launch: (options: O) => Promise<E>,
  startAt: number
): { clock: { now: number }; start(options?: O): Promise<E> } {
  const clock = { now: startAt }
  const running: E[] = []
  beforeEach(() => {
    clock.now = startAt
  })
  afterEach(async () => {
    await Promise.all(running.splice(0).map(emulator => emulator.close()))
  })
  return {
    clock,
    async start(options = {} as O) {
      const emulator = await launch({ now: () => clock.now, ...options })
      running.push(emulator)
      return emulator
    }
  }
}

/** One request on its own connection; JSON Content-Type unless one is given. Rejects when the connection breaks before a whole answer. */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Reply> {
  const all: Record<string, string> = { ...headers }
  if (body !== undefined) {
    if (!Object.keys(all).some(name => name.toLowerCase() === 'content-type')) all['Content-Type'] = 'application/json'
    all['Content-Length'] = String(Buffer.byteLength(body))
  }
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers: all, agent: false }, res => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('close', () => {
        if (!res.complete) reject(new Error('response incomplete: connection closed'))
      })
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json: unknown
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.write(body)
    req.end()
  })
}

/** Resolves once `happened()` is true (a request arrived, a run exists); fails after `withinMs`. */
export async function until(happened: () => boolean, what: string, withinMs = 2000): Promise<void> {
  const deadline = Date.now() + withinMs
  while (!happened()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await new Promise(resolve => setImmediate(resolve))
  }
}
