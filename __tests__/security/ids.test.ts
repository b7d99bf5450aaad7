/**
 * Issue 12, class 2: ids, run numbers, URLs and statuses a vendor answers with are checked before
 * they become outputs or request paths. A start answer whose run id is not in the documented form
 * is a protocol error that never leads to a second start; a run number is digits; a run link is
 * http(s) on the vendor's console host; raw_status is one printable line of at most 256 characters;
 * an id that goes into a path never takes a request outside its pipeline's prefix.
 */
import { HOSTILE_ID, HOSTILE_RUN_NUMBER, HOSTILE_STATUS, ID_HOSTS, ID_VENDORS, PATH_CASES, PATH_HOSTS, RUN_NUMBER_FIELD, TRAVERSAL_ID, URL_CASES } from './cases.js'
import { foreignControls } from './checks.js'
import type { SeenRequest } from './hostile-vendor.js'
import { runOn, type HostRun } from './hosts.js'
import { withVendor, type Vendor, type VendorName } from './vendors.js'

const pathOf = (request: SeenRequest): string => request.target.split('?')[0] ?? ''
const CONSOLE_HOSTS: Partial<Record<VendorName, string>> = { codearts: 'devcloud.cn-north-4.huaweicloud.com', 'yunxiao-openapi': 'flow.aliyun.com', 'yunxiao-pop': 'flow.aliyun.com' }

/** What is wrong with the outputs a run left, whatever the vendor answered. */
function outputProblems(run: HostRun, vendor: Vendor): string[] {
  const problems: string[] = []
  const { run_id: runId, run_number: runNumber, run_url: runUrl, raw_status: rawStatus } = run.outputs
  for (const [name, value] of Object.entries(run.outputs)) {
    if (typeof value !== 'string') continue
    if (/\$\(|\.\.\//.test(value)) problems.push(`${name} carries vendor text: ${JSON.stringify(value.slice(0, 80))}`)
    if (foreignControls(value, 'cli').length > 0 || /[\r\n]/.test(value)) problems.push(`${name} has control characters or line breaks`)
  }
  if (runNumber !== undefined && runNumber !== '' && !/^\d+$/.test(runNumber)) problems.push(`run_number is not a number: ${JSON.stringify(runNumber.slice(0, 80))}`)
  if (rawStatus !== undefined && [...rawStatus].length > 256) problems.push(`raw_status is ${[...rawStatus].length} characters long`)
  if (runUrl !== undefined && runUrl !== '') {
    let url: URL | undefined
    try {
      url = new URL(runUrl)
    } catch {
      problems.push(`run_url is not a URL: ${JSON.stringify(runUrl.slice(0, 80))}`)
    }
    if (url !== undefined && !['https:', 'http:'].includes(url.protocol)) problems.push(`run_url is a ${url.protocol} URL`)
    const console = CONSOLE_HOSTS[vendor.name]
    if (url !== undefined && console !== undefined && url.hostname !== console) problems.push(`run_url is on ${url.hostname}, not ${console}`)
  }
  if (runId !== undefined && runId.includes(HOSTILE_ID)) problems.push('run_id is the hostile id')
  return problems
}

describe.each(ID_VENDORS)('%s', vendorName => {
  describe.each(ID_HOSTS)('%s', host => {
    test.concurrent(`a start answer with run id ${JSON.stringify(HOSTILE_ID)}: one start, the id in no output or path`, () => withVendor(vendorName, async vendor => {
      vendor.proxy.use({ when: request => vendor.isStart(request), json: answer => vendor.withRunId(answer, HOSTILE_ID) })
      const runs = vendor.runsCreated()
      const seen = vendor.proxy.seen.length
      const run = await runOn(host, vendor.inputs('succeed'))
      const requests = vendor.proxy.seen.slice(seen)
      expect(requests.filter(request => vendor.isStart(request))).toHaveLength(1)
      expect(vendor.runsCreated() - runs).toBe(1)
      // A protocol error (exit 1), or the run found by its correlation mark: then its real id.
      if (run.exitCode === 0) expect(run.outputs.run_id).toMatch(vendor.idForm)
      else expect(run.exitCode).toBe(1)
      expect(outputProblems(run, vendor)).toEqual([])
      expect(run.outputs.run_id ?? '').not.toContain('c0ffee')
      expect(requests.map(pathOf).filter(path => path.includes('c0ffee'))).toEqual([])
    }))

    test.concurrent('a detail answer with a hostile raw status, run number and (Yunxiao) run id: outputs in their documented form', () => withVendor(vendorName, async vendor => {
      vendor.proxy.use({
        when: request => vendor.isDetail(request),
        within: vendor.within,
        fields: { [RUN_NUMBER_FIELD[vendorName]]: HOSTILE_RUN_NUMBER },
        json: answer => vendor.withRunStatus(answer, HOSTILE_STATUS)
      })
      const seen = vendor.proxy.seen.length
      const run = await runOn(host, vendor.inputs('succeed', { wait: 'false' }))
      expect(vendor.proxy.seen.slice(seen).some(request => vendor.isDetail(request))).toBe(true)
      expect(outputProblems(run, vendor)).toEqual([])
      expect(run.outputs.raw_status ?? '').not.toContain('set-output')
    }))

    if (vendorName === 'codearts') {
      test.concurrent.each(URL_CASES)('a detail_url that is a $name: no such run_url, link or annotation', ({ url }) => withVendor(vendorName, async vendor => {
        vendor.proxy.use({ when: request => vendor.isDetail(request), fields: { detail_url: url } })
        const run = await runOn(host, vendor.inputs('succeed'))
        expect(run.outputs.run_id).toMatch(vendor.idForm)
        expect(outputProblems(run, vendor)).toEqual([])
        expect(run.summary).not.toContain('evil.example')
        expect(run.annotations).not.toContain('evil.example')
        expect(run.annotations).not.toContain('javascript:')
      }))
    }
  })
})

describe.each(PATH_HOSTS)('request paths (%s)', host => {
  test.concurrent.each(PATH_CASES)(`$vendor: ${JSON.stringify(TRAVERSAL_ID)} as the $name`, ({ vendor: vendorName, field, sigint }) => withVendor(vendorName, async vendor => {
    let signaled = false
    vendor.proxy.use(
      // The SIGINT case holds the first read, so that the step is surely waiting when it is interrupted.
      ...(sigint ? [{ when: (request: SeenRequest) => vendor.isDetail(request), hold: true, times: 1 }] : []),
      {
        when: request => vendor.isStart(request),
        json: answer => (field === 'runId' ? vendor.withRunId(answer, TRAVERSAL_ID) : { ...(answer as Record<string, unknown>), pipeline_id: TRAVERSAL_ID })
      }
    )
    const seen = vendor.proxy.seen.length
    const run = await runOn(host, vendor.inputs('succeed'), {}, (_text, child) => {
      if (!sigint || signaled) return
      signaled = true
      void vendor.proxy.waitFor(request => vendor.isDetail(request), seen).then(() => child.kill('SIGINT'))
    })
    const paths = vendor.proxy.seen.slice(seen).map(pathOf)
    expect(vendor.proxy.seen.slice(seen).filter(request => vendor.isStart(request))).toHaveLength(1)
    if (sigint) expect(signaled).toBe(true)
    const prefixes = vendor.pathPrefixes('succeed')
    expect(paths.filter(path => !prefixes.some(prefix => path.startsWith(prefix)) || /(^|\/)\.\.?(\/|$)/.test(path))).toEqual([])
    expect(run.outputs.run_id ?? '').not.toContain('..')
  }))
})
