// The Yunxiao emulator's job log reads: the OpenAPI's GetPipelineJobRunLog ({content, last, more})
// and the POP API's signed LogPipelineJobRun ({log: {content, more}}), both the whole log so far.
import { emulatorsOnTestClock, rawRequest, type Reply } from './harness.js'
import { DEMO_FIXTURE, startYunxiaoEmulator, type YunxiaoEmulator, type YunxiaoEmulatorOptions } from '../../emulators/yunxiao/index.js'
import { signAliyunAcs3Request } from '../../src/signing/aliyun-acs3-hmac-sha256.js'

const F = DEMO_FIXTURE
const START = Date.UTC(2025, 0, 2, 3, 4, 5)
const ORG = F.organizationId
const OAPI = `/oapi/v1/flow/organizations/${ORG}/pipelines`
const { clock, start } = emulatorsOnTestClock<YunxiaoEmulatorOptions, YunxiaoEmulator>(startYunxiaoEmulator, START)

const get = (e: YunxiaoEmulator, path: string): Promise<Reply> => rawRequest(e.port, 'GET', path, { 'x-yunxiao-token': F.token })

async function create(e: YunxiaoEmulator, pipeline: number): Promise<number> {
  const r = await rawRequest(e.port, 'POST', `${OAPI}/${pipeline}/runs`, { 'x-yunxiao-token': F.token }, '{}')
  return r.json
}

/** The run's first job id, from a detail read (which moves the run a phase). */
async function firstJob(e: YunxiaoEmulator, pipeline: number, runId: number): Promise<number> {
  const r = await get(e, `${OAPI}/${pipeline}/runs/${runId}`)
  return r.json.stages[0].stageInfo.jobs[0].id
}

const logPath = (pipeline: number, runId: number, jobId: number) => `${OAPI}/${pipeline}/runs/${runId}/job/${jobId}/log`

test.each(['lines', 'characters'] as const)('the whole log grows while the job runs, `more` until it ended, `last` in %s', async unit => {
  const e = await start({ advance: 'per-read', logLastUnit: unit })
  const pipeline = F.pipelines.fail
  const runId = await create(e, pipeline)
  const jobId = await firstJob(e, pipeline, runId)
  const contents: string[] = []
  let more = true
  for (let i = 0; i < 20 && more; i++) {
    const r = await get(e, logPath(pipeline, runId, jobId))
    expect(r.status).toBe(200)
    const { content, last } = r.json
    expect(last).toBe(unit === 'characters' ? content.length : content.split('\n').length - (content.endsWith('\n') ? 1 : 0))
    // Whole each time: what came before is where it was.
    if (contents.length > 0) expect(content.startsWith(contents.at(-1)!.replace(/ is runn$/, ''))).toBe(true)
    contents.push(content)
    more = r.json.more
    await firstJob(e, pipeline, runId)
  }
  expect(more).toBe(false)
  expect(new Set(contents).size).toBeGreaterThan(2)
  expect(contents.some(content => content.endsWith(' is runn'))).toBe(true)
  const final = contents.at(-1)!
  expect(final.endsWith('\n')).toBe(false)
  expect(final.split('\n')).toEqual(e.jobLog(runId, jobId, pipeline))
  expect(e.stats.log).toBe(contents.length)
})

test('an unknown job is the API\'s error (the OpenAPI\'s table has no 404: 400); a fault on the log route is served', async () => {
  const e = await start({ advance: 'per-read' })
  const runId = await create(e, F.pipelines.succeed)
  expect((await get(e, logPath(F.pipelines.succeed, runId, 999999))).status).toBe(400)
  e.injectFault({ on: 'log', kind: 'status', status: 500 })
  const jobId = await firstJob(e, F.pipelines.succeed, runId)
  expect((await get(e, logPath(F.pipelines.succeed, runId, jobId))).status).toBe(500)
  expect((await get(e, logPath(F.pipelines.succeed, runId, jobId))).status).toBe(200)
  expect((await rawRequest(e.port, 'GET', logPath(F.pipelines.succeed, runId, jobId), {})).status).toBe(401)
})

test('POP LogPipelineJobRun: signed, the log in log.content with log.more', async () => {
  const e = await start({ advance: 'per-read' })
  const pipeline = F.pipelines.succeed
  const runId = await create(e, pipeline)
  const jobId = await firstJob(e, pipeline, runId)
  const path = `/organization/${ORG}/pipeline/${pipeline}/pipelineRun/${runId}/job/${jobId}/logs`
  const headers = signAliyunAcs3Request(
    { method: 'GET', url: `${e.url}${path}`, headers: { 'x-acs-action': 'LogPipelineJobRun', 'x-acs-version': '2021-06-25', accept: 'application/json' }, body: '' },
    { accessKeyId: F.accessKey.accessKeyId, accessKeySecret: F.accessKey.accessKeySecret },
    new Date(clock.now),
    'nonce-log-1'
  )
  const r = await rawRequest(e.port, 'GET', path, headers)
  expect(r.status).toBe(200)
  expect(r.json).toMatchObject({ success: true, log: { more: true } })
  expect(r.json.log.content).toContain('starts')
  const wrongAction = signAliyunAcs3Request(
    { method: 'GET', url: `${e.url}${path}`, headers: { 'x-acs-action': 'GetPipelineRun', 'x-acs-version': '2021-06-25', accept: 'application/json' }, body: '' },
    { accessKeyId: F.accessKey.accessKeyId, accessKeySecret: F.accessKey.accessKeySecret },
    new Date(clock.now),
    'nonce-log-2'
  )
  expect((await rawRequest(e.port, 'GET', path, wrongAction)).json.Code).toBe('InvalidAction.NotFound')
})
