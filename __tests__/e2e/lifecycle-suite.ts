/**
 * The end-to-end suite every provider passes: the built dist/index.js run as a child process, the
 * way the GitHub runner runs it, against the provider's emulator. The emulator's own counters
 * prove that no fault made two runs and that each cancellation stopped its run exactly once.
 */
import { runStep, type StepOptions, type StepResult } from '../../emulators/github-runner.js'
import { findLeaks } from './secrets.js'
import type { Scenario, World, WorldFault } from './worlds/types.js'

const STARTED = /Started run (\S+?)(?::? |\n|$)/

export function lifecycleSuite(world: World): void {
  const written: string[] = []

  beforeAll(() => world.start())
  afterAll(() => world.stop())
  afterEach(() => world.clearFaults())

  async function step(scenario: Scenario, extra: Record<string, string> = {}, options: Partial<StepOptions> = {}): Promise<StepResult & { created: number }> {
    const before = world.runsCreated()
    const inputs = world.inputs(scenario, { poll_interval: '100ms', request_timeout: '3s', timeout: '60s', ...extra })
    const result = await runStep({ inputs, ...options })
    written.push(result.stdout, result.stderr, result.written)
    return { ...result, created: world.runsCreated() - before }
  }

  describe(`${world.name}: operations`, () => {
    test('run and wait: one run, its id and link set, the summary written, exit 0', async () => {
      const result = await step('succeed')
      expect(result.exitCode).toBe(0)
      expect(result.created).toBe(1)
      expect(result.outputs.status).toBe('succeeded')
      expect(result.outputs.run_id).toEqual(expect.any(String))
      if (world.hasRunUrl) expect(result.outputs.run_url).toMatch(/^https?:\/\//)
      expect(result.outputs.raw_status).not.toBe('')
      expect(result.summary).toContain('succeeded')
    })

    test('a failed run fails the step; retry follows the new attempt to success without a new run', async () => {
      const failed = await step('fail')
      expect(failed.exitCode).toBe(1)
      expect(failed.outputs.status).toBe('failed')
      expect(failed.stdout).toMatch(/::error::Run .* failed/)

      const retried = await step('fail', { operation: 'retry', run_id: failed.outputs.run_id! })
      expect(retried.exitCode).toBe(0)
      expect(retried.created).toBe(world.retryCreatesRun ? 1 : 0)
      expect(retried.outputs.status).toBe('succeeded')
    })

    test('watch a run started without waiting', async () => {
      const started = await step('succeed', { wait: 'false' })
      expect(started.exitCode).toBe(0)
      expect(started.outputs.status).toMatch(/queued|running/)
      const watched = await step('succeed', { operation: 'watch', run_id: started.outputs.run_id! })
      expect(watched.outputs.status).toBe('succeeded')
    })

    test('cancel a running run; cancelling it again finds it already ended', async () => {
      const started = await step('long', { wait: 'false' })
      const runId = started.outputs.run_id!
      const canceled = await step('long', { operation: 'cancel', run_id: runId })
      expect(canceled.exitCode).toBe(0)
      expect(canceled.outputs.status).toBe('canceled')
      expect(world.rawStatus(runId, 'long')).toBe(world.canceledStatus)
      expect(world.stopCount(runId, 'long')).toBe(1)
      const again = await step('long', { operation: 'cancel', run_id: runId })
      expect(again.exitCode).toBe(0)
    })

    test('a manual gate shows as waiting, and the wait goes on once it is approved', async () => {
      let runId = ''
      let approved = false
      const result = await step('gate', {}, {
        onOutput: text => {
          runId = STARTED.exec(text)?.[1] ?? runId
          if (!approved && runId !== '' && /\] waiting/.test(text)) {
            approved = true
            world.approve(runId, 'gate')
          }
        }
      })
      expect(approved).toBe(true)
      expect(result.outputs.status).toBe('succeeded')
    })

    test('the wait times out as timed_out and leaves the run going', async () => {
      const result = await step('long', { timeout: '2s', poll_interval: '500ms' })
      expect(result.exitCode).toBe(1)
      expect(result.outputs.status).toBe('timed_out')
      expect(world.stopCount(result.outputs.run_id!, 'long')).toBe(0)
    })

    test('bad input: one message naming the input, and the emulator saw no request', async () => {
      const before = world.requestLines().length
      const result = await step('succeed', { timeout: 'soon' })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(/::error::Input timeout: "soon" is not a duration/)
      expect(world.requestLines().length).toBe(before)
    })
  })

  describe(`${world.name}: faults never make a second run, never hang`, () => {
    // `log`: what the step must say; for Retry-After, that it waited what the vendor asked. (An
    // HTTP date is already in the past, or nearly, when the case runs: a pause of at most 1 s.)
    const cases: { name: string; fault: WorldFault; outcome: 'succeeded' | 'fails-clearly'; runs: number; log?: RegExp }[] = [
      { name: '429 with Retry-After (seconds) on start', fault: { on: 'start', kind: 'throttle', retryAfter: 1 }, outcome: 'succeeded', runs: 1, log: /trying again in 1\.0 s/ },
      { name: '429 with an HTTP-date Retry-After on start', fault: { on: 'start', kind: 'throttle', retryAfter: new Date(Date.now() + 1000).toUTCString() }, outcome: 'succeeded', runs: 1, log: /trying again in [01]\.\d s/ },
      { name: '503 on start', fault: { on: 'start', kind: 'status', status: 503, times: 2 }, outcome: 'succeeded', runs: 1 },
      { name: 'start accepted, then the connection cut', fault: { on: 'start', kind: 'accept-then-cut' }, outcome: 'succeeded', runs: 1 },
      { name: 'start answered with malformed JSON', fault: { on: 'start', kind: 'malformed' }, outcome: 'succeeded', runs: 1 },
      { name: 'start answered with an empty body', fault: { on: 'start', kind: 'empty' }, outcome: 'succeeded', runs: 1 },
      { name: 'start slower than the request timeout', fault: { on: 'start', kind: 'slow', delayMs: 4000 }, outcome: 'succeeded', runs: 1 },
      { name: 'start dropped before it was processed', fault: { on: 'start', kind: 'drop' }, outcome: 'fails-clearly', runs: 0 },
      { name: '500 on status reads', fault: { on: 'status', kind: 'status', status: 500, times: 3 }, outcome: 'succeeded', runs: 1 },
      { name: '502 HTML page on status reads', fault: { on: 'status', kind: 'html', times: 2 }, outcome: 'succeeded', runs: 1 },
      { name: 'status read reset mid-body', fault: { on: 'status', kind: 'reset-mid-body', times: 2 }, outcome: 'succeeded', runs: 1 },
      { name: 'status read slower than the request timeout', fault: { on: 'status', kind: 'slow', delayMs: 4000 }, outcome: 'succeeded', runs: 1 },
      { name: 'a 50 MB status answer', fault: { on: 'status', kind: 'huge', sizeBytes: 50 * 1024 * 1024 }, outcome: 'succeeded', runs: 1 },
      { name: 'throttled status reads', fault: { on: 'status', kind: 'throttle', times: 2 }, outcome: 'succeeded', runs: 1 }
    ]

    test.each(cases)('$name', async ({ fault, outcome, runs, log }) => {
      world.injectFault(fault)
      const result = await step('succeed')
      expect(result.created).toBe(runs)
      if (log !== undefined) expect(result.stdout).toMatch(log)
      if (outcome === 'succeeded') {
        expect(result.exitCode).toBe(0)
        expect(result.outputs.status).toBe('succeeded')
      } else {
        expect(result.exitCode).toBe(1)
        expect(result.stdout).toMatch(/not sent again, so that the pipeline does not run twice/)
      }
      // A person reads a sentence, never a stack trace.
      expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/)
    }, 45_000)
  })

  describe(`${world.name}: cancellation`, () => {
    test('SIGINT during the wait stops the remote run with one request, well inside the runner window', async () => {
      let runId = ''
      let signalAt = 0
      const result = await step('long', {}, {
        onOutput: (text, child) => {
          runId = STARTED.exec(text)?.[1] ?? runId
          if (signalAt === 0 && runId !== '' && /\] running/.test(text)) {
            signalAt = Date.now()
            child.kill('SIGINT')
          }
        }
      })
      expect(signalAt).toBeGreaterThan(0)
      expect(Date.now() - signalAt).toBeLessThan(7500)
      expect(result.exitCode).toBe(1)
      expect(result.outputs.status).toBe('canceled')
      expect([world.canceledStatus, ...world.stoppingStatuses]).toContain(world.rawStatus(runId, 'long'))
      expect(world.stopCount(runId, 'long')).toBe(1)
    })

    test('the post step stops a run that a killed main step left running', async () => {
      let runId = ''
      const main = await step('long', {}, {
        onOutput: (text, child) => {
          runId = STARTED.exec(text)?.[1] ?? runId
          if (runId !== '') child.kill('SIGKILL')
        }
      })
      expect(main.signal).toBe('SIGKILL')
      expect(main.state.run_id).toBe(runId)
      const post = await step('long', {}, { state: main.state })
      expect(post.exitCode).toBe(0)
      expect(post.stdout).toContain(`run ${runId} was stopped`)
      expect([world.canceledStatus, ...world.stoppingStatuses]).toContain(world.rawStatus(runId, 'long'))
      expect(world.stopCount(runId, 'long')).toBe(1)
    })
  })

  describe(`${world.name}: secrets`, () => {
    test('no credential appears in anything a step wrote: stdout, stderr, outputs, state, summary', () => {
      expect(written.length).toBeGreaterThan(30)
      expect(findLeaks(written, world.secrets)).toEqual([])
    })

    test('credentials travel in headers only, never in a URL', () => {
      expect(findLeaks(world.requestLines(), world.secrets)).toEqual([])
    })
  })
}
