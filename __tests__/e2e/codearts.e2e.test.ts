/**
 * End to end: the built dist/index.js run as a child process, the way the GitHub runner runs it,
 * against the CodeArts emulator. The emulator's own counters prove that no fault made two runs.
 */
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type Fault } from '../../emulators/codearts/index.js'
import { runStep, type StepOptions, type StepResult } from '../../emulators/github-runner.js'
import { findLeaks } from './secrets.js'

const F = DEMO_FIXTURE
const SECRETS = [F.token, F.expiredToken, F.accessKey.secretAccessKey, F.accessKey.accessKeyId, F.temporaryAccessKey.secretAccessKey, F.temporaryAccessKey.securityToken]

let emulator: CodeArtsEmulator
const everything: string[] = []

beforeAll(async () => {
  emulator = await startCodeArtsEmulator({ advance: 'per-read' })
})
afterAll(async () => {
  await emulator.close()
})
afterEach(() => {
  emulator.clearFaults()
})

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    provider: 'codearts',
    project_id: F.projectId,
    pipeline_id: F.pipelines.succeed,
    endpoint: emulator.url,
    token: F.token,
    poll_interval: '100ms',
    request_timeout: '3s',
    timeout: '60s',
    ...extra
  }
}

async function step(extra: Record<string, string> = {}, options: Partial<StepOptions> = {}): Promise<StepResult> {
  const result = await runStep({ inputs: inputs(extra), ...options })
  everything.push(result.stdout, result.stderr, result.written)
  return result
}

/** Runs a step and returns it with how many runs the emulator created meanwhile. */
async function counted(extra: Record<string, string> = {}, options: Partial<StepOptions> = {}): Promise<StepResult & { created: number }> {
  const before = emulator.stats.runsCreated
  const result = await step(extra, options)
  return { ...result, created: emulator.stats.runsCreated - before }
}

describe('codearts end to end', () => {
  test('run and wait: one run, outputs, summary, exit 0 (IAM token)', async () => {
    const result = await counted({ message: 'e2e run' })
    expect(result.exitCode).toBe(0)
    expect(result.created).toBe(1)
    expect(result.outputs).toMatchObject({ status: 'succeeded', raw_status: 'COMPLETED', run_number: expect.stringMatching(/^\d+$/) })
    expect(result.outputs.run_id).toMatch(/^[0-9a-f]{32}$/)
    expect(result.outputs.run_url).toContain(`/pipeline/detail/${F.pipelines.succeed}/${result.outputs.run_id}`)
    expect(result.summary).toContain('succeeded')
    expect(result.summary).toContain('| Build |')
    expect(emulator.getRun(result.outputs.run_id!)?.description).toMatch(/^e2e run \[relay:[0-9a-f]{10}\]$/)
  })

  test('run and wait signed with a temporary AK/SK and security token', async () => {
    const result = await counted({
      token: '',
      access_key_id: F.temporaryAccessKey.accessKeyId,
      access_key_secret: F.temporaryAccessKey.secretAccessKey,
      security_token: F.temporaryAccessKey.securityToken
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    const signed = emulator.stats.requests.at(-1)!
    expect(String(signed.headers.authorization)).toMatch(/^SDK-HMAC-SHA256 Access=EMULATORSTSAK0000001, SignedHeaders=[a-z;-]*x-security-token/)
  })

  test('variables, jobs and the run message reach the run', async () => {
    const result = await counted({ variables: 'ENV=staging\nVERSION=1.2.3', jobs: 'job-a, job-b' })
    const run = emulator.getRun(result.outputs.run_id!)!
    expect(run.variables).toEqual([{ name: 'ENV', value: 'staging' }, { name: 'VERSION', value: '1.2.3' }])
    expect(run.chooseJobs).toEqual(['job-a', 'job-b'])
    expect(run.description).toMatch(/^Started by pipeline-relay from octo\/app, workflow run 4242 \[relay:/)
  })

  test('branch and tag go to the code source of the pipeline, keeping its repository', async () => {
    // The code source is learnt from the pipeline's latest run, so there must be one.
    await step({ wait: 'false' })
    const onBranch = await counted({ branch: 'release/1.2' })
    const branchSource = emulator.getRun(onBranch.outputs.run_id!)!.sources[0] as { type: string; params: Record<string, unknown> }
    expect(branchSource.type).toBe('code')
    expect(branchSource.params.git_url).toEqual(expect.any(String))
    expect(branchSource.params.build_params).toEqual({ build_type: 'branch', target_branch: 'release/1.2', event_type: 'Manual' })

    const onTag = await counted({ tag: 'v1.2.0' })
    const tagSource = emulator.getRun(onTag.outputs.run_id!)!.sources[0] as { params: Record<string, unknown> }
    expect(tagSource.params.build_params).toEqual({ build_type: 'tag', tag: 'v1.2.0', event_type: 'Manual' })
    expect(onTag.created).toBe(1)
  })

  test('a failed run fails the step with the failed job, and retry follows the new attempt to success', async () => {
    const failed = await counted({ pipeline_id: F.pipelines.fail })
    expect(failed.exitCode).toBe(1)
    expect(failed.outputs.status).toBe('failed')
    expect(failed.stdout).toMatch(/::error title=Huawei CodeArts Pipeline%3A Build \/ Compile failed::/)
    expect(failed.stdout).toMatch(/::error::Run #\d+ \([0-9a-f]{32}\) failed: Build \/ Compile failed/)

    const retried = await counted({ pipeline_id: F.pipelines.fail, operation: 'retry', run_id: failed.outputs.run_id! })
    expect(retried.exitCode).toBe(0)
    expect(retried.created).toBe(0)
    expect(retried.outputs).toMatchObject({ run_id: failed.outputs.run_id, status: 'succeeded' })
    expect(emulator.getRun(failed.outputs.run_id!)?.attempts).toBe(2)
  })

  test('watch an existing run to its end', async () => {
    const started = await counted({ wait: 'false' })
    expect(started.outputs.status).toMatch(/queued|running/)
    const watched = await step({ operation: 'watch', run_id: started.outputs.run_id! })
    expect(watched.exitCode).toBe(0)
    expect(watched.outputs.status).toBe('succeeded')
  })

  test('cancel a running run; cancel of a finished run is not an error', async () => {
    const started = await step({ pipeline_id: F.pipelines.long, wait: 'false' })
    const canceled = await step({ pipeline_id: F.pipelines.long, operation: 'cancel', run_id: started.outputs.run_id! })
    expect(canceled.exitCode).toBe(0)
    expect(canceled.outputs.status).toBe('canceled')
    expect(emulator.getRun(started.outputs.run_id!)?.stopCount).toBe(1)

    const again = await step({ pipeline_id: F.pipelines.long, operation: 'cancel', run_id: started.outputs.run_id! })
    expect(again.exitCode).toBe(0)
    expect(again.stdout).toContain('had already ended')
  })

  test('a manual gate shows as waiting, and the wait goes on once it is approved', async () => {
    let approved = false
    let started = ''
    const result = await step(
      { pipeline_id: F.pipelines.gate },
      {
        onOutput: text => {
          const id = /Started run ([0-9a-f]{32})/.exec(text)?.[1] ?? ''
          if (id !== '') started = id
          if (!approved && text.includes('waiting (PAUSED)')) {
            approved = true
            emulator.approve(started)
          }
        }
      }
    )
    expect(approved).toBe(true)
    expect(result.outputs.status).toBe('succeeded')
  })

  test('a run queued by the concurrency limit (DEVPIPE.00011169 in a 200) is followed, not failed', async () => {
    const result = await counted({ pipeline_id: F.pipelines.queued })
    expect(result.exitCode).toBe(0)
    expect(result.created).toBe(1)
    expect(result.outputs.status).toBe('succeeded')
  })

  test('the wait times out as timed_out and leaves the run going', async () => {
    const result = await counted({ pipeline_id: F.pipelines.long, timeout: '2s', poll_interval: '500ms' })
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('timed_out')
    expect(emulator.getRun(result.outputs.run_id!)?.status).toBe('RUNNING')
  })
})

describe('codearts faults: never a second run, never a hang', () => {
  const cases: { name: string; fault: Fault; expect: 'succeeded' | 'fails-clearly'; message?: RegExp; runs: number }[] = [
    { name: '429 with Retry-After on start', fault: { on: 'run', kind: 'throttle', retryAfter: 1 }, expect: 'succeeded', runs: 1 },
    { name: '429 with an HTTP-date Retry-After on start', fault: { on: 'run', kind: 'throttle', retryAfter: new Date(Date.now() + 1000).toUTCString() }, expect: 'succeeded', runs: 1 },
    { name: '503 on start (refused, nothing created)', fault: { on: 'run', kind: 'status', status: 503, times: 2 }, expect: 'succeeded', runs: 1 },
    { name: 'start accepted, then the connection cut', fault: { on: 'run', kind: 'accept-then-cut' }, expect: 'succeeded', runs: 1 },
    { name: 'start answered with malformed JSON', fault: { on: 'run', kind: 'malformed' }, expect: 'succeeded', runs: 1 },
    { name: 'start answered with an empty body', fault: { on: 'run', kind: 'empty' }, expect: 'succeeded', runs: 1 },
    { name: 'start answered with the wrong shape', fault: { on: 'run', kind: 'wrong-shape' }, expect: 'succeeded', runs: 1 },
    { name: 'start slower than the request timeout', fault: { on: 'run', kind: 'slow', delayMs: 4000 }, expect: 'succeeded', runs: 1 },
    { name: 'start dropped before it was processed', fault: { on: 'run', kind: 'drop' }, expect: 'fails-clearly', message: /not sent again, so that the pipeline does not run twice/, runs: 0 },
    { name: '502 HTML page on start (nothing created)', fault: { on: 'run', kind: 'html' }, expect: 'fails-clearly', message: /not sent again/, runs: 0 },
    { name: '500 on status reads', fault: { on: 'detail', kind: 'status', status: 500, times: 3 }, expect: 'succeeded', runs: 1 },
    { name: '504 on status reads', fault: { on: 'detail', kind: 'status', status: 504, times: 2 }, expect: 'succeeded', runs: 1 },
    { name: 'status read reset mid-body', fault: { on: 'detail', kind: 'reset-mid-body', times: 2 }, expect: 'succeeded', runs: 1 },
    { name: 'status read slower than the request timeout', fault: { on: 'detail', kind: 'slow', delayMs: 4000 }, expect: 'succeeded', runs: 1 },
    { name: 'a 50 MB status answer', fault: { on: 'detail', kind: 'huge', sizeBytes: 50 * 1024 * 1024 }, expect: 'succeeded', runs: 1 },
    { name: 'throttled status reads', fault: { on: 'detail', kind: 'throttle', times: 2 }, expect: 'succeeded', runs: 1 }
  ]

  test.each(cases)('$name', async ({ fault, expect: outcome, message, runs }) => {
    emulator.injectFault(fault)
    const result = await counted()
    expect(result.created).toBe(runs)
    if (outcome === 'succeeded') {
      expect(result.exitCode).toBe(0)
      expect(result.outputs.status).toBe('succeeded')
    } else {
      expect(result.exitCode).toBe(1)
      expect(result.stdout).toMatch(message!)
    }
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/)
  }, 45_000)
})

describe('codearts: credentials and bad input', () => {
  test('an expired token ends with a fix hint, without retries', async () => {
    const result = await counted({ token: F.expiredToken })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toMatch(/IAM token has expired/)
  })

  test('a wrong secret key is reported as a signature mismatch with a hint', async () => {
    const result = await counted({ token: '', access_key_id: F.accessKey.accessKeyId, access_key_secret: 'WrongSecretKey000000000000000000000000000' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/APIGW\.0301/)
    expect(result.stdout).toMatch(/access_key_secret belongs to access_key_id/)
  })

  test('a project that does not own the pipeline gets the project-id hint', async () => {
    const result = await counted({ pipeline_id: F.pipelines.other })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/not the IAM project id/)
  })

  test('bad input: one message naming the input, and the emulator saw no request', async () => {
    const before = emulator.stats.requests.length
    const result = await step({ pipeline_id: 'not-a-pipeline' })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/::error::Input pipeline_id: "not-a-pipeline" is not a CodeArts id/)
    expect(emulator.stats.requests.length).toBe(before)
  })
})

describe('codearts: cancellation', () => {
  test('SIGINT during the wait stops the remote run with one request and ends the step quickly', async () => {
    let runId = ''
    let signalAt = 0
    const result = await step(
      { pipeline_id: F.pipelines.long },
      {
        onOutput: (text, child) => {
          runId = /Started run ([0-9a-f]{32})/.exec(text)?.[1] ?? runId
          if (signalAt === 0 && /running/.test(text) && runId !== '') {
            signalAt = Date.now()
            child.kill('SIGINT')
          }
        }
      }
    )
    expect(runId).not.toBe('')
    expect(Date.now() - signalAt).toBeLessThan(7500)
    expect(result.exitCode).toBe(1)
    expect(result.outputs.status).toBe('canceled')
    expect(emulator.getRun(runId)?.status).toBe('CANCELED')
    expect(emulator.getRun(runId)?.stopCount).toBe(1)
  })

  test('the post step stops a run that a killed main step left running', async () => {
    let runId = ''
    const main = await step(
      { pipeline_id: F.pipelines.long },
      {
        onOutput: (text, child) => {
          runId = /Started run ([0-9a-f]{32})/.exec(text)?.[1] ?? runId
          if (runId !== '') child.kill('SIGKILL')
        }
      }
    )
    expect(main.signal).toBe('SIGKILL')
    expect(main.state.run_id).toBe(runId)
    expect(main.state.finished).toBeUndefined()
    const post = await step({ pipeline_id: F.pipelines.long }, { state: main.state })
    expect(post.exitCode).toBe(0)
    expect(post.stdout).toContain(`run ${runId} was stopped`)
    expect(emulator.getRun(runId)?.status).toBe('CANCELED')
    expect(emulator.getRun(runId)?.stopCount).toBe(1)
  })
})

describe('secrets', () => {
  test('no credential appears in anything any step wrote (stdout, stderr, outputs, state, summary)', () => {
    expect(everything.length).toBeGreaterThan(30)
    expect(findLeaks(everything, SECRETS)).toEqual([])
  })

  test('credentials travel in headers only, never in a URL', () => {
    const urls = emulator.stats.requests.map(request => `${request.path}?${request.query}`)
    expect(findLeaks(urls, SECRETS)).toEqual([])
  })
})
