/**
 * Cancellation, the way runners do it, with short real timers in child processes: GitHub sends
 * SIGINT, then SIGTERM 7.5 s later, then kills the step at 10 s; GitLab runs the template's
 * after_script. Every case must stop the remote run exactly once (or, where no run was made, none)
 * and end inside the window by itself. The plain cases — SIGINT during a wait, the post step after
 * a killed main step — are in the end-to-end lifecycle suite for every world; these are the rest.
 */
import type { ChildProcess } from 'node:child_process'
import type { World, WorldFault } from '../e2e/worlds/types.js'
import type { Flavour } from './flavours.js'
import { STACK_TRACE, githubStep, gitlabJob, scratchDir, type Ran } from './harness.js'

const STARTED = /Started run (\S+?)(?::? |\n|$)/
/** The start request, as the emulator logs it ("METHOD path?query"), for every provider and API. */
const START_REQUEST = /^POST \S*(\/run|\/runs|\/build_start|\/builds\/start)\?/
const STOP_REQUEST = /^(POST|PUT) \S*(\/stop|\/build_stop|\/runs\/\d+)\?/
/** The runner's window: SIGTERM 7.5 s after SIGINT, SIGKILL 2.5 s after that. */
const SIGTERM_AFTER_MS = 7_500
const SIGKILL_AFTER_MS = 10_000

const WAIT = { poll_interval: '100ms', request_timeout: '3s', timeout: '60s' }

interface Signalled {
  ran: Ran
  world: World
  runId: string
  /** When the first signal was sent (0: never). */
  signalledAt: number
  endedAt: number
  stopRequests: number
}

interface Plan {
  scenario?: 'long' | 'succeed'
  inputs?: Record<string, string>
  faults?: WorldFault[]
  /** Decides when to send SIGINT: from the log so far, or from what the emulator received. */
  when: Moment
  /**
   * Further signals after SIGINT: at a time, as the runner would send them if the step were still
   * alive, or at a moment the log or the emulator shows.
   */
  then?: ({ afterMs: number; signal: NodeJS.Signals } | { when: Moment; signal: NodeJS.Signals })[]
}

type Moment = (log: string, world: World) => boolean

/** A GitHub step that gets SIGINT (and whatever follows it) when the plan says. */
async function signalled(flavour: Flavour, plan: Plan): Promise<Signalled> {
  const world = flavour.make()
  await world.start()
  try {
    for (const fault of plan.faults ?? []) world.injectFault(fault)
    let log = ''
    let signalledAt = 0
    let runId = ''
    let child: ChildProcess | undefined
    const timers: NodeJS.Timeout[] = []
    let waiting: { when: Moment; signal: NodeJS.Signals }[] = []
    const alive = (target: ChildProcess): boolean => target.exitCode === null && target.signalCode === null
    const fire = (): void => {
      if (signalledAt !== 0 || child === undefined) return
      const target = child
      signalledAt = Date.now()
      target.kill('SIGINT')
      for (const next of plan.then ?? []) {
        if ('afterMs' in next) timers.push(setTimeout(() => alive(target) && target.kill(next.signal), next.afterMs))
        else waiting.push(next)
      }
    }
    const check = (): void => {
      if (signalledAt === 0) {
        if (plan.when(log, world)) fire()
        return
      }
      const due = waiting.filter(next => next.when(log, world))
      waiting = waiting.filter(next => !due.includes(next))
      for (const next of due) if (child !== undefined && alive(child)) child.kill(next.signal)
    }
    // The emulator is watched too: some moments (a request in flight) show there, not in the log.
    const watcher = setInterval(check, 10)
    const ran = await githubStep({
      inputs: world.inputs(plan.scenario ?? 'long', { ...WAIT, ...plan.inputs }),
      secrets: world.secrets,
      killAfterMs: 30_000,
      onOutput: (text, process) => {
        child = process
        log += text
        runId = STARTED.exec(log)?.[1] ?? runId
        check()
      }
    })
    const endedAt = Date.now()
    clearInterval(watcher)
    for (const timer of timers) clearTimeout(timer)
    const id = runId || ran.outputs.run_id || ''
    return { ran, world, runId: id, signalledAt, endedAt, stopRequests: world.requestLines().filter(line => STOP_REQUEST.test(line)).length }
  } finally {
    await world.stop()
  }
}

function checkClean(ran: Ran): void {
  expect(ran.stdout + ran.stderr).not.toMatch(STACK_TRACE)
  expect(ran.leaks).toEqual([])
  // Ended by itself, not by the runner's SIGKILL (nor by our own kill timer).
  expect(ran.signal).toBeNull()
}

/** The GitHub side: SIGINT at every awkward moment, and the runner's SIGINT → SIGTERM sequence. */
export function githubCancellationSuite(flavour: Flavour): void {
  describe(`${flavour.id}: canceled on GitHub`, () => {
    test.concurrent('SIGINT while the start request is in flight: the start finishes, and its run is stopped once', async () => {
      const s = await signalled(flavour, {
        scenario: 'succeed',
        inputs: { request_timeout: '5s' },
        faults: [{ on: 'start', kind: 'slow', delayMs: 1_500 }],
        when: (_log, world) => world.requestLines().some(line => START_REQUEST.test(line))
      })
      checkClean(s.ran)
      expect(s.signalledAt).toBeGreaterThan(0)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.world.runsCreated()).toBe(1)
      expect(s.ran.outputs.run_id).toEqual(expect.any(String))
      expect(s.stopRequests).toBe(1)
      expect(s.ran.stdout).toMatch(/::error::The job was canceled, so run \S+ was stopped/)
    })

    test.concurrent('SIGINT while looking for the run a lost start answer may have made: the run is found and stopped once', async () => {
      const s = await signalled(flavour, {
        scenario: 'succeed',
        // The start times out at 1 s and the lookup's first read finds nothing; the emulator makes the
        // run at 1.3 s; SIGINT comes once it exists, while the lookup pauses or reads again.
        inputs: { request_timeout: '1s' },
        faults: [{ on: 'start', kind: 'slow', delayMs: 1_300 }],
        when: (log, world) => /looking for the run it may have created/.test(log) && world.runsCreated() === 1
      })
      checkClean(s.ran)
      expect(s.signalledAt).toBeGreaterThan(0)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.world.runsCreated()).toBe(1)
      expect(s.stopRequests).toBe(1)
      expect(s.ran.outputs.run_id).toEqual(expect.any(String))
      expect(s.ran.stdout).toMatch(/::error::The job was canceled, so run \S+ was stopped/)
      expect(s.ran.stdout).not.toMatch(/canceled before a run was started/)
    })

    test.concurrent('SIGINT during the pause before a throttled start is sent again: it ends at once, with no run to stop', async () => {
      const s = await signalled(flavour, {
        scenario: 'succeed',
        faults: [{ on: 'start', kind: 'status', status: 429, headers: { 'Retry-After': '5' } }],
        when: log => /trying again in 5\.0 s/.test(log)
      })
      checkClean(s.ran)
      expect(s.signalledAt).toBeGreaterThan(0)
      expect(s.endedAt - s.signalledAt).toBeLessThan(2_000)
      expect(s.world.runsCreated()).toBe(0)
      expect(s.stopRequests).toBe(0)
      expect(s.ran.stdout).toMatch(/::error::The job was canceled before a run was started/)
    })

    test.concurrent('SIGINT during the pause before a status read is tried again: the run is stopped once', async () => {
      const s = await signalled(flavour, {
        faults: [{ on: 'status', kind: 'status', status: 503, headers: { 'Retry-After': '5' } }],
        when: log => STARTED.test(log) && /trying again in 5\.0 s/.test(log)
      })
      checkClean(s.ran)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.world.runsCreated()).toBe(1)
      expect(s.stopRequests).toBe(1)
      expect(s.world.stopCount(s.runId, 'long')).toBe(1)
      expect(s.ran.outputs.status).toBe('canceled')
    })

    test.concurrent("the runner's sequence (SIGINT, SIGTERM 7.5 s later, SIGKILL at 10 s): the step is done before SIGTERM", async () => {
      const s = await signalled(flavour, {
        faults: [{ on: 'stop', kind: 'slow', delayMs: 2_000 }],
        when: log => STARTED.test(log) && /\] running/.test(log),
        then: [
          { afterMs: SIGTERM_AFTER_MS, signal: 'SIGTERM' },
          { afterMs: SIGKILL_AFTER_MS, signal: 'SIGKILL' }
        ]
      })
      checkClean(s.ran)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.stopRequests).toBe(1)
      expect(s.world.stopCount(s.runId, 'long')).toBe(1)
      expect(s.ran.outputs.status).toBe('canceled')
    })

    test.concurrent('SIGTERM arriving while the stop is in flight sends no second stop', async () => {
      const s = await signalled(flavour, {
        faults: [{ on: 'stop', kind: 'slow', delayMs: 1_500 }],
        when: log => STARTED.test(log) && /\] running/.test(log),
        // SIGTERM once the stop request has reached the emulator (which holds its answer 1.5 s).
        then: [{ when: (_log, world) => world.requestLines().some(line => STOP_REQUEST.test(line)), signal: 'SIGTERM' }]
      })
      checkClean(s.ran)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.stopRequests).toBe(1)
      expect(s.world.stopCount(s.runId, 'long')).toBe(1)
    })

    test.concurrent('a stop that never answers: the step still ends inside the window, and says the run may still be going', async () => {
      const s = await signalled(flavour, {
        faults: [{ on: 'stop', kind: 'slow', delayMs: 30_000 }],
        when: log => STARTED.test(log) && /\] running/.test(log)
      })
      checkClean(s.ran)
      expect(s.endedAt - s.signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
      expect(s.stopRequests).toBe(1)
      expect(s.ran.stdout).toMatch(/::error::The job was canceled, and stopping run \S+ failed: .*did not answer within 5000 ms; the stop request was not sent again, and it is still \S+/)
    })

    test.concurrent("the post step after a crashed main step, when the stop's answer is lost: it reads the run and reports it stopped", async () => {
      const world = flavour.make()
      await world.start()
      try {
        let runId = ''
        const main = await githubStep({
          inputs: world.inputs('long', WAIT),
          secrets: world.secrets,
          onOutput: (text, child) => {
            runId = STARTED.exec(text)?.[1] ?? runId
            if (runId !== '') child.kill('SIGKILL')
          }
        })
        expect(main.signal).toBe('SIGKILL')
        world.injectFault({ on: 'stop', kind: 'accept-then-cut' })
        const post = await githubStep({ inputs: world.inputs('long', WAIT), secrets: world.secrets, state: main.state })
        checkClean(post)
        expect(post.exitCode).toBe(0)
        expect(post.stdout).toContain(`run ${runId} was stopped`)
        expect(world.stopCount(runId, 'long')).toBe(1)
        expect(main.leaks).toEqual([])
      } finally {
        await world.stop()
      }
    })
  })
}

/** The GitLab side: the template's after_script, run as the job's runner runs it after a cancel. */
export function gitlabCancellationSuite(flavour: Flavour): void {
  describe(`${flavour.id}: canceled on GitLab`, () => {
    test.concurrent("the after_script of a job killed while waiting stops the run once", async () => {
      const world = flavour.make()
      await world.start()
      const dir = scratchDir()
      try {
        let runId = ''
        const inputs = world.inputs('long', WAIT)
        const main = await gitlabJob({
          inputs,
          secrets: world.secrets,
          projectDir: dir.path,
          jobId: '9001',
          onOutput: (text, child) => {
            runId = STARTED.exec(text)?.[1] ?? runId
            if (runId !== '' && /\] running/.test(text)) child.kill('SIGKILL')
          }
        })
        expect(main.signal).toBe('SIGKILL')
        expect(world.stopCount(runId, 'long')).toBe(0)
        const after = await gitlabJob({ inputs, secrets: world.secrets, projectDir: dir.path, jobId: '9001', afterScript: true })
        expect(after.exitCode).toBe(0)
        expect(after.stdout).toContain(`run ${runId} was stopped`)
        expect(world.stopCount(runId, 'long')).toBe(1)
        expect(main.dotenv.RELAY_RUN_ID).toBe(runId)
        for (const job of [main, after]) {
          expect(job.stdout + job.stderr).not.toMatch(STACK_TRACE)
          expect(job.leaks).toEqual([])
        }
      } finally {
        dir.remove()
        await world.stop()
      }
    })

    test.concurrent('a job canceled with SIGTERM stops its own run; its after_script then leaves it alone: one stop in all', async () => {
      const world = flavour.make()
      await world.start()
      const dir = scratchDir()
      try {
        let runId = ''
        let signalledAt = 0
        const inputs = world.inputs('long', WAIT)
        const main = await gitlabJob({
          inputs,
          secrets: world.secrets,
          projectDir: dir.path,
          jobId: '9002',
          onOutput: (text, child) => {
            runId = STARTED.exec(text)?.[1] ?? runId
            if (signalledAt === 0 && runId !== '' && /\] running/.test(text)) {
              signalledAt = Date.now()
              child.kill('SIGTERM')
            }
          }
        })
        expect(main.signal).toBeNull()
        expect(main.exitCode).toBe(1)
        expect(Date.now() - signalledAt).toBeLessThan(SIGTERM_AFTER_MS)
        expect(main.stdout).toContain(`run ${runId} was stopped`)
        expect(main.dotenv.RELAY_STATUS).toBe('canceled')
        const after = await gitlabJob({ inputs, secrets: world.secrets, projectDir: dir.path, jobId: '9002', afterScript: true })
        expect(after.exitCode).toBe(0)
        expect(after.stdout).toMatch(/nothing to clean up/)
        expect(world.stopCount(runId, 'long')).toBe(1)
        for (const job of [main, after]) {
          expect(job.stdout + job.stderr).not.toMatch(STACK_TRACE)
          expect(job.leaks).toEqual([])
        }
      } finally {
        dir.remove()
        await world.stop()
      }
    })
  })
}
