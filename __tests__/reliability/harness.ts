/**
 * What every reliability test shares: the built bundle run as a GitHub step or a GitLab job (debug
 * logging on), the secret scan of everything such a run wrote, and the network stand-ins a fault
 * needs that the emulators cannot be: a closed port, a name that never resolves, a TLS server whose
 * certificate nobody trusts, and a forwarding proxy.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import * as http from 'node:http'
import * as net from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import * as tls from 'node:tls'
import { fileURLToPath } from 'node:url'
import { BUNDLE, runStep, type StepOptions, type StepResult } from '../../emulators/github-runner.js'
import { GITLAB_FILES } from '../../src/host/gitlab.js'
import { findLeaks } from '../e2e/secrets.js'

const HERE = dirname(fileURLToPath(import.meta.url))

/** The fake test CA and the certificate it signed for relay.test, *.relay.test, localhost and 127.0.0.1 (fixtures/tls/README.md). */
export const TLS_FIXTURE = {
  caFile: resolve(HERE, 'fixtures', 'tls', 'ca.pem'),
  cert: readFileSync(resolve(HERE, 'fixtures', 'tls', 'server.pem'), 'utf8'),
  key: readFileSync(resolve(HERE, 'fixtures', 'tls', 'server-key.pem'), 'utf8')
}

/** Inputs that are credentials: their values are scanned for, whatever the world lists. */
const SECRET_INPUTS = ['token', 'access_key_id', 'access_key_secret', 'security_token', 'app_secret', 'gitcode_token']

/** Debug logging on, as a re-run with debug logging does on GitHub, and its GitLab equivalents. */
export const DEBUG_ENV: Readonly<Record<string, string>> = {
  RUNNER_DEBUG: '1',
  ACTIONS_STEP_DEBUG: 'true',
  CI_DEBUG_TRACE: 'true',
  PIPELINE_RELAY_DEBUG: 'true'
}

/** Credentials a run was given: the world's, and any credential input of the run itself. */
export function secretsOf(inputs: Record<string, string>, worldSecrets: readonly string[]): string[] {
  const given = SECRET_INPUTS.map(name => inputs[name] ?? '').filter(value => value.trim().length >= 3)
  return [...new Set([...worldSecrets, ...given.map(value => value.trim()), ...Object.values(inputs).flatMap(passwordInUrl)])]
}

/** The password of an input that is a URL with credentials (endpoint, repository_url): refused, and never to be echoed. */
function passwordInUrl(value: string): string[] {
  try {
    const password = decodeURIComponent(new URL(value.trim()).password)
    return password.length >= 3 ? [password] : []
  } catch {
    return []
  }
}

export interface Ran extends StepResult {
  /** Every text the run left: stdout, stderr and its files. */
  texts: string[]
  /** Secret forms found in them (each "secret… as form"); the suites expect none. */
  leaks: string[]
}

/** The bundle as a GitHub Actions step (main, or post with `state`), debug logging on, scanned for secrets. */
export async function githubStep(options: StepOptions & { secrets: readonly string[] }): Promise<Ran> {
  const { secrets, ...step } = options
  const result = await runStep({ killAfterMs: 40_000, ...step, env: { ...DEBUG_ENV, ...step.env } })
  const texts = [result.stdout, result.stderr, result.written]
  return { ...result, texts, leaks: findLeaks(texts, secretsOf(step.inputs, secrets)) }
}

export interface GitLabJob {
  exitCode: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  dotenv: Record<string, string>
  annotations: string
  state: string
  texts: string[]
  leaks: string[]
  durationMs: number
}

export interface GitLabJobOptions {
  inputs: Record<string, string>
  secrets: readonly string[]
  /** The job's CI_PROJECT_DIR: the main script and its after_script share it. */
  projectDir: string
  jobId: string
  /** The template's after_script of a canceled job (PIPELINE_RELAY_STEP=after_script, CI_JOB_STATUS=canceled). */
  afterScript?: boolean
  env?: Record<string, string>
  onOutput?: (text: string, child: ChildProcess) => void
  killAfterMs?: number
}

/** The bundle as the GitLab component's job runs it: INPUT_* variables, files under CI_PROJECT_DIR. */
export async function gitlabJob(options: GitLabJobOptions): Promise<GitLabJob> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? options.projectDir,
    GITLAB_CI: 'true',
    CI_PROJECT_DIR: options.projectDir,
    CI_JOB_ID: options.jobId,
    CI_PROJECT_PATH: 'group/app',
    CI_PIPELINE_ID: '777',
    ...DEBUG_ENV,
    ...(options.afterScript === true ? { PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' } : {}),
    ...options.env
  }
  for (const [name, value] of Object.entries(options.inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const started = Date.now()
  const { exitCode, signal, stdout, stderr } = await spawnBundle([], env, options.onOutput, options.killAfterMs ?? 40_000)
  const read = (file: string): string => {
    try {
      return readFileSync(join(options.projectDir, file), 'utf8')
    } catch {
      return ''
    }
  }
  const dotenvText = read(GITLAB_FILES.dotenv)
  const annotations = read(GITLAB_FILES.annotations)
  const state = read(GITLAB_FILES.state)
  const dotenv = Object.fromEntries(
    dotenvText
      .split('\n')
      .filter(line => line.includes('='))
      .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
  )
  // Every file in the folder, not only the three it should hold (a temporary file left by a kill too).
  const folder = join(options.projectDir, dirname(GITLAB_FILES.state))
  const everyFile = existsSync(folder) ? readdirSync(folder, { withFileTypes: true }).filter(entry => entry.isFile()).map(entry => readFileSync(join(folder, entry.name), 'utf8')) : []
  const texts = [stdout, stderr, ...everyFile]
  return { exitCode, signal, stdout, stderr, dotenv, annotations, state, texts, leaks: findLeaks(texts, secretsOf(options.inputs, options.secrets), { githubLog: false }), durationMs: Date.now() - started }
}

export interface CliRun {
  exitCode: number | null
  stdout: string
  stderr: string
  leaks: string[]
}

/**
 * The bundle as a command: `pipeline-relay --flag value ...` with the credentials in INPUT_*
 * variables (as its help advises), no GitHub or GitLab variables, debug logging on.
 */
export async function commandLine(inputs: Record<string, string>, secrets: readonly string[]): Promise<CliRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), PIPELINE_RELAY_DEBUG: '1' }
  const args: string[] = []
  for (const [name, value] of Object.entries(inputs)) {
    if (SECRET_INPUTS.includes(name)) env[`INPUT_${name.toUpperCase()}`] = value
    else if (value !== '') args.push(`--${name.replace(/_/g, '-')}=${value}`)
  }
  const { exitCode, stdout, stderr } = await spawnBundle(args, env, undefined, 40_000)
  return { exitCode, stdout, stderr, leaks: findLeaks([stdout, stderr], secretsOf(inputs, secrets), { githubLog: false }) }
}

async function spawnBundle(
  args: readonly string[],
  env: Record<string, string>,
  onOutput: ((text: string, child: ChildProcess) => void) | undefined,
  killAfterMs: number
): Promise<{ exitCode: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const node = process.env.RELAY_E2E_NODE ?? process.execPath
  const child = spawn(node, [BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    stdout += text
    onOutput?.(text, child)
  })
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr += text
  })
  const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs)
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(done => child.on('close', (code, sig) => done([code, sig])))
  clearTimeout(killer)
  return { exitCode, signal, stdout, stderr }
}

/** A scratch CI_PROJECT_DIR; remove() when done. */
export function scratchDir(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'relay-reliability-'))
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) }
}

/**
 * A loopback port that refuses connections. A low port first: the kernel never hands one out for
 * port 0, so an emulator started later cannot land on it; checked to refuse, else a released
 * ephemeral port.
 */
export async function closedPort(): Promise<number> {
  for (const port of [1, 9, 47]) {
    if (await refuses(port)) return port
  }
  const server = net.createServer()
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as net.AddressInfo
  await new Promise<void>(done => server.close(() => done()))
  return port
}

function refuses(port: number): Promise<boolean> {
  return new Promise(done => {
    const socket = net.connect(port, '127.0.0.1')
    const timer = setTimeout(() => finish(false), 1_000)
    const finish = (refused: boolean): void => {
      clearTimeout(timer)
      socket.destroy()
      done(refused)
    }
    socket.once('connect', () => finish(false))
    socket.once('error', error => finish((error as NodeJS.ErrnoException).code === 'ECONNREFUSED'))
  })
}

/** A host name that never resolves (RFC 6761 reserves .invalid). */
export const UNRESOLVABLE_HOST = 'pipeline-relay-test.invalid'

export interface Listening {
  port: number
  close(): Promise<void>
}

/**
 * A TLS server with the fake test certificate. With `forwardTo`, it terminates TLS and passes the
 * bytes on to that loopback port (an emulator): an https front for an http emulator. Without it,
 * it only completes handshakes, for clients that do not trust the certificate and stop there.
 */
export async function tlsServer(forwardTo?: number): Promise<Listening> {
  const sockets = new Set<net.Socket>()
  const server = tls.createServer({ key: TLS_FIXTURE.key, cert: TLS_FIXTURE.cert }, socket => {
    if (forwardTo === undefined) {
      socket.end()
      return
    }
    const upstream = net.connect(forwardTo, '127.0.0.1')
    track(sockets, upstream)
    socket.pipe(upstream).pipe(socket)
    upstream.on('error', () => socket.destroy())
    socket.on('error', () => upstream.destroy())
  })
  server.on('connection', socket => track(sockets, socket))
  server.on('tlsClientError', () => undefined)
  return listen(server, sockets)
}

export interface Proxy extends Listening {
  /** "host:port" of every CONNECT the proxy was asked for, in order. */
  readonly tunnels: string[]
}

/**
 * A forwarding proxy on loopback, as HTTPS_PROXY names one: it answers CONNECT host:port by
 * opening a tunnel. Names under .relay.test are the test's made-up hosts and go to 127.0.0.1.
 */
export async function forwardingProxy(): Promise<Proxy> {
  const sockets = new Set<net.Socket>()
  const tunnels: string[] = []
  const server = http.createServer((_request, response) => {
    response.writeHead(405).end()
  })
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    track(sockets, client)
    const target = request.url ?? ''
    tunnels.push(target)
    const colon = target.lastIndexOf(':')
    const host = target.slice(0, colon)
    const port = Number(target.slice(colon + 1))
    const address = host === 'relay.test' || host.endsWith('.relay.test') ? '127.0.0.1' : host
    const upstream = net.connect(port, address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (head.length > 0) upstream.write(head)
      upstream.pipe(client).pipe(upstream)
    })
    track(sockets, upstream)
    upstream.on('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')
    })
    client.on('error', () => upstream.destroy())
  })
  server.on('connection', socket => track(sockets, socket))
  const listening = await listen(server, sockets)
  return { ...listening, tunnels }
}

function track(sockets: Set<net.Socket>, socket: net.Socket): void {
  sockets.add(socket)
  socket.on('close', () => sockets.delete(socket))
}

async function listen(server: net.Server, sockets: Set<net.Socket>): Promise<Listening> {
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as net.AddressInfo
  return {
    port,
    close: () =>
      new Promise<void>(done => {
        for (const socket of sockets) socket.destroy()
        server.close(() => done())
      })
  }
}

/** The same base URL with another origin (scheme, host, port): the path, e.g. a gateway's, is kept. */
export function withOrigin(endpoint: string, origin: string): string {
  const url = new URL(endpoint)
  return `${origin}${url.pathname.replace(/\/+$/, '')}`
}

/** A stack trace line: a person must read sentences, never a trace. */
export const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?\n/

/** The `::error::` lines (GitHub) or `error:` lines (GitLab) of a run's log. */
export function errorLines(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter(line => line.startsWith('::error') || /^(\u001b\[[0-9;]*m)?error: /.test(line))
}
