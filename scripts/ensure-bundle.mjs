// Rebuilds dist/ before the tests when a source is newer than the bundle, so that the end-to-end
// tests never run a stale bundle. CI rebuilds unconditionally and compares with the commit.
import { execSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const bundle = 'dist/index.js'

function newest(path) {
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(0, ...readdirSync(path).map(entry => newest(join(path, entry))))
}

const sources = Math.max(newest('src'), newest('package-lock.json'), newest('tsconfig.json'))
if (!existsSync(bundle) || statSync(bundle).mtimeMs < sources) {
  console.log('dist/ is older than src/: rebuilding the bundle')
  execSync('npm run build --silent', { stdio: 'inherit' })
}
