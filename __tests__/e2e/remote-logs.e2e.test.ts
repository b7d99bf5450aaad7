/**
 * The remote run's log, end to end (issue 14), for bk-ci (v4) and Yunxiao (OpenAPI and POP): the built
 * dist/index.js run as a child process against the emulators, whose job logs grow while the jobs run.
 * `failed` shows the failing job's last lines in the step log, the summary and the annotation; `all`
 * streams every job's log with no line twice and none missing (compared with the emulator's own log);
 * `none` makes no log request; a log read that fails only warns.
 */
import { DEMO_FIXTURE as BK, startBkciEmulator, type BkciEmulator } from '../../emulators/bkci/index.js'
import { runStep, type StepResult } from '../../emulators/github-runner.js'
import { DEMO_FIXTURE as YX, startYunxiaoEmulator, type YunxiaoEmulator } from '../../emulators/yunxiao/index.js'

interface Flavour {
  name: string
  start(): Promise<void>
  stop(): Promise<void>
  inputs(extra: Record<string, string>): Record<string, string>
  /** Log requests the emulator received. */
  logRequests(): number
  /** The emulator's own log of each job of the run that has one, by the name the step prints ("Stage / Job"). */
  jobLogs(runId: string): Map<string, string[]>
  /** The job of the `fail` scenario that fails. */
  failingJob: string
  /** Makes the next log read fail with an error that is not retried. */
  failNextLogRead(): void
  /** Where the vendor documents expired logs: drops the run's log in the emulator. */
  expireLogs?(runId: string): void
}

function bkci(): Flavour {
  let e: BkciEmulator | undefined
  const live = (): BkciEmulator => e ?? (() => { throw new Error('bk-ci emulator not started') })()
  return {
    name: 'bkci (v4), pages of 2 lines',
    start: async () => {
      // Pages of two lines: the client has to page, and to come back for the lines a running job adds.
      e = await startBkciEmulator({ advance: 'per-read', logPageLines: 2 })
    },
    stop: async () => e?.close(),
    inputs: extra => ({
      provider: 'bkci',
      api: 'v4',
      endpoint: live().gatewayUrl,
      project_id: BK.projectId,
      pipeline_id: BK.pipelines.fail,
      app_code: BK.app.appCode,
      app_secret: BK.app.appSecret,
      username: BK.username,
      ...extra
    }),
    logRequests: () => live().stats.logInit + live().stats.logAfter,
    jobLogs: runId => {
      const build = live().getRun(runId)!
      const logs = new Map<string, string[]>()
      for (const stage of build.stages.slice(1)) {
        for (const container of stage.containers) {
          const lines = live().jobLog(runId, container.containerHashId, build.executeCount)
          if (lines.length > 0) logs.set(`${stage.name} / ${container.name}`, lines)
        }
      }
      return logs
    },
    failingJob: 'Build / Linux build',
    failNextLogRead: () => live().injectFault({ on: 'logInit', kind: 'status', status: 404 }),
    expireLogs: runId => live().expireLogs(runId)
  }
}

function yunxiao(api: 'openapi' | 'devops-2021-06-25', logLastUnit: 'lines' | 'characters' = 'lines'): Flavour {
  let e: YunxiaoEmulator | undefined
  const live = (): YunxiaoEmulator => e ?? (() => { throw new Error('Yunxiao emulator not started') })()
  const credentials: Record<string, string> = api === 'openapi' ? { token: YX.token } : { access_key_id: YX.accessKey.accessKeyId, access_key_secret: YX.accessKey.accessKeySecret }
  return {
    name: api === 'openapi' ? `yunxiao (openapi, last in ${logLastUnit})` : 'yunxiao (devops-2021-06-25)',
    start: async () => {
      e = await startYunxiaoEmulator({ advance: 'per-read', logLastUnit })
    },
    stop: async () => e?.close(),
    inputs: extra => ({ provider: 'yunxiao', api, organization_id: YX.organizationId, pipeline_id: String(YX.pipelines.fail), endpoint: live().url, ...credentials, ...extra }),
    logRequests: () => live().stats.log,
    jobLogs: runId => {
      const run = live().getRun(runId, YX.pipelines.fail)!
      const logs = new Map<string, string[]>()
      for (const stage of run.stages) {
        for (const job of stage.jobs) {
          const lines = live().jobLog(runId, job.id, YX.pipelines.fail)
          if (lines.length > 0) logs.set(`${stage.name} / ${job.name}`, lines)
        }
      }
      return logs
    },
    failingJob: 'Build / Java build',
    failNextLogRead: () => live().injectFault({ on: 'log', kind: 'status', status: 404 })
  }
}

const FLAVOURS: Flavour[] = [bkci(), yunxiao('openapi', 'lines'), yunxiao('openapi', 'characters'), yunxiao('devops-2021-06-25')]

/** The lines the step printed for `job` while streaming: `[Stage / Job] text`. */
function streamed(stdout: string, job: string): string[] {
  const prefix = `[${job}] `
  return stdout.split('\n').filter(line => line.startsWith(prefix)).map(line => line.slice(prefix.length))
}

describe.each(FLAVOURS)('$name: the remote log', flavour => {
  beforeAll(() => flavour.start())
  afterAll(() => flavour.stop())

  async function step(logs: string, onOutput?: (text: string) => void): Promise<StepResult & { logRequests: number }> {
    const before = flavour.logRequests()
    const result = await runStep({ inputs: flavour.inputs({ logs, poll_interval: '100ms', request_timeout: '3s', timeout: '60s' }), onOutput })
    return { ...result, logRequests: flavour.logRequests() - before }
  }

  test('logs: failed shows the failing job\'s last lines in the step log, the summary and its annotation', async () => {
    const result = await step('failed')
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    const log = flavour.jobLogs(result.outputs.run_id!).get(flavour.failingJob)!
    const last = log.at(-1)!
    expect(result.stdout).toContain(`::group::End of the log of ${flavour.failingJob}`)
    // The tail in the group ends with the job's last line, in order.
    const group = result.stdout.slice(result.stdout.indexOf(`::group::End of the log of ${flavour.failingJob}`))
    const printed = group.slice(group.indexOf('\n') + 1, group.indexOf('::endgroup::')).trimEnd().split('\n')
    expect(printed).toEqual(log.slice(-printed.length))
    expect(result.summary).toContain(`End of the log of ${flavour.failingJob}`)
    expect(result.summary).toContain(last)
    const annotation = result.stdout.split('\n').find(line => line.startsWith('::error title=') && line.includes(flavour.failingJob.replace(/:/g, '%3A')))
    expect(annotation).toContain('Last lines of its log:')
    expect(annotation).toContain(last.replace(/%/g, '%25').replace(/:/g, '%3A'))
    expect(result.logRequests).toBeGreaterThan(0)
  }, 45_000)

  test('logs: all streams each job\'s growing log: every line once, in order, none missing', async () => {
    const result = await step('all')
    expect(result.exitCode).toBe(1)
    const logs = flavour.jobLogs(result.outputs.run_id!)
    expect(logs.size).toBeGreaterThanOrEqual(2)
    for (const [job, lines] of logs) expect(streamed(result.stdout, job)).toEqual(lines)
    // More reads than jobs: the logs were read while they grew, not once at the end.
    expect(result.logRequests).toBeGreaterThan(logs.size * 2)
    // The failing job's tail still reaches the summary, from what was streamed (no second read).
    expect(result.summary).toContain(logs.get(flavour.failingJob)!.at(-1)!)
  }, 45_000)

  test('logs: none sends no log request', async () => {
    const result = await step('none')
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.logRequests).toBe(0)
    expect(result.stdout).not.toContain('End of the log of')
  }, 45_000)

  test('a log read that fails only warns: the step ends as the run did', async () => {
    flavour.failNextLogRead()
    const result = await step('failed')
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout).toMatch(new RegExp(`::warning::Could not read the log of ${flavour.failingJob.replace(/[/]/g, '\\/')}`))
    expect(result.stdout).toMatch(/::error::Run .* failed/)
  }, 45_000)

  const expiring = flavour.expireLogs === undefined ? test.skip : test
  expiring('an expired log is said to be expired, in a warning', async () => {
    let expired = false
    const result = await step('failed', text => {
      const runId = /Started run (\S+?)(?::? |\n|$)/.exec(text)?.[1]
      if (!expired && runId !== undefined) {
        expired = true
        flavour.expireLogs?.(runId)
      }
    })
    expect(expired).toBe(true)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('failed')
    expect(result.stdout).toMatch(/::warning::Could not read the log of .*: The log of build \S+ is no longer kept by bk-ci \(log status 2 CLEAN/)
  }, 45_000)
})
