import { fsModule } from '../core/builtins.js'
import { deferredStdout } from './deferred-stdout.js'

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
  if (!LOOKS_LIKE_A_COMMAND.test(message)) {
    deferredStdout.write(`${message}${EOL}`)
    return
  }
  // Log text can come from a vendor (job names, messages): a line of it that starts with :: would be
  // read by the runner as a workflow command (set an output, mask, stop commands). The runner's own
  // ::stop-commands:: turns commands off around it, with a token nobody can end it with.
  const token = `pipeline-relay-${randomHex(32)}`
  deferredStdout.write(`::stop-commands::${token}${EOL}${message}${EOL}::${token}::${EOL}`)
}

// A line that starts (after spaces, which the runner trims) with ::.
const LOOKS_LIKE_A_COMMAND = /(^|[\r\n])[ \t]*::/

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
 */
function command(name: string, properties: Readonly<Record<string, string | undefined>>, message: string): void {
  const given = Object.entries(properties).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '')
  const props = given.length === 0 ? '' : ` ${given.map(([key, value]) => `${key}=${escapeProperty(value)}`).join(',')}`
  deferredStdout.write(`::${name}${props}::${escapeData(message)}${EOL}`)
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
    if (oldCommand === 'set-output') deferredStdout.write(EOL)
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
