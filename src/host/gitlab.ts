import { fsModule, pathModule } from '../core/builtins.js'
import { Redactor } from '../core/redact.js'
import { stripControl } from '../core/vendor-text.js'
import { exitCodeFor, inputFromEnv } from './cli.js'
import { stdoutLog } from './stdout.js'
import type { Host, OutputName, StateName } from './types.js'

/**
 * The GitLab CI/CD host: the bundle run by the component's job (gitlab-component/templates/relay.yml)
 * with INPUT_* variables. Outputs go to an `artifacts:reports:dotenv` file as RELAY_* variables for
 * later jobs, the run link to an `artifacts:reports:annotations` file, the log to stdout with
 * GitLab's collapsible sections. GitLab masks only variables defined as masked, so the redactor
 * here is the only thing between a credential and the log or an artifact.
 *
 * Cancel on abort: a canceled job runs its `after_script` with CI_JOB_STATUS=canceled. The main
 * script keeps the run id in a state file; the template's after_script runs the bundle again with
 * PIPELINE_RELAY_STEP=after_script, which is the post step here (main.ts runPost): it stops the run
 * only if the main script did not finish, so the run is stopped once.
 */

/** Where the job's files go, relative to CI_PROJECT_DIR; the template names the same paths. */
export const GITLAB_FILES = {
  dotenv: '.pipeline-relay/outputs.env',
  annotations: '.pipeline-relay/annotations.json',
  state: '.pipeline-relay/state.json'
} as const

/** The value of PIPELINE_RELAY_STEP with which the template's after_script runs the bundle. */
export const AFTER_SCRIPT_STEP = 'after_script'

/*
 * GitLab's rules for a dotenv report (doc/ci/yaml/artifacts_reports.md, `artifacts:reports:dotenv`,
 * and app/services/ci/parse_dotenv_artifact_service.rb): the file must be smaller than 5 KB
 * (`artifact.file.size < dotenv_size_limit`, 5 KiB by default); each line is `KEY=VALUE`, split at the
 * first `=`, both ends stripped, no empty lines or comments, one line per value, no quote
 * processing; keys are letters, digits and `_`; more than `dotenv_variables` variables (20 by default
 * on self-managed) fails the whole report. Any of these failing loses every output, so the report is
 * kept within them here: under DOTENV_BUDGET_BYTES (the limit less room for the gzip framing the
 * runner may upload it in), at most DOTENV_MAX_VARIABLES, one clean line each.
 */
export const DOTENV_LIMIT_BYTES = 5 * 1024
export const DOTENV_BUDGET_BYTES = DOTENV_LIMIT_BYTES - 128
export const DOTENV_MAX_VARIABLES = 20
// When not everything fits, what later jobs most need goes first.
const DOTENV_PRIORITY: readonly OutputName[] = ['run_id', 'status', 'run_url', 'run_number', 'pipeline_id', 'raw_status', 'duration_seconds']

/** `run_id` is RELAY_RUN_ID in the dotenv report (with the default output_prefix). */
export function dotenvKey(name: OutputName, prefix = DEFAULT_OUTPUT_PREFIX): string {
  return `${prefix}${name.toUpperCase()}`
}

export const DEFAULT_OUTPUT_PREFIX = 'RELAY_'
// The form the settings reader also requires; a bad prefix fails the job there, with its message.
const OUTPUT_PREFIX = /^[A-Za-z_][A-Za-z0-9_]{0,31}$/

interface StateFile {
  /** CI_JOB_ID of the job that wrote it: a file left by another job in a reused directory is ignored. */
  job?: string
  values: Partial<Record<StateName, string>>
}

export interface GitLabHostOptions {
  env?: NodeJS.ProcessEnv
  /** The job log. */
  write?: (text: string) => void
  setExitCode?: (code: number) => void
  /** Epoch milliseconds, for section timestamps. */
  now?: () => number
}

const ANSI = { reset: '\u001b[0m', red: '\u001b[0;31m', yellow: '\u001b[0;33m', grey: '\u001b[0;90m', clear: '\u001b[0K' }

export function createGitLabHost(options: GitLabHostOptions = {}): Host {
  const env = options.env ?? process.env
  const write = options.write ?? ((text: string) => stdoutLog.write(text))
  const setExitCode =
    options.setExitCode ??
    ((code: number) => {
      process.exitCode = code
    })
  const now = options.now ?? Date.now
  const isPost = env.PIPELINE_RELAY_STEP === AFTER_SCRIPT_STEP
  const root = env.CI_PROJECT_DIR !== undefined && env.CI_PROJECT_DIR !== '' ? env.CI_PROJECT_DIR : process.cwd()
  const path = (file: keyof typeof GITLAB_FILES): string => pathModule().join(root, GITLAB_FILES[file])
  const jobId = env.CI_JOB_ID
  const showDebug = env.CI_DEBUG_TRACE === 'true' || ['true', '1'].includes(env.PIPELINE_RELAY_DEBUG ?? '')

  const redactor = new Redactor()
  // Control characters first (a backspace inside a secret would hide it from the redactor): no
  // vendor text can restyle the log, move the cursor or forge a section marker, which needs `\r`
  // and ESC[0K (GitLab's build_trace_section_regex). Our own colours and markers are added after.
  const clean = (text: string): string => redactor.redact(stripControl(text))
  const outputs = new Map<OutputName, string>()
  const leftOut = new Set<string>()
  // Two relay jobs that one later job needs: each names its dotenv outputs with its own prefix.
  const givenPrefix = inputFromEnv(env, 'output_prefix').trim()
  const prefix = OUTPUT_PREFIX.test(givenPrefix) ? givenPrefix : DEFAULT_OUTPUT_PREFIX
  // Failed jobs, for the annotations report: each a link to the run, labelled with its failure.
  const failures: string[] = []
  const state: StateFile = isPost ? readState() : { job: jobId, values: {} }
  let sections = 0
  let exitCode = 0
  // The post step keeps the main script's files; the main script starts them afresh at its first write.
  let started = isPost

  /** Nothing another job left in a reused directory may pass as this job's. */
  function start(): void {
    if (started) return
    started = true
    writeAtomically(path('dotenv'), '')
    writeAtomically(path('annotations'), '{}\n')
  }

  /** The main script's state, for the after_script of a canceled job only. */
  function readState(): StateFile {
    const empty: StateFile = { values: {} }
    if (env.CI_JOB_STATUS !== 'canceled') return empty
    let parsed: unknown
    try {
      parsed = JSON.parse(fsModule().readFileSync(path('state'), 'utf8'))
    } catch {
      return empty
    }
    if (parsed === null || typeof parsed !== 'object') return empty
    const file = parsed as Partial<StateFile>
    if (jobId !== undefined && file.job !== jobId) return empty
    return { job: file.job, values: typeof file.values === 'object' && file.values !== null ? file.values : {} }
  }

  function writeOutputs(): void {
    const lines = new Map<OutputName, string>()
    for (const [name, value] of outputs) {
      const text = oneLine(value)
      if (text !== '') lines.set(name, `${dotenvKey(name, prefix)}=${text}\n`)
    }
    // Within GitLab's limits, the most needed first; written in the order they were set.
    const ranked = [...lines.keys()].sort((a, b) => rank(a) - rank(b))
    const kept = new Set<OutputName>()
    let size = 0
    for (const name of ranked) {
      const entry = lines.get(name) ?? ''
      const bytes = Buffer.byteLength(entry, 'utf8')
      if (kept.size < DOTENV_MAX_VARIABLES && size + bytes <= DOTENV_BUDGET_BYTES) {
        kept.add(name)
        size += bytes
        continue
      }
      const key = dotenvKey(name, prefix)
      if (!leftOut.has(key)) {
        leftOut.add(key)
        const why = kept.size >= DOTENV_MAX_VARIABLES ? `GitLab takes at most ${DOTENV_MAX_VARIABLES} variables from it` : `its ${bytes}-byte line would take the report over GitLab's 5 KiB limit`
        line(ANSI.yellow, 'warning: ', `${key} is left out of the dotenv report, so later jobs do not get it: ${why}`)
      }
    }
    writeAtomically(path('dotenv'), [...lines].filter(([name]) => kept.has(name)).map(([, entry]) => entry).join(''))
    const url = httpUrl(outputs.get('run_url'))
    if (url === undefined) return
    const runNumber = outputs.get('run_number')
    const run = runNumber === undefined ? outputs.get('run_id') : `#${runNumber}`
    const status = outputs.get('status')
    const provider = clean(inputFromEnv(env, 'provider').trim()) || 'pipeline-relay'
    const label = oneLine(`${provider} run ${run ?? ''}${status === undefined ? '' : `: ${status}`}`).slice(0, 200)
    const links = [label, ...failures].map(text => ({ external_link: { label: text, url } }))
    writeAtomically(path('annotations'), `${JSON.stringify({ 'pipeline-relay': links }, null, 2)}\n`)
  }

  const line = (color: string, prefix: string, message: string): void => {
    const text = clean(message)
    write(color === '' ? `${prefix}${text}\n` : `${color}${prefix}${text}${ANSI.reset}\n`)
  }

  return {
    isPost,
    getInput: name => inputFromEnv(env, name),
    mask: secret => redactor.add(secret),
    redact: clean,
    setOutput(name, value) {
      start()
      outputs.set(name, clean(value))
      writeOutputs()
    },
    saveState(name, value) {
      start()
      state.values[name] = clean(value)
      writeAtomically(path('state'), JSON.stringify(state))
    },
    getState: name => state.values[name] ?? '',
    // GitLab has no job summary; the annotations report carries the run link, the log the jobs.
    writeSummary: async () => undefined,
    annotateError(message, title) {
      line(ANSI.red, 'error: ', `${title}: ${message}`)
      // The report shows one line per entry: the failure and the last line of the job's log, if any.
      const last = clean(message).split('\n').filter(text => text.trim() !== '').at(-1) ?? ''
      const first = clean(message).split('\n')[0] ?? ''
      failures.push(oneLine(`${clean(title)}: ${first}${last !== first ? ` … ${last}` : ''}`).slice(0, 200))
      if (outputs.size > 0) writeOutputs()
    },
    setFailed(message, kind) {
      line(ANSI.red, 'error: ', message)
      exitCode = Math.max(exitCode, exitCodeFor(kind))
      setExitCode(exitCode)
    },
    origin() {
      const project = env.CI_PROJECT_PATH
      if (project === undefined || project === '') return undefined
      return env.CI_PIPELINE_ID ? `${project}, pipeline ${env.CI_PIPELINE_ID}` : project
    },
    debug(message) {
      if (showDebug) line(ANSI.grey, 'debug: ', message)
    },
    info: message => line('', '', message),
    warning: message => line(ANSI.yellow, 'warning: ', message),
    error: message => line(ANSI.red, 'error: ', message),
    async group(title, body) {
      const name = `pipeline_relay_${++sections}`
      write(`${ANSI.clear}section_start:${Math.floor(now() / 1000)}:${name}[collapsed=true]\r${ANSI.clear}${oneLine(clean(title))}\n`)
      try {
        return await body()
      } finally {
        write(`${ANSI.clear}section_end:${Math.floor(now() / 1000)}:${name}\r${ANSI.clear}\n`)
      }
    }
  }
}

/** dotenv values are one line of printable text, trimmed (GitLab strips the ends anyway). */
function oneLine(text: string): string {
  return stripControl(text).replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' ').trim()
}

function rank(name: OutputName): number {
  const index = DOTENV_PRIORITY.indexOf(name)
  return index === -1 ? DOTENV_PRIORITY.length : index
}

/** The run link for the annotations report: an http(s) URL, serialized (no spaces or quotes), or nothing. */
function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined
  try {
    const parsed = new URL(url)
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined
  } catch {
    return undefined
  }
}

function writeAtomically(file: string, text: string): void {
  const { mkdirSync, renameSync, writeFileSync } = fsModule()
  mkdirSync(pathModule().dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}
