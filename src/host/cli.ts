import { RelayError, type ErrorKind } from '../core/errors.js'
import { Redactor } from '../core/redact.js'
import { stripControl } from '../core/vendor-text.js'
import { DEFAULTS, INPUT_NAMES, SECRET_INPUTS, type InputName } from '../inputs/index.js'
import { createFdWriter, stdoutLog } from './stdout.js'
import type { Host, OutputName, StateName } from './types.js'

/**
 * The command-line host: `npx pipeline-relay --provider codearts --pipeline-id ...` in a terminal,
 * a shell script, Jenkins or any CI that is neither GitHub nor GitLab. Every input is a
 * `--kebab-case` flag or its INPUT_* variable; the outputs are one JSON object on stdout at the
 * end, everything a person reads goes to stderr, and the exit code says how it went.
 */

/** Exit codes: what a script chaining runs branches on. */
export const EXIT_RUN_FAILED = 1
export const EXIT_BAD_INPUT = 2

/** Bad input exits 2; everything else (the run failed, was canceled or timed out; a vendor error) exits 1. */
export function exitCodeFor(kind: ErrorKind | undefined): number {
  return kind === 'input' ? EXIT_BAD_INPUT : EXIT_RUN_FAILED
}

/** An input as a variable, the way @actions/core names it: `pipeline_id` is INPUT_PIPELINE_ID. */
export function inputVariable(name: InputName): string {
  return `INPUT_${name.toUpperCase()}`
}

export function inputFromEnv(env: NodeJS.ProcessEnv, name: InputName): string {
  return env[inputVariable(name)] ?? ''
}

/** `pipeline_id` is `--pipeline-id`. */
export function flagOf(name: InputName): string {
  return `--${name.replace(/_/g, '-')}`
}

/**
 * The command line as `ps` may show it, with what should not be seen replaced by `***`: the value of
 * every credential flag (`--token x`, `--token=x`), and any stray word (often a value whose flag is
 * missing or misspelt, which may be a secret). Undefined when there is nothing to hide.
 */
export function visibleCommandLine(args: readonly string[]): string | undefined {
  const shown: string[] = []
  let hidden = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (!arg.startsWith('-')) {
      shown.push('***')
      hidden = true
      continue
    }
    const equals = arg.indexOf('=')
    const flag = equals === -1 ? arg : arg.slice(0, equals)
    const name = inputOfFlag(flag)
    const secret = name !== undefined && SECRET_INPUTS.has(name)
    const next = args[i + 1]
    // A value in the next word, read as parseArguments reads it; after an unknown flag (a misspelt
    // --tokn) the next word stays a stray word, and is hidden.
    const takesNext =
      equals === -1 && name !== undefined && next !== undefined && !next.startsWith('--') && (!BOOLEAN_INPUTS.has(name) || BOOLEAN_WORDS.test(next))
    if (secret && equals !== -1) {
      shown.push(`${flag}=***`)
      hidden = true
    } else if (secret && takesNext) {
      shown.push(flag, '***')
      hidden = true
      i++
    } else if (takesNext) {
      shown.push(arg, next)
      i++
    } else {
      shown.push(arg)
    }
  }
  return hidden ? ['pipeline-relay', ...shown].join(' ') : undefined
}

/**
 * Takes a credential out of the process's visible command line. On Linux, node's process.title setter
 * (libuv uv_set_process_title) writes the new title over the memory that held argv, up to its
 * original length, and zeroes the rest; /proc/<pid>/cmdline, which `ps` reads, then shows the title.
 * What this cannot undo: the credential was visible from exec until this runs (milliseconds), and it
 * stays in the shell's history; hence the warning as well.
 */
function setProcessTitle(title: string): void {
  try {
    process.title = title
  } catch {
    // Some platforms refuse; the warning still tells the user.
  }
}

/**
 * How an argument that is not an option is named in the error. Its text is shown only when it looks
 * like a mistyped flag: a stray word is often a value whose flag is missing or misspelt, and that
 * value may be a secret (no secret is registered with the redactor yet when this is reported).
 */
function strayArgument(args: readonly string[], index: number): string {
  const arg = args[index] ?? ''
  if (arg.startsWith('-')) return `"${arg}"`
  const previous = args[index - 1]
  return `argument ${index + 1}${previous?.startsWith('--') === true ? ` (after ${previous.split('=')[0] ?? ''})` : ''}`
}

/** True for `--help` and `-h`, wherever they stand. */
export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h')
}

// Inputs whose default is true or false take `--flag` (true), `--no-flag` and `--flag=false`.
const BOOLEAN_INPUTS: ReadonlySet<InputName> = new Set(INPUT_NAMES.filter(name => DEFAULTS[name] === 'true' || DEFAULTS[name] === 'false'))
// Multi-line inputs: each repetition of the flag is one more line.
const REPEATABLE_INPUTS: ReadonlySet<InputName> = new Set<InputName>(['variables', 'jobs'])
const BOOLEAN_WORDS = /^(true|false)$/i

export interface ParsedArguments {
  readonly values: ReadonlyMap<InputName, string>
  /** The first thing wrong with the arguments, as a message for a person. */
  readonly problem?: string
}

/** Flags to input values. Never throws: a problem is kept for the host to report as bad input. */
export function parseArguments(args: readonly string[]): ParsedArguments {
  const values = new Map<InputName, string>()
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? ''
    if (!arg.startsWith('--')) return { values, problem: `${strayArgument(args, i)} is not an option; options start with --, e.g. --pipeline-id <id> (see --help)` }
    const equals = arg.indexOf('=')
    const flag = equals === -1 ? arg : arg.slice(0, equals)
    let value = equals === -1 ? undefined : arg.slice(equals + 1)
    let name = inputOfFlag(flag)
    if (name === undefined && flag.startsWith('--no-') && value === undefined) {
      const negated = inputOfFlag(`--${flag.slice('--no-'.length)}`)
      if (negated !== undefined && BOOLEAN_INPUTS.has(negated)) {
        name = negated
        value = 'false'
      }
    }
    if (name === undefined) return { values, problem: unknownFlag(flag) }
    if (value === undefined) {
      const next = args[i + 1]
      if (BOOLEAN_INPUTS.has(name)) {
        value = next !== undefined && BOOLEAN_WORDS.test(next) ? next : 'true'
        if (value === next) i++
      } else if (next === undefined || next.startsWith('--')) {
        return { values, problem: `${flag} needs a value: ${flag} <value> or ${flag}=<value>` }
      } else {
        value = next
        i++
      }
    }
    const earlier = values.get(name)
    if (earlier !== undefined && !REPEATABLE_INPUTS.has(name)) return { values, problem: `${flag} is given twice; give it once` }
    values.set(name, earlier === undefined ? value : `${earlier}\n${value}`)
  }
  return { values }
}

function inputOfFlag(flag: string): InputName | undefined {
  if (!/^--[a-z0-9]+(-[a-z0-9]+)*$/.test(flag)) return undefined
  const name = flag.slice(2).replace(/-/g, '_')
  return (INPUT_NAMES as readonly string[]).includes(name) ? (name as InputName) : undefined
}

function unknownFlag(flag: string): string {
  const asInput = flag.slice(2).replace(/-/g, '_').toLowerCase()
  const known = INPUT_NAMES.find(name => name === asInput)
  const hint = known === undefined ? 'see --help for the options' : `did you mean ${flagOf(known)}?`
  return `${flag} is not an option of pipeline-relay; ${hint}`
}

/** Short help per input; action.yml has the long form. Every input has a line (a test checks it). */
const HELP: Partial<Record<InputName, string>> = {
  provider: 'codearts, codearts-pac, yunxiao or bkci',
  operation: 'run, retry, cancel or watch',
  pipeline_id: 'the pipeline (not used to start a codearts-pac run)',
  run_id: 'the run to retry, cancel or watch',
  project_id: 'CodeArts project id (32 characters) or bk-ci project English name',
  iam_project_id: 'IAM project id sent as X-Project-Id with AK/SK (else looked up from IAM)',
  iam_endpoint: 'IAM endpoint for that look-up; else the region IAM endpoint, as the SDK',
  domain_id: 'Huawei account (domain) id (codearts-pac)',
  organization_id: 'Yunxiao organization id (yunxiao)',
  region: 'Huawei Cloud region (codearts, codearts-pac; cn-north-4 when empty)',
  endpoint: 'API base URL; required for bkci (the API gateway)',
  console_url: 'bk-ci web console origin for run_url (bkci)',
  api: 'yunxiao: openapi or devops-2021-06-25; bkci: v4 or v3',
  token: 'Huawei IAM token, Yunxiao personal access token or bk-ci access token (secret)',
  access_key_id: 'Huawei Cloud or Alibaba Cloud access key id (secret)',
  access_key_secret: 'Huawei Cloud or Alibaba Cloud access key secret (secret)',
  security_token: 'STS security token of a temporary AK/SK (secret)',
  app_code: 'BlueKing API gateway app code (bkci)',
  app_secret: 'BlueKing API gateway app secret (bkci; secret)',
  username: 'bk-ci acting user (bkci)',
  gitcode_token: 'GitCode token the service reads the repository with (codearts-pac; secret)',
  repository_url: 'https URL of the GitCode repository (codearts-pac, run)',
  pipeline_file: 'path of the pipeline file in that repository (codearts-pac, run)',
  commit: 'commit to build, 40 hex digits (codearts-pac, run)',
  variables: 'run variable KEY=VALUE (repeat the flag for more), or a JSON object',
  branch: 'branch to build',
  tag: 'tag to build, instead of a branch',
  message: 'run description',
  jobs: 'job ids to run (CodeArts) or retry (Yunxiao, bk-ci); repeat or comma-separate',
  failed_only: 'on retry: only the failed parts',
  skip_failed: 'on retry (bkci): skip the failed task instead of re-running it',
  wait: 'wait until the run ends',
  timeout: 'bound on the whole wait: 90s, 30m, 2h or seconds',
  poll_interval: 'auto, or a fixed pause between status reads (15s)',
  request_timeout: 'bound on each HTTP request',
  propagate_failure: 'exit 1 when the run fails, is canceled or the wait times out',
  cancel_on_abort: 'on Ctrl-C, SIGINT or SIGTERM, stop the run this command started',
  logs: 'failed (failed jobs\' last lines), all (every job\'s log, live) or none',
  variables_check: 'strict (refuse a variable the pipeline would ignore) or warn',
  output_prefix: 'GitLab only: prefix of the dotenv output names'
}

export function commandLineHelp(): string {
  const rows = INPUT_NAMES.map(name => {
    const flag = `${flagOf(name)} ${BOOLEAN_INPUTS.has(name) ? '<true|false>' : '<value>'}`
    const fallback = DEFAULTS[name]
    return { flag, text: `${HELP[name] ?? ''}${fallback === undefined ? '' : ` (default: ${fallback})`}` }
  })
  const width = Math.max(...rows.map(row => row.flag.length)) + 2
  return [
    'Usage: pipeline-relay --provider <id> [--operation run|retry|cancel|watch] [--pipeline-id <id>] [options]',
    '',
    'Starts, retries, cancels or watches a pipeline run on Huawei CodeArts, Alibaba Cloud Yunxiao',
    'or Tencent bk-ci. The outputs (run_id, run_url, status, ...) are printed as one JSON object on',
    'stdout when it ends; the log goes to stderr.',
    '',
    'Every option can also be set as a variable, INPUT_<NAME>: INPUT_PIPELINE_ID for --pipeline-id.',
    'A flag wins over the variable. Pass credentials as variables: the command line is visible to',
    'other users of the machine (ps, shell history). A true/false option alone means true, and',
    '--no-<option> means false: --no-wait. --variables and --jobs may be repeated, one item each.',
    '',
    'Options:',
    ...rows.map(row => `  ${row.flag.padEnd(width)}${row.text}`),
    `  ${'--help, -h'.padEnd(width)}this text`,
    '',
    'Exit codes: 0 the run ended as asked; 1 it failed, was canceled or the wait timed out (or a',
    'vendor or network error); 2 bad input.',
    ''
  ].join('\n')
}

export interface ConsoleSinks {
  stdout(text: string): void
  stderr(text: string): void
  /** The process's exit code when it ends. */
  setExitCode(code: number): void
}

// Each line written when it happens, synchronously (stdout.ts): what a Ctrl-C or a kill interrupts is
// already on the terminal or in the pipe.
const stderrLog = createFdWriter(2, { fallback: () => process.stderr })
const processSinks: ConsoleSinks = {
  stdout: text => stdoutLog.write(text),
  stderr: text => stderrLog.write(text),
  setExitCode: code => {
    process.exitCode = code
  }
}

export interface CliHostOptions {
  env?: NodeJS.ProcessEnv
  /** The arguments; process.argv's by default. */
  args?: readonly string[]
  sinks?: ConsoleSinks
  /** Sets the process's visible command line; by default process.title, when the arguments are process.argv's. */
  setTitle?: (title: string) => void
}

/** The host for a terminal or any other CI: flags and INPUT_* in, JSON on stdout, log on stderr. */
export function createCliHost(options: CliHostOptions = {}): Host {
  const env = options.env ?? process.env
  const sinks = options.sinks ?? processSinks
  const args = options.args ?? process.argv.slice(2)
  const parsed = parseArguments(args)
  // At once, before any request: a credential flag's value out of what `ps` shows.
  const title = visibleCommandLine(args)
  const setTitle = options.setTitle ?? (options.args === undefined ? setProcessTitle : undefined)
  if (title !== undefined) setTitle?.(title)
  const redactor = new Redactor()
  // Control characters before secrets: a backspace inside a secret would hide it from the redactor
  // and vanish on the terminal; `FAILED\b\b\b\b\b\bPASSED` must not read PASSED.
  const clean = (text: string): string => redactor.redact(stripControl(text))
  const outputs = new Map<OutputName, string>()
  const state = new Map<StateName, string>()
  const warnedSecretFlags = new Set<InputName>()
  const showDebug = ['true', '1'].includes(env.PIPELINE_RELAY_DEBUG ?? '')
  let depth = 0
  let exitCode = 0

  const line = (prefix: string, message: string): void => {
    const indent = '  '.repeat(depth)
    for (const part of clean(message).split('\n')) sinks.stderr(`${indent}${prefix}${part}\n`)
  }

  const host: Host = {
    isPost: false,
    getInput(name) {
      if (parsed.problem !== undefined) throw new RelayError('input', parsed.problem)
      const flagged = parsed.values.get(name)
      if (flagged === undefined) return inputFromEnv(env, name)
      if (SECRET_INPUTS.has(name) && flagged.trim() !== '' && !warnedSecretFlags.has(name)) {
        warnedSecretFlags.add(name)
        host.warning(`${flagOf(name)} was given on the command line, where other users of this machine can read it; ${inputVariable(name)} in the environment is safer`)
      }
      return flagged
    },
    mask: secret => redactor.add(secret),
    redact: clean,
    setOutput: (name, value) => void outputs.set(name, clean(value)),
    saveState: (name, value) => void state.set(name, value),
    getState: name => state.get(name) ?? '',
    // The same facts are in the log (the run link, the jobs group); a terminal has no summary page.
    writeSummary: async () => undefined,
    annotateError: (message, title) => line('error: ', `${title}: ${message}`),
    setFailed(message, kind) {
      line('error: ', message)
      exitCode = Math.max(exitCode, exitCodeFor(kind))
      sinks.setExitCode(exitCode)
    },
    origin: () => undefined,
    finish() {
      sinks.stdout(`${JSON.stringify(Object.fromEntries(outputs))}\n`)
    },
    debug(message) {
      if (showDebug) line('debug: ', message)
    },
    info: message => line('', message),
    warning: message => line('warning: ', message),
    error: message => line('error: ', message),
    async group(title, body) {
      line('', title)
      depth++
      try {
        return await body()
      } finally {
        depth--
      }
    }
  }
  return host
}
