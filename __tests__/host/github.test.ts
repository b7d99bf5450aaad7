import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGitHubHost } from '../../src/host/github.js'
import { stdoutLog } from '../../src/host/stdout.js'
import { SUMMARY_LIMIT_BYTES } from '../../src/report.js'

/** The GitHub host's job summary: cleaned, and never over the runner's 1 MiB (a bigger file is dropped whole). */

let dir: string
let out: string
const realWrite = stdoutLog.write
const savedEnv = { ...process.env }

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-github-host-'))
  out = ''
  stdoutLog.write = (text: string) => {
    out += text
  }
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary')
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '')
})
afterEach(() => {
  stdoutLog.write = realWrite
  process.env = { ...savedEnv }
  rmSync(dir, { recursive: true, force: true })
})

test('the summary is written without control characters, and with secrets masked', async () => {
  const host = createGitHubHost(process.env)
  host.mask('s3cret-value')
  await host.writeSummary('FAILED\b\b\b\b\b\bPASSED s3cr\u0008et-value \u001b[31mred')
  expect(readFileSync(join(dir, 'summary'), 'utf8').trim()).toBe('FAILEDPASSED *** red')
})

test('a summary over 1 MiB is replaced by a note, with a warning, so the runner does not drop it with an error', async () => {
  const host = createGitHubHost(process.env)
  await host.writeSummary('x'.repeat(SUMMARY_LIMIT_BYTES))
  const written = readFileSync(join(dir, 'summary'), 'utf8')
  expect(written).toMatch(/^The summary was over GitHub's 1 MiB limit/)
  expect(Buffer.byteLength(written)).toBeLessThan(1024)
  expect(out).toMatch(/^::warning::The job summary came out over GitHub's 1 MiB limit/)
})
