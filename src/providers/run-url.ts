import type { Logger } from '../core/log.js'
import { outputText } from '../core/vendor-text.js'

/**
 * A run URL from a vendor answer (CodeArts' detail_url) becomes run_url, which a person clicks in a
 * summary and a later step may open or fetch. So it must be a web page on the vendor's console, not
 * `javascript:`, a `data:` page, or a look-alike host that an answer from a hostile gateway names.
 */

// http is accepted on loopback only (the emulators), as for the endpoint input.
const LOOPBACK_HOSTNAMES = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/
// Console URLs are short; a very long one is junk or an attempt to flood outputs and summaries.
const MAX_RUN_URL_LENGTH = 2048

/**
 * Why `candidate` may not be run_url, or undefined when it may: an absolute https URL (http on
 * loopback) on the host of `consoleUrl` (the console page we would build ourselves), without
 * credentials in it.
 */
export function runUrlRefusal(candidate: string, consoleUrl: string): string | undefined {
  if (candidate.length > MAX_RUN_URL_LENGTH) return `it is longer than ${MAX_RUN_URL_LENGTH} characters`
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return 'it is not an absolute URL'
  }
  const consolePage = new URL(consoleUrl)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTNAMES.test(url.hostname))) {
    return `its scheme is ${url.protocol} (https: is required; http: on loopback only)`
  }
  if (url.host !== consolePage.host) return `its host is not the console host ${consolePage.host}`
  if (url.username !== '' || url.password !== '') return 'it carries credentials'
  return undefined
}

/**
 * The vendor's URL for a run when it passes runUrlRefusal (as the URL parser writes it: no control
 * characters, one line), else the console URL we built, with a debug line saying why.
 */
export function chooseRunUrl(vendorUrl: string | undefined, consoleUrl: string, log: Logger): string {
  if (vendorUrl === undefined) return consoleUrl
  const refusal = runUrlRefusal(vendorUrl, consoleUrl)
  if (refusal === undefined) return new URL(vendorUrl).href
  log.debug(`The run URL in the answer (${JSON.stringify(outputText(vendorUrl, 60))}) is not used, because ${refusal}; run_url is the console page ${consoleUrl}`)
  return consoleUrl
}
