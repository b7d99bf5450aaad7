// Listen/close plumbing every emulator shares: loopback listen, sleeps that close() wakes (so a
// pending `slow` fault never outlives the emulator), and a close() that also ends kept-alive and
// half-answered connections, so the process (jest) can exit.
import { type RequestListener, createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ListenOptions {
  /** 0 (default) picks an ephemeral port. */
  port?: number
  /** Default 127.0.0.1: emulators are for loopback use. */
  host?: string
}

export class EmulatorServer {
  private readonly sleepers = new Set<() => void>()
  private closed = false
  private server: ReturnType<typeof createServer> | undefined

  /** Resolves after ms, or at once when the emulator closes. */
  readonly sleep = (ms: number): Promise<void> =>
    new Promise<void>((resolve) => {
      if (this.closed) {
        resolve()
        return
      }
      const wake = () => {
        clearTimeout(timer)
        this.sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      this.sleepers.add(wake)
    })

  readonly isClosed = (): boolean => this.closed

  /** Starts listening; resolves with the URL (no trailing slash) and the port. */
  async listen(listener: RequestListener, options: ListenOptions = {}): Promise<{ url: string; port: number }> {
    if (this.server) throw new Error('already listening')
    const server = createServer(listener)
    this.server = server
    // A client that sends garbage gets its socket closed, as a gateway would.
    server.on('clientError', (_err, socket) => socket.destroy())
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        resolve()
      })
    })
    const address = server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return { url: `http://${host}:${address.port}`, port: address.port }
  }

  /** Idempotent. Wakes pending sleeps, stops listening and destroys every open connection. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    for (const wake of [...this.sleepers]) wake()
    const server = this.server
    if (!server) return
    await new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}
