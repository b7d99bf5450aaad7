/**
 * Each provider (and API flavour) as the security suite sees it: its emulator behind the hostile
 * proxy, inputs pointing at the proxy, which request starts a run, which request paths are
 * legitimate, and the wire names of the fields an attacker would poison.
 */
import { DEMO_FIXTURE as BK, startBkciEmulator } from '../../emulators/bkci/index.js'
import { DEMO_FIXTURE as CA, startCodeArtsEmulator } from '../../emulators/codearts/index.js'
import { DEMO_FIXTURE as YX, startYunxiaoEmulator } from '../../emulators/yunxiao/index.js'
import { startHostileVendor, type HostileVendor, type SeenRequest } from './hostile-vendor.js'

export type VendorName = 'codearts' | 'codearts-pac' | 'yunxiao-openapi' | 'yunxiao-pop' | 'bkci-v4' | 'bkci-v3'
export type Scenario = 'succeed' | 'fail' | 'long'

export interface Vendor {
  readonly name: VendorName
  readonly proxy: HostileVendor
  inputs(scenario: Scenario, extra?: Record<string, string>): Record<string, string>
  runsCreated(): number
  /** The request that starts a run. */
  isStart(request: SeenRequest): boolean
  /** Every legitimate request path of a run of `scenario`'s pipeline starts with one of these. */
  pathPrefixes(scenario: Scenario): readonly string[]
  /** A run id in its documented form. */
  readonly idForm: RegExp
  /** A request that reads the run's state. */
  isDetail(request: SeenRequest): boolean
  /** Wire field names: the run id in the start answer, a job's display name, its message, the run number. */
  readonly fields: { runId: string; jobName: string; jobMessage: string; runNumber?: string }
  /** Field rules apply inside this property only (bk-ci's `data`, not its envelope's status and message). */
  readonly within?: string
  /** The start answer with its run id replaced. */
  withRunId(answer: unknown, id: string): unknown
  /** A detail answer with the run's own status (not its jobs') replaced. */
  withRunStatus(answer: unknown, status: string): unknown
  readonly secrets: readonly string[]
  close(): Promise<void>
}

type Json = Record<string, unknown>
const obj = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {})
const path = (request: SeenRequest): string => request.target.split('?')[0] ?? ''
const COMMON = { poll_interval: '50ms', request_timeout: '3s', timeout: '20s' }

export async function startVendor(name: VendorName): Promise<Vendor> {
  switch (name) {
    case 'codearts':
    case 'codearts-pac': {
      const emulator = await startCodeArtsEmulator({ advance: 'per-read' })
      const proxy = await startHostileVendor(emulator.url)
      const pac = name === 'codearts-pac'
      return {
        name,
        proxy,
        inputs(scenario, extra = {}) {
          // The IAM project look-up that AK/SK signing needs (issue 15) goes through the stand-in too: its answer is vendor text as well.
          const credentials = { access_key_id: CA.accessKey.accessKeyId, access_key_secret: CA.accessKey.secretAccessKey, iam_endpoint: proxy.url }
          if (!pac) return { provider: 'codearts', project_id: CA.projectId, pipeline_id: CA.pipelines[scenario], endpoint: proxy.url, ...credentials, ...COMMON, ...extra }
          const target: Record<string, string> = (extra.operation ?? 'run') === 'run' ? { repository_url: CA.pac.repositoryUrl, pipeline_file: CA.pac.files[scenario] } : { pipeline_id: CA.pac.pipelines[scenario] }
          return { provider: 'codearts-pac', domain_id: CA.domainId, endpoint: proxy.url, gitcode_token: CA.pac.gitcodeToken, ...credentials, ...target, ...COMMON, ...extra }
        },
        runsCreated: () => emulator.stats.runsCreated,
        idForm: /^[0-9a-zA-Z]{32}$/,
        isDetail: request => request.method === 'GET' && (pac ? /\/actions\/[^/]+\/[^/]+$/ : /\/pipeline-runs\/detail$/).test(path(request)),
        withRunId: (answer, id) => ({ ...obj(answer), pipeline_run_id: id }),
        withRunStatus: (answer, status) => ({ ...obj(answer), status }),
        isStart: request => request.method === 'POST' && (pac ? /\/api\/pac\/pipelines\/actions\/run$/ : /\/api\/pipelines\/[^/]+\/run$/).test(path(request)),
        // Besides the pipeline's own routes: the IAM project look-up of AK/SK signing (issue 15), and on v5 the
        // pipeline definition read before a start (issue 13), which is the pipeline's path itself.
        pathPrefixes: scenario =>
          pac
            ? [`/v6/${CA.domainId}/api/pac/pipelines/actions`, '/v3/projects']
            : [`/v5/${CA.projectId}/api/pipelines/${CA.pipelines[scenario]}/`, `/v5/${CA.projectId}/api/pipelines/${CA.pipelines[scenario]}`, '/v3/projects'],
        fields: { runId: 'pipeline_run_id', jobName: 'name', jobMessage: 'message', runNumber: 'run_number' },
        secrets: [CA.accessKey.accessKeyId, CA.accessKey.secretAccessKey, CA.pac.gitcodeToken],
        close: async () => {
          await proxy.close()
          await emulator.close()
        }
      }
    }
    case 'yunxiao-openapi':
    case 'yunxiao-pop': {
      const emulator = await startYunxiaoEmulator({ advance: 'per-read' })
      const proxy = await startHostileVendor(emulator.url)
      const openapi = name === 'yunxiao-openapi'
      const credentials: Record<string, string> = openapi ? { token: YX.token } : { access_key_id: YX.accessKey.accessKeyId, access_key_secret: YX.accessKey.accessKeySecret }
      return {
        name,
        proxy,
        inputs: (scenario, extra = {}) => ({ provider: 'yunxiao', organization_id: YX.organizationId, pipeline_id: String(YX.pipelines[scenario]), endpoint: proxy.url, ...credentials, ...COMMON, ...extra }),
        runsCreated: () => emulator.stats.runsCreated,
        isStart: request => request.method === 'POST' && /\/pipelines\/[^/]+\/(runs|run)$/.test(path(request)),
        idForm: /^\d+$/,
        isDetail: request => request.method === 'GET' && /\/(runs|pipelineRuns)\/\d+$/.test(path(request)),
        // OpenAPI answers a bare run number; POP wraps it as pipelineRunId.
        withRunId: (answer, id) => (openapi ? id : { ...obj(answer), pipelineRunId: id }),
        withRunStatus: (answer, status) => (openapi ? { ...obj(answer), status } : { ...obj(answer), pipelineRun: { ...obj(obj(answer).pipelineRun), status } }),
        pathPrefixes: scenario => {
          const id = YX.pipelines[scenario]
          return openapi ? [`/oapi/v1/flow/organizations/${YX.organizationId}/pipelines/${id}/`] : [`/organization/${YX.organizationId}/pipelines/${id}/`, `/organizations/${YX.organizationId}/pipelines/${id}/`]
        },
        fields: { runId: 'pipelineRunId', jobName: 'name', jobMessage: 'result' },
        secrets: [YX.token, YX.accessKey.accessKeyId, YX.accessKey.accessKeySecret],
        close: async () => {
          await proxy.close()
          await emulator.close()
        }
      }
    }
    case 'bkci-v4':
    case 'bkci-v3': {
      const emulator = await startBkciEmulator({ advance: 'per-read' })
      const proxy = await startHostileVendor(emulator.url)
      const api = name === 'bkci-v4' ? 'v4' : 'v3'
      return {
        name,
        proxy,
        inputs: (scenario, extra = {}) => ({
          provider: 'bkci',
          api,
          endpoint: `${proxy.url}${BK.basePath}`,
          project_id: BK.projectId,
          pipeline_id: BK.pipelines[scenario],
          app_code: BK.app.appCode,
          app_secret: BK.app.appSecret,
          username: BK.username,
          ...COMMON,
          ...extra
        }),
        runsCreated: () => emulator.stats.runsCreated,
        isStart: request => request.method === 'POST' && /(build_start|\/builds\/start)$/.test(path(request)),
        idForm: /^b-[0-9a-f]{32}$/,
        isDetail: request => request.method === 'GET' && /(build_detail|build_status|\/detail|\/status)$/.test(path(request)),
        within: 'data',
        withRunId: (answer, id) => ({ ...obj(answer), data: { ...obj(obj(answer).data), id } }),
        withRunStatus: (answer, status) => ({ ...obj(answer), data: { ...obj(obj(answer).data), status } }),
        pathPrefixes: scenario =>
          api === 'v4'
            ? [`${BK.basePath}/v4/apigw-app/projects/${BK.projectId}/`, `${BK.basePath}/v4/apigw-user/projects/${BK.projectId}/`]
            : [`${BK.basePath}/apigw-app/v3/projects/${BK.projectId}/pipelines/${BK.pipelines[scenario]}/`, `${BK.basePath}/apigw-user/v3/projects/${BK.projectId}/pipelines/${BK.pipelines[scenario]}/`],
        fields: { runId: 'id', jobName: 'name', jobMessage: 'errorMsg', runNumber: 'buildNum' },
        secrets: [BK.app.appSecret, BK.accessToken],
        close: async () => {
          await proxy.close()
          await emulator.close()
        }
      }
    }
  }
}

/**
 * Runs `body` against a vendor of its own (emulator and hostile proxy), closed afterwards: cases
 * share nothing, so they can run concurrently and an emulator's run count is the case's own.
 */
export async function withVendor<T>(name: VendorName, body: (vendor: Vendor) => Promise<T>): Promise<T> {
  const vendor = await startVendor(name)
  try {
    return await body(vendor)
  } finally {
    await vendor.close()
  }
}
