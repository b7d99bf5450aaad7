/**
 * Issue 12, class 5: what is shipped. The bundle is the whole program: package.json declares no
 * runtime dependency (one would be installed by `npm i pipeline-relay` and run with the user's
 * credentials, unreviewed), and dist/index.js is committed executable, as the `bin` it is.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..')

test('package.json declares no runtime dependencies', () => {
  const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>
  expect(manifest.dependencies ?? {}).toEqual({})
  expect(manifest.optionalDependencies ?? {}).toEqual({})
  expect(manifest.peerDependencies ?? {}).toEqual({})
})

test('dist/index.js is committed with its executable bit (git mode 100755)', () => {
  const entry = execFileSync('git', ['ls-files', '-s', '--', 'dist/index.js'], { cwd: ROOT, encoding: 'utf8' })
  expect(entry.split(/\s+/)[0]).toBe('100755')
})
