/**
 * Long waits: a six-hour wait (GitHub's job limit) on a fake clock, through pipeline-relay's own
 * step (`run()`: real provider, client, wait loop) against the in-memory CodeArts service, for a
 * run that is still going when the wait gives up. Each policy runs twice in a fresh child process
 * (node --expose-gc), so that nothing else the benchmarks did sits in its heap:
 *
 * - memory pass: the heap after a full GC and the RSS, sampled every 100 status reads; their growth
 *   from the first sample (taken after a warm-up wait of the same length) to the last, the slope
 *   of the heap over the wait (a leak shows as a steady slope), and the peak RSS;
 * - CPU pass, without forced GCs: process.cpuUsage() over the whole wait (the step from settings to
 *   summary) per status read, the fastest of five waits; and the share of it the simulated service
 *   itself took (rendering and serializing its answers), so that pipeline-relay's own cost per poll
 *   can be told apart.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { run } from '../src/main.js'
import type { InputName } from '../src/inputs/index.js'
import type { Transport } from '../src/core/http.js'
import { BenchHost } from './lib/bench-host.js'
import { CodeArtsSim, type RunPlan } from './lib/codearts-sim.js'
import { SimClock } from './lib/sim-clock.js'
import { round } from './lib/stats.js'

const HOUR = 3_600_000
const PROJECT = 'benchProject00000000000000000001'
const PIPELINE = 'benchPipeline0000000000000000001'
const TOKEN = 'bench-iam-token-0001'
const SAMPLE_EVERY = 100
const CPU_REPEATS = 5

export interface LongWaitPolicy {
  name: string
  pollInterval: string
  history: boolean
}

export const LONG_WAIT_POLICIES: readonly LongWaitPolicy[] = [
  { name: 'fixed 10 s', pollInterval: '10s', history: false },
  { name: 'auto', pollInterval: 'auto', history: true },
  { name: 'auto, no history', pollInterval: 'auto', history: false }
]

export interface LongWaitResult {
  name: string
  waitedHours: number
  outcome: string
  statusRequests: number
  wallMs: number
  memory: {
    samples: number
    rssStartMiB: number
    rssEndMiB: number
    rssPeakMiB: number
    rssGrowthMiB: number
    heapStartMiB: number
    heapEndMiB: number
    heapGrowthKiB: number
    /** Least-squares slope of the heap samples: bytes per status read. */
    heapSlopeBytesPerPoll: number
  }
  cpu: {
    totalMs: number
    perPollUs: number
    /** The part the simulated service took (answers built and serialized). */
    servicePerPollUs: number
    relayPerPollUs: number
  }
}

/** Runs every policy in its own child process and collects the results. */
export async function runLongWait(): Promise<LongWaitResult[]> {
  const results: LongWaitResult[] = []
  for (const policy of LONG_WAIT_POLICIES) results.push(await inChild(policy.name))
  return results
}

async function inChild(policy: string): Promise<LongWaitResult> {
  const script = fileURLToPath(import.meta.url)
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', policy], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
  })
  const code = await new Promise<number | null>(done => child.on('close', done))
  if (code !== 0) throw new Error(`the long-wait child for "${policy}" exited with ${String(code)}`)
  return JSON.parse(stdout) as LongWaitResult
}

/** A run of seven hours: a short build, a long test stage, a deploy that has not started when the wait ends. */
const LONG_RUN: RunPlan = {
  durationMs: 7 * HOUR,
  stages: [
    { name: 'Build', jobs: [{ name: 'compile', from: 0, to: 0.05 }] },
    { name: 'Soak test', jobs: [{ name: 'soak', from: 0.05, to: 0.95 }] },
    { name: 'Deploy', jobs: [{ name: 'deploy', from: 0.95, to: 1 }] }
  ]
}

/** Twenty earlier runs of 6 to 10 minutes: the history says this pipeline is usually quick. */
const HISTORY: RunPlan[] = Array.from({ length: 20 }, (_, i) => ({ durationMs: (6 + (i % 5)) * 60_000, stages: LONG_RUN.stages }))

interface Probe {
  onRead(): void
}

async function oneWait(policy: LongWaitPolicy, hours: number, probe?: Probe): Promise<{ host: BenchHost; sim: CodeArtsSim; serviceMs: number }> {
  const clock = new SimClock(Date.UTC(2026, 10, 23, 0, 0, 0))
  const sim = new CodeArtsSim({ clock, projectId: PROJECT, pipelineId: PIPELINE, token: TOKEN, plans: [LONG_RUN], history: HISTORY, hideHistory: !policy.history, rttMs: 150 })
  let serviceMs = 0
  const transport: Transport = async request => {
    const started = performance.now()
    const response = await sim.transport(request)
    serviceMs += performance.now() - started
    probe?.onRead()
    return response
  }
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'codearts',
    project_id: PROJECT,
    pipeline_id: PIPELINE,
    token: TOKEN,
    timeout: `${hours}h`,
    poll_interval: policy.pollInterval
  }
  const host = new BenchHost(inputs)
  await run({ host, transport, clock, signal: new AbortController().signal })
  return { host, sim, serviceMs }
}

const MiB = 1024 * 1024

async function child(name: string): Promise<LongWaitResult> {
  const policy = LONG_WAIT_POLICIES.find(candidate => candidate.name === name)
  if (policy === undefined) throw new Error(`no long-wait policy ${name}`)
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  // Warm-up: the same wait once (code compiled and optimized, caches filled), so that growth is
  // measured from a steady state rather than counting the JIT's first hour.
  await oneWait(policy, 6)
  gc()

  // Memory pass.
  const rss: number[] = []
  const heap: number[] = []
  const at: number[] = []
  let reads = 0
  const sample = (): void => {
    gc()
    const usage = process.memoryUsage()
    rss.push(usage.rss)
    heap.push(usage.heapUsed)
    at.push(reads)
  }
  sample()
  await oneWait(policy, 6, {
    onRead() {
      reads += 1
      if (reads % SAMPLE_EVERY === 0) sample()
    }
  })
  sample()

  // CPU pass, no forced GC: the fastest of a few waits, so that a busy moment on the machine does not count.
  let best: { cpuMs: number; wallMs: number; serviceMs: number; host: BenchHost; polls: number } | undefined
  for (let repeat = 0; repeat < CPU_REPEATS; repeat++) {
    gc()
    const cpuBefore = process.cpuUsage()
    const wallBefore = performance.now()
    const wait = await oneWait(policy, 6)
    const wallMs = performance.now() - wallBefore
    const cpu = process.cpuUsage(cpuBefore)
    const cpuMs = (cpu.user + cpu.system) / 1000
    if (best === undefined || cpuMs < best.cpuMs) best = { cpuMs, wallMs, serviceMs: wait.serviceMs, host: wait.host, polls: wait.sim.counts.detail }
  }
  if (best === undefined) throw new Error('no CPU pass ran')
  const { cpuMs, wallMs, serviceMs, host, polls } = best
  const first = (values: number[]): number => values[0] ?? Number.NaN
  const last = (values: number[]): number => values[values.length - 1] ?? Number.NaN
  return {
    name,
    waitedHours: 6,
    outcome: host.outputs.status ?? 'none',
    statusRequests: polls,
    wallMs: round(wallMs, 0),
    memory: {
      samples: rss.length,
      rssStartMiB: round(first(rss) / MiB, 1),
      rssEndMiB: round(last(rss) / MiB, 1),
      rssPeakMiB: round(Math.max(...rss) / MiB, 1),
      rssGrowthMiB: round((last(rss) - first(rss)) / MiB, 2),
      heapStartMiB: round(first(heap) / MiB, 2),
      heapEndMiB: round(last(heap) / MiB, 2),
      heapGrowthKiB: round((last(heap) - first(heap)) / 1024, 1),
      heapSlopeBytesPerPoll: round(slope(at, heap), 1)
    },
    cpu: {
      totalMs: round(cpuMs, 0),
      perPollUs: round((cpuMs * 1000) / polls, 0),
      servicePerPollUs: round((serviceMs * 1000) / polls, 0),
      relayPerPollUs: round(((cpuMs - serviceMs) * 1000) / polls, 0)
    }
  }
}

/** Least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = Math.min(x.length, y.length)
  const mx = x.reduce((sum, v) => sum + v, 0) / n
  const my = y.reduce((sum, v) => sum + v, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += ((x[i] ?? 0) - mx) * ((y[i] ?? 0) - my)
    den += ((x[i] ?? 0) - mx) ** 2
  }
  return den === 0 ? 0 : num / den
}

if (process.argv[2] === '--child') {
  const result = await child(process.argv[3] ?? '')
  process.stdout.write(JSON.stringify(result))
}
