// Builds an emulator from its options and runs it on loopback.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiContext } from './api/handlers.js'
import type { AuthConfig } from './auth/authenticate.js'
import { FaultQueue } from './faults/fault-queue.js'
import type { Fault } from './faults/fault-types.js'
import { createRequestListener } from './http-server.js'
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
  const advance = o.advance ?? 'per-read'
  if (advance !== 'per-read' && !(advance.msPerPhase > 0)) throw new Error('advance.msPerPhase must be > 0')
  const store = new RunStore(pipelines, advance, now, o.tenantConcurrency ?? Infinity)

  let stats = emptyStats()
  const faults = new FaultQueue()
  const api: ApiContext = {
    store,
    projects,
    pipelines,
    retryNewRunId: o.retryNewRunId ?? false,
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

  // Pending `slow` faults: closing the emulator wakes them so nothing outlives close().
  const sleepers = new Set<() => void>()
  let closed = false
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer)
        sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, ms)
      sleepers.add(wake)
    })

  const server = createServer(
    createRequestListener({ api, auth, faults, get stats() { return stats }, now, sleep, isClosed: () => closed })
  )
  // A client that sends garbage gets its socket closed, as a gateway would.
  server.on('clientError', (_err, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  const findRun = (runId: string) => {
    const run = store.get(runId)
    if (!run) throw new Error(`no run ${runId}`)
    return run
  }

  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
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
    close: async () => {
      if (closed) return
      closed = true
      for (const wake of [...sleepers]) wake()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
