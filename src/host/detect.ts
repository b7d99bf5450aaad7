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

export function createHost(env: NodeJS.ProcessEnv = process.env, args: readonly string[] = process.argv.slice(2)): Host {
  switch (detectHost(env, args)) {
    case 'github':
      return createGitHubHost(env)
    case 'gitlab':
      return createGitLabHost({ env })
    case 'cli':
      return createCliHost({ env, args })
  }
}
