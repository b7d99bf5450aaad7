/**
 * Supply chain: the runtime dependencies are few, pinned by the lockfile (exact version and
 * integrity hash, for the whole tree npm installs for them), listed in the README's Reliability
 * section with why each is there, and only they can end up in the bundle. CI runs
 * `npm audit --omit=dev --audit-level=high` on them (.ci/run).
 */
import { readFileSync } from 'node:fs'

interface LockEntry {
  version?: string
  integrity?: string
  dev?: boolean
  link?: boolean
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies?: Record<string, string> }
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> }
const readme = readFileSync('README.md', 'utf8')

const dependencies = Object.keys(pkg.dependencies ?? {}).sort()
/** Everything npm installs for production, direct or not: the lockfile entries not marked dev. */
const runtimeTree = Object.entries(lock.packages)
  .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev !== true)
  .map(([path, entry]) => ({ name: path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length), ...entry }))

/** The README's Reliability section, up to the next section. */
function reliabilitySection(): string {
  const start = readme.indexOf('\n## Reliability\n')
  if (start < 0) throw new Error('README.md has no "## Reliability" section')
  const end = readme.indexOf('\n## ', start + 1)
  return readme.slice(start, end < 0 ? undefined : end)
}

/** Rows of the section's runtime dependency table: | `name` | in the bundle | why | */
function documented(): Map<string, { bundled: string; why: string }> {
  const rows = new Map<string, { bundled: string; why: string }>()
  for (const line of reliabilitySection().split('\n')) {
    const match = /^\| `(@?[a-z0-9][\w./-]*)` \| ([^|]+) \| ([^|]+) \|$/.exec(line.trim())
    if (match !== null) rows.set(match[1] ?? '', { bundled: (match[2] ?? '').trim(), why: (match[3] ?? '').trim() })
  }
  return rows
}

test('the runtime dependencies are few', () => {
  expect(dependencies.length).toBeLessThanOrEqual(3)
  expect(runtimeTree.length).toBeLessThanOrEqual(10)
})

test('the lockfile pins every package installed for production: exact version and integrity hash', () => {
  expect(lock.lockfileVersion).toBeGreaterThanOrEqual(2)
  for (const name of dependencies) expect(lock.packages[`node_modules/${name}`]?.version).toMatch(/^\d+\.\d+\.\d+/)
  const loose = runtimeTree.filter(entry => entry.link !== true && (entry.version === undefined || !/^sha(256|384|512)-/.test(entry.integrity ?? '')))
  expect(loose.map(entry => entry.name)).toEqual([])
})

test('the README lists each runtime dependency, and only those, with why it is there', () => {
  const rows = documented()
  expect([...rows.keys()].sort()).toEqual(dependencies)
  for (const [name, row] of rows) {
    expect({ name, why: row.why.length > 20 }).toEqual({ name, why: true })
  }
})

test('only declared dependencies are in the bundle, and the README says which', () => {
  // ncc writes the license of every third-party package it bundles into dist/licenses.txt.
  const licenses = readFileSync('dist/licenses.txt', 'utf8').split('\n')
  // Every package the lockfile knows, dev ones included: a dev package in the bundle is the mistake to catch.
  const everyPackage = new Set(Object.keys(lock.packages).filter(path => path.startsWith('node_modules/')).map(path => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)))
  const bundled = licenses.filter(line => everyPackage.has(line))
  expect(bundled.length).toBeGreaterThan(0)
  const runtime = new Set(runtimeTree.map(entry => entry.name))
  expect(bundled.filter(name => !runtime.has(name))).toEqual([])
  for (const [name, row] of documented()) {
    expect({ name, bundled: /^yes/i.test(row.bundled) }).toEqual({ name, bundled: bundled.includes(name) })
  }
  // What npm installs with them but the bundle leaves out is named in the section too.
  for (const name of runtimeTree.map(entry => entry.name).filter(name => !dependencies.includes(name) && !bundled.includes(name))) {
    expect(reliabilitySection()).toContain(`\`${name}\``)
  }
})

test('CI fails on a high or critical advisory in a runtime dependency', () => {
  const ci = readFileSync('.ci/run', 'utf8')
  expect(ci).toContain('npm audit --omit=dev --audit-level=high --json')
  expect(ci).toMatch(/serious > 0 \? 1 : 0/)
  expect(ci).toMatch(/\|\| fail "npm audit/)
})
