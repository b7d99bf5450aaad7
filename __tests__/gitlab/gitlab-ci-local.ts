/**
 * Runs the GitLab component with gitlab-ci-local (shell executor, no Docker): a scratch git
 * repository holds the working tree's template and the test pipeline (fixtures/pipeline.yml),
 * which includes the component as $CI_SERVER_FQDN/$CI_PROJECT_PATH/relay@$CI_COMMIT_SHA, the
 * form gitlab-ci-local resolves from the repository itself.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')
export const TEMPLATE = join(ROOT, 'gitlab-component', 'templates', 'relay.yml')
export const PIPELINE = join(ROOT, '__tests__', 'gitlab', 'fixtures', 'pipeline.yml')
const GITLAB_CI_LOCAL = createRequire(import.meta.url).resolve('gitlab-ci-local')

export interface PipelineRun {
  exitCode: number | null
  /** gitlab-ci-local's stdout and stderr, the jobs' logs among them. */
  output: string
  /** PASS or FAIL of each job that ran, from gitlab-ci-local's closing lines. */
  jobs: Record<string, 'PASS' | 'FAIL'>
}

export interface RunOptions {
  /** Called with each piece of output as it comes, and gitlab-ci-local's process. */
  onOutput?: (text: string, child: ChildProcess) => void
  killAfterMs?: number
}

export class GitLabWorkspace {
  readonly dir: string
  private readonly home: string

  /** `variables` are given to every job, as a project's CI/CD variables would be. */
  constructor(private readonly variables: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), 'relay-gitlab-'))
    this.home = join(this.dir, '.home')
    mkdirSync(join(this.dir, 'templates'))
    mkdirSync(this.home)
    copyFileSync(TEMPLATE, join(this.dir, 'templates', 'relay.yml'))
    copyFileSync(PIPELINE, join(this.dir, '.gitlab-ci.yml'))
    const git = (...args: string[]): void => void execFileSync('git', ['-c', 'user.name=relay', '-c', 'user.email=relay@example.com', ...args], { cwd: this.dir, stdio: 'ignore' })
    git('init', '--quiet')
    git('add', 'templates', '.gitlab-ci.yml')
    git('commit', '--quiet', '-m', 'component under test')
  }

  /** Runs `gitlab-ci-local <args>` (job names, --needs) in the workspace. */
  async run(args: readonly string[], options: RunOptions = {}): Promise<PipelineRun> {
    const variables = {
      // gitlab-ci-local sets GITLAB_CI=false on purpose, to tell itself from GitLab; the bundle
      // must see what a GitLab runner sets.
      GITLAB_CI: 'true',
      // For a job with an image, gitlab-ci-local points CI_PROJECT_DIR at the container's
      // /builds/... even when --force-shell-executor runs it here, in the workspace.
      CI_PROJECT_DIR: this.dir,
      ...this.variables
    }
    const argv = [
      GITLAB_CI_LOCAL,
      '--force-shell-executor',
      '--ignore-predefined-vars',
      'GITLAB_CI,CI_PROJECT_DIR',
      ...Object.entries(variables).flatMap(([name, value]) => ['--variable', `${name}=${value}`]),
      ...args
    ]
    // The jobs run `node`: this one, or RELAY_E2E_NODE (the Node 24 pass of .ci/run).
    const jobNode = dirname(process.env.RELAY_E2E_NODE ?? process.execPath)
    const child = spawn(process.execPath, argv, {
      cwd: this.dir,
      env: { PATH: `${jobNode}${delimiter}${process.env.PATH ?? ''}`, HOME: this.home, FORCE_COLOR: '0' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let output = ''
    const take = (text: string): void => {
      output += text
      options.onOutput?.(text, child)
    }
    child.stdout.setEncoding('utf8').on('data', take)
    child.stderr.setEncoding('utf8').on('data', take)
    const killer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 90_000)
    const exitCode = await new Promise<number | null>(done => child.on('close', code => done(code)))
    clearTimeout(killer)
    const jobs: Record<string, 'PASS' | 'FAIL'> = {}
    for (const [, verdict, name] of output.matchAll(/^ (PASS|FAIL) +(\S+)/gm)) jobs[name ?? ''] = verdict as 'PASS' | 'FAIL'
    return { exitCode, output, jobs }
  }

  /** A file a job wrote in the project directory. */
  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8')
  }

  /** The dotenv report gitlab-ci-local kept for `job`: what later jobs get. */
  dotenvReport(job: string): Record<string, string> {
    const folder = join(this.dir, '.gitlab-ci-local', 'artifacts', job, '.gitlab-ci-reports', 'dotenv')
    const text = filesUnder(folder)
      .map(file => readFileSync(file, 'utf8'))
      .join('')
    return Object.fromEntries(text.split('\n').filter(line => line !== '').map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))
  }

  /** Every file gitlab-ci-local and the jobs wrote (logs, reports, state): for the secret scan. */
  everythingWritten(): string[] {
    return [...filesUnder(join(this.dir, '.gitlab-ci-local')), ...filesUnder(join(this.dir, '.pipeline-relay'))].map(file => readFileSync(file, 'utf8'))
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true })
  }
}

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
}

/**
 * The pid of a process below `root` whose command line contains `needle` (Linux /proc): the
 * bundle's node, two levels under gitlab-ci-local, to stop the way a runner stops a job.
 */
export function findDescendant(root: number, needle: string): number | undefined {
  if (!existsSync('/proc/self/stat')) throw new Error('finding the job\'s process needs Linux /proc')
  const parents = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The parent pid is the 4th field, after the command name in parentheses.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      parents.set(Number(entry), ppid)
    } catch {
      // The process ended meanwhile.
    }
  }
  const below = (pid: number): boolean => {
    for (let parent = parents.get(pid); parent !== undefined && parent > 1; parent = parents.get(parent)) if (parent === root) return true
    return false
  }
  for (const pid of parents.keys()) {
    if (!below(pid)) continue
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(needle)) return pid
    } catch {
      // Gone.
    }
  }
  return undefined
}
