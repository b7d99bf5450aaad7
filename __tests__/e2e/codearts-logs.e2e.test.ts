/**
 * End to end, the remote run's logs on the two Huawei providers: the built dist/index.js run as a
 * child process against the CodeArts emulator, whose logs grow as its runs move. `logs: failed`
 * shows the failing step's last lines in the step log, the summary and the annotation; `logs: all`
 * streams every job's log with no line twice and none missing, under both readings of the v5
 * offsets and with v6 pages that end inside lines; `logs: none` reads no log; a failing log read
 * only warns.
 */
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type CodeArtsEmulatorOptions, type RunSnapshot } from '../../emulators/codearts/index.js'
import { runStep, type StepResult } from '../../emulators/github-runner.js'

const F = DEMO_FIXTURE
const STARTED = /Started run (\S+?)(?::? |\n|$)/

type Flavour = 'codearts' | 'codearts-pac'
type Scenario = 'succeed' | 'fail'

function inputs(flavour: Flavour, emulator: CodeArtsEmulator, scenario: Scenario, extra: Record<string, string>): Record<string, string> {
  const common = { endpoint: emulator.url, token: F.token, poll_interval: '100ms', request_timeout: '3s', timeout: '60s', ...extra }
  if (flavour === 'codearts') return { provider: 'codearts', project_id: F.projectId, pipeline_id: F.pipelines[scenario], ...common }
  return { provider: 'codearts-pac', domain_id: F.domainId, repository_url: F.pac.repositoryUrl, pipeline_file: F.pac.files[scenario], gitcode_token: F.pac.gitcodeToken, ...common }
}

function linesOf(text: string): string[] {
  const lines = text.split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

type Job = RunSnapshot['stages'][number]['jobs'][number]

/** A job's whole log as the vendor holds it: v5, its steps' logs in order; v6, the job's log. */
function fullLog(flavour: Flavour, job: Job): string[] {
  return flavour === 'codearts' ? job.steps.flatMap(step => linesOf(step.log)) : linesOf(job.log)
}

/** What the step printed of one job's log while streaming: the lines prefixed with its name. */
function printedLog(stdout: string, label: string): string[] {
  const prefix = `[${label}] `
  return stdout
    .split('\n')
    .filter(line => line.startsWith(prefix))
    .map(line => line.slice(prefix.length))
}

describe.each<[Flavour, CodeArtsEmulatorOptions]>([
  ['codearts', { stepLogReading: 'start', logPageMax: 15 }],
  ['codearts', { stepLogReading: 'end', logPageMax: 15 }],
  ['codearts-pac', { pacLogLimitUnit: 'chars', logPageMax: 1_500 }],
  ['codearts-pac', { pacLogLimitUnit: 'lines', logPageMax: 1_500 }]
])('%s logs, emulator %j', (flavour, options) => {
  let emulator: CodeArtsEmulator

  beforeAll(async () => {
    emulator = await startCodeArtsEmulator({ advance: 'per-read', logLinesPerPhase: 40, ...options })
  })
  afterAll(async () => {
    await emulator.close()
  })
  afterEach(() => {
    emulator.clearFaults()
  })

  /** Runs a step and notes the run's state each time a streamed line of `watch` first appears. */
  async function step(scenario: Scenario, extra: Record<string, string>, watch?: string): Promise<StepResult & { logReads: number; firstLineWhile?: string }> {
    const before = emulator.stats.log
    let runId = ''
    let firstLineWhile: string | undefined
    const result = await runStep({
      inputs: inputs(flavour, emulator, scenario, extra),
      onOutput: text => {
        runId = STARTED.exec(text)?.[1] ?? runId
        if (watch !== undefined && firstLineWhile === undefined && runId !== '' && text.includes(`[${watch}] `)) firstLineWhile = emulator.getRun(runId)?.status
      }
    })
    return { ...result, logReads: emulator.stats.log - before, firstLineWhile }
  }

  test('logs: failed (the default): the failing job’s last lines in the step log, the summary and the annotation', async () => {
    const result = await step('fail', {})
    expect(result.exitCode).toBe(1)
    const job = emulator.getRun(result.outputs.run_id!)!.stages[0]!.jobs[0]!
    expect(job.status).toBe('FAILED')
    // v5 reads the failed step's log; v6 the job's: either way it ends with the step's error and end.
    const source = flavour === 'codearts' ? linesOf(job.steps.find(s => s.status === 'FAILED')!.log) : linesOf(job.log)
    const tail = source.slice(-50)
    expect(tail.at(-2)).toMatch(/\[ERROR\] Build failed: \[ERROR\] COMPILATION ERROR/)
    expect(tail.at(-1)).toMatch(/Step Maven build ended: FAILED$/)

    const group = result.stdout.split('\n')
    const start = group.indexOf('::group::End of the log of Build / Compile (last 50 lines)')
    expect(start).toBeGreaterThanOrEqual(0)
    expect(group.slice(start + 1, start + 51)).toEqual(tail)
    expect(group[start + 51]).toBe('::endgroup::')

    expect(result.summary).toContain('<summary>End of the log of Build / Compile</summary>')
    expect(result.summary).toContain(tail.join('\n'))

    const annotation = result.stdout.split('\n').find(line => line.startsWith('::error title=') && line.includes('Compile failed'))
    expect(annotation).toBeDefined()
    expect(annotation).toContain(['Last lines of its log:', ...tail.slice(-5)].join('%0A'))
  })

  test('logs: all streams each job’s growing log while the run goes on: no line twice, none missing', async () => {
    const result = await step('succeed', { logs: 'all' }, 'Build / Compile')
    expect(result.exitCode).toBe(0)
    // The first lines came while the run was still going: streamed, not read once it had ended.
    expect(result.firstLineWhile).toBe('RUNNING')
    const run = emulator.getRun(result.outputs.run_id!)!
    const jobs = run.stages.flatMap(stage => stage.jobs.map(job => ({ label: `${stage.name} / ${job.name}`, job })))
    expect(jobs).toHaveLength(3)
    for (const { label, job } of jobs) {
      const expected = fullLog(flavour, job)
      // Many pages each: the emulator's page bound is far below a job's log.
      expect(expected.length).toBeGreaterThan(60)
      expect(printedLog(result.stdout, label)).toEqual(expected)
    }
    expect(result.stdout).not.toMatch(/::warning::Could not read the log/)
  })

  test('logs: none sends no log request, also for a failed run', async () => {
    const result = await step('fail', { logs: 'none' })
    expect(result.exitCode).toBe(1)
    expect(result.logReads).toBe(0)
    expect(result.stdout).not.toContain('End of the log of')
    expect(result.summary).not.toContain('End of the log of')
    // The default does read them, on the same emulator.
    expect((await step('fail', {})).logReads).toBeGreaterThan(0)
  })

  test('a log read that fails only warns: the run’s result is reported as it is', async () => {
    emulator.injectFault({ on: 'log', kind: 'status', status: 400, errorCode: 'DEVPIPE.00011100', errorMsg: 'Invalid parameter: log service unavailable', times: Infinity })
    const failed = await step('fail', {})
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs.status).toBe('failed')
    expect(failed.stdout).toMatch(/::warning::Could not read the log of Build \/ Compile: CodeArts refused to read the log .*log service unavailable/)
    expect(failed.stdout).toMatch(/::error::Run .* failed/)

    const streamed = await step('succeed', { logs: 'all' })
    expect(streamed.exitCode).toBe(0)
    expect(streamed.outputs.status).toBe('succeeded')
    expect(streamed.stdout).toMatch(/::warning::Could not read the log of Build \/ Compile/)
  })
})

describe('an expired log', () => {
  test('codearts: the tail of a failed run whose logs were cleaned up is a warning that says so', async () => {
    const emulator = await startCodeArtsEmulator({ advance: 'per-read' })
    try {
      let expired = false
      const result = await runStep({
        inputs: inputs('codearts', emulator, 'fail', {}),
        onOutput: text => {
          const runId = STARTED.exec(text)?.[1]
          if (!expired && runId !== undefined) {
            expired = true
            emulator.expireLogs(runId)
          }
        }
      })
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(/::warning::Could not read the log of Build \/ Compile: The log of step Maven build of Build \/ Compile is no longer on CodeArts \(expired or deleted\)/)
    } finally {
      await emulator.close()
    }
  })
})
