/**
 * Issue 12, class 1: job names and messages a vendor answers with must not become workflow
 * commands the GitHub runner executes (under the runner's real rules: any Unicode white space
 * trimmed before `::`, the legacy `##[` form anywhere in a line), and must reach no host's log or
 * report with terminal control characters in them.
 *
 * One run carries a job-name payload and a job-message payload (the `run` of the case table);
 * each case checks only what its own payload could have caused.
 */
import { TEXT_CASES, TEXT_VENDORS, textCaseHosts, type TextCase } from './cases.js'
import { controlsIn } from './checks.js'
import { runOn, type HostName, type HostRun } from './hosts.js'
import { illegitimateCommands } from './runner-model.js'
import { withVendor, type Vendor, type VendorName } from './vendors.js'

const runs = new Map<string, Promise<{ run: HostRun; served: boolean; vendor: Vendor }>>()

/** The failed run whose job names and messages carry the payloads of `group`, once per vendor and host. */
function failedRunWith(vendorName: VendorName, host: HostName, group: string): Promise<{ run: HostRun; served: boolean; vendor: Vendor }> {
  const key = `${vendorName}/${host}/${group}`
  let pending = runs.get(key)
  if (pending === undefined) {
    pending = withVendor(vendorName, async vendor => {
      const fields: Record<string, string> = {}
      for (const c of TEXT_CASES.filter(c => c.run === group)) fields[vendor.fields[c.field]] = c.value
      vendor.proxy.use({ when: request => vendor.isDetail(request), within: vendor.within, fields })
      const run = await runOn(host, vendor.inputs('fail'))
      return { run, served: vendor.proxy.seen.some(request => vendor.isDetail(request)), vendor }
    })
    runs.set(key, pending)
  }
  return pending
}

const rows = TEXT_VENDORS.flatMap(vendor => TEXT_CASES.flatMap(c => textCaseHosts(c.kind).map(host => ({ vendor, host, ...c }))))

function check(run: HostRun, vendor: Vendor, c: TextCase): string[] {
  if (c.kind === 'commands') return illegitimateCommands(run.stdout, vendor.secrets, c.taint).filter(problem => c.taint.some(taint => problem.includes(taint)))
  const injected = [...(c.injects ?? '')].map(ch => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return controlsIn(run).filter(control => injected.includes(control))
}

describe.each(TEXT_VENDORS)('%s', vendorName => {
  test.concurrent.each(rows.filter(r => r.vendor === vendorName))('$host: $name', async row => {
    const { run, served, vendor } = await failedRunWith(vendorName, row.host, row.run)
    // The poisoned answers really were served, and the step read the run to its end.
    expect(served).toBe(true)
    expect(run.exitCode).toBe(1)
    expect(check(run, vendor, row)).toEqual([])
  })
})
