/**
 * Supply chain: the npm package declares no runtime dependency, so `npx pipeline-relay` installs
 * the bundle and nothing else (no package resolved by range, no install script, in a job that holds
 * cloud credentials). What the bundle carries of other people's code comes from dev dependencies,
 * pinned by the lockfile (exact version and integrity hash), listed in the README's Reliability
 * section with why each is there; CI fails on a high or critical advisory in one of them (.ci/run).
 */
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

interface LockEntry {
  version?: string
  integrity?: string
  dev?: boolean
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
  peerDependencies?: Record<string, string>
  scripts?: Record<string, string>
  bin?: Record<string, string>
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> }
const readme = readFileSync('README.md', 'utf8')

/** The README's Reliability section, up to the next section. */
function reliabilitySection(): string {
  const start = readme.indexOf('\n## Reliability\n')
  if (start < 0) throw new Error('README.md has no "## Reliability" section')
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** Rows of the section's bundled-code table: | `name` | why |, with at least one row. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>()
  for (const line of reliabilitySection().split('\n')) {
    const match = /^\| `(@?[a-z0-9][\w./-]*)` \| ([^|]+) \|$/.exec(line.trim())
    if (match !== null) rows.set(match[1] ?? '', (match[2] ?? '').trim())
  }
  return rows
}

/** The third-party packages ncc put in the bundle: it writes each one's name and license to dist/licenses.txt. */
function bundledPackages(): string[] {
  const licenses = readFileSync('dist/licenses.txt', 'utf8').split('\n')
  const everyPackage = new Set(Object.keys(lock.packages).filter(path => path.startsWith('node_modules/')).map(path => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)))
  return licenses.filter(line => everyPackage.has(line))
}

test('the package declares no runtime dependency and no install script', () => {
  expect(pkg.dependencies ?? {}).toEqual({})
  expect(pkg.optionalDependencies ?? {}).toEqual({})
  expect(pkg.peerDependencies ?? {}).toEqual({})
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) expect({ hook, script: pkg.scripts?.[hook] }).toEqual({ hook, script: undefined })
  // So npm installs nothing for production: every lockfile entry is a dev one.
  const production = Object.entries(lock.packages).filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
  expect(production.map(([path]) => path)).toEqual([])
})

test('the bundle is committed executable, since it is the package bin', () => {
  expect(pkg.bin?.['pipeline-relay']).toBe('dist/index.js')
  const [mode] = execFileSync('git', ['ls-files', '-s', 'dist/index.js'], { encoding: 'utf8' }).split(' ')
  expect(mode).toBe('100755')
  expect(readFileSync('dist/index.js', 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
})

test('what the bundle carries of other packages is pinned, listed in the README with why, and nothing else', () => {
  const bundled = bundledPackages()
  expect(bundled.length).toBeGreaterThan(0)
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2)
  for (const name of bundled) {
    const entry = lock.packages[`node_modules/${name}`]
    expect({ name, version: entry?.version, integrity: /^sha(256|384|512)-/.test(entry?.integrity ?? '') }).toEqual({
      name,
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      integrity: true
    })
  }
  const rows = documented()
  expect([...rows.keys()].sort()).toEqual([...bundled].sort())
  for (const [name, why] of rows) expect({ name, why: why.length > 20 }).toEqual({ name, why: true })
})

test('CI fails on a high or critical advisory in a bundled package', () => {
  const ci = readFileSync('.ci/run', 'utf8')
  expect(ci).toContain('npm audit --audit-level=high --json')
  expect(ci).toContain('dist/licenses.txt')
  expect(ci).toMatch(/\|\| fail "npm audit/)
})
