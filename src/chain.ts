import { RelayError, describeError } from './core/errors.js'
import type { Logger } from './core/log.js'
import { outputText } from './core/vendor-text.js'
import { looksLikeId, type Settings } from './inputs/index.js'
import type { Artifact, DeclaredJob, DeclaredVariable, JobState, Provider, RunResults, RunState } from './providers/types.js'

/**
 * Chains that lose nothing silently. Before a start: every variable is checked against what the
 * pipeline declares (a value it would ignore is refused, or with `variables_check: warn` warned
 * about), and jobs named by name become the ids the API takes. After the run: what it produced
 * comes back as outputs. The provider only answers "what does the pipeline declare" and "what did
 * the run produce"; the rules are here, the same for every vendor.
 */

export interface CheckedStart {
  /** The jobs to select, as ids. */
  jobs: readonly string[]
}

/** Checks a start against the pipeline's declaration; throws an input error before anything is sent. */
export async function checkStart(settings: Settings, provider: Provider, log: Logger): Promise<CheckedStart> {
  if (provider.describePipeline === undefined) return { jobs: idsOnly(settings.jobs) }
  let declaration
  try {
    declaration = await provider.describePipeline()
  } catch (error) {
    const failure = error instanceof RelayError ? error : undefined
    // A pipeline or project that is not there, or credentials that do not work, would fail the start too: say so now.
    if (failure !== undefined && ['auth', 'not_found', 'input', 'aborted'].includes(failure.kind)) throw failure
    const asked = settings.variables.length > 0 || settings.jobs.length > 0
    if (asked && settings.variablesCheck === 'strict') {
      throw new RelayError(
        'client',
        `Could not read what the pipeline declares, to check the variables and jobs against it: ${describeError(error)}. Nothing was started; with variables_check: warn the start goes ahead unchecked`
      )
    }
    log.warning(`Could not read what the pipeline declares; the start is not checked against it: ${describeError(error)}`)
    return { jobs: idsOnly(settings.jobs) }
  }
  if (declaration.variables !== undefined) checkVariables(settings, declaration.variables, log)
  return { jobs: declaration.jobs === undefined ? idsOnly(settings.jobs) : resolveJobs(settings.jobs, declaration.jobs) }
}

/** Jobs that cannot be looked up by name must be ids already. */
export function idsOnly(given: readonly string[]): readonly string[] {
  const name = given.find(item => !looksLikeId(item))
  if (name !== undefined) {
    throw new RelayError('input', `Input jobs: "${name}" is not an id (letters, digits, _ . : -), and this pipeline's jobs cannot be listed to look a name up; give the job's id`)
  }
  return given
}

function checkVariables(settings: Settings, declared: readonly DeclaredVariable[], log: Logger): void {
  const byName = new Map(declared.map(variable => [variable.name, variable]))
  const settable = declared.filter(variable => variable.settable).map(variable => variable.name)
  const list = settable.length === 0 ? 'it declares none that a run can set' : `it declares ${settable.join(', ')}`
  const ignored: string[] = []
  for (const { name } of settings.variables) {
    const variable = byName.get(name)
    if (variable === undefined) ignored.push(`${name} is not a variable of the pipeline (${list})`)
    else if (!variable.settable) ignored.push(`${name} is a constant of the pipeline: a run cannot change it`)
  }
  const given = new Set(settings.variables.map(variable => variable.name))
  const missing = declared.filter(variable => variable.required && variable.settable && !given.has(variable.name)).map(variable => variable.name)
  // A required variable left out makes the vendor refuse the start or run with nothing in it: never only a warning.
  if (missing.length > 0) {
    throw new RelayError('input', `Input variables: the pipeline requires ${missing.join(', ')} (no default value); give ${missing.length === 1 ? 'it' : 'them'}. Nothing was started`)
  }
  if (ignored.length === 0) return
  if (settings.variablesCheck === 'strict') {
    throw new RelayError('input', `Input variables: ${ignored.join('; ')}. Nothing was started; the pipeline would have ignored ${ignored.length === 1 ? 'it' : 'them'} (variables_check: warn starts anyway)`)
  }
  for (const problem of ignored) log.warning(`variables: ${problem}; the pipeline will ignore it (variables_check: warn)`)
}

/**
 * Jobs given by id or by name ("Job" or "Stage / Job") become ids. A name that matches nothing, or
 * more than one job, is an input error that lists what there is.
 */
export function resolveJobs(given: readonly string[], jobs: readonly DeclaredJob[]): string[] {
  if (given.length === 0) return []
  const label = (job: DeclaredJob): string => (job.stage === undefined ? job.name : `${job.stage} / ${job.name}`)
  return given.map(wanted => {
    if (jobs.some(job => job.id === wanted)) return wanted
    const named = jobs.filter(job => job.name === wanted || label(job) === wanted)
    const matches = named.length > 0 ? named : jobs.filter(job => job.name.toLowerCase() === wanted.toLowerCase() || label(job).toLowerCase() === wanted.toLowerCase())
    if (matches.length === 1) return matches[0]?.id ?? wanted
    const available = jobs.map(job => `${label(job)} → ${job.id}`).join(', ')
    if (matches.length > 1) {
      throw new RelayError('input', `Input jobs: "${wanted}" names ${matches.length} jobs (${matches.map(job => `${label(job)} → ${job.id}`).join(', ')}); give the id`)
    }
    throw new RelayError('input', `Input jobs: "${wanted}" is neither the id nor the name of a job of the pipeline; it has ${available === '' ? 'no jobs it lists' : available}`)
  })
}

/** The jobs and steps of a run a retry can name, for resolving retry `jobs` by name. */
export function retryCandidates(state: RunState): DeclaredJob[] {
  const candidates: DeclaredJob[] = []
  for (const job of state.jobs) {
    if (job.id !== '') candidates.push({ id: job.id, name: job.name, stage: job.stage })
    for (const step of job.steps ?? []) if (step.id !== '') candidates.push({ id: step.id, name: step.name, stage: jobLabel(job) })
  }
  return candidates
}

function jobLabel(job: JobState): string {
  return job.stage === undefined ? job.name : `${job.stage} / ${job.name}`
}

// What goes back as outputs is bounded: a pipeline that sets thousands of variables, or a value of
// megabytes, must not break the runner's output file or the dotenv report. What is cut is named.
const MAX_OUTPUT_ENTRIES = 200
const MAX_OUTPUT_VALUE_CHARS = 4_096
const MAX_ARTIFACTS = 200

export interface ResultOutputs {
  outputs: string
  artifacts?: string
  attempt?: string
}

/**
 * The outputs of an ended run, as one-line JSON: its variables (or `{}`), its artifacts and its
 * attempt where the vendor says. Reading them never fails a run: a failed read warns, and
 * `outputs` is then left unset rather than claimed empty.
 */
export async function readRunResults(provider: Provider, run: RunState, log: Logger): Promise<ResultOutputs | undefined> {
  if (provider.readResults === undefined) return { outputs: '{}' }
  let results: RunResults
  try {
    results = await provider.readResults(run)
  } catch (error) {
    log.warning(`Could not read what run ${run.runId} produced (outputs, artifacts): ${describeError(error)}`)
    return undefined
  }
  return {
    outputs: JSON.stringify(boundedOutputs(results.outputs, log)),
    artifacts: results.artifacts === undefined ? undefined : JSON.stringify(boundedArtifacts(results.artifacts, log)),
    attempt: results.attempt === undefined || !Number.isSafeInteger(results.attempt) || results.attempt < 1 ? undefined : String(results.attempt)
  }
}

function boundedOutputs(outputs: Readonly<Record<string, string>>, log: Logger): Record<string, string> {
  const entries = Object.entries(outputs)
  const kept: Record<string, string> = {}
  const cut: string[] = []
  for (const [name, value] of entries.slice(0, MAX_OUTPUT_ENTRIES)) {
    const key = outputText(name, 128)
    if (value.length > MAX_OUTPUT_VALUE_CHARS) {
      cut.push(key)
      continue
    }
    kept[key] = value
  }
  if (entries.length > MAX_OUTPUT_ENTRIES) log.warning(`outputs: the run produced ${entries.length} values; the first ${MAX_OUTPUT_ENTRIES} are kept`)
  if (cut.length > 0) log.warning(`outputs: left out ${cut.join(', ')}: longer than ${MAX_OUTPUT_VALUE_CHARS} characters`)
  return kept
}

function boundedArtifacts(artifacts: readonly Artifact[], log: Logger): Artifact[] {
  if (artifacts.length > MAX_ARTIFACTS) log.warning(`artifacts: the run lists ${artifacts.length}; the first ${MAX_ARTIFACTS} are kept`)
  return artifacts.slice(0, MAX_ARTIFACTS).map(artifact => {
    const kept: Artifact = { name: outputText(artifact.name, 512) }
    if (artifact.size !== undefined && Number.isSafeInteger(artifact.size) && artifact.size >= 0) kept.size = artifact.size
    // Only a web link: a vendor's javascript: or file: URL is dropped, not passed on to whoever follows it.
    if (artifact.url !== undefined && /^https?:\/\/[^\s]+$/i.test(artifact.url) && artifact.url.length <= 2_048) kept.url = artifact.url
    return kept
  })
}
