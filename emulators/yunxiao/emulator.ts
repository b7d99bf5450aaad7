// Builds a Yunxiao emulator from its options and runs it on loopback.
import { checkAdvanceMode } from '../shared/advance.js'
import { FaultQueue } from '../shared/fault-queue.js'
import { EmulatorServer } from '../shared/server.js'
import type { YunxiaoApiContext } from './api/context.js'
import { NonceMemory } from './auth/authenticate.js'
import type { YunxiaoFault } from './faults/fault-types.js'
import { defaultYunxiaoOptions } from './fixture.js'
import { createYunxiaoListener } from './http-server.js'
import type { OrganizationConfig, YunxiaoEmulatorOptions, YunxiaoPipelineConfig } from './options.js'
import { type YunxiaoRunSnapshot, snapshotRun } from './run-snapshot.js'
import { RunStore } from './runs/run-store.js'
import { logLines } from './runs/log.js'
import { SCENARIO_NAMES } from './runs/scenarios.js'
import type { FlowRun } from './runs/types.js'
import { type YunxiaoEmulatorStats, emptyStats } from './stats.js'

export type { YunxiaoFault } from './faults/fault-types.js'

export interface YunxiaoEmulator {
  /** http://127.0.0.1:<port>, no trailing slash: the endpoint of both APIs. */
  url: string
  port: number
  /** Live counters and the request log; resetStats() empties them. */
  readonly stats: YunxiaoEmulatorStats
  resetStats(): void
  injectFault(fault: YunxiaoFault): void
  clearFaults(): void
  /**
   * Passes the manual review a `gate` run waits at. Run ids count per pipeline, so give the
   * pipeline when several pipelines have a run with this id. Throws when the run waits at none.
   */
  approve(runId: number | string, pipelineId?: number): void
  getRun(runId: number | string, pipelineId?: number): YunxiaoRunSnapshot | undefined
  /** A job's log as the emulator holds it, as lines (the unfinished last one included). */
  jobLog(runId: number | string, jobId: number, pipelineId?: number): string[]
  /** Ends the server and every open socket, so the process (jest) can exit. */
  close(): Promise<void>
}

const DEFAULT_REPO = 'https://codeup.aliyun.com/emulator/app.git'

function checkWorld(organizations: OrganizationConfig[], pipelines: YunxiaoPipelineConfig[]) {
  const orgs = new Map<string, OrganizationConfig>()
  for (const o of organizations) {
    if (!/^[0-9a-f]{24}$/.test(o.id)) throw new Error(`organization id ${o.id} must be 24 hex digits`)
    orgs.set(o.id, o)
  }
  const map = new Map<number, YunxiaoPipelineConfig>()
  for (const p of pipelines) {
    if (!Number.isSafeInteger(p.id) || p.id <= 0) throw new Error(`pipeline id ${p.id} must be a positive integer`)
    if (!orgs.has(p.organizationId)) throw new Error(`pipeline ${p.id}: organization ${p.organizationId} is not in organizations`)
    if (!SCENARIO_NAMES.includes(p.scenario)) throw new Error(`pipeline ${p.id}: unknown scenario ${String(p.scenario)}`)
    if (map.has(p.id)) throw new Error(`pipeline ${p.id} is configured twice`)
    map.set(p.id, p)
  }
  return { orgs, map }
}

/**
 * Starts an emulator. Options left out come from defaultYunxiaoOptions() (the DEMO_FIXTURE
 * world), so `startYunxiaoEmulator()` alone gives the demo setup.
 */
export async function startYunxiaoEmulator(options: YunxiaoEmulatorOptions = {}): Promise<YunxiaoEmulator> {
  const o = defaultYunxiaoOptions(options)
  const now = o.now ?? Date.now
  const { orgs, map: pipelines } = checkWorld(o.organizations ?? [], o.pipelines ?? [])
  const advance = o.advance ?? 'per-read'
  checkAdvanceMode(advance)
  const queuedPhases = o.queuedPhases ?? 1
  if (!Number.isInteger(queuedPhases) || queuedPhases < 0) throw new Error('queuedPhases must be an integer >= 0')
  const gateRunStatus = o.gateRunStatus ?? 'WAITING'
  const store = new RunStore(advance, now, queuedPhases)

  let stats = emptyStats()
  const faults = new FaultQueue<YunxiaoFault>()
  const api: YunxiaoApiContext = {
    store,
    organizations: orgs,
    users: o.users ?? {},
    pipelines,
    tokens: o.tokens ?? {},
    accessKeys: o.accessKeys ?? {},
    nonces: new NonceMemory(),
    now,
    render: (pipeline) => ({ gateRunStatus, repoUrl: pipeline.repoUrl ?? DEFAULT_REPO }),
    gateRunStatus,
    popBusinessErrorStatus: o.popBusinessErrorStatus ?? 'documented',
    openApiErrorShape: o.openApiErrorShape ?? 'OpenApiErrorResponse',
    logLastUnit: o.logLastUnit ?? 'lines',
    onRunCreated: () => {
      stats.runsCreated += 1
    }
  }

  const server = new EmulatorServer()
  const { url, port } = await server.listen(
    createYunxiaoListener({ api, faults, stats: () => stats, sleep: server.sleep, isClosed: server.isClosed }),
    { port: o.port ?? 0, host: o.host ?? '127.0.0.1' }
  )

  const find = (runId: number | string, pipelineId?: number): FlowRun | undefined => {
    const id = Number(runId)
    if (pipelineId !== undefined) return store.get(pipelineId, id)
    const matches = store.withRunId(id)
    if (matches.length > 1) {
      throw new Error(`run id ${id} exists in pipelines ${matches.map((r) => r.pipelineId).join(', ')}: pass the pipeline id`)
    }
    return matches[0]
  }

  return {
    url,
    port,
    get stats() {
      return stats
    },
    resetStats: () => {
      stats = emptyStats()
    },
    injectFault: (fault) => faults.inject(fault),
    clearFaults: () => faults.clear(),
    approve: (runId, pipelineId) => {
      const run = find(runId, pipelineId)
      if (!run) throw new Error(`no run ${String(runId)}`)
      if (!store.approve(run)) throw new Error(`run ${String(runId)} is not waiting at a manual review`)
    },
    getRun: (runId, pipelineId) => {
      const run = find(runId, pipelineId)
      return run ? snapshotRun(run, gateRunStatus) : undefined
    },
    jobLog: (runId, jobId, pipelineId) => {
      const job = find(runId, pipelineId)?.stages.flatMap((s) => s.jobs).find((j) => j.id === jobId)
      if (!job) throw new Error(`no job ${jobId} in run ${String(runId)}`)
      return logLines(job)
    },
    close: () => server.close()
  }
}
