import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * Runs the built bundle the way a GitHub runner runs a JavaScript action: a child `node` process
 * with INPUT_* variables, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, STATE_* for the
 * post step, and signals for cancellation. Used by the end-to-end tests, the demo and benchmarks.
 */

export const BUNDLE = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'dist', 'index.js')

export interface StepOptions {
  inputs: Record<string, string>
  /** The post step: STATE_* from a main step's GITHUB_STATE. */
  state?: Record<string, string>
  /** Node binary; default this process's (RELAY_E2E_NODE overrides, e.g. a Node 24 binary). */
  node?: string
  env?: Record<string, string>
  /** Options for node itself, before the bundle (e.g. `--require` a probe). */
  nodeArgs?: string[]
  /** The script run in place of the bundle (the start-up benchmark's floor). */
  script?: string
  /** Called just before the spawn, e.g. to read a clock. */
  beforeSpawn?: () => void
  /** Called with each piece of stdout as it comes, and the child, e.g. to send a signal. */
  onOutput?: (text: string, child: ChildProcess) => void
  /** Kill the step after this long, as the runner's job timeout would (a test must never hang). */
  killAfterMs?: number
}

export interface StepResult {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  outputs: Record<string, string>
  state: Record<string, string>
  summary: string
  /** Every file the step wrote, raw: for secret scans. */
  written: string
  durationMs: number
}

export async function runStep(options: StepOptions): Promise<StepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'relay-step-'))
  const files = { output: join(dir, 'output'), state: join(dir, 'state'), summary: join(dir, 'summary') }
  for (const file of Object.values(files)) writeFileSync(file, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? dir,
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'octo/app',
    GITHUB_RUN_ID: '4242',
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    RUNNER_TEMP: dir,
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value

  const node = options.node ?? process.env.RELAY_E2E_NODE ?? process.execPath
  options.beforeSpawn?.()
  const started = Date.now()
  const child = spawn(node, [...(options.nodeArgs ?? []), options.script ?? BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
    options.onOutput?.(text, child)
  })
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done =>
    child.on('close', (code, sig) => done([code, sig]))
  )
  clearTimeout(killer)
  const read = (file: string): string => readFileSync(file, 'utf8')
  const result: StepResult = {
    exitCode,
    signal,
    stdout,
    stderr,
    outputs: parseFileCommands(read(files.output)),
    state: parseFileCommands(read(files.state)),
    summary: read(files.summary),
    written: [read(files.output), read(files.state), read(files.summary)].join('\n'),
    durationMs: Date.now() - started
  }
  rmSync(dir, { recursive: true, force: true })
  return result
}

/** Reads GITHUB_OUTPUT / GITHUB_STATE: `name<<delimiter`, value lines, `delimiter`. */
export function parseFileCommands(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const header = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (header === null) continue
    const [, name = '', delimiter] = header
    const body: string[] = []
    for (i += 1; i < lines.length && lines[i] !== delimiter; i++) body.push(lines[i] ?? '')
    values[name] = body.join('\n')
  }
  return values
}
