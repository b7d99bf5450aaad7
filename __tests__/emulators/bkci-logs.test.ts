// The bk-ci emulator's log reads, driven as a client would: init_logs / after_line_logs (v4),
// logs/init / logs/after (v3), through the gateway with its credentials.
import { emulatorsOnTestClock, rawRequest, type Reply } from './harness.js'
import { DEMO_FIXTURE, startBkciEmulator, type BkciEmulator, type BkciEmulatorOptions } from '../../emulators/bkci/index.js'

const F = DEMO_FIXTURE
const P = F.projectId
const V4 = `/v4/apigw-app/projects/${P}`
const { start } = emulatorsOnTestClock<BkciEmulatorOptions, BkciEmulator>(startBkciEmulator, Date.UTC(2025, 0, 2, 3, 4, 5))
const APP_AUTH = JSON.stringify({ bk_app_code: F.app.appCode, bk_app_secret: F.app.appSecret, bk_username: F.username })

function get(e: BkciEmulator, path: string, query: Record<string, string>, auth: string | null = APP_AUTH): Promise<Reply> {
  const headers: Record<string, string> = { 'X-DEVOPS-UID': F.username }
  if (auth !== null) headers['X-Bkapi-Authorization'] = auth
  return rawRequest(e.port, 'GET', `${F.basePath}${path}?${new URLSearchParams(query).toString()}`, headers)
}

async function startOk(e: BkciEmulator, pipelineId: string): Promise<string> {
  const r = await rawRequest(e.port, 'POST', `${F.basePath}${V4}/build_start?pipelineId=${pipelineId}`, { 'X-Bkapi-Authorization': APP_AUTH, 'X-DEVOPS-UID': F.username }, '{}')
  return r.json.data.id
}

/** The first job (container) of the Build stage, read from build_detail (which also moves the build a phase). */
async function firstJob(e: BkciEmulator, buildId: string): Promise<{ containerHashId: string; status: string }> {
  const r = await get(e, `${V4}/build_detail`, { buildId })
  return r.json.data.model.stages[1].containers[0]
}

test('a running job\'s log grows between reads; after_line_logs continues from a line number; finished once the job ended', async () => {
  const e = await start({ advance: 'per-read' })
  const buildId = await startOk(e, F.pipelines.fail)
  const job = await firstJob(e, buildId)
  const seen: string[] = []
  let next = 0
  let finished = false
  for (let read = 0; read < 30 && !finished; read++) {
    await firstJob(e, buildId)
    const r = await get(e, `${V4}/logs/after_line_logs`, { buildId, containerHashId: job.containerHashId, start: String(next) })
    expect(r.status).toBe(200)
    const page = r.json.data
    expect(page.status === 0 || page.status === 1).toBe(true)
    for (const line of page.logs) {
      expect(line.containerHashId).toBe(job.containerHashId)
      expect(line.lineNo).toBeGreaterThanOrEqual(next)
      seen.push(line.message)
      next = line.lineNo + 1
    }
    finished = page.finished && !page.hasMore
  }
  expect(finished).toBe(true)
  expect(seen).toEqual(e.jobLog(buildId, job.containerHashId))
  expect(seen.length).toBeGreaterThan(5)
  expect(seen.at(-1)).toMatch(/failed/)
  expect(e.stats.logAfter).toBeGreaterThan(1)
})

test('a page holds at most logPageLines lines, with hasMore; init_logs starts at the beginning', async () => {
  const e = await start({ advance: 'per-read', logPageLines: 2 })
  const buildId = await startOk(e, F.pipelines.succeed)
  for (let i = 0; i < 8; i++) await firstJob(e, buildId)
  const job = await firstJob(e, buildId)
  const r = await get(e, `${V4}/logs/init_logs`, { buildId, containerHashId: job.containerHashId })
  expect(r.json.data.logs).toHaveLength(2)
  expect(r.json.data.hasMore).toBe(true)
  expect(r.json.data.logs.map((l: { message: string }) => l.message)).toEqual(e.jobLog(buildId, job.containerHashId).slice(0, 2))
})

test('executeCount picks the execution (1 when not given): a retried job writes a new log', async () => {
  const e = await start({ advance: 'per-read' })
  const buildId = await startOk(e, F.pipelines.fail)
  for (let i = 0; i < 20 && !e.getRun(buildId)?.finished; i++) await firstJob(e, buildId)
  const job = await firstJob(e, buildId)
  await rawRequest(e.port, 'POST', `${F.basePath}${V4}/build_retry?pipelineId=${F.pipelines.fail}&buildId=${buildId}`, { 'X-Bkapi-Authorization': APP_AUTH, 'X-DEVOPS-UID': F.username })
  for (let i = 0; i < 20 && !e.getRun(buildId)?.finished; i++) await firstJob(e, buildId)
  const first = await get(e, `${V4}/logs/init_logs`, { buildId, containerHashId: job.containerHashId })
  const second = await get(e, `${V4}/logs/init_logs`, { buildId, containerHashId: job.containerHashId, executeCount: '2' })
  expect(first.json.data.logs.every((l: { executeCount: number }) => l.executeCount === 1)).toBe(true)
  expect(second.json.data.logs.length).toBeGreaterThan(0)
  expect(second.json.data.logs.every((l: { executeCount: number }) => l.executeCount === 2)).toBe(true)
  expect(second.json.data.logs.at(-1).message).toMatch(/succeeded/)
})

test('v3 serves the same log below the build path', async () => {
  const e = await start({ advance: 'per-read' })
  const buildId = await startOk(e, F.pipelines.succeed)
  for (let i = 0; i < 4; i++) await firstJob(e, buildId)
  const job = await firstJob(e, buildId)
  const r = await get(e, `/apigw-app/v3/projects/${P}/pipelines/${F.pipelines.succeed}/builds/${buildId}/logs/after`, { containerHashId: job.containerHashId, start: '1' })
  expect(r.status).toBe(200)
  expect(r.json.data.logs.map((l: { message: string }) => l.message)).toEqual(e.jobLog(buildId, job.containerHashId))
})

test('an expired log answers status 2 CLEAN (or 3 CLOSED) with no lines', async () => {
  const e = await start({ advance: 'per-read' })
  const buildId = await startOk(e, F.pipelines.succeed)
  await firstJob(e, buildId)
  e.expireLogs(buildId)
  const r = await get(e, `${V4}/logs/init_logs`, { buildId })
  expect(r.json.data).toMatchObject({ status: 2, logs: [], finished: true })
  e.expireLogs(buildId, 3)
  expect((await get(e, `${V4}/logs/init_logs`, { buildId })).json.data.status).toBe(3)
})

test('the log routes keep the gateway\'s checks and take faults of their own', async () => {
  const e = await start({ advance: 'per-read' })
  const buildId = await startOk(e, F.pipelines.succeed)
  expect((await get(e, `${V4}/logs/init_logs`, { buildId }, null)).status).toBe(401)
  expect((await get(e, `${V4}/logs/after_line_logs`, { buildId })).status).toBe(400)
  e.injectFault({ on: 'logInit', kind: 'status', status: 500 })
  expect((await get(e, `${V4}/logs/init_logs`, { buildId })).status).toBe(500)
  expect((await get(e, `${V4}/logs/init_logs`, { buildId })).status).toBe(200)
  expect(e.stats.logInit).toBe(3)
})
