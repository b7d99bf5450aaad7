// Builds an emulator from its options and runs it on loopback.
import { FaultQueue } from '../shared/fault-queue.js'
import { checkAdvanceMode } from '../shared/advance.js'
import { EmulatorServer } from '../shared/server.js'
import type { ApiContext } from './api/handlers.js'
import type { AuthConfig } from './auth/authenticate.js'
import type { Fault } from './faults/fault-types.js'
import { createCodeArtsListener } from './http-server.js'
import type { CodeArtsEmulatorOptions, PipelineConfig } from './options.js'
import { defaultCodeArtsOptions } from './fixture.js'
import { RunStore } from './runs/run-store.js'
import { SCENARIO_NAMES } from './runs/scenarios.js'
import { type RunSnapshot, snapshotRun } from './run-snapshot.js'
import { type CodeArtsEmulatorStats, emptyStats } from './stats.js'

export interface CodeArtsEmulator {
  /** http://127.0.0.1:<port>, no trailing slash: the `endpoint` to give a client. */
  url: string
  port: number
  /** Live counters and the request log; resetStats() empties them. */
  readonly stats: CodeArtsEmulatorStats
  resetStats(): void
  injectFault(fault: Fault): void
  clearFaults(): void
  /** Passes the manual review a `gate` run waits at. Throws when the run does not wait at one. */
  approve(runId: string): void
  getRun(runId: string): RunSnapshot | undefined
  /** The run's logs are cleaned up from now on: log reads answer the expired-log error (404 DEVPIPE.00011405). */
  expireLogs(runId: string): void
  /** Ends the server and every open socket, so the process (jest) can exit. */
  close(): Promise<void>
}

const DEFAULT_CONSOLE_URL = 'https://devcloud.cn-north-4.huaweicloud.com'

function checkPipelines(pipelines: PipelineConfig[], projects: Set<string>): Map<string, PipelineConfig> {
  const map = new Map<string, PipelineConfig>()
  for (const p of pipelines) {
    if (!/^[0-9a-zA-Z]{32}$/.test(p.id)) throw new Error(`pipeline id ${p.id} must be 32 letters or digits`)
    if (!projects.has(p.projectId)) throw new Error(`pipeline ${p.id}: project ${p.projectId} is not in projects`)
    if (!SCENARIO_NAMES.includes(p.scenario)) throw new Error(`pipeline ${p.id}: unknown scenario ${String(p.scenario)}`)
    if (map.has(p.id)) throw new Error(`pipeline ${p.id} is configured twice`)
    map.set(p.id, p)
  }
  return map
}

/**
 * Starts an emulator. Options left out come from defaultCodeArtsOptions() (the DEMO_FIXTURE
 * world), so `startCodeArtsEmulator()` alone gives the demo setup.
 */
export async function startCodeArtsEmulator(options: CodeArtsEmulatorOptions = {}): Promise<CodeArtsEmulator> {
  const o = defaultCodeArtsOptions(options)
  const now = o.now ?? Date.now
  const projects = new Set(o.projects ?? [])
  const pipelines = checkPipelines(o.pipelines ?? [], projects)
  for (const project of o.iamProjects ?? []) {
    if (!/^[0-9a-zA-Z]{32}$/.test(project.id)) throw new Error(`IAM project id ${project.id} must be 32 letters or digits`)
  }
  const advance = o.advance ?? 'per-read'
  checkAdvanceMode(advance)
  const store = new RunStore(pipelines, advance, now, o.tenantConcurrency ?? Infinity, o.logLinesPerPhase)

  let stats = emptyStats()
  const faults = new FaultQueue<Fault>()
  const api: ApiContext = {
    store,
    projects,
    pipelines,
    retryNewRunId: o.retryNewRunId ?? false,
    pac: {
      domainId: o.domainId ?? '0'.repeat(32),
      rerunNewRunId: o.pacRerunNewRunId ?? true,
      casing: o.pacCasing ?? 'snake',
      gitcodeTokens: o.gitcodeTokens === undefined ? undefined : new Set(o.gitcodeTokens)
    },
    logs: {
      stepLogReading: o.stepLogReading ?? 'start',
      pacLogLimitUnit: o.pacLogLimitUnit ?? 'chars',
      pageMax: o.logPageMax ?? Infinity
    },
    renderContext: (pipeline) => ({
      pipelineName: pipeline.name ?? `pipeline-${pipeline.id.slice(0, 8)}`,
      region: o.region ?? 'cn-north-4',
      domainId: o.domainId ?? '0'.repeat(32),
      consoleUrl: o.consoleUrl ?? DEFAULT_CONSOLE_URL,
      now: now()
    }),
    onRunCreated: () => {
      stats.runsCreated += 1
    }
  }
  const auth: AuthConfig = { tokens: o.tokens ?? [], expiredTokens: o.expiredTokens ?? [], accessKeys: o.accessKeys ?? {} }

  const server = new EmulatorServer()
  const { url, port } = await server.listen(
    createCodeArtsListener({
      api,
      auth,
      iam: { projects: o.iamProjects ?? [], domainId: o.domainId ?? '0'.repeat(32) },
      region: o.region ?? 'cn-north-4',
      faults,
      get stats() {
        return stats
      },
      now,
      sleep: server.sleep,
      isClosed: server.isClosed
    }),
    { port: o.port ?? 0, host: o.host ?? '127.0.0.1' }
  )

  const findRun = (runId: string) => {
    const run = store.get(runId)
    if (!run) throw new Error(`no run ${runId}`)
    return run
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
    approve: (runId) => {
      if (!store.approve(findRun(runId))) throw new Error(`run ${runId} is not waiting at a manual review`)
    },
    getRun: (runId) => {
      const run = store.get(runId)
      return run ? snapshotRun(run) : undefined
    },
    expireLogs: (runId) => {
      findRun(runId).logsExpired = true
    },
    close: () => server.close()
  }
}
