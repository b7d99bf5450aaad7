/**
 * The figures a report quotes: how many hostile cases the security suite tries, per class and
 * host, counted from the same tables the suites run (cases.ts). It fails if a class loses every
 * case on a host it must cover, so the figures cannot quietly shrink to nothing.
 */
import { tally } from './cases.js'

test('security: cases tried per class and host', () => {
  const rows = tally()
  const perHost = new Map<string, number>()
  for (const row of rows) perHost.set(row.host, (perHost.get(row.host) ?? 0) + row.cases)
  const lines = [
    ...rows.map(row => `  class ${row.klass.padEnd(26)} ${row.host.padEnd(7)} ${row.cases}`),
    `security: ${[...perHost].map(([host, cases]) => `${host} ${cases}`).join(', ')} cases (${[...perHost.values()].reduce((a, b) => a + b, 0)} in all)`
  ]
  console.log(lines.join('\n'))
  for (const host of ['github', 'gitlab', 'cli']) {
    for (const klass of ['1 controls', '2 ids, urls, raw_status', '4 secrets']) {
      expect(rows.find(row => row.klass === klass && row.host === host)?.cases ?? 0).toBeGreaterThan(0)
    }
  }
  expect(rows.find(row => row.klass === '1 commands' && row.host === 'github')?.cases ?? 0).toBeGreaterThan(0)
  expect(rows.filter(row => row.klass === '3 reports').map(row => row.host).sort()).toEqual(['github', 'gitlab'])
})
