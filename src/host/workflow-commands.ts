import { cryptoModule, fsModule } from '../core/builtins.js'
import { stdoutLog } from './stdout.js'

/**
 * The GitHub Actions runner protocol, as far as pipeline-relay speaks it: inputs and state from
 * the environment, outputs and state through the runner's files, log commands on stdout
 * (https://docs.github.com/actions/reference/workflow-commands-for-github-actions).
 *
 * This replaces @actions/core. That package imports @actions/http-client for its OIDC helper, and
 * with it undici: three quarters of the bundle and about half of the start-up time, for a feature
 * this action never uses. What the action does use is the handful of functions below.
 */

// os.EOL, without loading node:os (and node:fs/promises, below) before the first request.
const EOL = process.platform === 'win32' ? '\r\n' : '\n'

/** An input: INPUT_<NAME> (spaces become underscores), trimmed. */
export function getInput(name: string): string {
  return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim()
}

/** A value the main step saved for the post step: STATE_<name>. */
export function getState(name: string): string {
  return process.env[`STATE_${name}`] ?? ''
}

/** Masks a secret in everything the runner shows from now on. */
export function setSecret(secret: string): void {
  command('add-mask', {}, secret)
}

export function setOutput(name: string, value: string): void {
  keyValue('GITHUB_OUTPUT', 'set-output', name, value)
}

export function saveState(name: string, value: string): void {
  keyValue('GITHUB_STATE', 'save-state', name, value)
}

/** Marks the step failed (exit code 1) with an error annotation. */
export function setFailed(message: string): void {
  process.exitCode = 1
  error(message)
}

export function debug(message: string): void {
  command('debug', {}, message)
}

export function info(message: string): void {
  if (!couldBeCommand(message)) {
    stdoutLog.write(`${message}${EOL}`)
    return
  }
  // Log text can come from a vendor (job names, messages, log lines): the runner would read a line of
  // it as a workflow command (mask, set an output or the environment, stop commands). Its own
  // ::stop-commands:: turns commands off around the text, and only a line that names the token turns
  // them back on. The token is fresh for each message and made after the text is known, from the OS's
  // random source: Math.random's state can be worked out from its earlier outputs (the jittered
  // pauses between polls show some), and a guessed token in the text would turn commands back on.
  const token = `pipeline-relay-${cryptoModule().randomUUID()}`
  stdoutLog.write(`::stop-commands::${token}${EOL}${message}${EOL}::${token}::${EOL}`)
}

/*
 * What the GitHub runner reads as a command, from actions/runner (src/Runner.Worker/Handlers/
 * OutputManager.cs, src/Runner.Worker/ActionCommandManager.cs, src/Runner.Common/ActionCommand.cs):
 * - each line of stdout and of stderr (StreamReader.ReadLine: a line ends at LF, CR or CRLF);
 * - the `::name props::data` form (TryParseV2) after String.TrimStart(), which removes every
 *   Char.IsWhiteSpace character (NBSP, U+2003, U+0085, VT, FF, U+3000...), not just spaces and tabs;
 * - failing that, the legacy `##[name props]data` form (TryParse) ANYWHERE in the line;
 * - command names compared without regard to case; and both searches are .NET's culture-sensitive
 *   StartsWith/IndexOf, which pass over zero-width characters (soft hyphen, ZWSP, word joiner).
 * So a line is suspect when, without zero-width and format characters, it starts with `::` after any
 * white space, or holds `##[` anywhere. That is a little more than the runner executes (it also needs
 * a registered name), which costs two extra lines in the log, never a command.
 */
const ZERO_WIDTH = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu
const LEADING_SPACE = /^[\s\u0085]+/u

export function couldBeCommand(text: string): boolean {
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(ZERO_WIDTH, '')
    if (line.replace(LEADING_SPACE, '').startsWith('::') || line.includes('##[')) return true
  }
  return false
}

export function warning(message: string): void {
  command('warning', {}, message)
}

export function error(message: string, properties: { title?: string } = {}): void {
  command('error', properties, message)
}

export function startGroup(title: string): void {
  command('group', {}, title)
}

export function endGroup(): void {
  command('endgroup', {}, '')
}

/** Appends markdown (and a line end) to the job summary file the runner named. */
export async function appendSummary(markdown: string): Promise<void> {
  const path = process.env.GITHUB_STEP_SUMMARY ?? ''
  if (path === '') throw new Error('GITHUB_STEP_SUMMARY is not set: this runner has no job summary')
  const { constants, promises: files } = fsModule()
  try {
    await files.access(path, constants.R_OK | constants.W_OK)
  } catch {
    throw new Error(`Cannot write the job summary file ${path}`)
  }
  await files.appendFile(path, `${markdown}${EOL}`, { encoding: 'utf8' })
}

/**
 * `::name key=value,…::message`. The message escapes %, CR and LF; property values also `:` and `,`,
 * which would otherwise end them. Properties without a value are left out.
 *
 * The message may hold vendor text, `::` and `##[` included, and need not be wrapped: the line starts
 * with `::` and a registered name, so the runner's `::` parser takes it (a property value cannot hold
 * `::`, its `:` is escaped), and the `##[` parser is only tried on a line the first one refused
 * (ActionCommandManager.TryProcessCommand). The data is one line: CR and LF are escaped.
 */
function command(name: string, properties: Readonly<Record<string, string | undefined>>, message: string): void {
  const given = Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
  const props = given.length === 0 ? '' : ` ${given.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}`
  stdoutLog.write(`::${name}${props}::${escapeData(message)}${EOL}`)
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/**
 * An output or a state value: into the runner's file as a heredoc (`name<<delimiter`, the value,
 * the delimiter) with a fresh random delimiter, or — on a runner too old to give the file — as
 * the old stdout command.
 */
function keyValue(fileVariable: 'GITHUB_OUTPUT' | 'GITHUB_STATE', oldCommand: string, name: string, value: string): void {
  const path = process.env[fileVariable] ?? ''
  if (path === '') {
    if (oldCommand === 'set-output') stdoutLog.write(EOL)
    command(oldCommand, { name }, value)
    return
  }
  const { appendFileSync, existsSync } = fsModule()
  if (!existsSync(path)) throw new Error(`${fileVariable} names a file that does not exist: ${path}`)
  const delimiter = `ghadelimiter_${randomHex(32)}`
  // A value that contained the delimiter could end the heredoc early and set other names.
  if (name.includes(delimiter) || value.includes(delimiter)) throw new Error(`The value of ${name} contains the file-command delimiter`)
  appendFileSync(path, `${name}<<${delimiter}${EOL}${value}${EOL}${delimiter}${EOL}`, { encoding: 'utf8' })
}

/**
 * Random hex digits for a heredoc delimiter. What keeps a value from ending its heredoc early is the
 * check that it does not contain the delimiter, not the delimiter's secrecy; so Math.random (seeded
 * by V8 from the OS) will do, and the first request does not wait for node:crypto to load.
 */
function randomHex(digits: number): string {
  let hex = ''
  while (hex.length < digits) hex += Math.floor(Math.random() * 0x1_0000_0000).toString(16).padStart(8, '0')
  return hex.slice(0, digits)
}
