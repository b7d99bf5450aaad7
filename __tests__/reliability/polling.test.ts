/**
 * Polling faults on a fake clock: pipeline-relay's own run() in this process, with the real HTTP
 * transport, against each provider's real emulator, whose clock is the same fake clock (runs move
 * one phase per 30 s of it). An hour-long wait takes a second or two.
 *
 * - a 10-minute outage of the status endpoint (5 min of proxy 502 pages, then 5 min of refused
 *   connections) inside a 1-hour wait does not end the wait;
 * - a credential that expires (or a key revoked) mid-wait ends it at once, with a fix hint;
 * - a status value never seen before is `unknown`, warned about once, and not terminal.
 */
import { run } from '../../src/main.js'
import { createNodeTransport, type Transport } from '../../src/core/http.js'
import type { InputName } from '../../src/inputs/index.js'
import type { World } from '../e2e/worlds/types.js'
import { findLeaks } from '../e2e/secrets.js'
import { FakeClock } from '../fixtures/fake-clock.js'
import { FakeHost } from '../fixtures/fake-host.js'
import { FLAVOURS, FLAVOUR_IDS, type Flavour } from './flavours.js'
import { closedPort, secretsOf } from './harness.js'

const MINUTE = 60_000
const MS_PER_PHASE = 30_000

/** The fake clock, with chance that varies: signature nonces (Yunxiao's POP API) must not repeat. */
class VaryingClock extends FakeClock {
  private seed = 42
  override random(): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) % 2_147_483_648
    return this.seed / 2_147_483_648
  }
}

interface Setup {
  world: World
  clock: VaryingClock
  host: FakeHost
  startedAt: number
  /** Status reads (GETs naming the run), with the fake time they were sent at. */
  reads: { at: number; outcome: string }[]
  go(): Promise<void>
  texts(): string[]
}

type Meddle = (context: { minute: number; request: Parameters<Transport>[0] }) => { url?: string; rewrite?: (body: string) => string } | undefined

async function setup(flavour: Flavour, meddle: Meddle): Promise<Setup> {
  const clock = new VaryingClock(Date.UTC(2026, 10, 22, 9, 0, 0))
  const world = flavour.make({ now: () => clock.now(), advance: { msPerPhase: MS_PER_PHASE } })
  await world.start()
  const inputs = world.inputs('long', { timeout: '1h', request_timeout: '5s' })
  const host = new FakeHost(inputs as Partial<Record<InputName, string>>)
  const startedAt = clock.now()
  const reads: Setup['reads'] = []
  const real = createNodeTransport()
  const transport: Transport = async (request, signal) => {
    const runId = host.outputs.run_id
    const isStatusRead = request.method === 'GET' && runId !== undefined && request.url.includes(runId)
    if (!isStatusRead) return real(request, signal)
    const minute = (clock.now() - startedAt) / MINUTE
    const change = meddle({ minute, request }) ?? {}
    try {
      const response = await real(change.url === undefined ? request : { ...request, url: change.url }, signal)
      reads.push({ at: clock.now(), outcome: String(response.status) })
      return change.rewrite === undefined ? response : { ...response, body: change.rewrite(response.body) }
    } catch (error) {
      reads.push({ at: clock.now(), outcome: error instanceof Error ? error.message : String(error) })
      throw error
    }
  }
  const controller = new AbortController()
  return {
    world,
    clock,
    host,
    startedAt,
    reads,
    go: () => run({ host, transport, clock, signal: controller.signal }),
    texts: () => [JSON.stringify(host.outputs), JSON.stringify(host.state), ...host.lines, ...host.summaries, host.failure ?? '', JSON.stringify(host.annotations)]
  }
}

/** The run's own status in a detail answer (bare, in POP's pipelineRun, or in bk-ci's data), replaced. */
function withStatus(body: string, status: string): string {
  const json = JSON.parse(body) as Record<string, unknown>
  for (const holder of [json, json.pipelineRun, json.data]) {
    if (holder !== null && typeof holder === 'object' && typeof (holder as Record<string, unknown>).status === 'string') {
      ;(holder as Record<string, unknown>).status = status
      return JSON.stringify(json)
    }
  }
  throw new Error(`no run status in ${body.slice(0, 200)}`)
}

describe.each(FLAVOUR_IDS)('%s: polling faults on a fake clock', id => {
  const flavour = FLAVOURS[id]
  let refusedPort = 0
  beforeAll(async () => {
    refusedPort = await closedPort()
  })

  test('a 10-minute outage of the status endpoint inside a 1-hour wait does not end the wait', async () => {
    let injected = false
    let cleared = false
    const s = await setup(flavour, ({ minute, request }) => {
      if (minute >= 20 && minute < 25 && !injected) {
        injected = true
        s.world.injectFault({ on: 'status', kind: 'html', times: Infinity })
      }
      if (minute >= 25 && !cleared) {
        cleared = true
        s.world.clearFaults()
      }
      if (minute >= 25 && minute < 30) {
        const url = new URL(request.url)
        url.host = `127.0.0.1:${refusedPort}`
        return { url: url.toString() }
      }
      return undefined
    })
    try {
      await s.go()
      expect(s.host.failure).toBeUndefined()
      expect(s.host.outputs.status).toBe('succeeded')
      const minutes = (at: number): number => (at - s.startedAt) / MINUTE
      // The wait read through the outage, both halves of it, and went on after it.
      const during = s.reads.filter(read => minutes(read.at) >= 20 && minutes(read.at) < 30)
      expect(during.some(read => read.outcome === '502')).toBe(true)
      expect(during.some(read => /ECONNREFUSED/.test(read.outcome))).toBe(true)
      expect(during.every(read => read.outcome === '502' || /ECONNREFUSED/.test(read.outcome))).toBe(true)
      expect(s.reads.some(read => minutes(read.at) >= 30 && read.outcome === '200')).toBe(true)
      expect(s.host.lines.some(line => /^warning: Could not read the run's state \(\d+ in a row\).*Still waiting/.test(line))).toBe(true)
      // The run ended inside the hour, after the outage, and nothing was started or stopped twice.
      expect(minutes(s.clock.now())).toBeGreaterThan(30)
      expect(minutes(s.clock.now())).toBeLessThan(60)
      expect(s.world.runsCreated()).toBe(1)
      expect(s.world.stopCount(s.host.outputs.run_id ?? '', 'long')).toBe(0)
      expect(findLeaks(s.texts(), secretsOf(s.world.inputs('long'), s.world.secrets))).toEqual([])
    } finally {
      await s.world.stop()
    }
  })

  test('a credential that expires mid-wait ends the wait at once, with a fix hint', async () => {
    let expiredAt: number | undefined
    const s = await setup(flavour, ({ minute }) => {
      if (minute >= 15 && expiredAt === undefined) {
        expiredAt = s.clock.now()
        s.world.injectFault({ on: 'status', ...flavour.expiredCredential.fault, times: Infinity })
      }
      return undefined
    })
    try {
      await s.go()
      expect(expiredAt).toBeDefined()
      expect(s.host.failure).toMatch(flavour.expiredCredential.hint)
      // One refused read ends it: an auth error is not retried, and the wait does not sit out its hour.
      expect(s.reads.filter(read => read.at >= (expiredAt ?? 0))).toHaveLength(1)
      expect(s.clock.now() - (expiredAt ?? 0)).toBeLessThan(MINUTE)
      expect(s.world.runsCreated()).toBe(1)
      expect(findLeaks(s.texts(), secretsOf(s.world.inputs('long'), s.world.secrets))).toEqual([])
    } finally {
      await s.world.stop()
    }
  })

  test('a status value never seen before is unknown, warned about once, and does not end the wait', async () => {
    const s = await setup(flavour, ({ minute }) => (minute >= 5 && minute < 8 ? { rewrite: body => withStatus(body, 'HIBERNATING') } : undefined))
    try {
      await s.go()
      const warnings = s.host.lines.filter(line => line.includes('"HIBERNATING"'))
      expect(warnings).toHaveLength(1)
      expect(warnings[0]).toMatch(/^warning: .*reported a status pipeline-relay does not know: "HIBERNATING". Treating it as still in progress/)
      expect(s.host.lines.some(line => /\] unknown/.test(line))).toBe(true)
      expect(s.host.failure).toBeUndefined()
      expect(s.host.outputs.status).toBe('succeeded')
      expect((s.clock.now() - s.startedAt) / MINUTE).toBeGreaterThan(30)
      expect(findLeaks(s.texts(), secretsOf(s.world.inputs('long'), s.world.secrets))).toEqual([])
    } finally {
      await s.world.stop()
    }
  })
})
