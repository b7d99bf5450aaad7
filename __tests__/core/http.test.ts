/**
 * The node transport against real loopback sockets: what it reports when a request fails matters
 * for "never start a run twice" (could the server have seen it?), so it is tested for real.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createNodeTransport } from '../../src/core/http.js'
import { RelayError } from '../../src/core/errors.js'

let server: Server
let base = ''
let received = 0

beforeAll(async () => {
  server = createServer((request, response) => {
    received += 1
    const path = request.url ?? ''
    if (path === '/ok') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'X-Request-Id': 'r-1' })
      response.end('{"ok":true}')
    } else if (path === '/big') {
      response.writeHead(200)
      response.end(Buffer.alloc(4096, 'x'))
    } else if (path === '/cut') {
      request.socket.destroy()
    } else if (path === '/never') {
      // no answer: the client's deadline must end it
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

const send = createNodeTransport({ maxResponseBytes: 1024 })

async function failure(promise: Promise<unknown>): Promise<RelayError> {
  try {
    await promise
  } catch (error) {
    if (error instanceof RelayError) return error
    throw error
  }
  throw new Error('expected a failure')
}

test('an answer: status, lower-case headers, body', async () => {
  const response = await send({ method: 'POST', url: `${base}/ok`, headers: { 'Content-Type': 'application/json' }, body: '{}', timeoutMs: 2000 })
  expect(response).toMatchObject({ status: 200, body: '{"ok":true}', headers: { 'x-request-id': 'r-1' } })
})

test('a refused connection is known not to have reached the server', async () => {
  const closed = createServer()
  await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise(resolve => closed.close(resolve))
  const error = await failure(send({ method: 'POST', url: `http://127.0.0.1:${port}/run`, headers: {}, body: '{}', timeoutMs: 2000 }))
  expect(error).toMatchObject({ kind: 'network', notSent: true })
  expect(error.message).toContain('ECONNREFUSED')
})

test('a connection cut after the request arrived may have been seen: not notSent', async () => {
  const before = received
  const error = await failure(send({ method: 'POST', url: `${base}/cut`, headers: {}, body: '{}', timeoutMs: 2000 }))
  expect(received).toBe(before + 1)
  expect(error).toMatchObject({ kind: 'network', notSent: false })
})

test('no answer within the deadline is a timeout that may have been seen', async () => {
  const error = await failure(send({ method: 'GET', url: `${base}/never`, headers: {}, timeoutMs: 150 }))
  expect(error).toMatchObject({ kind: 'timeout', notSent: false })
})

test('a body over the cap stops the read: memory stays bounded', async () => {
  const error = await failure(send({ method: 'GET', url: `${base}/big`, headers: {}, timeoutMs: 2000 }))
  expect(error.kind).toBe('protocol')
  expect(error.message).toContain('larger than 1024 bytes')
})

test('an abort interrupts a request in flight', async () => {
  const controller = new AbortController()
  const pending = send({ method: 'GET', url: `${base}/never`, headers: {}, timeoutMs: 5000 }, controller.signal)
  setImmediate(() => controller.abort('test'))
  expect((await failure(pending)).kind).toBe('aborted')
})
