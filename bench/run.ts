/**
 * `npm run bench`: start-up, polling, long-wait and log-streaming figures, one table each, and
 * bench/results/latest.json. Benchmarks report; they never fail on a figure (see bench/README.md).
 *
 *   npm run bench                          all four
 *   npm run bench -- --only polling        one or more of: startup, polling, long-wait, log-streaming
 *   npm run bench -- --pairs 60            more start-up pairs (default 40)
 *   npm run bench -- --bundle /tmp/old.js  start-up of another build (not written to latest.json)
 *   npm run bench -- --node /path/to/node  start-up on another node binary, e.g. Node 24 as the runners use
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { runLongWait, type LongWaitResult } from './long-wait.js'
import { runLogStreaming, type StreamingResult } from './log-streaming.js'
import { describeMachine, machineLine } from './lib/machine.js'
import { table } from './lib/table.js'
import { DEFAULT_POLLING, runPolling, type PollingResult } from './polling.js'
import { DEFAULT_BUNDLE, runStartup, type StartupResult } from './startup.js'

const HERE = dirname(fileURLToPath(import.meta.url))
const LATEST = resolve(HERE, 'results', 'latest.json')
const BENCHMARKS = ['startup', 'polling', 'long-wait', 'log-streaming'] as const
type Benchmark = (typeof BENCHMARKS)[number]

const { values } = parseArgs({
  options: {
    only: { type: 'string', multiple: true },
    pairs: { type: 'string', default: '40' },
    bundle: { type: 'string' },
    node: { type: 'string' }
  }
})
const only = (values.only ?? []).flatMap(value => value.split(','))
for (const name of only) if (!(BENCHMARKS as readonly string[]).includes(name)) throw new Error(`--only: no benchmark "${name}"; one of ${BENCHMARKS.join(', ')}`)
const selected = (name: Benchmark): boolean => only.length === 0 || only.includes(name)
const bundle = values.bundle === undefined ? DEFAULT_BUNDLE : resolve(values.bundle)
const pairs = Number(values.pairs)
if (!Number.isInteger(pairs) || pairs < 1) throw new Error('--pairs: a whole number of at least 1')

const machine = describeMachine()
console.log(`pipeline-relay benchmarks on ${machineLine(machine)}\n`)

interface Latest {
  machine?: ReturnType<typeof describeMachine>
  /** By node version: start-up depends on it (see startup-floor.mjs). */
  startup?: Record<string, StartupResult & { at: string }>
  polling?: PollingResult & { at: string }
  longWait?: { at: string; policies: LongWaitResult[] }
  logStreaming?: { at: string; policies: StreamingResult[] }
}
const latest: Latest = existsSync(LATEST) ? (JSON.parse(readFileSync(LATEST, 'utf8')) as Latest) : {}
const at = new Date().toISOString()

if (selected('startup')) {
  const result = await runStartup({ pairs, warmupPairs: 3, bundle, node: values.node === undefined ? process.execPath : resolve(values.node) })
  console.log(
    table(
      `Start-up on Node ${result.node}: spawn to first request at the emulator, median of ${result.pairs} paired runs (ms)`,
      ['process', 'median', 'p10', 'p90'],
      [
        [`node ${relative(process.cwd(), result.bundle)}`, result.relayMs.median, result.relayMs.p10, result.relayMs.p90],
        ['floor: node bench/startup-floor.mjs', result.floorMs.median, result.floorMs.p10, result.floorMs.p90]
      ]
    )
  )
  console.log(
    `\nratio ${result.ratio.toFixed(2)}× (median of per-pair ratios ${result.pairedRatio.toFixed(2)}×), target ≤ ${result.target}×: ${result.met ? 'met' : 'not met'}` +
      `\nbundle ${kib(result.bundleBytes)} KiB, ${kib(result.bundleGzipBytes)} KiB gzipped\n`
  )
  if (values.bundle === undefined) {
    // A result from before results were kept per node version is dropped.
    const byNode = latest.startup !== undefined && !('ratio' in latest.startup) ? latest.startup : {}
    latest.startup = { ...byNode, [result.node]: { ...result, bundle: relative(resolve(HERE, '..'), result.bundle), at } }
  }
}

if (selected('polling')) {
  const result = await runPolling(DEFAULT_POLLING)
  const { options, durationsMin: d } = result
  console.log(
    table(
      `Polling: ${options.runs} runs, log-normal (median ${options.medianMs / 60_000} min, σ ${options.sigma}), ${options.rttMs} ms per request, fake clock`,
      ['policy', 'requests/run', 'status', 'history', 'vs fixed 10 s', 'latency p50 (s)', 'p95 (s)', 'max (s)'],
      result.policies.map(policy => [
        policy.name,
        policy.requestsPerRun,
        policy.statusRequestsPerRun,
        policy.historyRequestsPerRun,
        `${policy.requestsVsFixed10}×`,
        policy.latencyS.p50,
        policy.latencyS.p95,
        policy.latencyS.max
      ])
    )
  )
  const wrong = result.policies.reduce((sum, policy) => sum + policy.wrongOutcomes, 0)
  const t = result.targets
  console.log(
    `\nrun lengths followed: p5 ${d.p5} min, p50 ${d.p50} min, p95 ${d.p95} min (${d.min} to ${d.max})` +
      `\nauto against the targets: requests ≤ half of fixed 10 s: ${yes(t.requestsAtMostHalfOfFixed10)}; p50 ≤ 5 s: ${yes(t.p50AtMost5s)}; p95 ≤ 10 s: ${yes(t.p95AtMost10s)}` +
      (wrong === 0 ? '' : `\n${wrong} run(s) did not end succeeded: the figures above are suspect`) +
      '\n'
  )
  latest.polling = { ...result, at }
}

if (selected('long-wait')) {
  const policies = await runLongWait()
  console.log(
    table(
      'Long wait: 6 hours on a fake clock, a run still going at the end (memory after a full GC; CPU per status read)',
      ['policy', 'status reads', 'RSS start→end (MiB)', 'RSS peak', 'heap growth (KiB)', 'CPU/read (µs)', 'of which service'],
      policies.map(policy => [
        policy.name,
        policy.statusRequests,
        `${policy.memory.rssStartMiB} → ${policy.memory.rssEndMiB}`,
        policy.memory.rssPeakMiB,
        policy.memory.heapGrowthKiB,
        policy.cpu.perPollUs,
        policy.cpu.servicePerPollUs
      ])
    )
  )
  console.log('')
  latest.longWait = { at, policies }
}

if (selected('log-streaming')) {
  const policies = await runLogStreaming()
  console.log(
    table(
      'Log streaming (logs: all): one job writes 10,000 lines over 10 minutes, pages of 500 lines, 150 ms per request, fake clock',
      ['policy', 'lines once, in order', 'status reads', 'log reads', 'lag p50 (s)', 'p95 (s)', 'max (s)', 'heap growth (KiB)'],
      policies.map(policy => [
        policy.name,
        policy.printedOnceInOrder ? `${policy.lines}, yes` : `${policy.lines}, NO`,
        policy.requests.status,
        policy.requests.log,
        policy.lagS.p50,
        policy.lagS.p95,
        policy.lagS.max,
        policy.heap.growthKiB
      ])
    )
  )
  const missed = policies.filter(policy => !policy.lagP95WithinInterval).map(policy => policy.name)
  console.log(`
lag p95 within one poll interval: ${missed.length === 0 ? 'met' : `not met for ${missed.join(', ')}`}
`)
  latest.logStreaming = { at, policies }
}

latest.machine = machine
mkdirSync(dirname(LATEST), { recursive: true })
writeFileSync(LATEST, `${JSON.stringify(latest, null, 2)}\n`)
console.log(`written: ${relative(process.cwd(), LATEST)}`)

function kib(bytes: number): number {
  return Math.round(bytes / 102.4) / 10
}

function yes(value: boolean): string {
  return value ? 'met' : 'not met'
}
