import { systemClock, type Clock } from './core/clock.js'
import { formatDuration } from './core/duration.js'
import { toRelayError } from './core/errors.js'
import { createNodeTransport, type Transport } from './core/http.js'
import { createHost } from './host/detect.js'
import type { Host } from './host/types.js'
import { readSettings, type Settings } from './inputs/index.js'
import { createProvider } from './providers/index.js'
import type { Provider, RunRef } from './providers/types.js'
import { WRITE_GRACE_ON_ABORT_MS, runPost, stopOnAbort } from './abort.js'
import { begin, publishRun, startsRuns } from './begin.js'
import { conclude } from './conclude.js'
import { follow } from './follow.js'

export interface Deps {
  host: Host
  transport: Transport
  clock: Clock
  /** Aborts when our own job is canceled (SIGINT/SIGTERM). */
  signal: AbortSignal
}

/** The real world: the host we run under (GitHub, GitLab, a terminal), node's network, the system clock, and signals. */
export function defaultDeps(): Deps {
  const controller = new AbortController()
  // The runner cancels a step with SIGINT, then SIGTERM 7.5 s later: either one starts the stop.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => controller.abort(`received ${signal}`))
  }
  // A start or stop in flight is not cut when the job is canceled, but it is not given its whole
  // request_timeout either: the runner kills the step 10 s after SIGINT.
  const transport = createNodeTransport({ abortGrace: { signal: controller.signal, ms: WRITE_GRACE_ON_ABORT_MS } })
  return { host: createHost(), transport, clock: systemClock, signal: controller.signal }
}

export async function run(deps: Deps = defaultDeps()): Promise<void> {
  try {
    if (deps.host.isPost) await runPost(deps)
    else await runMain(deps)
  } catch (error) {
    const failure = toRelayError(error)
    deps.host.setFailed(failure.describe(), failure.kind)
  } finally {
    deps.host.finish?.()
  }
}

async function runMain(deps: Deps): Promise<void> {
  const { host, clock, signal } = deps
  host.saveState('isPost', 'true')
  const settings = readSettings(name => host.getInput(name), secret => host.mask(secret))
  const provider = createProvider(settings, { transport: deps.transport, clock, log: host, signal, redact: text => host.redact(text) })
  await host.group('pipeline-relay settings', async () => {
    for (const line of describeSettings(settings, provider)) host.info(line)
  })
  const started = clock.now()
  let run: RunRef | undefined
  try {
    const begun = await begin(settings, provider, deps)
    run = begun.run
    publishRun(host, run, startsRuns(settings), settings)
    if (settings.operation === 'run') host.info(`Started run ${run.runId}${run.url === undefined ? '' : `: ${run.url}`}`)
    const outcome = await follow(settings, provider, begun, deps, started)
    await conclude(settings, provider, outcome, deps)
  } catch (thrown) {
    const error = toRelayError(thrown)
    if (error.kind === 'aborted' || signal.aborted) await stopOnAbort(settings, run, deps, error)
    else throw error
  } finally {
    host.saveState('finished', 'true')
  }
}

/** The resolved settings, for the log: everything but the credentials, which are only named; and only what applies to the operation. */
function describeSettings(settings: Settings, provider: Provider): string[] {
  const { operation } = settings
  const lines = [
    `provider: ${settings.provider} (${provider.displayName})`,
    ...provider.describe(),
    `operation: ${operation} on ${settings.pipelineId === '' ? 'the pipeline of its file' : `pipeline ${settings.pipelineId}`}${settings.runId === undefined ? '' : `, run ${settings.runId}`}`
  ]
  const until = operation === 'cancel' ? 'the run shows it stopped' : 'the run ends'
  lines.push(
    settings.wait
      ? `wait: up to ${formatDuration(settings.timeoutMs)} until ${until}, poll ${settings.pollInterval === 'auto' ? 'auto' : formatDuration(settings.pollInterval)}`
      : 'wait: no'
  )
  if (operation === 'run') lines.push(`variables: ${settings.variables.length === 0 ? 'none' : settings.variables.map(variable => variable.name).join(', ')}`)
  if ((operation === 'run' || operation === 'retry') && settings.jobs.length > 0) lines.push(`jobs: ${settings.jobs.join(', ')}`)
  return lines
}
