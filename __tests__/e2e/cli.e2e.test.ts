/**
 * End to end on the command line: the built dist/index.js run as `pipeline-relay` would be run by
 * a person, a shell script or Jenkins (flags and INPUT_* variables, no GitHub or GitLab variables),
 * against the CodeArts emulator. stdout must be exactly one JSON object; the exit code tells a
 * script what happened.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator } from '../../emulators/codearts/index.js'
import { BUNDLE } from '../../emulators/github-runner.js'
import { INPUT_NAMES } from '../../src/inputs/index.js'
import { findLeaks } from './secrets.js'

const F = DEMO_FIXTURE

interface CliResult {
  exitCode: number | null
  stdout: string
  stderr: string
  /** stdout as JSON: undefined when it is not exactly one JSON object and a line break. */
  json: Record<string, string> | undefined
}

let emulator: CodeArtsEmulator
const written: string[] = []

beforeAll(async () => {
  emulator = await startCodeArtsEmulator({ advance: 'per-read' })
})
afterAll(async () => {
  await emulator.close()
})

async function cli(args: string[], env: Record<string, string> = {}, onStderr?: (text: string, child: ChildProcess) => void): Promise<CliResult> {
  // Only what a shell would pass: no GITHUB_ACTIONS, no GITLAB_CI.
  const child = spawn(process.env.RELAY_E2E_NODE ?? process.execPath, [BUNDLE, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text))
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
    onStderr?.(text, child)
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000)
  const exitCode = await new Promise<number | null>(done => child.on('close', code => done(code)))
  clearTimeout(killer)
  written.push(stdout, stderr)
  let json: Record<string, string> | undefined
  if (/^\{.*\}\n$/.test(stdout)) json = JSON.parse(stdout) as Record<string, string>
  return { exitCode, stdout, stderr, json }
}

/** Flags for a CodeArts run of `pipeline`; the token comes from INPUT_TOKEN, as the help advises. */
function codearts(pipeline: string, ...more: string[]): string[] {
  return ['--provider', 'codearts', '--project-id', F.projectId, '--pipeline-id', pipeline, '--endpoint', emulator.url, '--poll-interval', '100ms', '--request-timeout', '3s', ...more]
}
const TOKEN = { INPUT_TOKEN: F.token }

describe('the command line', () => {
  test('--help lists every input as a flag, on stdout, exit 0, without a request', async () => {
    const before = emulator.stats.requests.length
    const result = await cli(['--help'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    for (const name of INPUT_NAMES) expect(result.stdout).toContain(`--${name.replace(/_/g, '-')} <`)
    expect(result.stdout).toContain('--timeout <value>')
    expect(result.stdout).toContain('(default: 60m)')
    expect(emulator.stats.requests.length).toBe(before)
  })

  test('run and wait: one JSON object on stdout with the outputs, the log on stderr, exit 0', async () => {
    const before = emulator.stats.runsCreated
    const result = await cli(codearts(F.pipelines.succeed, '--variables', 'ENV=staging', '--variables', 'VERSION=1.2.3', '--message', 'from a shell'), TOKEN)
    expect(result.exitCode).toBe(0)
    expect(emulator.stats.runsCreated - before).toBe(1)
    expect(result.json).toMatchObject({ status: 'succeeded', raw_status: 'COMPLETED', pipeline_id: F.pipelines.succeed, run_number: expect.stringMatching(/^\d+$/) })
    const runId = result.json?.run_id ?? ''
    expect(result.json?.run_url).toContain(runId)
    expect(result.stderr).toContain(`Started run ${runId}`)
    expect(result.stderr).toMatch(/^pipeline-relay settings\n {2}provider: codearts/)
    const run = emulator.getRun(runId)
    expect(run?.description).toMatch(/^from a shell \[relay:[0-9a-f]+\]$/)
    expect(run?.variables).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'ENV', value: 'staging' }), expect.objectContaining({ name: 'VERSION', value: '1.2.3' })]))
  })

  test('every input also works as an INPUT_* variable, with no flag at all', async () => {
    const result = await cli([], { ...TOKEN, INPUT_PROVIDER: 'codearts', INPUT_PROJECT_ID: F.projectId, INPUT_PIPELINE_ID: F.pipelines.succeed, INPUT_ENDPOINT: emulator.url, INPUT_POLL_INTERVAL: '100ms' })
    expect(result.exitCode).toBe(0)
    expect(result.json?.status).toBe('succeeded')
  })

  test('a failed run: exit 1, and the JSON still says what happened', async () => {
    const result = await cli(codearts(F.pipelines.fail), TOKEN)
    expect(result.exitCode).toBe(1)
    expect(result.json).toMatchObject({ status: 'failed', raw_status: 'FAILED' })
    expect(result.stderr).toMatch(/error: Run #\d+ \([0-9a-f]{32}\) failed: Build \/ Compile failed/)
  })

  test('--no-propagate-failure: a failed run exits 0 with a warning', async () => {
    const result = await cli(codearts(F.pipelines.fail, '--no-propagate-failure'), TOKEN)
    expect(result.exitCode).toBe(0)
    expect(result.json?.status).toBe('failed')
    expect(result.stderr).toContain('(propagate_failure is false, so this step succeeds)')
  })

  test('the wait times out: exit 1, status timed_out', async () => {
    const result = await cli(codearts(F.pipelines.long, '--timeout', '2s'), TOKEN)
    expect(result.exitCode).toBe(1)
    expect(result.json?.status).toBe('timed_out')
  })

  test('chained: start without waiting, watch it to the end, cancel another', async () => {
    const started = await cli(codearts(F.pipelines.succeed, '--no-wait'), TOKEN)
    expect(started.exitCode).toBe(0)
    expect(started.json?.status).toMatch(/queued|running/)
    const watched = await cli(codearts(F.pipelines.succeed, '--operation', 'watch', '--run-id', started.json?.run_id ?? ''), TOKEN)
    expect(watched.exitCode).toBe(0)
    expect(watched.json?.status).toBe('succeeded')

    const long = await cli(codearts(F.pipelines.long, '--wait=false'), TOKEN)
    const canceled = await cli(codearts(F.pipelines.long, '--operation=cancel', `--run-id=${long.json?.run_id ?? ''}`), TOKEN)
    expect(canceled.exitCode).toBe(0)
    expect(canceled.json?.status).toBe('canceled')
    expect(emulator.getRun(long.json?.run_id ?? '')?.stopCount).toBe(1)
  })

  test('Ctrl-C (SIGINT) during the wait stops the run this command started: exit 1, status canceled', async () => {
    let runId = ''
    let seen = ''
    let signaled = false
    const result = await cli(codearts(F.pipelines.long), TOKEN, (text, child) => {
      seen += text
      runId = /Started run ([0-9a-f]{32})/.exec(seen)?.[1] ?? runId
      if (!signaled && runId !== '' && /\] running/.test(seen)) {
        signaled = true
        child.kill('SIGINT')
      }
    })
    expect(signaled).toBe(true)
    expect(result.exitCode).toBe(1)
    expect(result.json).toMatchObject({ run_id: runId, status: 'canceled' })
    expect(result.stderr).toContain(`error: The job was canceled, so run ${runId} was stopped`)
    expect(emulator.getRun(runId)?.stopCount).toBe(1)
  })
})

describe('bad input: exit 2, an empty JSON object, no request', () => {
  test.each([
    [['--provider', 'codearts', '--pipline-id', 'x'], /error: --pipline-id is not an option of pipeline-relay; see --help/],
    [['--provider', 'codearts', '--pipeline_id', 'x'], /did you mean --pipeline-id\?/],
    [['codearts'], /argument 1 is not an option; options start with --/],
    [['--provider', 'codearts', '--pipeline-id'], /--pipeline-id needs a value/],
    [['--provider', 'jenkins'], /Input provider: "jenkins" is not a provider/],
    [['--provider', 'codearts', '--pipeline-id', 'p', '--timeout', 'soon'], /Input timeout: "soon" is not a duration/],
    [['--provider', 'codearts', '--pipeline-id', 'p', '--wait', 'maybe'], /argument 6 \(after --wait\) is not an option/],
    [['--provider', 'codearts', '--pipeline-id', 'p', '--wait=maybe'], /Input wait: "maybe" is not a boolean/]
  ])('%j', async (args, message) => {
    const before = emulator.stats.requests.length
    const result = await cli(args, TOKEN)
    expect(result.exitCode).toBe(2)
    expect(result.stdout).toBe('{}\n')
    expect(result.stderr).toMatch(message)
    expect(emulator.stats.requests.length).toBe(before)
  })
})

describe('secrets', () => {
  test('a token given as a flag works, is warned about, and is never printed', async () => {
    const result = await cli(codearts(F.pipelines.succeed, '--token', F.token))
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toContain('warning: --token was given on the command line')
    expect(findLeaks([result.stdout, result.stderr], [F.token], { githubLog: false })).toEqual([])
  })

  test('a secret left as a stray argument (its flag missing) is not echoed by the bad-input error', async () => {
    const result = await cli(['--provider', 'codearts', '--pipeline-id', 'p', F.token])
    expect(result.exitCode).toBe(2)
    expect(result.stderr).toMatch(/argument 5 is not an option/)
    expect(findLeaks([result.stdout, result.stderr], [F.token], { githubLog: false })).toEqual([])
  })

  test('no credential appears on stdout or stderr of any run', () => {
    expect(written.length).toBeGreaterThan(20)
    expect(findLeaks(written, [F.token], { githubLog: false })).toEqual([])
  })
})

