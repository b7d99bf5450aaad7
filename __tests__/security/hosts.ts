/**
 * The built bundle run on each of its three hosts, read back in one shape:
 * - github: through emulators/github-runner.ts, exactly as the runner starts a JavaScript action;
 * - gitlab: the bundle with GITLAB_CI=true and INPUT_* variables, as the component's job runs it
 *   (what gitlab-ci-local adds around it is the shell, not the bundle's behaviour), reading the
 *   dotenv and annotations reports and the state file it wrote;
 * - cli: the bundle with INPUT_* variables only, no argument, as a script would run it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUNDLE, runStep } from '../../emulators/github-runner.js'

export type HostName = 'github' | 'gitlab' | 'cli'
export const HOSTS: readonly HostName[] = ['github', 'gitlab', 'cli']

export interface HostRun {
  host: HostName
  exitCode: number | null
  /** What the host's log shows: GitHub stdout (commands included), GitLab stdout, CLI stderr. */
  log: string
  stdout: string
  stderr: string
  /** The outputs as the host hands them on: GITHUB_OUTPUT, the dotenv report (RELAY_ stripped, lower-cased), the CLI's JSON. */
  outputs: Record<string, string>
  /** GitHub: the job summary. */
  summary: string
  /** GitLab: the raw dotenv report and annotations report. */
  dotenv: string
  annotations: string
  /** Every byte the step wrote anywhere (log, outputs, state, summary, reports), for scans. */
  everything: string
}

const KILL_AFTER_MS = 40_000

/** Called with each piece of the host's log as it comes (GitHub stdout, GitLab stdout, CLI stderr), e.g. to send a signal. */
export type OnLog = (text: string, child: ChildProcess) => void

export async function runOn(host: HostName, inputs: Record<string, string>, env: Record<string, string> = {}, onLog?: OnLog): Promise<HostRun> {
  if (host === 'github') {
    const step = await runStep({ inputs, env, killAfterMs: KILL_AFTER_MS, onOutput: onLog })
    return {
      host,
      exitCode: step.exitCode,
      log: step.stdout,
      stdout: step.stdout,
      stderr: step.stderr,
      outputs: step.outputs,
      summary: step.summary,
      dotenv: '',
      annotations: '',
      everything: [step.stdout, step.stderr, step.written].join('\n')
    }
  }
  const dir = mkdtempSync(join(tmpdir(), `relay-sec-${host}-`))
  const childEnv: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? dir, ...env }
  if (host === 'gitlab') Object.assign(childEnv, { GITLAB_CI: 'true', CI_PROJECT_DIR: dir, CI_JOB_ID: '101', CI_PROJECT_PATH: 'group/app', CI_PIPELINE_ID: '77' })
  for (const [name, value] of Object.entries(inputs)) childEnv[`INPUT_${name.toUpperCase()}`] = value
  const child = spawn(process.execPath, [BUNDLE], { env: childEnv, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
    if (host === 'gitlab') onLog?.(text, child)
  })
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
    if (host === 'cli') onLog?.(text, child)
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS)
  const exitCode = await new Promise<number | null>(done => child.on('close', code => done(code)))
  clearTimeout(killer)
  const read = (file: string): string => (existsSync(join(dir, file)) ? readFileSync(join(dir, file), 'utf8') : '')
  const dotenv = read('.pipeline-relay/outputs.env')
  const annotations = read('.pipeline-relay/annotations.json')
  const state = read('.pipeline-relay/state.json')
  rmSync(dir, { recursive: true, force: true })
  let outputs: Record<string, string> = {}
  if (host === 'gitlab') {
    for (const line of dotenv.split('\n')) {
      const match = /^RELAY_([A-Z_]+)=(.*)$/.exec(line)
      if (match) outputs[match[1]!.toLowerCase()] = match[2]!
    }
  } else {
    try {
      outputs = JSON.parse(stdout) as Record<string, string>
    } catch {
      outputs = {}
    }
  }
  return {
    host,
    exitCode,
    log: host === 'gitlab' ? stdout : stderr,
    stdout,
    stderr,
    outputs,
    summary: '',
    dotenv,
    annotations,
    everything: [stdout, stderr, dotenv, annotations, state].join('\n')
  }
}
