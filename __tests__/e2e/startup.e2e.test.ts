/**
 * What the bundle loads before its first request. Start-up time is measured by `npm run bench`
 * (never by a timed test); this guards the causes a benchmark found: built-in modules a run does
 * not need, loaded at start. A token run over plain http needs neither TLS nor crypto; a signed
 * run loads crypto (which also shows that the probe sees what is loaded).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator } from '../../emulators/codearts/index.js'
import { runStep } from '../../emulators/github-runner.js'

const F = DEMO_FIXTURE
const PROBE = resolve(fileURLToPath(new URL('.', import.meta.url)), 'probes', 'modules-at-first-request.cjs')

let emulator: CodeArtsEmulator
let dir: string

beforeAll(async () => {
  emulator = await startCodeArtsEmulator({ advance: 'per-read' })
  dir = mkdtempSync(join(tmpdir(), 'relay-modules-'))
})
afterAll(async () => {
  await emulator.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The built-in modules (`node:` ids) loaded when the step sent its first request. */
async function modulesAtFirstRequest(credentials: Record<string, string>): Promise<Set<string>> {
  const out = join(dir, `${Object.keys(credentials).join('-')}.txt`)
  const result = await runStep({
    inputs: { provider: 'codearts', project_id: F.projectId, pipeline_id: F.pipelines.succeed, endpoint: emulator.url, wait: 'false', ...credentials },
    nodeArgs: ['--require', PROBE],
    env: { MODULES_PROBE_OUT: out }
  })
  expect(result.exitCode).toBe(0)
  const loaded = readFileSync(out, 'utf8').split('\n')
  return new Set(loaded.filter(entry => entry.startsWith('NativeModule ')).map(entry => entry.slice('NativeModule '.length)))
}

test('a token run over http loads neither TLS nor crypto before its first request', async () => {
  const loaded = await modulesAtFirstRequest({ token: F.token })
  expect(loaded.has('http')).toBe(true)
  for (const unneeded of ['https', 'tls', 'crypto', 'zlib', 'os', 'child_process', 'fs/promises', 'perf_hooks']) {
    expect({ module: unneeded, loaded: loaded.has(unneeded) }).toEqual({ module: unneeded, loaded: false })
  }
})

test('a signed (AK/SK) run loads crypto for its signature', async () => {
  const loaded = await modulesAtFirstRequest({ access_key_id: F.accessKey.accessKeyId, access_key_secret: F.accessKey.secretAccessKey, iam_endpoint: emulator.url })
  expect(loaded.has('crypto')).toBe(true)
  expect(loaded.has('tls')).toBe(false)
})
