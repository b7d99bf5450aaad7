import { createCliHost } from './cli.js'
import { createGitHubHost } from './github.js'
import { createGitLabHost } from './gitlab.js'
import type { Host } from './types.js'

export type HostKind = 'github' | 'gitlab' | 'cli'

/**
 * Which host the bundle runs under. Arguments mean a person or a script called the command line,
 * even inside a GitHub `run:` step or a GitLab script (the runners start the action and the
 * component's job without any); otherwise the runner's own variable says where we are, and with
 * neither it is the command line driven by INPUT_* variables.
 */
export function detectHost(env: NodeJS.ProcessEnv, args: readonly string[]): HostKind {
  if (args.length > 0) return 'cli'
  if (env.GITHUB_ACTIONS === 'true') return 'github'
  if (env.GITLAB_CI === 'true') return 'gitlab'
  return 'cli'
}

/** `args` given only by tests: without them the command line is the process's own, which the CLI host may then rewrite (process.title). */
export function createHost(env: NodeJS.ProcessEnv = process.env, args?: readonly string[]): Host {
  switch (detectHost(env, args ?? process.argv.slice(2))) {
    case 'github':
      return createGitHubHost(env)
    case 'gitlab':
      return createGitLabHost({ env })
    case 'cli':
      return createCliHost({ env, args })
  }
}
