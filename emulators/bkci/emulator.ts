// Builds a bk-ci emulator from its options and runs it on loopback.
import { checkAdvanceMode } from '../shared/advance.js'
import { FaultQueue } from '../shared/fault-queue.js'
import type { Fault } from '../shared/fault-types.js'
import { EmulatorServer } from '../shared/server.js'
import type { BkciApiContext } from './api/handlers.js'
import type { Operation } from './api/routes.js'
import { BuildStore } from './builds/build-store.js'
import { SCENARIO_NAMES } from './builds/scenarios.js'
import { type BkciFault, toSharedFault } from './faults/fault-types.js'
import { defaultBkciOptions } from './fixture.js'
import { createBkciListener } from './http-server.js'
import type { BkciEmulatorOptions, BkciPipelineConfig } from './options.js'
import { type BkciBuildSnapshot, snapshotBuild } from './run-snapshot.js'
import { type BkciEmulatorStats, emptyStats } from './stats.js'
import { logLinesOf } from './builds/log.js'

export interface BkciEmulator {
  /** http://127.0.0.1:<port>, no trailing slash: the gateway host (BK_API_URL_TMPL's host). */
  url: string
  /** url + basePath (`…/api/devops/prod`): the base a client puts `/v4/apigw-app/...` after. */
  gatewayUrl: string
  port: number
  /** Live counters and the request log; resetStats() empties them. */
  readonly stats: BkciEmulatorStats
  resetStats(): void
  injectFault(fault: BkciFault): void
  clearFaults(): void
  /** Passes the stage review the build waits at. Throws when it waits at none. */
  approve(buildId: string): void
  /** Rejects the stage review: the build ends STAGE_SUCCESS with an end time. */
  reject(buildId: string): void
  getRun(buildId: string): BkciBuildSnapshot | undefined
  /** A job's whole log as the emulator holds it (its container hash, execution 1 unless given). */
  jobLog(buildId: string, containerHashId: string, executeCount?: number): string[]
  /** The log service drops the build's log: reads then answer status 2 CLEAN (or 3 CLOSED). */
  expireLogs(buildId: string, status?: 2 | 3): void
  /** Ends the server and every open socket, so the process (jest) can exit. */
  close(): Promise<void>
}

function checkPipelines(pipelines: BkciPipelineConfig[], projects: Set<string>): Map<string, BkciPipelineConfig> {
  const map = new Map<string, BkciPipelineConfig>()
  for (const p of pipelines) {
    if (!/^p-[0-9a-f]{32}$/.test(p.id)) throw new Error(`pipeline id ${p.id} must be p- and 32 hex digits`)
    if (!projects.has(p.projectId)) throw new Error(`pipeline ${p.id}: project ${p.projectId} is not in projects`)
    if (!SCENARIO_NAMES.includes(p.scenario)) throw new Error(`pipeline ${p.id}: unknown scenario ${String(p.scenario)}`)
    if (map.has(p.id)) throw new Error(`pipeline ${p.id} is configured twice`)
    map.set(p.id, p)
  }
  return map
}

const nonNegativeInt = (value: number, name: string): number => {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be an integer >= 0`)
  return value
}

/**
 * Starts an emulator. Options left out come from defaultBkciOptions() (the DEMO_FIXTURE world),
 * so `startBkciEmulator()` alone gives the demo setup.
 */
export async function startBkciEmulator(options: BkciEmulatorOptions = {}): Promise<BkciEmulator> {
  const o = defaultBkciOptions(options)
  const now = o.now ?? Date.now
  const basePath = (o.basePath ?? '/api/devops/prod').replace(/\/+$/, '')
  if (basePath !== '' && !basePath.startsWith('/')) throw new Error('basePath must start with /')
  const projects = new Set(o.projects ?? [])
  const pipelines = checkPipelines(o.pipelines ?? [], projects)
  const advance = o.advance ?? 'per-read'
  checkAdvanceMode(advance)
  const store = new BuildStore(advance, now, {
    queuePhases: nonNegativeInt(o.queuePhases ?? 1, 'queuePhases'),
    cancelPhases: nonNegativeInt(o.cancelPhases ?? 1, 'cancelPhases')
  })
  const gatewayTimeoutMs = o.gatewayTimeoutMs ?? 30_000

  let stats = emptyStats()
  const faults = new FaultQueue<Fault<Operation>>()
  const api: BkciApiContext = {
    store,
    pipelines,
    users: o.users ?? {},
    retryLimitDays: o.retryLimitDays ?? 28,
    logPageLines: o.logPageLines ?? 10_000,
    now,
    onRunCreated: () => {
      stats.runsCreated += 1
    }
  }

  const server = new EmulatorServer()
  const { url, port } = await server.listen(
    createBkciListener({
      api,
      gateway: { apps: o.apps ?? {}, accessTokens: o.accessTokens ?? {} },
      basePath,
      enableV3: o.enableV3 ?? true,
      gatewayAuth: o.gatewayAuth ?? true,
      projects,
      faults,
      stats: () => stats,
      sleep: server.sleep,
      isClosed: server.isClosed
    }),
    { port: o.port ?? 0, host: o.host ?? '127.0.0.1' }
  )

  const find = (buildId: string) => {
    const build = store.get(buildId)
    if (!build) throw new Error(`no build ${buildId}`)
    return build
  }

  return {
    url,
    gatewayUrl: url + basePath,
    port,
    get stats() {
      return stats
    },
    resetStats: () => {
      stats = emptyStats()
    },
    injectFault: (fault) => faults.inject(toSharedFault(fault, gatewayTimeoutMs)),
    clearFaults: () => faults.clear(),
    approve: (buildId) => {
      if (!store.approve(find(buildId), 'emulator-reviewer')) throw new Error(`build ${buildId} is not waiting at a stage review`)
    },
    reject: (buildId) => {
      if (!store.reject(find(buildId), 'emulator-reviewer')) throw new Error(`build ${buildId} is not waiting at a stage review`)
    },
    getRun: (buildId) => {
      const build = store.get(buildId)
      return build ? snapshotBuild(build) : undefined
    },
    jobLog: (buildId, containerHashId, executeCount = 1) => logLinesOf(find(buildId), { containerHashId, executeCount }).map((line) => line.message),
    expireLogs: (buildId, status = 2) => {
      find(buildId).logStatus = status
    },
    close: () => server.close()
  }
}
