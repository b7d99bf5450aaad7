/* eslint-disable @typescript-eslint/no-explicit-any */
// The CodeArts emulator's log routes: a v5 step's log and a v6 job's log, growing as the run
// moves, paged under either reading of the uncertain facts, expired, faulted, signed.
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type CodeArtsEmulatorOptions } from '../../emulators/codearts/index.js'
import { signHuaweiRequest } from '../../src/signing/huawei-sdk-hmac-sha256.js'
import { emulatorsOnTestClock, rawRequest, type Reply } from './harness.js'

const F = DEMO_FIXTURE
const START = Date.UTC(2024, 0, 2, 3, 4, 5)
const V5 = `/v5/${F.projectId}/api/pipelines`
const V6 = `/v6/${F.domainId}/api/pac/pipelines/actions`

const { start } = emulatorsOnTestClock<CodeArtsEmulatorOptions, CodeArtsEmulator>(startCodeArtsEmulator, START)

function post(e: CodeArtsEmulator, path: string, body: unknown): Promise<Reply> {
  return rawRequest(e.port, 'POST', path, { 'X-Auth-Token': F.token }, JSON.stringify(body))
}

function get(e: CodeArtsEmulator, path: string): Promise<Reply> {
  return rawRequest(e.port, 'GET', path, { 'X-Auth-Token': F.token })
}

async function startV5(e: CodeArtsEmulator, pipeline: string): Promise<string> {
  return (await post(e, `${V5}/${pipeline}/run`, {})).json.pipeline_run_id
}

/** One detail read: in per-read mode it moves the run one phase. */
async function v5Detail(e: CodeArtsEmulator, pipeline: string, runId: string): Promise<any> {
  return (await get(e, `${V5}/${pipeline}/pipeline-runs/detail?pipeline_run_id=${runId}`)).json
}

const stepLogPath = (pipeline: string, runId: string, jobId: string, stepId: string) =>
  `${V5}/${pipeline}/pipeline-runs/${runId}/jobs/${jobId}/steps/${stepId}/logs`

function compileJob(e: CodeArtsEmulator, runId: string) {
  return e.getRun(runId)!.stages[0]!.jobs[0]!
}

function wholeLines(text: string): string {
  return text.slice(0, text.lastIndexOf('\n') + 1)
}

describe('v5 step logs', () => {
  test('a step log grows as the run moves, only whole lines are served, and a failed step ends with its error', async () => {
    const e = await start({ logLinesPerPhase: 3 })
    const runId = await startV5(e, F.pipelines.fail)
    const texts: string[] = []
    for (let read = 0; read < 8; read++) {
      await v5Detail(e, F.pipelines.fail, runId)
      const job = compileJob(e, runId)
      const build = job.steps[1]!
      if (build.status === 'INIT') continue
      const r = await post(e, stepLogPath(F.pipelines.fail, runId, job.id, build.id), { start_offset: 0, end_offset: 0, limit: 500, sort: 'asc' })
      expect(r.status).toBe(200)
      expect(r.json).toMatchObject({ has_more: false, start_offset: '0', location: 'jenkins', step_run_id: build.id })
      expect(r.json.end_offset).toBe(String(r.json.log.length))
      expect(r.json.log).toBe(wholeLines(build.log))
      texts.push(r.json.log)
    }
    // It grew, and every read began with the one before.
    expect(new Set(texts).size).toBeGreaterThan(1)
    texts.forEach((text, i) => expect(text.startsWith(texts[i - 1] ?? '')).toBe(true))
    const last = texts.at(-1)!.trimEnd().split('\n')
    expect(last.at(-2)).toMatch(/^\[2024\/01\/02 11:04:05\.\d{3} GMT\+08:00\] \[ERROR\] Build failed: \[ERROR\] COMPILATION ERROR/)
    expect(last.at(-1)).toMatch(/\[INFO\] Step Maven build ended: FAILED$/)
  })

  test('the log of a running step ends inside a line (still being written): v5 leaves that line out', async () => {
    const e = await start({ logLinesPerPhase: 2 })
    const runId = await startV5(e, F.pipelines.long)
    for (let read = 0; read < 4; read++) await v5Detail(e, F.pipelines.long, runId)
    const soak = e.getRun(runId)!.stages[0]!.jobs[0]!.steps[1]!
    expect(soak.status).toBe('RUNNING')
    expect(soak.log.endsWith('\n')).toBe(false)
    const r = await post(e, stepLogPath(F.pipelines.long, runId, e.getRun(runId)!.stages[0]!.jobs[0]!.id, soak.id), { limit: 500, sort: 'asc' })
    expect(r.json.log).toBe(wholeLines(soak.log))
  })

  async function longRunLog(options: CodeArtsEmulatorOptions) {
    const e = await start({ logLinesPerPhase: 5, logPageMax: 4, ...options })
    const runId = await startV5(e, F.pipelines.long)
    for (let read = 0; read < 6; read++) await v5Detail(e, F.pipelines.long, runId)
    const job = e.getRun(runId)!.stages[0]!.jobs[0]!
    const step = job.steps[1]!
    return { e, path: stepLogPath(F.pipelines.long, runId, job.id, step.id), text: wholeLines(step.log) }
  }

  test('reading "start": a page starts at start_offset, end_offset bounds it, the server caps a page at logPageMax lines', async () => {
    const { e, path, text } = await longRunLog({ stepLogReading: 'start' })
    const first = (await post(e, path, { start_offset: 0, end_offset: 0, limit: 500, sort: 'asc' })).json
    expect(first.log.split('\n')).toHaveLength(5)
    expect(first).toMatchObject({ has_more: true, start_offset: '0', end_offset: String(first.log.length) })
    const next = (await post(e, path, { start_offset: Number(first.end_offset), end_offset: 0, limit: 2, sort: 'asc' })).json
    expect(next.start_offset).toBe(first.end_offset)
    expect(first.log + next.log).toBe(text.split('\n').slice(0, 6).join('\n') + '\n')
    // Echoing both offsets reads the same page again under this reading.
    const echoed = (await post(e, path, { start_offset: 0, end_offset: Number(first.end_offset), limit: 500, sort: 'asc' })).json
    expect(echoed.log).toBe(first.log)
  })

  test('reading "end": a page starts at the request end_offset, start_offset is not used', async () => {
    const { e, path, text } = await longRunLog({ stepLogReading: 'end' })
    const first = (await post(e, path, { start_offset: 0, end_offset: 0, limit: 500, sort: 'asc' })).json
    const next = (await post(e, path, { start_offset: Number(first.start_offset), end_offset: Number(first.end_offset), limit: 500, sort: 'asc' })).json
    expect(next.start_offset).toBe(first.end_offset)
    expect(first.log + next.log).toBe(text.split('\n').slice(0, 8).join('\n') + '\n')
    // start_offset alone does not move the read: the page comes from the start again.
    const restarted = (await post(e, path, { start_offset: Number(first.end_offset), end_offset: 0, limit: 500, sort: 'asc' })).json
    expect(restarted).toMatchObject({ start_offset: '0', log: first.log })
  })

  test('sort desc: the last lines, newest first', async () => {
    const { e, path, text } = await longRunLog({})
    const r = (await post(e, path, { start_offset: 0, end_offset: 0, limit: 3, sort: 'desc' })).json
    expect(r.log.trimEnd().split('\n')).toEqual(text.trimEnd().split('\n').slice(-3).reverse())
    expect(r).toMatchObject({ has_more: true, end_offset: String(text.length) })
  })

  test('limit and sort are required, offsets are whole numbers, ids have the documented form, unknown steps are not found', async () => {
    const { e, path } = await longRunLog({})
    expect((await post(e, path, { start_offset: 0, end_offset: 0, sort: 'asc' })).json.error_code).toBe('DEVPIPE.00011100')
    expect((await post(e, path, { limit: 10 })).json.error_code).toBe('DEVPIPE.00011100')
    expect((await post(e, path, { limit: 10, sort: 'asc', start_offset: -1 })).status).toBe(400)
    expect((await post(e, path.replace(/steps\/\w+\//, 'steps/not-an-id/'), { limit: 10, sort: 'asc' })).status).toBe(400)
    const missing = await post(e, path.replace(/steps\/\w+\//, `steps/${'0'.repeat(32)}/`), { limit: 10, sort: 'asc' })
    expect(missing.status).toBe(404)
    // A POST without a body is refused as every other POST is.
    expect((await rawRequest(e.port, 'POST', path, { 'X-Auth-Token': F.token })).json.error_code).toBe('PARSE_REQUEST_DATA_EXCEPTION')
  })
})

describe('v6 job logs', () => {
  async function pacRun(options: CodeArtsEmulatorOptions, reads: number) {
    const e = await start({ logLinesPerPhase: 3, ...options })
    const started = (await post(e, `${V6}/run`, { https_url: F.pac.repositoryUrl, file_path: F.pac.files.long, access_token: F.pac.gitcodeToken })).json
    const runPath = `${V6}/${started.pipeline_id}/${started.pipeline_run_id}`
    for (let read = 0; read < reads; read++) await get(e, runPath)
    const job = e.getRun(started.pipeline_run_id)!.stages[0]!.jobs[0]!
    return { e, runId: started.pipeline_run_id as string, path: `${runPath}/${job.id}/logs`, job }
  }

  test('a job log is its steps logs, the line being written included; limit counts characters by default', async () => {
    const { e, path, job } = await pacRun({}, 4)
    expect(job.log).toBe(job.steps.map(step => step.log).join(''))
    expect(job.log.endsWith('\n')).toBe(false)
    const r = (await post(e, path, { offset: 10, limit: 25 })).json
    expect(r).toEqual({ has_more: true, start_offset: 10, end_offset: 35, log: job.log.slice(10, 35), location: 'jenkins' })
    const all = (await post(e, path, { offset: 0 })).json
    expect(all).toMatchObject({ has_more: false, end_offset: job.log.length, log: job.log })
  })

  test('pacLogLimitUnit lines: limit counts lines; logPageMax still cuts a page inside a line', async () => {
    const { e, path, job } = await pacRun({ pacLogLimitUnit: 'lines', logPageMax: 400 }, 4)
    const two = (await post(e, path, { offset: 0, limit: 2 })).json
    expect(two.log).toBe(job.log.split('\n').slice(0, 2).join('\n') + '\n')
    const capped = (await post(e, path, { offset: 0, limit: 1000 })).json
    expect(capped.end_offset).toBe(400)
    expect(capped.log.endsWith('\n')).toBe(false)
    expect(capped.has_more).toBe(true)
  })

  test('the log grows with the run: a later read from the last end_offset goes on', async () => {
    const { e, path, runId } = await pacRun({}, 3)
    const first = (await post(e, path, { offset: 0, limit: 100_000 })).json
    await get(e, `${V6}/${F.pac.pipelines.long}/${runId}`)
    const second = (await post(e, path, { offset: first.end_offset, limit: 100_000 })).json
    expect(second.log.length).toBeGreaterThan(0)
    expect(first.log + second.log).toBe(e.getRun(runId)!.stages[0]!.jobs[0]!.log)
  })
})

describe('expired logs, faults, signatures', () => {
  test('after expireLogs both log routes answer 404 DEVPIPE.00011405', async () => {
    const e = await start()
    const runId = await startV5(e, F.pipelines.succeed)
    for (let read = 0; read < 3; read++) await v5Detail(e, F.pipelines.succeed, runId)
    const job = compileJob(e, runId)
    e.expireLogs(runId)
    const r = await post(e, stepLogPath(F.pipelines.succeed, runId, job.id, job.steps[0]!.id), { limit: 10, sort: 'asc' })
    expect(r.status).toBe(404)
    expect(r.json).toMatchObject({ error_code: 'DEVPIPE.00011405', error_msg: expect.stringMatching(/has expired/) })

    const pac = (await post(e, `${V6}/run`, { https_url: F.pac.repositoryUrl, file_path: F.pac.files.succeed, access_token: F.pac.gitcodeToken })).json
    await get(e, `${V6}/${pac.pipeline_id}/${pac.pipeline_run_id}`)
    e.expireLogs(pac.pipeline_run_id)
    const pacJob = e.getRun(pac.pipeline_run_id)!.stages[0]!.jobs[0]!
    const r6 = await post(e, `${V6}/${pac.pipeline_id}/${pac.pipeline_run_id}/${pacJob.id}/logs`, { offset: 0 })
    expect(r6.status).toBe(404)
    expect(r6.json.error_code).toBe('DEVPIPE.00011405')
  })

  test('faults aim at the log routes (`on: log`), and stats count log reads', async () => {
    const e = await start()
    const runId = await startV5(e, F.pipelines.succeed)
    await v5Detail(e, F.pipelines.succeed, runId)
    const job = compileJob(e, runId)
    const path = stepLogPath(F.pipelines.succeed, runId, job.id, job.steps[0]!.id)
    e.injectFault({ on: 'log', kind: 'status', status: 500 })
    expect((await post(e, path, { limit: 10, sort: 'asc' })).status).toBe(500)
    expect((await post(e, path, { limit: 10, sort: 'asc' })).status).toBe(200)
    expect(e.stats.log).toBe(2)
  })

  test('a log read signed with AK/SK is checked like any other request', async () => {
    const e = await start()
    const runId = await startV5(e, F.pipelines.succeed)
    await v5Detail(e, F.pipelines.succeed, runId)
    const job = compileJob(e, runId)
    const path = stepLogPath(F.pipelines.succeed, runId, job.id, job.steps[0]!.id)
    const body = JSON.stringify({ limit: 10, sort: 'asc' })
    const signed = (secretAccessKey: string) =>
      signHuaweiRequest(
        { method: 'POST', url: `http://127.0.0.1:${e.port}${path}`, headers: { 'Content-Type': 'application/json', 'X-Project-Id': F.iamProjectId }, body },
        { accessKeyId: F.accessKey.accessKeyId, secretAccessKey },
        new Date(START)
      )
    expect((await rawRequest(e.port, 'POST', path, signed(F.accessKey.secretAccessKey), body)).status).toBe(200)
    const refused = await rawRequest(e.port, 'POST', path, signed('WrongSecretKey000000000000000000000000000'), body)
    expect(refused.status).toBe(401)
    expect(refused.json.error_code).toBe('APIGW.0301')
  })
})
