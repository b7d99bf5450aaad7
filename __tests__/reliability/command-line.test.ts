/**
 * The command-line host under the same scan as the runners: debug logging on
 * (PIPELINE_RELAY_DEBUG), a fault that takes the start through its lookup and the status reads
 * through their retries, and no credential in stdout (the JSON outputs) or stderr (the log), in
 * any encoding. Bad input exits 2 with one message naming the input, before any request.
 */
import { FLAVOURS, FLAVOUR_IDS } from './flavours.js'
import { STACK_TRACE, commandLine } from './harness.js'

const WAIT = { poll_interval: '100ms', request_timeout: '2s', timeout: '30s' }

describe.each(FLAVOUR_IDS)('%s on the command line', id => {
  const flavour = FLAVOURS[id]

  test.concurrent('a start whose answer is cut, and failing status reads: one run, outputs as JSON, no credential anywhere', async () => {
    const world = flavour.make()
    await world.start()
    try {
      world.injectFault({ on: 'start', kind: 'accept-then-cut' })
      world.injectFault({ on: 'status', kind: 'status', status: 502, times: 2 })
      const ran = await commandLine(world.inputs('succeed', WAIT), world.secrets)
      expect(ran.exitCode).toBe(0)
      expect(JSON.parse(ran.stdout)).toMatchObject({ status: 'succeeded', run_id: expect.any(String) })
      expect(ran.stderr).toMatch(/debug: /)
      expect(ran.stderr).toMatch(/looking for the run it may have created/)
      expect(world.runsCreated()).toBe(1)
      expect(ran.stdout + ran.stderr).not.toMatch(STACK_TRACE)
      expect(ran.leaks).toEqual([])
    } finally {
      await world.stop()
    }
  })

  test.concurrent('bad input: exit 2, one message naming it, no request, no credential', async () => {
    const world = flavour.make()
    await world.start()
    try {
      const ran = await commandLine(world.inputs('succeed', { ...WAIT, timeout: 'later' }), world.secrets)
      expect(ran.exitCode).toBe(2)
      expect(ran.stderr).toMatch(/Input timeout: "later" is not a duration/)
      expect(world.requestLines()).toEqual([])
      expect(ran.leaks).toEqual([])
    } finally {
      await world.stop()
    }
  })
})
