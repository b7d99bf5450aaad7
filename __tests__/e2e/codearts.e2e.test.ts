/**
 * End to end: the built dist/index.js run as a child process, the way the GitHub runner runs it,
 * against the CodeArts emulator. The emulator's own counters prove that no fault made two runs.
 */
import { DEMO_FIXTURE, SCENARIO_IDENTIFIERS, startCodeArtsEmulator, type CodeArtsEmulator, type Fault } from '../../emulators/codearts/index.js'
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
      security_token: F.temporaryAccessKey.securityToken,
      iam_endpoint: emulator.url
    })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.status).toBe('succeeded')
    const signed = emulator.stats.requests.at(-1)!
    expect(String(signed.headers.authorization)).toMatch(/^SDK-HMAC-SHA256 Access=EMULATORSTSAK0000001, SignedHeaders=[a-z;-]*x-security-token/)
  })

  test('variables, jobs and the run message reach the run', async () => {
    // The pipeline declares ENV and VERSION (set at run time) and these two job identifiers.
    const jobs = `${SCENARIO_IDENTIFIERS.compileJob}, ${SCENARIO_IDENTIFIERS.deployJob}`
    const result = await counted({ variables: 'ENV=staging\nVERSION=1.2.3', jobs })
    const run = emulator.getRun(result.outputs.run_id!)!
    expect(run.variables).toEqual([{ name: 'ENV', value: 'staging' }, { name: 'VERSION', value: '1.2.3' }])
    expect(run.chooseJobs).toEqual([SCENARIO_IDENTIFIERS.compileJob, SCENARIO_IDENTIFIERS.deployJob])
    expect(run.description).toMatch(/^Started by pipeline-relay from octo\/app, workflow run 4242 \[relay:/)
  })

  test('branch and tag go to the code source of the pipeline, keeping its repository', async () => {
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

  test('a run queued by the concurrency limit (DEVPIPE.00011169 in a 200) is followed, not failed', async () => {
    const result = await counted({ pipeline_id: F.pipelines.queued })
    expect(result.exitCode).toBe(0)
    expect(result.created).toBe(1)
    expect(result.outputs.status).toBe('succeeded')
  })

})

describe('codearts faults beyond the shared suite', () => {
  test('a start answered with a body of the wrong shape is resolved by its mark: one run', async () => {
    emulator.injectFault({ on: 'run', kind: 'wrong-shape' })
    const result = await counted()
    expect(result.created).toBe(1)
    expect(result.outputs.status).toBe('succeeded')
  })

  test('a 502 HTML page on start: nothing was created, and nothing is sent again', async () => {
    emulator.injectFault({ on: 'run', kind: 'html' })
    const result = await counted()
    expect(result.created).toBe(0)
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/not sent again, so that the pipeline does not run twice/)
  })
})

describe('codearts: credentials and bad input', () => {
  test('an expired token ends with a fix hint, without retries', async () => {
    const result = await counted({ token: F.expiredToken })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toMatch(/IAM token has expired/)
  })

  test('a wrong secret key is reported as a signature mismatch with a hint', async () => {
    const result = await counted({ token: '', access_key_id: F.accessKey.accessKeyId, access_key_secret: 'WrongSecretKey000000000000000000000000000', iam_endpoint: emulator.url })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/APIGW\.0301/)
    expect(result.stdout).toMatch(/access_key_secret belongs to access_key_id/)
  })

  test('a project that does not own the pipeline gets the project-id hint', async () => {
    const result = await counted({ pipeline_id: F.pipelines.other })
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toMatch(/not the IAM project id/)
  })

})

describe('codearts: chains that lose nothing (issue 13)', () => {
  const ran = (runId: string): Record<string, string> =>
    Object.fromEntries(emulator.getRun(runId)!.stages.flatMap(stage => stage.jobs.map(job => [job.name, job.status])))

  test('a variable the pipeline does not declare is refused before anything starts', async () => {
    const result = await counted({ variables: 'ENV=prod\nDEPLOY_TARGET=eu' })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toMatch(/DEPLOY_TARGET is not a variable of the pipeline \(it declares ENV, VERSION\)/)
    expect(result.outputs.run_id).toBeUndefined()
  })

  test('a variable a run cannot set (is_runtime false) is refused: the run would keep its stored value', async () => {
    const result = await counted({ variables: 'REGION=eu-west-0' })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toMatch(/REGION is a constant of the pipeline/)
  })

  test('variables_check: warn starts anyway, warns, and the outputs show what the run really used', async () => {
    const result = await counted({ variables: 'ENV=prod\nREGION=eu-west-0', variables_check: 'warn' })
    expect(result.exitCode).toBe(0)
    expect(result.created).toBe(1)
    expect(result.stdout).toMatch(/::warning::variables: REGION is a constant of the pipeline: a run cannot change it; the pipeline will ignore it/)
    const outputs = JSON.parse(result.outputs.outputs!) as Record<string, string>
    // The loss the strict check prevents: REGION was sent, the run kept its own value.
    expect(outputs).toMatchObject({ DEPLOYED_TO: 'prod', REGION: 'cn-north-4' })
  })

  test('branch on a pipeline that never ran: the code source comes from its definition', async () => {
    const result = await counted({ pipeline_id: F.pipelines.neverRun, branch: 'release/2.0' })
    expect(result.exitCode).toBe(0)
    expect(result.created).toBe(1)
    const source = emulator.getRun(result.outputs.run_id!)!.sources[0] as { type: string; params: Record<string, unknown> }
    expect(source).toEqual({
      type: 'code',
      params: {
        git_type: 'codehub',
        git_url: 'https://codehub.example.invalid/emulator/app.git',
        codehub_id: '2111669099',
        default_branch: 'master',
        build_params: { build_type: 'branch', target_branch: 'release/2.0', event_type: 'Manual' }
      }
    })
  })

  test('branch on a pipeline with no code source anywhere says what to do, and starts nothing', async () => {
    const result = await counted({ pipeline_id: F.pipelines.noSource, tag: 'v2.0.0' })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toMatch(/Cannot set tag: the pipeline's definition names no code repository \(sources\) and no run of it shows one\. Add a code source/)
  })

  test('jobs by name: "Compile" becomes its identifier, and that job is the one that runs', async () => {
    const result = await counted({ jobs: 'Compile' })
    expect(result.exitCode).toBe(0)
    expect(result.stdout).toContain(`jobs: Compile → ${SCENARIO_IDENTIFIERS.compileJob}`)
    const run = emulator.getRun(result.outputs.run_id!)!
    expect(run.chooseJobs).toEqual([SCENARIO_IDENTIFIERS.compileJob])
    expect(ran(run.id)).toEqual({ Compile: 'COMPLETED', 'Unit test': 'UNSELECTED', Deploy: 'UNSELECTED' })
  })

  test('an unknown job name is an input error that lists every job with its id; nothing starts', async () => {
    const result = await counted({ jobs: 'build' })
    expect(result.exitCode).toBe(1)
    expect(result.created).toBe(0)
    expect(result.stdout).toContain(
      `Input jobs: "build" is neither the id nor the name of a job of the pipeline; it has Build / Compile → ${SCENARIO_IDENTIFIERS.compileJob}, Build / Unit test → ${SCENARIO_IDENTIFIERS.unitTestJob}, Deploy / Deploy → ${SCENARIO_IDENTIFIERS.deployJob}`
    )
  })

  test('outputs and artifacts come back: every step output, a clashing key under each step, the jar with its link', async () => {
    const result = await counted({ variables: 'VERSION=2.0.0' })
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.outputs.outputs!)).toEqual({
      VERSION: '2.0.0',
      'Compile / Maven build.STATUS': 'built',
      'Unit test / Unit tests.STATUS': 'passed',
      TESTS_RUN: '42',
      DEPLOYED_TO: 'dev',
      REGION: 'cn-north-4'
    })
    // file_size "0.90KB" is 922 bytes, as near as the answer says.
    expect(JSON.parse(result.outputs.artifacts!)).toEqual([{ name: 'app-2.0.0.jar', size: 922, url: 'https://devrepo.example.invalid/artifacts/app-2.0.0.jar' }])
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
