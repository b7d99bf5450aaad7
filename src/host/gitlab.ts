import { fsModule, pathModule } from '../core/builtins.js'
import { Redactor } from '../core/redact.js'
import { exitCodeFor, inputFromEnv, plain } from './cli.js'
import { deferredStdout } from './deferred-stdout.js'
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

/** `run_id` is RELAY_RUN_ID in the dotenv report. */
export function dotenvKey(name: OutputName): string {
  return `RELAY_${name.toUpperCase()}`
}

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
  const write = options.write ?? ((text: string) => deferredStdout.write(text))
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
  const clean = (text: string): string => redactor.redact(text)
  const outputs = new Map<OutputName, string>()
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
    const lines = [...outputs].map(([name, value]) => [dotenvKey(name), oneLine(value)] as const).filter(([, value]) => value !== '')
    writeAtomically(path('dotenv'), lines.map(([key, value]) => `${key}=${value}\n`).join(''))
    const url = outputs.get('run_url')
    if (url === undefined || !/^https?:\/\//.test(url)) return
    const runNumber = outputs.get('run_number')
    const run = runNumber === undefined ? outputs.get('run_id') : `#${runNumber}`
    const status = outputs.get('status')
    const provider = clean(inputFromEnv(env, 'provider').trim()) || 'pipeline-relay'
    const label = oneLine(`${provider} run ${run ?? ''}${status === undefined ? '' : `: ${status}`}`)
    writeAtomically(path('annotations'), `${JSON.stringify({ 'pipeline-relay': [{ external_link: { label, url } }] }, null, 2)}\n`)
  }

  const line = (color: string, prefix: string, message: string): void => {
    const text = plain(clean(message))
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
    annotateError: (message, title) => line(ANSI.red, 'error: ', `${title}: ${message}`),
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
      write(`${ANSI.clear}section_start:${Math.floor(now() / 1000)}:${name}[collapsed=true]\r${ANSI.clear}${oneLine(plain(clean(title)))}\n`)
      try {
        return await body()
      } finally {
        write(`${ANSI.clear}section_end:${Math.floor(now() / 1000)}:${name}\r${ANSI.clear}\n`)
      }
    }
  }
}

/** dotenv values are one line, trimmed (GitLab strips the ends anyway). */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').trim()
}

function writeAtomically(file: string, text: string): void {
  const { mkdirSync, renameSync, writeFileSync } = fsModule()
  mkdirSync(pathModule().dirname(file), { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  writeFileSync(temporary, text)
  renameSync(temporary, file)
}
