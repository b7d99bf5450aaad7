/**
 * Issue 12, class 4: secrets. A vendor error body that echoes the credential (a 401 HTML page, a
 * broken JSON document) is redacted before it is shortened, in every shape the echo takes: cut in
 * the middle, case-changed, `\/`-escaped, split by a line break, inside a base64 blob. And URL
 * inputs that carry a credential (user info in `endpoint`, `?private_token=` in `repository_url`)
 * are refused before any request, without echoing any part of it.
 */
import { ECHO_FORMS, ECHOED_SECRET, SECRET_VENDORS, URL_INPUT_CASES } from './cases.js'
import { secretCopies } from './checks.js'
import { HOSTS, runOn } from './hosts.js'
import { withVendor, type Vendor } from './vendors.js'

/** The vendor's inputs with ECHOED_SECRET as its one credential. */
function withEchoedSecret(vendor: Vendor): Record<string, string> {
  const inputs = vendor.inputs('succeed')
  for (const name of ['token', 'access_key_id', 'access_key_secret', 'iam_endpoint', 'app_secret']) delete inputs[name]
  const credential = vendor.name === 'bkci-v4' ? 'app_secret' : 'token'
  return { ...inputs, [credential]: ECHOED_SECRET }
}

describe.each(SECRET_VENDORS)('%s: an error body that echoes the credential', vendorName => {
  describe.each(HOSTS)('%s', host => {
    test.concurrent.each(ECHO_FORMS)('$name: no copy of it in anything written', ({ body }) => withVendor(vendorName, async vendor => {
      vendor.proxy.use({ answer: () => ({ status: 401, headers: { 'content-type': 'text/html' }, body: body(ECHOED_SECRET) }) })
      const seen = vendor.proxy.seen.length
      const run = await runOn(host, withEchoedSecret(vendor))
      expect(vendor.proxy.seen.length).toBeGreaterThan(seen)
      expect(run.exitCode).toBe(1)
      expect(secretCopies([run.everything], ECHOED_SECRET, host)).toEqual([])
    }))
  })
})

describe.each(HOSTS)('%s: a credential in a URL input', host => {
  test.concurrent.each(URL_INPUT_CASES)('$name: refused before any request, no part of it echoed', ({ input, value, parts }) => withVendor(input === 'repository_url' ? 'codearts-pac' : 'codearts', async vendor => {
    const seen = vendor.proxy.seen.length
    // The endpoint's host is the proxy: were the input accepted, the proxy would see the requests.
    const given = input === 'endpoint' ? value.replace('devcloud.example.com', vendor.proxy.url.replace('http://', '')).replace('https://', 'http://') : value
    const run = await runOn(host, vendor.inputs('succeed', { [input]: given }))
    expect(run.exitCode).not.toBe(0)
    if (host === 'cli') expect(run.exitCode).toBe(2)
    expect(vendor.proxy.seen.slice(seen).map(request => `${request.method} ${request.target}`)).toEqual([])
    expect(parts.filter(part => run.everything.includes(part) || run.everything.includes(encodeURIComponent(part)))).toEqual([])
  }))
})
