/**
 * Host.redact: the host's own redactor, for text the core cuts or parses before it is written
 * (vendor answers, issue 12). Every host masks what it was told to mask, and nothing before that.
 */
import { jest } from '@jest/globals'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCliHost } from '../../src/host/cli.js'
import { createGitHubHost } from '../../src/host/github.js'
import { createGitLabHost } from '../../src/host/gitlab.js'
import type { Host } from '../../src/host/types.js'

const SECRET = 'host-secret-value-0123456789'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-host-redact-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
  jest.restoreAllMocks()
})

const hosts: Record<string, () => Host> = {
  github: () => createGitHubHost({ GITHUB_ACTIONS: 'true' }),
  gitlab: () => createGitLabHost({ env: { GITLAB_CI: 'true', CI_PROJECT_DIR: dir, CI_JOB_ID: '1' }, write: () => undefined, setExitCode: () => undefined }),
  cli: () => createCliHost({ args: [], env: {}, sinks: { stdout: () => undefined, stderr: () => undefined, setExitCode: () => undefined } })
}

test.each(Object.keys(hosts))('the %s host redacts what it was told to mask, in the forms vendors echo', async name => {
  // The GitHub host announces the mask to the runner on stdout; keep that out of the test log.
  jest.spyOn(process.stdout, 'write').mockImplementation(() => true)
  const host = hosts[name]!()
  const text = `401: ${SECRET.toUpperCase()} / ${SECRET.slice(0, 10)}\n  ${SECRET.slice(10)}`
  expect(host.redact(text)).toBe(text)
  host.mask(SECRET)
  expect(host.redact(text)).toBe('401: *** / ***')
  // Let the deferred stdout write happen while stdout is still mocked.
  await new Promise(resolve => setImmediate(resolve))
})
