/**
 * Polling: 200 runs with log-normal lengths (median 8 min, σ 0.35), each started and followed to
 * its end by pipeline-relay's own step (`run()` from src/main.ts: settings, the real CodeArts
 * provider, client and dialect, the real wait loop and interval policy) on a fake clock, against
 * an in-memory CodeArts service (lib/codearts-sim.ts). Every policy sees the same runs.
 *
 * For each policy: status requests per run, the history request `auto` adds, and the detection
 * latency — from the moment the run really ended to the moment our step ended.
 */
import { run } from '../src/main.js'
import type { InputName } from '../src/inputs/index.js'
import { BenchHost } from './lib/bench-host.js'
import { CodeArtsSim, type RunPlan, type StagePlan } from './lib/codearts-sim.js'
import { logNormal, seeded } from './lib/prng.js'
import { SimClock } from './lib/sim-clock.js'
import { mean, quantile, round } from './lib/stats.js'

export interface PollingOptions {
  runs: number
  /** Earlier runs `auto` learns from. */
  historyRuns: number
  medianMs: number
  sigma: number
  seed: number
  /** Time on the wire per request. */
  rttMs: number
}

export const DEFAULT_POLLING: PollingOptions = { runs: 200, historyRuns: 20, medianMs: 8 * 60_000, sigma: 0.35, seed: 8, rttMs: 150 }

export interface PolicyResult {
  name: string
  pollInterval: string
  pipeline: 'three stages' | 'one stage'
  history: boolean
  runs: number
  /** Runs that did not end `succeeded` (should be none). */
  wrongOutcomes: number
  statusRequestsPerRun: number
  historyRequestsPerRun: number
  requestsPerRun: number
  /** requestsPerRun / the fixed 10 s poller's. */
  requestsVsFixed10: number
  latencyS: { p50: number; p95: number; max: number; mean: number }
}

export interface PollingResult {
  options: PollingOptions
  /** The lengths of the runs followed, for the record. */
  durationsMin: { p5: number; p50: number; p95: number; min: number; max: number }
  policies: PolicyResult[]
  targets: { requestsAtMostHalfOfFixed10: boolean; p50AtMost5s: boolean; p95AtMost10s: boolean; met: boolean }
}

const PROJECT = 'benchProject00000000000000000001'
const PIPELINE = 'benchPipeline0000000000000000001'
const TOKEN = 'bench-iam-token-0001'

interface Scenario {
  name: string
  pollInterval: string
  pipeline: 'three stages' | 'one stage'
  history: boolean
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'fixed 5 s', pollInterval: '5s', pipeline: 'three stages', history: true },
  { name: 'fixed 10 s', pollInterval: '10s', pipeline: 'three stages', history: true },
  { name: 'auto', pollInterval: 'auto', pipeline: 'three stages', history: true },
  { name: 'auto, no history', pollInterval: 'auto', pipeline: 'three stages', history: false },
  { name: 'auto, one-stage pipeline', pollInterval: 'auto', pipeline: 'one stage', history: true },
  { name: 'auto, one stage, no history', pollInterval: 'auto', pipeline: 'one stage', history: false }
]

export async function runPolling(options: PollingOptions = DEFAULT_POLLING): Promise<PollingResult> {
  const durations = plannedDurations(options)
  const threeStages = withStages(durations, options.seed + 1)
  const oneStage = durations.map(durationMs => ({ durationMs, stages: [{ name: 'Build', jobs: [{ name: 'build', from: 0, to: 1 }] }] }))
  const results: PolicyResult[] = []
  for (const scenario of SCENARIOS) {
    const plans = scenario.pipeline === 'three stages' ? threeStages : oneStage
    results.push(await follow(scenario, plans, options))
  }
  const fixed10 = results.find(result => result.name === 'fixed 10 s')
  for (const result of results) result.requestsVsFixed10 = round(result.requestsPerRun / (fixed10?.requestsPerRun ?? Number.NaN), 2)
  const auto = results.find(result => result.name === 'auto')
  const followed = durations.slice(options.historyRuns).map(ms => ms / 60_000)
  const targets = {
    requestsAtMostHalfOfFixed10: auto !== undefined && fixed10 !== undefined && auto.requestsPerRun <= fixed10.requestsPerRun / 2,
    p50AtMost5s: auto !== undefined && fixed10 !== undefined && auto.latencyS.p50 <= Math.max(5, fixed10.latencyS.p50),
    p95AtMost10s: auto !== undefined && auto.latencyS.p95 <= 10
  }
  return {
    options,
    durationsMin: {
      p5: round(quantile(followed, 0.05), 2),
      p50: round(quantile(followed, 0.5), 2),
      p95: round(quantile(followed, 0.95), 2),
      min: round(Math.min(...followed), 2),
      max: round(Math.max(...followed), 2)
    },
    policies: results,
    targets: { ...targets, met: targets.requestsAtMostHalfOfFixed10 && targets.p50AtMost5s && targets.p95AtMost10s }
  }
}

/** The history runs first, then the runs to follow: one seeded stream, the same for every policy. */
function plannedDurations(options: PollingOptions): number[] {
  const random = seeded(options.seed)
  return Array.from({ length: options.historyRuns + options.runs }, () => Math.round(logNormal(random, options.medianMs, options.sigma)))
}

/**
 * Build (one job), Test (two jobs side by side, the shorter one ending early), Deploy (one job):
 * shares of about 40 %, 40 % and 20 % of the run, each varying by a log-normal factor (σ 0.3) from
 * run to run, so the last stage starts anywhere from about 65 % to 90 % of the way.
 */
function withStages(durations: readonly number[], seed: number): RunPlan[] {
  const random = seeded(seed)
  return durations.map(durationMs => {
    const weights = [0.4, 0.4, 0.2].map(base => logNormal(random, base, 0.3))
    const total = weights.reduce((sum, weight) => sum + weight, 0)
    const build = (weights[0] ?? 0) / total
    const test = build + (weights[1] ?? 0) / total
    const shorterTest = build + (test - build) * (0.5 + 0.5 * random.next())
    const stages: StagePlan[] = [
      { name: 'Build', jobs: [{ name: 'compile', from: 0, to: build }] },
      {
        name: 'Test',
        jobs: [
          { name: 'unit', from: build, to: test },
          { name: 'integration', from: build, to: shorterTest }
        ]
      },
      { name: 'Deploy', jobs: [{ name: 'deploy', from: test, to: 1 }] }
    ]
    return { durationMs, stages }
  })
}

async function follow(scenario: Scenario, plans: readonly RunPlan[], options: PollingOptions): Promise<PolicyResult> {
  const clock = new SimClock(Date.UTC(2026, 10, 23, 0, 0, 0), options.seed)
  const sim = new CodeArtsSim({
    clock,
    projectId: PROJECT,
    pipelineId: PIPELINE,
    token: TOKEN,
    history: plans.slice(0, options.historyRuns),
    plans: plans.slice(options.historyRuns),
    hideHistory: !scenario.history,
    rttMs: options.rttMs
  })
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'codearts',
    project_id: PROJECT,
    pipeline_id: PIPELINE,
    token: TOKEN,
    timeout: '2h',
    poll_interval: scenario.pollInterval
  }
  const status: number[] = []
  const history: number[] = []
  const latencies: number[] = []
  let wrongOutcomes = 0
  for (let index = 0; index < options.runs; index++) {
    sim.resetCounts()
    const host = new BenchHost(inputs)
    await run({ host, transport: sim.transport, clock, signal: new AbortController().signal })
    const followed = sim.lastRun
    if (followed === undefined || host.outputs.status !== 'succeeded') wrongOutcomes += 1
    status.push(sim.counts.detail)
    history.push(sim.counts.list)
    latencies.push((clock.now() - (followed?.endsAt ?? clock.now())) / 1000)
    // The next run starts a while later.
    clock.advance(30 * 60_000)
  }
  const statusPerRun = mean(status)
  const historyPerRun = mean(history)
  return {
    name: scenario.name,
    pollInterval: scenario.pollInterval,
    pipeline: scenario.pipeline,
    history: scenario.history,
    runs: options.runs,
    wrongOutcomes,
    statusRequestsPerRun: round(statusPerRun, 1),
    historyRequestsPerRun: round(historyPerRun, 2),
    requestsPerRun: round(statusPerRun + historyPerRun, 1),
    requestsVsFixed10: Number.NaN,
    latencyS: {
      p50: round(quantile(latencies, 0.5), 1),
      p95: round(quantile(latencies, 0.95), 1),
      max: round(Math.max(...latencies), 1),
      mean: round(mean(latencies), 1)
    }
  }
}
