/**
 * End to end on GitLab: gitlab-ci-local (shell executor) runs a pipeline that includes the
 * component from the working tree and runs the built dist/index.js against the CodeArts emulator.
 * A run that succeeds hands RELAY_RUN_ID to a downstream job through the dotenv report; a run
 * that fails fails its job; a canceled job's after_script stops the run exactly once.
 */
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator } from '../../emulators/codearts/index.js'
import { BUNDLE } from '../../emulators/github-runner.js'
import { GITLAB_FILES } from '../../src/host/gitlab.js'
import { GitLabWorkspace, findDescendant, type PipelineRun } from '../gitlab/gitlab-ci-local.js'
import { findLeaks } from './secrets.js'

const F = DEMO_FIXTURE
const STARTED = /Started run ([0-9a-f]{32})/

let emulator: CodeArtsEmulator
let workspace: GitLabWorkspace
const outputs: string[] = []

beforeAll(async () => {
  emulator = await startCodeArtsEmulator({ advance: 'per-read' })
  workspace = new GitLabWorkspace({
    EMULATOR_URL: emulator.url,
    CODEARTS_TOKEN: F.token,
    CODEARTS_PROJECT_ID: F.projectId,
    PIPELINE_SUCCEED: F.pipelines.succeed,
    PIPELINE_FAIL: F.pipelines.fail,
    PIPELINE_LONG: F.pipelines.long,
    RELAY_BUNDLE: BUNDLE
  })
})
afterAll(async () => {
  workspace.close()
  await emulator.close()
})

async function pipeline(args: string[], onOutput?: (text: string, runner: number) => void): Promise<PipelineRun> {
  const result = await workspace.run(args, { onOutput: onOutput && ((text, child) => onOutput(text, child.pid ?? 0)) })
  // Every job rewrites the workspace's .pipeline-relay files: they are scanned after each pipeline.
  outputs.push(result.output, ...workspace.everythingWritten())
  return result
}

/** Stops the job's bundle with `signal` once its run is being watched, as a runner stops a canceled job. */
function stopBundleWhileWatching(signal: NodeJS.Signals): { onOutput: (text: string, runner: number) => void; runId: () => string } {
  let runId = ''
  let seen = ''
  let sent = false
  return {
    runId: () => runId,
    onOutput(text, runner) {
      seen += text
      runId = STARTED.exec(seen)?.[1] ?? runId
      if (sent || runId === '' || !/\] running/.test(seen)) return
      const pid = findDescendant(runner, BUNDLE)
      if (pid === undefined) return
      sent = true
      process.kill(pid, signal)
    }
  }
}

describe('gitlab-ci-local runs the component', () => {
  test('a run that succeeds, and a downstream job that reads RELAY_RUN_ID from the dotenv report', async () => {
    const before = emulator.stats.runsCreated
    const result = await pipeline(['--needs', 'read-outputs'])
    expect(result.jobs).toEqual({ 'relay-succeed': 'PASS', 'read-outputs': 'PASS' })
    expect(result.exitCode).toBe(0)
    // gitlab-ci-local checked the expanded pipeline, the component's job in it, against GitLab's schema.
    expect(result.output).toContain('json schema validated')
    expect(emulator.stats.runsCreated - before).toBe(1)

    const report = workspace.dotenvReport('relay-succeed')
    const runId = report.RELAY_RUN_ID ?? ''
    expect(emulator.getRun(runId)?.status).toBe('COMPLETED')
    expect(report).toMatchObject({ RELAY_STATUS: 'succeeded', RELAY_RAW_STATUS: 'COMPLETED', RELAY_PIPELINE_ID: F.pipelines.succeed, RELAY_RUN_NUMBER: expect.stringMatching(/^\d+$/) })
    expect(report.RELAY_RUN_URL).toContain(runId)
    expect(Object.keys(report).every(key => /^RELAY_[A-Z_]+$/.test(key))).toBe(true)

    expect(workspace.read('downstream.env')).toBe(`RUN_ID=${runId}\nSTATUS=succeeded\nRUN_URL=${report.RELAY_RUN_URL}\n`)
    expect(JSON.parse(workspace.read(GITLAB_FILES.annotations))).toEqual({
      'pipeline-relay': [{ external_link: { label: `codearts run #${report.RELAY_RUN_NUMBER}: succeeded`, url: report.RELAY_RUN_URL } }]
    })
    // The log: collapsible sections, the run link.
    expect(result.output).toMatch(/relay-succeed pipeline_relay_1 took/)
    expect(result.output).toContain(`Started run ${runId}: ${report.RELAY_RUN_URL}`)
  })

  test('a run that fails fails the job, and still reports its outputs', async () => {
    const result = await pipeline(['relay-fail'])
    expect(result.jobs).toEqual({ 'relay-fail': 'FAIL' })
    expect(result.exitCode).toBe(1)
    expect(result.output).toMatch(/relay-fail .*error: Run #\d+ \([0-9a-f]{32}\) failed: Build \/ Compile failed/)
    const report = workspace.dotenvReport('relay-fail')
    expect(report).toMatchObject({ RELAY_STATUS: 'failed', RELAY_RAW_STATUS: 'FAILED' })
    expect(emulator.getRun(report.RELAY_RUN_ID ?? '')?.status).toBe('FAILED')
  })

  test('bad input fails the job with exit code 2, before any request', async () => {
    const before = emulator.stats.requests.length
    const result = await pipeline(['relay-bad-input'])
    expect(result.jobs).toEqual({ 'relay-bad-input': 'FAIL' })
    expect(result.output).toMatch(/relay-bad-input .*error: Input timeout: "0" is too short/)
    expect(result.output).toMatch(/relay-bad-input +finished in .* FAIL 2/)
    expect(emulator.stats.requests.length).toBe(before)
    expect(workspace.dotenvReport('relay-bad-input')).toEqual({})
  })
})

describe('cancel on abort, through after_script', () => {
  test('a job that ends otherwise (here its script killed: CI_JOB_STATUS=failed) leaves the run alone', async () => {
    const stop = stopBundleWhileWatching('SIGKILL')
    const result = await pipeline(['relay-long'], stop.onOutput)
    expect(result.jobs).toEqual({ 'relay-long': 'FAIL' })
    expect(stop.runId()).not.toBe('')
    expect(result.output).toContain('$ if [ "$CI_JOB_STATUS" != "canceled" ]; then exit 0; fi')
    expect(result.output).not.toContain('PIPELINE_RELAY_STEP')
    expect(emulator.getRun(stop.runId())?.stopCount).toBe(0)
    expect(emulator.getRun(stop.runId())?.status).toBe('RUNNING')
  })

  test('a canceled job whose script was killed: after_script stops the run it started, once', async () => {
    const stop = stopBundleWhileWatching('SIGKILL')
    const result = await pipeline(['relay-long-canceled'], stop.onOutput)
    expect(result.jobs).toEqual({ 'relay-long-canceled': 'FAIL' })
    const runId = stop.runId()
    expect(runId).not.toBe('')
    expect(result.output).toContain('$ export PIPELINE_RELAY_STEP=after_script')
    expect(result.output).toContain(`The main step did not finish, so run ${runId} was stopped`)
    expect(emulator.getRun(runId)?.status).toBe('CANCELED')
    expect(emulator.getRun(runId)?.stopCount).toBe(1)
  })

  test('a canceled job whose script stopped the run itself (SIGTERM): after_script sends no second stop', async () => {
    const stop = stopBundleWhileWatching('SIGTERM')
    const result = await pipeline(['relay-long-canceled'], stop.onOutput)
    const runId = stop.runId()
    expect(result.jobs).toEqual({ 'relay-long-canceled': 'FAIL' })
    expect(result.output).toContain(`The job was canceled, so run ${runId} was stopped`)
    expect(result.output).toContain('$ export PIPELINE_RELAY_STEP=after_script')
    expect(result.output).not.toContain('The main step did not finish')
    expect(workspace.dotenvReport('relay-long-canceled')).toMatchObject({ RELAY_RUN_ID: runId, RELAY_STATUS: 'canceled' })
    expect(emulator.getRun(runId)?.status).toBe('CANCELED')
    expect(emulator.getRun(runId)?.stopCount).toBe(1)
  })
})

describe('secrets', () => {
  test('the token, passed as a CI/CD variable, appears in no log, report or state file', () => {
    expect(outputs.length).toBeGreaterThanOrEqual(6)
    expect(findLeaks(outputs, [F.token], { githubLog: false })).toEqual([])
  })
})
