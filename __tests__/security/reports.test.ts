/**
 * Issue 12, class 3: the reports. The GitHub job summary escapes vendor Markdown and HTML (no raw
 * tags, images or links but the run link, no unbalanced <details>) and stays under the runner's
 * 1 MiB; the GitLab dotenv report stays under 5 KiB with no control characters in its values; the
 * annotations report is valid JSON whose links are http(s) on the vendor's console host.
 */
import { ANNOTATION_CASES, DOTENV_CASES, SUMMARY_CASES, SUMMARY_SIZE_CASES } from './cases.js'
import { foreignControls } from './checks.js'
import type { SeenRequest } from './hostile-vendor.js'
import { runOn } from './hosts.js'
import { withVendor } from './vendors.js'

const MIB = 1024 * 1024
const CONSOLE = 'https://devcloud.cn-north-4.huaweicloud.com/'
const ALLOWED_TAGS = new Set(['details', 'summary'])

// CommonMark raw HTML (spec 6.6): an open tag is `<` name, attributes, optional `/`, `>`; a closing tag `</name>`.
const ATTRIBUTE = String.raw`\s+[a-zA-Z_:][a-zA-Z0-9_.:-]*(?:\s*=\s*(?:[^\s"'=<>\x60]+|'[^']*'|"[^"]*"))?`
const TAG = new RegExp(String.raw`<([a-zA-Z][a-zA-Z0-9-]*)(?:${ATTRIBUTE})*\s*\/?>|<\/([a-zA-Z][a-zA-Z0-9-]*)\s*>`, 'g')

/**
 * The summary as GitHub's Markdown reads it, for the scans: code (fenced blocks, code spans) is
 * literal and left out, and a backslash-escaped punctuation character is plain text, not markup
 * (escapes are read before code spans, so that an escaped backtick opens none).
 */
function markupOf(summary: string): string {
  return summary
    .replace(/^(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1[`~]*\s*$/gm, '')
    .replace(/\\[!-/:-@[-`{-~]/g, '\u00b7')
    .replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, '')
}

/** What in a job summary a vendor could have put there as live Markdown or HTML. */
function summaryProblems(summary: string, runUrl: string | undefined): string[] {
  const problems: string[] = []
  const markup = markupOf(summary)
  const counts = new Map<string, number>()
  for (const match of markup.matchAll(TAG)) {
    const name = (match[1] ?? match[2] ?? '').toLowerCase()
    if (!ALLOWED_TAGS.has(name)) problems.push(`raw HTML tag ${match[0].slice(0, 60)}`)
    counts.set(name, (counts.get(name) ?? 0) + (match[2] === undefined ? 1 : -1))
  }
  for (const [tag, balance] of counts) if (balance !== 0) problems.push(`<${tag}> opened and closed a different number of times (${balance})`)
  if (/!\[[^\]]*\]\(/.test(markup)) problems.push('a Markdown image')
  for (const match of markup.matchAll(/\]\((<[^>]*>|[^)\s]*)/g)) {
    const target = match[1]!.replace(/^<(.*)>$/, '$1')
    if (target !== runUrl) problems.push(`a Markdown link to ${target.slice(0, 60)}`)
  }
  for (const match of markup.matchAll(/https?:\/\/[^\s|)<>\]]+/g)) {
    if (runUrl === undefined || !match[0].startsWith(runUrl)) problems.push(`a bare link GitHub would make live: ${match[0].slice(0, 60)}`)
  }
  return problems
}

describe('GitHub job summary', () => {
  test.concurrent.each(SUMMARY_CASES)('$name: escaped, only the run link is a link', ({ jobName, jobMessage }) => withVendor('codearts', async codearts => {
    codearts.proxy.use({ when: request => codearts.isDetail(request), fields: { name: jobName, message: jobMessage } })
    const run = await runOn('github', codearts.inputs('fail'))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('| Stage | Job |')
    expect(summaryProblems(run.summary, run.outputs.run_url)).toEqual([])
  }))

  test.concurrent(`${SUMMARY_SIZE_CASES[0]}: under 1 MiB`, () => withVendor('codearts-pac', async pac => {
    const line = `${'L'.repeat(40_000)}\n`
    const isLog = (request: SeenRequest): boolean => request.method === 'POST' && /\/logs$/.test(request.target)
    pac.proxy.use(
      // Every job failed, and every job's log is 31 lines of 40 KB.
      { when: request => pac.isDetail(request), fields: { status: 'FAILED' } },
      { when: isLog, json: answer => ({ ...(answer as Record<string, unknown>), has_more: false, log: line.repeat(31) }) }
    )
    const seen = pac.proxy.seen.length
    const run = await runOn('github', pac.inputs('fail'))
    expect(pac.proxy.seen.slice(seen).filter(isLog).length).toBeGreaterThanOrEqual(3)
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('End of the log of')
    expect(Buffer.byteLength(run.summary)).toBeLessThan(MIB)
  }))

  test.concurrent(`${SUMMARY_SIZE_CASES[1]}: under 1 MiB`, () => withVendor('codearts', async codearts => {
    // Jobs only (their steps keep their own messages): three 400 KB job messages, a 1.2 MB answer.
    const big = 'M'.repeat(400_000)
    const jobs = (stage: Record<string, unknown>): unknown[] => (Array.isArray(stage.jobs) ? stage.jobs : [])
    codearts.proxy.use({
      when: request => codearts.isDetail(request),
      json: answer => {
        const detail = answer as { stages?: Record<string, unknown>[] }
        return { ...detail, stages: (detail.stages ?? []).map(stage => ({ ...stage, jobs: jobs(stage).map(job => ({ ...(job as object), message: big })) })) }
      }
    })
    const run = await runOn('github', codearts.inputs('fail'))
    expect(run.exitCode).toBe(1)
    expect(run.summary).toContain('| Stage | Job |')
    expect(Buffer.byteLength(run.summary)).toBeLessThan(MIB)
  }))
})

describe('GitLab reports', () => {
  test.concurrent(`dotenv, ${DOTENV_CASES[0]}: under 5 KiB`, () => withVendor('codearts', async codearts => {
    codearts.proxy.use({
      when: request => codearts.isDetail(request),
      fields: { detail_url: `${CONSOLE}cicd/${'a'.repeat(10_000)}` },
      json: answer => codearts.withRunStatus(answer, 'S'.repeat(6_000))
    })
    const run = await runOn('gitlab', codearts.inputs('succeed', { wait: 'false' }))
    expect(run.dotenv).toContain('RELAY_RUN_ID=')
    expect(Buffer.byteLength(run.dotenv)).toBeLessThan(5 * 1024)
  }))

  test.concurrent(`dotenv, ${DOTENV_CASES[1]}: no control character in a value`, () => withVendor('codearts', async codearts => {
    codearts.proxy.use({
      when: request => codearts.isDetail(request),
      fields: { run_number: '1\u009b2J\u0085' },
      json: answer => codearts.withRunStatus(answer, 'RUNNING\u009d0;x\u009c\u007f\u0008')
    })
    const run = await runOn('gitlab', codearts.inputs('succeed', { wait: 'false' }))
    expect(run.dotenv).toContain('RELAY_RUN_ID=')
    expect(foreignControls(run.dotenv, 'cli')).toEqual([])
  }))

  test.concurrent(`annotations, ${ANNOTATION_CASES[0]}: valid JSON, http(s) links on the console host, printable labels`, () => withVendor('codearts', async codearts => {
    codearts.proxy.use({ when: request => codearts.isDetail(request), fields: { detail_url: 'https://evil.example/phish', run_number: '1\u009b2J\u0085' } })
    const run = await runOn('gitlab', codearts.inputs('succeed'))
    expect(run.dotenv).toContain('RELAY_RUN_ID=')
    const report = JSON.parse(run.annotations === '' ? '{}' : run.annotations) as Record<string, { external_link?: { label?: string; url?: string } }[]>
    const problems: string[] = []
    for (const entry of Object.values(report).flat()) {
      const { label = '', url = '' } = entry.external_link ?? {}
      if (!url.startsWith(CONSOLE)) problems.push(`link ${url.slice(0, 60)}`)
      if (foreignControls(label, 'cli').length > 0) problems.push(`label ${JSON.stringify(label)}`)
    }
    expect(problems).toEqual([])
  }))
})
