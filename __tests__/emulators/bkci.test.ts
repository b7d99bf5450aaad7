// The bk-ci emulator, driven the way a client would: plain node:http requests through the
// emulated BlueKing API gateway, credentials in X-Bkapi-Authorization as the reference (§3.1) says.
import { Agent, request as httpRequest } from 'node:http'
import { emulatorsOnTestClock, rawRequest, until, type Reply } from './harness.js'
import { BUILD_STATUSES, DEMO_FIXTURE, startBkciEmulator, type BkciEmulator, type BkciEmulatorOptions } from '../../emulators/bkci/index.js'

const F = DEMO_FIXTURE
const START = Date.UTC(2025, 0, 2, 3, 4, 5)
const P = F.projectId
const V4 = `/v4/apigw-app/projects/${P}`
const DAY = 86_400_000

// ---------------------------------------------------------------------------------------------
// Harness

const { clock, start } = emulatorsOnTestClock<BkciEmulatorOptions, BkciEmulator>(startBkciEmulator, START)

const APP_AUTH = JSON.stringify({ bk_app_code: F.app.appCode, bk_app_secret: F.app.appSecret, bk_username: F.username })

interface Send {
  method?: string
  /** After the gateway base path (…/api/devops/prod). */
  path: string
  query?: Record<string, string | string[]>
  headers?: Record<string, string>
  body?: string
  /** X-Bkapi-Authorization; null sends none. */
  auth?: string | null
  /** X-DEVOPS-UID; null sends none. */
  uid?: string | null
  /** A path outside the gateway base path. */
  raw?: boolean
}

function send(e: BkciEmulator, { method = 'GET', path, query = {}, headers = {}, body, auth = APP_AUTH, uid = F.username, raw = false }: Send): Promise<Reply> {
  const all: Record<string, string> = { ...headers }
  if (auth !== null) all['X-Bkapi-Authorization'] = auth
  if (uid !== null) all['X-DEVOPS-UID'] = uid
  const qs = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) for (const one of Array.isArray(v) ? v : [v]) qs.append(k, one)
  const target = (raw ? '' : F.basePath) + path + (qs.size > 0 ? `?${qs.toString()}` : '')
  return rawRequest(e.port, method, target, all, body)
}

function startBuild(e: BkciEmulator, pipelineId: string, values: Record<string, string> = {}, extra: Partial<Send> = {}): Promise<Reply> {
  return send(e, { method: 'POST', path: `${V4}/build_start`, query: { pipelineId }, body: JSON.stringify(values), ...extra })
}

async function startOk(e: BkciEmulator, pipelineId: string, values: Record<string, string> = {}): Promise<string> {
  const r = await startBuild(e, pipelineId, values)
  expect(r.status).toBe(200)
  expect(r.json.status).toBe(0)
  return r.json.data.id
}

async function status(e: BkciEmulator, buildId: string, pipelineId?: string): Promise<any> {
  const query: Record<string, string> = { buildId }
  if (pipelineId) query.pipelineId = pipelineId
  const r = await send(e, { path: `${V4}/build_status`, query })
  expect(r.status).toBe(200)
  return r.json.data
}

async function detail(e: BkciEmulator, buildId: string, executeCount?: number): Promise<any> {
  const query: Record<string, string> = { buildId }
  if (executeCount !== undefined) query.executeCount = String(executeCount)
  const r = await send(e, { path: `${V4}/build_detail`, query })
  expect(r.status).toBe(200)
  return r.json.data
}

/** Reads build_status until `predicate`; returns the statuses seen. */
async function readUntil(e: BkciEmulator, buildId: string, wanted: string, max = 30): Promise<string[]> {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    const s = await status(e, buildId)
    seen.push(s.status)
    if (s.status === wanted) return seen
  }
  throw new Error(`build never reached ${wanted}: ${seen.join(' ')}`)
}

const retry = (e: BkciEmulator, pipelineId: string, buildId: string, query: Record<string, string> = {}) =>
  send(e, { method: 'POST', path: `${V4}/build_retry`, query: { pipelineId, buildId, ...query } })
const stop = (e: BkciEmulator, pipelineId: string, buildId: string, extra: Partial<Send> = {}) =>
  send(e, { method: 'POST', path: `${V4}/build_stop`, query: { pipelineId, buildId }, ...extra })

const elements = (d: any): any[] => d.model.stages.flatMap((s: any) => s.containers.flatMap((c: any) => c.elements))

// ---------------------------------------------------------------------------------------------

describe('fixture', () => {
  test('ids in the documented forms, all obviously fake', () => {
    for (const id of Object.values(F.pipelines)) expect(id).toMatch(/^p-[0-9a-f]{32}$/)
    expect(F.basePath).toBe('/api/devops/prod')
    expect(F.projectId).toMatch(/^[a-z][a-z0-9-]+$/)
    expect(F.app.appCode.length).toBeLessThanOrEqual(32)
    expect(BUILD_STATUSES).toHaveLength(29)
  })
})

describe('the BlueKing API gateway', () => {
  test('app credentials in X-Bkapi-Authorization are accepted; every answer has X-Bkapi-Request-Id', async () => {
    const e = await start()
    const r = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed } })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({ status: 0, message: null, data: expect.objectContaining({ count: 0, records: [] }) })
    expect(r.headers['x-bkapi-request-id']).toMatch(/^[0-9a-f]{32}$/)
  })

  test('no, wrong or unparseable credentials are 401 1640101 in the gateway shape with its headers', async () => {
    const e = await start()
    const none = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, auth: null })
    expect(none.status).toBe(401)
    expect(none.json).toEqual({ code: 1640101, code_name: 'APP_VERIFY_FAILED', message: expect.stringContaining('app code cannot be empty'), result: false, data: null })
    expect(none.headers['x-bkapi-error-code']).toBe('1640101')
    expect(none.headers['x-bkapi-error-message']).toContain('App authentication failed')
    const wrong = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ bk_app_code: F.app.appCode, bk_app_secret: 'nope' }) })
    expect(wrong.status).toBe(401)
    expect(wrong.json.code).toBe(1640101)
    const garbage = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, auth: '{not json' })
    expect(garbage.json.code).toBe(1640101)
  })

  test('an app not granted the devops resources is 403 1640301', async () => {
    const e = await start()
    const r = await send(e, {
      path: `${V4}/build_histories`,
      query: { pipelineId: F.pipelines.succeed },
      auth: JSON.stringify({ bk_app_code: F.ungrantedApp.appCode, bk_app_secret: F.ungrantedApp.appSecret })
    })
    expect(r.status).toBe(403)
    expect(r.json).toMatchObject({ code: 1640301, code_name: 'APP_NO_PERMISSION', result: false })
  })

  test('credentials in the URL query are refused (400 1640001) and counted', async () => {
    const e = await start()
    const r = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, bk_app_code: F.app.appCode, bk_app_secret: F.app.appSecret } })
    expect(r.status).toBe(400)
    expect(r.json).toMatchObject({ code: 1640001, code_name: 'INVALID_ARGS' })
    expect(r.json.message).toContain('bk_app_secret')
    const legacy = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, app_code: 'x', app_secret: 'y' }, auth: null })
    expect(legacy.status).toBe(400)
    await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed } })
    expect(e.stats.credentialsInQuery).toBe(2)
  })

  test('apigw-user: an access_token verifies the user (X-DEVOPS-UID not needed); bk_username alone does not', async () => {
    const e = await start()
    const userPath = `/v4/apigw-user/projects/${P}/build_histories`
    const token = await send(e, { path: userPath, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ access_token: F.accessToken }), uid: null })
    expect(token.status).toBe(200)
    const usernameOnly = await send(e, { path: userPath, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ bk_username: F.username }) })
    expect(usernameOnly.status).toBe(401)
    expect(usernameOnly.json).toMatchObject({ code: 1640102, code_name: 'USER_VERIFY_FAILED' })
    expect(usernameOnly.json.message).toContain('bk_username is not verified')
    const expired = await send(e, { path: userPath, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ access_token: F.expiredAccessToken }) })
    expect(expired.json.code).toBe(1640102)
    const mixed = await send(e, { path: userPath, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ access_token: F.accessToken, bk_app_code: F.app.appCode }) })
    expect(mixed.status).toBe(400)
    expect(mixed.json.code).toBe(1640001)
    // An access_token also carries its app: it works on app resources.
    const appWithToken = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, auth: JSON.stringify({ access_token: F.accessToken }) })
    expect(appWithToken.status).toBe(200)
  })

  test('unknown paths and methods are 404 1640401; so is the legacy plain apigw type; v3 can be switched off', async () => {
    const e = await start()
    expect((await send(e, { path: `${V4}/build_launch` })).json.code).toBe(1640401)
    expect((await send(e, { method: 'GET', path: `${V4}/build_start`, query: { pipelineId: F.pipelines.succeed } })).json.code).toBe(1640401)
    expect((await send(e, { path: `/v4/apigw/projects/${P}/build_histories`, query: { pipelineId: F.pipelines.succeed } })).status).toBe(404)
    // The backend path order (apigwType before v4) is not a gateway path.
    expect((await send(e, { path: `/apigw-app/v4/projects/${P}/build_histories`, query: { pipelineId: F.pipelines.succeed } })).status).toBe(404)
    expect((await send(e, { path: `/v4/apigw-app/projects/${P}/build_histories`, query: { pipelineId: F.pipelines.succeed }, raw: true })).status).toBe(404)
    const noV3 = await start({ enableV3: false })
    const v3 = await send(noV3, { path: `/apigw-app/v3/projects/${P}/pipelines/${F.pipelines.succeed}/builds/history` })
    expect(v3.json.code).toBe(1640401)
  })

  test('a custom base path (gateway name and stage)', async () => {
    const e = await start({ basePath: '/api/bk-devops/stag' })
    expect(e.gatewayUrl).toBe(`${e.url}/api/bk-devops/stag`)
    const r = await send(e, { path: `/api/bk-devops/stag${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, raw: true })
    expect(r.status).toBe(200)
  })
})

describe('bk-ci checks behind the gateway', () => {
  test('X-DEVOPS-UID is required; unknown project 404; an app not bound to the project 403', async () => {
    const e = await start()
    const noUid = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed }, uid: null })
    expect(noUid.status).toBe(400)
    expect(noUid.json).toEqual({ status: 400, message: 'request param userId cannot be empty', data: null })
    const project = await send(e, { path: `/v4/apigw-app/projects/no-such-project/build_histories`, query: { pipelineId: F.pipelines.succeed } })
    expect(project.status).toBe(404)
    expect(project.json.status).toBe(404)
    const unbound = await send(e, { path: `/v4/apigw-app/projects/${F.otherProjectId}/build_histories`, query: { pipelineId: F.pipelines.other } })
    expect(unbound.status).toBe(403)
    expect(unbound.json.message).toContain('Permission denied: apigwType[apigw-app],appCode[emulator-app]')
    const relaxed = await start({ gatewayAuth: false })
    expect((await send(relaxed, { path: `/v4/apigw-app/projects/${F.otherProjectId}/build_histories`, query: { pipelineId: F.pipelines.other } })).status).toBe(200)
  })

  test('pipeline permissions: a viewer reads but cannot start (403) or stop (2101008); an unknown user cannot read', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.succeed)
    const viewerRead = await send(e, { path: `${V4}/build_status`, query: { buildId }, uid: F.viewer })
    expect(viewerRead.status).toBe(200)
    const viewerStart = await startBuild(e, F.pipelines.succeed, {}, { uid: F.viewer })
    expect(viewerStart.status).toBe(403)
    expect(viewerStart.json.status).toBe(403)
    const viewerStop = await stop(e, F.pipelines.succeed, buildId, { uid: F.viewer })
    expect(viewerStop.json.status).toBe(2101008)
    const stranger = await send(e, { path: `${V4}/build_status`, query: { buildId }, uid: 'someone-else' })
    expect(stranger.status).toBe(403)
    expect(e.stats.runsCreated).toBe(1)
  })
})

describe('build_start', () => {
  test('answers Result<BuildId>; declared values are taken, constants kept, the rest ignored; BK_CI_BUILD_MSG and material', async () => {
    const e = await start()
    const r = await startBuild(e, F.pipelines.succeed, {
      ENV: 'prod',
      REGION: 'us-west',
      UNDECLARED: 'x',
      BK_CI_BUILD_MSG: 'gh-run 4242 attempt 1',
      BK_CI_MATERIAL_ID: 'abc123',
      BK_CI_MATERIAL_NAME: 'app',
      BK_CI_MATERIAL_URL: 'https://example.invalid/app'
    })
    expect(r.status).toBe(200)
    expect(r.json).toEqual({
      status: 0,
      message: null,
      data: { id: expect.stringMatching(/^b-[0-9a-f]{32}$/), executeCount: 1, projectId: P, pipelineId: F.pipelines.succeed, num: 1 }
    })
    const snapshot = e.getRun(r.json.data.id)
    expect(snapshot).toMatchObject({
      buildMsg: 'gh-run 4242 attempt 1',
      startUser: F.username,
      values: { ENV: 'prod', GREETING: 'hello', REGION: 'ap-guangzhou', BK_CI_BUILD_MSG: 'gh-run 4242 attempt 1' },
      ignoredValues: { REGION: 'us-west', UNDECLARED: 'x' },
      material: { id: 'abc123', name: 'app', url: 'https://example.invalid/app' },
      apiVersion: 'v4'
    })
    const s = await status(e, r.json.data.id)
    expect(s.variables).toMatchObject({ ENV: 'prod', BK_CI_BUILD_ID: r.json.data.id, BK_CI_BUILD_NUM: '1', BK_CI_START_TYPE: 'SERVICE' })
    expect(s.material[0]).toMatchObject({ newCommitId: 'abc123', url: 'https://example.invalid/app' })
    expect(s.startType).toBe('SERVICE')
    expect((await startBuild(e, F.pipelines.succeed)).json.data.num).toBe(2)
  })

  test('buildNo moves the pipeline build number; bad inputs are refused before anything starts', async () => {
    const e = await start()
    const withNo = await startBuild(e, F.pipelines.succeed, {}, { query: { pipelineId: F.pipelines.succeed, buildNo: '17' } })
    expect(e.getRun(withNo.json.data.id)?.buildNo).toBe(17)
    const noPipeline = await send(e, { method: 'POST', path: `${V4}/build_start`, body: '{}' })
    expect(noPipeline.json).toMatchObject({ status: 400, message: 'request param pipelineId cannot be empty' })
    const unknown = await startBuild(e, 'p-ffffffffffffffffffffffffffffffff')
    expect(unknown.status).toBe(400)
    expect(unknown.json.status).toBe(2101038)
    const foreign = await startBuild(e, F.pipelines.other)
    expect(foreign.json.status).toBe(2101038)
    const noBody = await send(e, { method: 'POST', path: `${V4}/build_start`, query: { pipelineId: F.pipelines.succeed } })
    expect(noBody.status).toBe(400)
    const number = await send(e, { method: 'POST', path: `${V4}/build_start`, query: { pipelineId: F.pipelines.succeed }, body: '{"ENV":1}' })
    expect(number.status).toBe(400)
    const array = await send(e, { method: 'POST', path: `${V4}/build_start`, query: { pipelineId: F.pipelines.succeed }, body: '[]' })
    expect(array.status).toBe(400)
    expect(e.stats.runsCreated).toBe(1)
  })

  test('a required parameter left empty is 2101254; a locked pipeline 2101047; starting too often 2101020', async () => {
    const e = await start({
      pipelines: [
        { id: F.pipelines.succeed, projectId: P, scenario: 'succeed', params: [{ id: 'VERSION', valueNotEmpty: true, defaultValue: '' }], startBurst: 2, startRefillMs: 1000 },
        { id: F.pipelines.fail, projectId: P, scenario: 'fail', locked: true }
      ]
    })
    expect((await startBuild(e, F.pipelines.succeed)).json.status).toBe(2101254)
    expect((await startBuild(e, F.pipelines.fail)).json.status).toBe(2101047)
    expect((await startBuild(e, F.pipelines.succeed, { VERSION: '1.0' })).json.status).toBe(0)
    expect((await startBuild(e, F.pipelines.succeed, { VERSION: '1.1' })).json.status).toBe(0)
    const tooOften = await startBuild(e, F.pipelines.succeed, { VERSION: '1.2' })
    expect(tooOften.status).toBe(400)
    expect(tooOften.json.status).toBe(2101020)
    clock.now += 1000
    expect((await startBuild(e, F.pipelines.succeed, { VERSION: '1.2' })).json.status).toBe(0)
    expect(e.stats.runsCreated).toBe(3)
  })
})

describe('lifecycles, one phase per status/detail read', () => {
  test('succeed: QUEUE, RUNNING (containers PREPARE_ENV first), SUCCEED with an end time', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.succeed)
    const first = await status(e, buildId)
    expect(first).toMatchObject({ id: buildId, status: 'QUEUE', endTime: null, currentQueuePosition: 1, buildNum: 1, executeCount: 1, retry: false, userId: F.username })
    for (const field of ['startTime', 'queueTime', 'totalTime', 'executeTime', 'stageStatus', 'buildParameters', 'errorInfoList', 'buildMsg', 'variables', 'currentTimestamp']) {
      expect(first).toHaveProperty(field)
    }
    // The first read moved it out of the queue: the trigger stage is done, the Build stage's
    // containers prepare their build machines.
    const d = await detail(e, buildId)
    expect(d.status).toBe('RUNNING')
    expect(d.model.stages.map((s: any) => [s.id, s.status])).toEqual([
      ['stage-1', 'SUCCEED'],
      ['stage-2', 'RUNNING'],
      ['stage-3', 'QUEUE']
    ])
    expect(d.model.stages[0].containers[0]['@type']).toBe('trigger')
    expect(d.model.stages[1].containers.map((c: any) => [c['@type'], c.status, c.startVMStatus])).toEqual([
      ['vmBuild', 'PREPARE_ENV', 'RUNNING'],
      ['vmBuild', 'PREPARE_ENV', 'RUNNING']
    ])
    expect(elements(d)[1]).toMatchObject({ '@type': 'marketBuild', id: expect.stringMatching(/^e-[0-9a-f]{32}$/), status: 'QUEUE', atomCode: 'checkout' })
    const next = await detail(e, buildId)
    expect(next.model.stages[1].containers.map((c: any) => [c.status, c.startVMStatus])).toEqual([
      ['RUNNING', 'SUCCEED'],
      ['RUNNING', 'SUCCEED']
    ])
    expect(elements(next)[1].status).toBe('RUNNING')
    clock.now += 5000
    const seen = await readUntil(e, buildId, 'SUCCEED')
    expect(seen.every((s) => s === 'RUNNING' || s === 'SUCCEED')).toBe(true)
    const done = await status(e, buildId)
    expect(done.endTime).toBe(START + 5000)
    expect(done.stageStatus.map((s: any) => s.status)).toEqual(['SUCCEED', 'SUCCEED', 'SUCCEED'])
    expect(elements(await detail(e, buildId)).every((el: any) => el.status === 'SUCCEED')).toBe(true)
    expect(e.getRun(buildId)).toMatchObject({ status: 'SUCCEED', finished: true })
  })

  test('queuePhases: 0 starts RUNNING; timed advance moves builds with the clock.now', async () => {
    const e = await start({ queuePhases: 0, advance: { msPerPhase: 1000 } })
    const buildId = await startOk(e, F.pipelines.succeed)
    expect((await status(e, buildId)).status).toBe('RUNNING')
    expect((await status(e, buildId)).status).toBe('RUNNING')
    clock.now += 60_000
    const done = await status(e, buildId)
    expect(done.status).toBe('SUCCEED')
    expect(done.endTime).toBeLessThan(START + 60_000)
  })

  test('fail: FAILED with errorInfoList; a whole retry keeps the id, executeCount 2, then SUCCEED; executeCount=1 still readable', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.fail)
    await readUntil(e, buildId, 'FAILED')
    const failed = await status(e, buildId)
    expect(failed.endTime).not.toBeNull()
    expect(failed.errorInfoList).toEqual([expect.objectContaining({ stageId: 'stage-2', taskName: 'Compile', errorMsg: expect.stringContaining('exit code') })])
    const failedDetail = await detail(e, buildId)
    const failedTask = elements(failedDetail).find((el: any) => el.status === 'FAILED')
    expect(failedTask).toMatchObject({ canRetry: true, canSkip: true })
    expect(failedDetail.model.stages[2].status).toBe('UNEXEC')

    const r = await retry(e, F.pipelines.fail, buildId)
    expect(r.json).toEqual({ status: 0, message: null, data: { id: buildId, executeCount: 2, projectId: P, pipelineId: F.pipelines.fail, num: 1 } })
    await readUntil(e, buildId, 'SUCCEED')
    const s = await status(e, buildId)
    expect(s).toMatchObject({ executeCount: 2, retry: true })
    const first = await detail(e, buildId, 1)
    expect(first).toMatchObject({ status: 'FAILED', executeCount: 1 })
    const latest = await detail(e, buildId)
    expect(latest.recordList.map((r: any) => r.executeCount)).toEqual([1, 2])
    expect((await send(e, { path: `${V4}/build_detail`, query: { buildId, executeCount: '7' } })).status).toBe(400)
    expect(e.stats.runsCreated).toBe(1)
  })

  test('fail: retrying the failed task re-runs it (retryCountManual 1) and keeps what passed', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.fail)
    await readUntil(e, buildId, 'FAILED')
    const failedTask = elements(await detail(e, buildId)).find((el: any) => el.status === 'FAILED')
    const r = await retry(e, F.pipelines.fail, buildId, { taskId: failedTask.id })
    expect(r.json.data.executeCount).toBe(2)
    const d = await detail(e, buildId)
    const retried = elements(d).find((el: any) => el.id === failedTask.id)
    expect(retried).toMatchObject({ status: 'RUNNING', executeCount: 2, retryCountManual: 1 })
    expect(d.model.stages[1].containers[1].status).toBe('SUCCEED')
    await readUntil(e, buildId, 'SUCCEED')
  })

  test('fail: skip=true with the failed task marks it SKIP and the build goes on; skip needs a taskId', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.fail)
    await readUntil(e, buildId, 'FAILED')
    const snapshot = e.getRun(buildId)
    const failedTask = snapshot?.stages[1]?.containers[0]?.tasks[1]
    expect(failedTask?.status).toBe('FAILED')
    const noTask = await retry(e, F.pipelines.fail, buildId, { skip: 'true' })
    expect(noTask.json).toMatchObject({ status: 400, message: 'request param taskId cannot be empty' })
    const skipped = await retry(e, F.pipelines.fail, buildId, { taskId: failedTask?.stepId ?? '', skip: 'true' })
    expect(skipped.json.status).toBe(0)
    await readUntil(e, buildId, 'SUCCEED')
    expect(e.getRun(buildId)?.stages[1]?.containers[0]?.tasks[1]?.status).toBe('SKIP')
  })

  test('retry refusals: a running build 2101129, after 28 days 2101258; by buildNumber; failedContainer on a stage', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.fail)
    expect((await retry(e, F.pipelines.fail, buildId)).json.status).toBe(2101129)
    await readUntil(e, buildId, 'FAILED')
    const unknownTask = await retry(e, F.pipelines.fail, buildId, { taskId: 'e-nothing' })
    expect(unknownTask.status).toBe(400)
    expect(unknownTask.json.message).toContain('e-nothing')
    const byNumber = await send(e, { method: 'POST', path: `${V4}/build_retry`, query: { pipelineId: F.pipelines.fail, buildNumber: '1', taskId: 'stage-2', failedContainer: 'true' } })
    expect(byNumber.json.data).toMatchObject({ id: buildId, executeCount: 2 })
    expect((await retry(e, F.pipelines.fail, buildId)).json.status).toBe(2101129)
    const d = await detail(e, buildId)
    expect(d.model.stages[1].containers.map((c: any) => c.status)).toEqual(['PREPARE_ENV', 'SUCCEED'])
    await readUntil(e, buildId, 'SUCCEED')
    clock.now += 29 * DAY
    const late = await retry(e, F.pipelines.fail, buildId)
    expect(late.status).toBe(400)
    expect(late.json.status).toBe(2101258)
  })

  test('gate: STAGE_SUCCESS without an end time and a PAUSE stage under review until approve(); then SUCCEED', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.gate)
    const seen = await readUntil(e, buildId, 'STAGE_SUCCESS')
    expect(seen).not.toContain('SUCCEED')
    const parked = await status(e, buildId)
    expect(parked.endTime).toBeNull()
    const d = await detail(e, buildId)
    expect(d.model.stages[2]).toMatchObject({ status: 'PAUSE', checkIn: { manualTrigger: true, status: 'REVIEWING' } })
    for (let i = 0; i < 5; i++) expect((await status(e, buildId)).status).toBe('STAGE_SUCCESS')
    expect(e.getRun(buildId)).toMatchObject({ finished: false, waitingForReview: true })
    // Retrying a build parked at a review is a duplicate retry.
    expect((await retry(e, F.pipelines.gate, buildId)).json.status).toBe(2101129)
    e.approve(buildId)
    expect(() => e.approve(buildId)).toThrow(/not waiting/)
    await readUntil(e, buildId, 'SUCCEED')
    expect((await detail(e, buildId)).model.stages[2].checkIn.status).toBe('REVIEW_PROCESSED')
  })

  test('gate rejected: the build ends STAGE_SUCCESS with endTime > startTime; a retry asks for the review again', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.gate)
    await readUntil(e, buildId, 'STAGE_SUCCESS')
    e.reject(buildId)
    const ended = await status(e, buildId)
    expect(ended.status).toBe('STAGE_SUCCESS')
    expect(ended.endTime).toBeGreaterThan(ended.startTime)
    expect(e.getRun(buildId)).toMatchObject({ finished: true, waitingForReview: false })
    expect((await stop(e, F.pipelines.gate, buildId)).json.status).toBe(2101182)
    expect((await retry(e, F.pipelines.gate, buildId)).json.data.executeCount).toBe(2)
    await readUntil(e, buildId, 'STAGE_SUCCESS')
    expect((await status(e, buildId)).endTime).toBeNull()
  })

  test('long: still RUNNING after many reads', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.long)
    for (let i = 0; i < 25; i++) await status(e, buildId)
    expect((await status(e, buildId)).status).toBe('RUNNING')
  })
})

describe('build_stop', () => {
  test('accepted (data true), CANCELED at the next phase; a second stop meanwhile 2101019; after the end 2101182', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.succeed)
    await status(e, buildId)
    await status(e, buildId)
    clock.now += 3000
    const first = await stop(e, F.pipelines.succeed, buildId)
    expect(first.json).toEqual({ status: 0, message: null, data: true })
    const again = await stop(e, F.pipelines.succeed, buildId)
    expect(again.status).toBe(400)
    expect(again.json.status).toBe(2101019)
    expect(again.json.message).toContain(F.username)
    expect((await status(e, buildId)).status).toBe('RUNNING')
    const canceled = await status(e, buildId)
    expect(canceled).toMatchObject({ status: 'CANCELED', endTime: START + 3000 })
    const d = await detail(e, buildId)
    expect(d.cancelUserId).toBe(F.username)
    expect(d.model.stages[1].status).toBe('CANCELED')
    expect(d.model.stages[2].status).toBe('UNEXEC')
    const ended = await stop(e, F.pipelines.succeed, buildId)
    expect(ended.json.status).toBe(2101182)
    expect(e.getRun(buildId)?.stopCount).toBe(1)
    expect(e.stats.stop).toBe(3)
  })

  test('a second stop after 60 s forces the cancel; a stopped build can be retried', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.gate)
    await readUntil(e, buildId, 'STAGE_SUCCESS')
    expect((await stop(e, F.pipelines.gate, buildId)).json.data).toBe(true)
    clock.now += 61_000
    expect((await stop(e, F.pipelines.gate, buildId)).json.data).toBe(true)
    expect(e.getRun(buildId)).toMatchObject({ status: 'CANCELED', stopCount: 2 })
    expect((await retry(e, F.pipelines.gate, buildId)).json.data.executeCount).toBe(2)
    await readUntil(e, buildId, 'STAGE_SUCCESS')
  })

  test('cancelPhases: 0 cancels at once; a build stopped in the queue can be retried from the start', async () => {
    const e = await start({ cancelPhases: 0 })
    const buildId = await startOk(e, F.pipelines.succeed)
    await stop(e, F.pipelines.succeed, buildId)
    expect(e.getRun(buildId)?.status).toBe('CANCELED')
    expect((await retry(e, F.pipelines.succeed, buildId)).json.status).toBe(0)
    await readUntil(e, buildId, 'SUCCEED')
  })
})

describe('ids: checkPipelineId (v4) and the v3 paths', () => {
  test('v4: an unknown build or a build of another pipeline is HTTP 400 "Invalid buildId"; pipelineId is optional for reads', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.succeed)
    expect((await status(e, buildId, F.pipelines.succeed)).id).toBe(buildId)
    const mismatch = await send(e, { path: `${V4}/build_status`, query: { buildId, pipelineId: F.pipelines.fail } })
    expect(mismatch.status).toBe(400)
    expect(mismatch.json).toMatchObject({ status: 400, message: expect.stringContaining('Invalid buildId') })
    const unknown = await send(e, { path: `${V4}/build_status`, query: { buildId: 'b-ffffffffffffffffffffffffffffffff' } })
    expect(unknown.status).toBe(400)
    const noBuild = await send(e, { path: `${V4}/build_status` })
    expect(noBuild.json.message).toBe('request param buildId cannot be empty')
    const stopNoPipeline = await send(e, { method: 'POST', path: `${V4}/build_stop`, query: { buildId } })
    expect(stopNoPipeline.json.message).toBe('request param pipelineId cannot be empty')
  })

  test('v3: start, status, detail, stop, retry under /apigw-app/v3/…/builds; unknown build 404 2101163; another pipeline 2101058', async () => {
    const e = await start()
    const base = `/apigw-app/v3/projects/${P}/pipelines/${F.pipelines.fail}/builds`
    const started = await send(e, { method: 'POST', path: `${base}/start`, body: '{"BK_CI_BUILD_MSG":"v3 start"}' })
    expect(started.json.data).toMatchObject({ executeCount: 1, pipelineId: F.pipelines.fail })
    const buildId = started.json.data.id
    expect(e.getRun(buildId)?.apiVersion).toBe('v3')
    let s: any
    for (let i = 0; i < 20; i++) {
      s = (await send(e, { path: `${base}/${buildId}/status` })).json.data
      if (s.status === 'FAILED') break
    }
    expect(s.status).toBe('FAILED')
    expect((await send(e, { path: `${base}/${buildId}/detail` })).json.data.model.stages).toHaveLength(3)
    expect((await send(e, { method: 'POST', path: `${base}/${buildId}/retry` })).json.data.executeCount).toBe(2)
    expect((await send(e, { method: 'POST', path: `${base}/${buildId}/stop` })).json.data).toBe(true)
    const history = await send(e, { path: `${base}/history`, query: { page: '1', pageSize: '5' } })
    expect(history.json.data.records.map((r: any) => r.id)).toEqual([buildId])
    const unknown = await send(e, { path: `${base}/b-ffffffffffffffffffffffffffffffff/status` })
    expect(unknown.status).toBe(404)
    expect(unknown.json.status).toBe(2101163)
    const other = await send(e, { path: `/apigw-app/v3/projects/${P}/pipelines/${F.pipelines.succeed}/builds/${buildId}/status` })
    expect(other.json.status).toBe(2101058)
    expect(e.stats.byVersion.v3).toBe(e.stats.requests.length)
  })
})

describe('build_histories', () => {
  test('newest first, filters (buildMsg LIKE, status, startUser, start time), pages, pageSize capped at 100', async () => {
    // No queue phase, so each build's startTime is the moment it was started.
    const e = await start({ queuePhases: 0 })
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      ids.push(await startOk(e, F.pipelines.succeed, { BK_CI_BUILD_MSG: `https://github.com/o/r/actions/runs/${100 + i}` }))
      clock.now += 1000
    }
    await readUntil(e, ids[0]!, 'SUCCEED')
    const all = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed } })
    expect(all.json.data).toMatchObject({ count: 3, page: 1, pageSize: 20, totalPages: 1 })
    expect(all.json.data.records.map((r: any) => r.id)).toEqual([...ids].reverse())
    expect(all.json.data.records[0]).not.toHaveProperty('variables')
    const mine = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, buildMsg: 'runs/101' } })
    expect(mine.json.data.records.map((r: any) => r.id)).toEqual([ids[1]])
    const succeeded = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, status: ['SUCCEED', 'FAILED'] } })
    expect(succeeded.json.data.count).toBe(1)
    const since = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, startTimeStartTime: String(START + 500) } })
    expect(since.json.data.count).toBe(2)
    const other = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, startUser: 'someone-else' } })
    expect(other.json.data.count).toBe(0)
    const page = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, page: '2', pageSize: '2' } })
    expect(page.json.data).toMatchObject({ page: 2, pageSize: 2, totalPages: 2 })
    expect(page.json.data.records.map((r: any) => r.id)).toEqual([ids[0]])
    const capped = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, pageSize: '500' } })
    expect(capped.json.data.pageSize).toBe(100)
    const bad = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, status: 'DONE' } })
    expect(bad.status).toBe(400)
    expect((await send(e, { path: `${V4}/build_histories` })).json.message).toBe('request param pipelineId cannot be empty')
  })
})

describe('faults', () => {
  test('gateway-timeout: the build is created at once; the gateway answers 504 1650401 after delayMs', async () => {
    const e = await start()
    e.injectFault({ on: 'start', kind: 'gateway-timeout', delayMs: 250 })
    const t0 = Date.now()
    const pending = startBuild(e, F.pipelines.succeed, { BK_CI_BUILD_MSG: 'corr-504' })
    // The build exists while the gateway still holds the answer back.
    await until(() => e.stats.runsCreated === 1, 'the build was created')
    const r = await pending
    expect(Date.now() - t0).toBeGreaterThanOrEqual(240)
    expect(r.status).toBe(504)
    expect(r.json).toEqual({ code: 1650401, code_name: 'REQUEST_BACKEND_TIMEOUT', message: expect.any(String), result: false, data: null })
    expect(r.headers['x-bkapi-error-code']).toBe('1650401')
    const found = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, buildMsg: 'corr-504' } })
    expect(found.json.data.count).toBe(1)
  })

  test('gateway-timeout defaults to the gateway 30 s, configurable', async () => {
    const e = await start({ gatewayTimeoutMs: 150 })
    e.injectFault({ on: 'start', kind: 'gateway-timeout' })
    const t0 = Date.now()
    expect((await startBuild(e, F.pipelines.succeed)).status).toBe(504)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140)
  })

  test('status: gateway body and headers, nothing created, `times` hits; a backend-shaped body can be given', async () => {
    const e = await start()
    e.injectFault({ on: 'start', kind: 'status', status: 502, times: 2 })
    for (let i = 0; i < 2; i++) {
      const r = await startBuild(e, F.pipelines.succeed)
      expect(r.status).toBe(502)
      expect(r.json).toMatchObject({ code: 1650201, result: false })
      expect(r.headers['x-bkapi-error-code']).toBe('1650201')
    }
    e.injectFault({ on: 'status', kind: 'status', status: 500, body: { status: 2100001, message: 'System error', data: null } })
    expect((await send(e, { path: `${V4}/build_status`, query: { buildId: 'b-x' } })).json).toEqual({ status: 2100001, message: 'System error', data: null })
    expect(e.stats.runsCreated).toBe(0)
    await startOk(e, F.pipelines.succeed)
    expect(e.stats.start).toBe(3)
  })

  test('throttle: 429 1642901 RATE_LIMIT_RESTRICTION, Retry-After when given', async () => {
    const e = await start()
    e.injectFault({ on: 'status', kind: 'throttle', retryAfter: 5 })
    e.injectFault({ on: 'status', kind: 'throttle' })
    const a = await send(e, { path: `${V4}/build_status`, query: { buildId: 'b-x' } })
    expect(a.status).toBe(429)
    expect(a.json).toMatchObject({ code: 1642901, code_name: 'RATE_LIMIT_RESTRICTION', result: false })
    expect(a.headers['retry-after']).toBe('5')
    expect(a.headers['x-bkapi-error-code']).toBe('1642901')
    const b = await send(e, { path: `${V4}/build_status`, query: { buildId: 'b-x' } })
    expect(b.headers['retry-after']).toBeUndefined()
  })

  test('slow, drop, accept-then-cut, reset-mid-body', async () => {
    const e = await start()
    e.injectFault({ on: 'start', kind: 'slow', delayMs: 200 })
    const t0 = Date.now()
    await startOk(e, F.pipelines.succeed)
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190)
    e.injectFault({ on: 'start', kind: 'drop' })
    await expect(startBuild(e, F.pipelines.succeed)).rejects.toThrow()
    expect(e.stats.runsCreated).toBe(1)
    e.injectFault({ on: 'start', kind: 'accept-then-cut' })
    await expect(startBuild(e, F.pipelines.succeed, { BK_CI_BUILD_MSG: 'corr-cut' })).rejects.toThrow(/socket hang up|ECONNRESET/)
    expect(e.stats.runsCreated).toBe(2)
    const found = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed, buildMsg: 'corr-cut' } })
    expect(e.getRun(found.json.data.records[0].id)?.buildMsg).toBe('corr-cut')
    e.injectFault({ on: 'start', kind: 'reset-mid-body' })
    await expect(startBuild(e, F.pipelines.succeed)).rejects.toThrow()
    expect(e.stats.runsCreated).toBe(3)
  })

  test('malformed, empty, wrong-shape, html (openresty), huge', async () => {
    const e = await start()
    for (const kind of ['malformed', 'empty', 'wrong-shape', 'html'] as const) e.injectFault({ on: 'start', kind })
    const malformed = await startBuild(e, F.pipelines.succeed)
    expect(malformed.status).toBe(200)
    expect(() => JSON.parse(malformed.text)).toThrow()
    expect((await startBuild(e, F.pipelines.succeed)).text).toBe('')
    const wrong = await startBuild(e, F.pipelines.succeed)
    expect(wrong.json).toEqual({ result: 'ok', data: null })
    const html = await startBuild(e, F.pipelines.succeed)
    expect(html.status).toBe(502)
    expect(html.headers['content-type']).toContain('text/html')
    expect(html.text).toContain('openresty')
    expect(e.stats.runsCreated).toBe(3)
    e.injectFault({ on: 'histories', kind: 'huge', sizeBytes: 500_000 })
    const huge = await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed } })
    expect(Buffer.byteLength(huge.text)).toBe(500_000)
    expect(huge.headers['content-length']).toBeUndefined()
  })

  test("'any' hits every request, unknown paths too; clearFaults removes them", async () => {
    const e = await start()
    e.injectFault({ on: 'stop', kind: 'status', status: 500 })
    expect((await send(e, { path: `${V4}/build_histories`, query: { pipelineId: F.pipelines.succeed } })).status).toBe(200)
    e.injectFault({ on: 'any', kind: 'status', status: 503, times: Infinity })
    expect((await send(e, { path: '/nothing', raw: true })).status).toBe(503)
    e.clearFaults()
    expect((await send(e, { path: '/nothing', raw: true })).status).toBe(404)
  })
})

describe('observability and shutdown', () => {
  test('requests are recorded raw; counters per operation and version; resetStats empties them', async () => {
    const e = await start()
    const buildId = await startOk(e, F.pipelines.succeed, { ENV: 'x' })
    await status(e, buildId)
    const [first] = e.stats.requests
    expect(first).toMatchObject({ method: 'POST', path: `${F.basePath}${V4}/build_start`, query: `pipelineId=${F.pipelines.succeed}`, body: '{"ENV":"x"}', at: START })
    expect(first?.headers['x-bkapi-authorization']).toBe(APP_AUTH)
    expect(first?.rawHeaders).toContain('X-DEVOPS-UID')
    expect(e.stats).toMatchObject({ start: 1, status: 1, retry: 0, stop: 0, detail: 0, histories: 0, runsCreated: 1, byVersion: { v3: 0, v4: 2 }, credentialsInQuery: 0 })
    e.resetStats()
    expect(e.stats.requests).toHaveLength(0)
    expect(e.stats.start).toBe(0)
  })

  test('close() ends kept-alive connections and a pending gateway timeout', async () => {
    const e = await startBkciEmulator({ now: () => clock.now })
    const agent = new Agent({ keepAlive: true })
    await new Promise<void>((resolve, reject) => {
      httpRequest(
        {
          host: '127.0.0.1',
          port: e.port,
          path: `${F.basePath}${V4}/build_histories?pipelineId=${F.pipelines.succeed}`,
          headers: { 'X-Bkapi-Authorization': APP_AUTH, 'X-DEVOPS-UID': F.username },
          agent
        },
        (res) => {
          res.resume()
          res.on('end', resolve)
        }
      )
        .on('error', reject)
        .end()
    })
    e.injectFault({ on: 'start', kind: 'gateway-timeout' })
    const pending = startBuild(e, F.pipelines.succeed)
    pending.catch(() => undefined)
    await until(() => e.stats.start === 1, 'the start request arrived')
    const t0 = Date.now()
    await e.close()
    expect(Date.now() - t0).toBeLessThan(1000)
    await expect(pending).rejects.toThrow()
    agent.destroy()
  })
})

describe('bk-ci emulator: what a chain reads (start parameters, build variables, artifacts)', () => {
  test('build_manual_startup_info (v4) and manualStartupInfo (v3) list the declared parameters with constant, required and valueNotEmpty', async () => {
    const e = await start({
      pipelines: [
        {
          id: F.pipelines.succeed,
          projectId: P,
          scenario: 'succeed',
          params: [{ id: 'ENV', defaultValue: 'dev' }, { id: 'REGION', defaultValue: 'ap-guangzhou', constant: true }, { id: 'TARGET', valueNotEmpty: true }, { id: 'NOTE', required: false }]
        }
      ]
    })
    const v4 = await send(e, { path: `${V4}/build_manual_startup_info`, query: { pipelineId: F.pipelines.succeed } })
    expect(v4.status).toBe(200)
    const byId = Object.fromEntries(v4.json.data.properties.map((p: any) => [p.id, p]))
    expect(byId.ENV).toMatchObject({ constant: false, required: true, defaultValue: 'dev', valueNotEmpty: false })
    expect(byId.REGION).toMatchObject({ constant: true, readOnly: true, defaultValue: 'ap-guangzhou' })
    expect(byId.TARGET).toMatchObject({ valueNotEmpty: true, defaultValue: '' })
    expect(byId.NOTE).toMatchObject({ required: false })
    const v3 = await send(e, { path: `/apigw-app/v3/projects/${P}/pipelines/${F.pipelines.succeed}/builds/manualStartupInfo` })
    expect(v3.json.data.properties.map((p: any) => p.id)).toEqual(['ENV', 'REGION', 'TARGET', 'NOTE'])
    expect(e.stats.startupInfo).toBe(2)
    // What bk-ci does with them: an undeclared value is dropped, a constant keeps its default, a non-form (required: false) value is taken.
    const id = await startOk(e, F.pipelines.succeed, { TARGET: 'x', REGION: 'eu', EXTRA: '1', NOTE: 'n' })
    expect(e.getRun(id)?.values).toMatchObject({ TARGET: 'x', REGION: 'ap-guangzhou', NOTE: 'n' })
    expect(e.getRun(id)?.values).not.toHaveProperty('EXTRA')
  })

  test('a build that succeeds has the variable its step set in build_status and its archived file in artifactories/file_info; a retry counts executeCount', async () => {
    const e = await start()
    const id = await startOk(e, F.pipelines.fail)
    await readUntil(e, id, 'FAILED')
    expect((await status(e, id)).variables).not.toHaveProperty('IMAGE_TAG')
    const none = await send(e, { path: `${V4}/artifactories/file_info`, query: { buildId: id, pipelineId: F.pipelines.fail } })
    expect(none.json.data).toMatchObject({ count: 0, records: [] })
    expect((await send(e, { method: 'POST', path: `${V4}/build_retry`, query: { pipelineId: F.pipelines.fail, buildId: id } })).json.status).toBe(0)
    await readUntil(e, id, 'SUCCEED')
    const after = await status(e, id)
    expect(after.variables.IMAGE_TAG).toBe('emulator-app:1.0.0')
    expect(after.executeCount).toBe(2)
    const files = await send(e, { path: `${V4}/artifactories/file_info`, query: { buildId: id, pipelineId: F.pipelines.fail, page: '1', pageSize: '50' } })
    expect(files.json.data).toMatchObject({ count: 1, records: [{ name: 'app-1.0.0.tar.gz', size: 2_621_440, folder: false, artifactoryType: 'PIPELINE' }] })
    expect(e.stats.artifacts).toBe(2)
  })
})
