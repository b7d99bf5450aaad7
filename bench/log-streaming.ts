/**
 * Log streaming (`logs: all`): one job writes 10,000 lines evenly over 10 minutes, and
 * pipeline-relay's own wait (follow(): the wait loop, the heartbeat pacing, LiveLogs) streams it on
 * a fake clock, each request taking a round trip. The simulated vendor serves pages of at most 500
 * lines from a line cursor (the smallest page a vendor here serves: CodeArts' `limit`). Measured:
 * the requests made (status and log), the lag from a line's write to its print (p50/p95/max)
 * against the poll interval, that every line is printed once and in order, and the heap (after a
 * full GC) every 1,000 lines printed: memory stays flat when its growth is a few KiB at most.
 * Each policy runs in a fresh child process (node --expose-gc), as the long-wait benchmark does.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { follow } from '../src/follow.js'
import { readSettings, type InputName } from '../src/inputs/index.js'
import { createProvider } from '../src/providers/index.js'
import type { JobState, LogPage, Provider, RunRef, RunState } from '../src/providers/types.js'
import type { Deps } from '../src/main.js'
import { BenchHost } from './lib/bench-host.js'
import { SimClock } from './lib/sim-clock.js'
import { quantile, round } from './lib/stats.js'

const MINUTE = 60_000
const LINES = 10_000
const WRITING_MS = 10 * MINUTE
const PAGE_LINES = 500
const RTT_MS = 150
const HEAP_EVERY_LINES = 1_000
const JOB_PREFIX = '[Build / compile] '

export interface StreamingPolicy {
  name: string
  pollInterval: string
  /** The interval that lag is judged against, for the target (auto: its longest pause while a run has no history, 60 s). */
  intervalMs: number
}

export const STREAMING_POLICIES: readonly StreamingPolicy[] = [
  { name: 'fixed 10 s', pollInterval: '10s', intervalMs: 10_000 },
  { name: 'auto', pollInterval: 'auto', intervalMs: 60_000 }
]

export interface StreamingResult {
  name: string
  lines: number
  printedOnceInOrder: boolean
  requests: { status: number; log: number }
  lagS: { p50: number; p95: number; max: number }
  intervalS: number
  lagP95WithinInterval: boolean
  heap: { samples: number; startKiB: number; endKiB: number; growthKiB: number }
}

/** A vendor whose one job writes LINES lines over WRITING_MS, served in pages from a line cursor. */
function simulatedVendor(clock: SimClock, started: number) {
  const written = (): number => Math.min(LINES, Math.floor(((clock.now() - started) / WRITING_MS) * LINES))
  const lineTime = (index: number): number => started + Math.ceil(((index + 1) * WRITING_MS) / LINES)
  const counts = { status: 0, log: 0 }
  const job = (): JobState => {
    const done = clock.now() - started >= WRITING_MS
    return { id: 'job-1', name: 'compile', stage: 'Build', status: done ? 'succeeded' : 'running', rawStatus: done ? 'COMPLETED' : 'RUNNING' }
  }
  const provider: Partial<Provider> = {
    displayName: 'Simulated vendor',
    async getState(run: RunRef): Promise<RunState> {
      clock.advance(RTT_MS)
      counts.status += 1
      const current = job()
      const ended = current.status === 'succeeded'
      return { ...run, status: ended ? 'succeeded' : 'running', rawStatus: current.rawStatus, terminal: ended, jobs: [current] }
    },
    async readLog(_run: RunRef, _job: JobState, from: string | undefined): Promise<LogPage> {
      clock.advance(RTT_MS)
      counts.log += 1
      const start = from === undefined ? 0 : Number(from)
      const end = Math.min(written(), start + PAGE_LINES)
      const lines: string[] = []
      for (let index = start; index < end; index++) lines.push(`t=${lineTime(index)} i=${index} compiling unit ${index} of ${LINES}`)
      return { lines, next: String(end), more: end < LINES }
    }
  }
  return { provider, counts }
}

/** Reads the streamed lines as they are printed: their lag, their order, and the heap now and then. */
class StreamWatcher extends BenchHost {
  // Preallocated, so that the watcher's own records do not show as growth of the heap being measured.
  readonly lags = new Float64Array(LINES)
  next = 0
  inOrder = true
  readonly heapKiB = new Float64Array(LINES / HEAP_EVERY_LINES)

  constructor(
    inputs: Readonly<Partial<Record<InputName, string>>>,
    private readonly clock: SimClock,
    private readonly gc: () => void
  ) {
    super(inputs)
  }

  override info(message: string): void {
    if (!message.startsWith(JOB_PREFIX)) return
    const match = /^t=(\d+) i=(\d+) /.exec(message.slice(JOB_PREFIX.length))
    if (match === null) return
    if (Number(match[2]) !== this.next || this.next >= LINES) {
      this.inOrder = false
      return
    }
    this.lags[this.next] = this.clock.now() - Number(match[1])
    this.next += 1
    if (this.next % HEAP_EVERY_LINES === 0) {
      this.gc()
      this.heapKiB[this.next / HEAP_EVERY_LINES - 1] = process.memoryUsage().heapUsed / 1024
    }
  }
}

async function child(name: string): Promise<StreamingResult> {
  const policy = STREAMING_POLICIES.find(candidate => candidate.name === name)
  if (policy === undefined) throw new Error(`no streaming policy "${name}"`)
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc === undefined) throw new Error('run with --expose-gc')
  const clock = new SimClock(Date.UTC(2026, 11, 1, 8))
  const inputs: Partial<Record<InputName, string>> = {
    provider: 'codearts',
    operation: 'watch',
    project_id: 'benchProject00000000000000000001',
    pipeline_id: 'benchPipeline0000000000000000001',
    run_id: 'benchRun000000000000000000000001',
    token: 'bench-iam-token-0001',
    poll_interval: policy.pollInterval,
    timeout: '30m',
    logs: 'all'
  }
  const host = new StreamWatcher(inputs, clock, gc)
  const settings = readSettings(input => host.getInput(input), () => undefined)
  const started = clock.now()
  const vendor = simulatedVendor(clock, started)
  // The real settings and the real CodeArts provider's run reference; the questions go to the simulation.
  const real = createProvider(settings, { transport: async () => ({ status: 599, headers: {}, body: '' }), clock, log: host })
  const provider = { ...vendor.provider, refFor: real.refFor.bind(real), describe: () => [] } as Provider
  const deps: Deps = { host, transport: async () => ({ status: 599, headers: {}, body: '' }), clock, signal: new AbortController().signal }
  const outcome = await follow(settings, provider, { run: provider.refFor(settings.runId ?? '') }, deps, started)
  if (outcome.result.outcome !== 'ended') throw new Error(`the simulated run did not end: ${outcome.result.outcome}`)
  const sorted = [...host.lags.subarray(0, host.next)].sort((a, b) => a - b)
  const p95 = quantile(sorted, 0.95)
  const heap = [...host.heapKiB]
  return {
    name,
    lines: host.next,
    printedOnceInOrder: host.inOrder && host.next === LINES,
    requests: vendor.counts,
    lagS: { p50: round(quantile(sorted, 0.5) / 1000, 1), p95: round(p95 / 1000, 1), max: round((sorted.at(-1) ?? 0) / 1000, 1) },
    intervalS: policy.intervalMs / 1000,
    lagP95WithinInterval: p95 <= policy.intervalMs,
    heap: {
      samples: heap.length,
      startKiB: round(heap[0] ?? 0, 0),
      endKiB: round(heap.at(-1) ?? 0, 0),
      growthKiB: round((heap.at(-1) ?? 0) - (heap[0] ?? 0), 0)
    }
  }
}

export async function runLogStreaming(): Promise<StreamingResult[]> {
  const results: StreamingResult[] = []
  for (const policy of STREAMING_POLICIES) results.push(await inChild(policy.name))
  return results
}

function inChild(policy: string): Promise<StreamingResult> {
  const script = fileURLToPath(import.meta.url)
  const process_ = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', script, '--child', policy], { stdio: ['ignore', 'pipe', 'inherit'] })
  let stdout = ''
  process_.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
  })
  return new Promise((resolve, reject) => {
    process_.on('error', reject)
    process_.on('close', code => (code === 0 ? resolve(JSON.parse(stdout) as StreamingResult) : reject(new Error(`log-streaming child for ${policy} exited ${code}`))))
  })
}

if (process.argv[2] === '--child') {
  const result = await child(process.argv[3] ?? '')
  process.stdout.write(JSON.stringify(result))
}
