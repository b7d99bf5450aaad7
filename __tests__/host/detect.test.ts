import { detectHost } from '../../src/host/detect.js'

describe('detectHost', () => {
  test.each([
    [{ GITHUB_ACTIONS: 'true' }, [], 'github'],
    [{ GITLAB_CI: 'true' }, [], 'gitlab'],
    [{}, [], 'cli'],
    [{ GITLAB_CI: 'false' }, [], 'cli'],
    // A person or a script called the command line, inside a GitHub run: step or a GitLab script.
    [{ GITHUB_ACTIONS: 'true' }, ['--provider', 'codearts'], 'cli'],
    [{ GITLAB_CI: 'true' }, ['--help'], 'cli'],
    // Both set (a GitLab job mirroring GitHub's variables): GitHub's runner protocol wins.
    [{ GITHUB_ACTIONS: 'true', GITLAB_CI: 'true' }, [], 'github']
  ] as const)('%j with args %j: %s', (env, args, kind) => {
    expect(detectHost(env, args)).toBe(kind)
  })
})
