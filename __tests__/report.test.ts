import { SUMMARY_LIMIT_BYTES, summaryMarkdown, type FinalReport } from '../src/report.js'
import type { JobState } from '../src/providers/types.js'

/**
 * The job summary: under GitHub's 1 MiB per step whatever the vendor sends (the runner drops a
 * bigger file whole: actions/runner FileCommandManager.cs, AttachmentSizeLimit), and vendor text
 * shown as text.
 */

const RUN_URL = 'https://console.example.com/pipelines/p-1/runs/r-1'

function report(overrides: Partial<FinalReport> = {}, jobs: JobState[] = []): FinalReport {
  return {
    providerName: 'CodeArts',
    pipelineId: 'p-1',
    operation: 'run',
    run: { runId: 'r-1', runNumber: '7', url: RUN_URL },
    status: 'failed',
    rawStatus: 'FAILED',
    state: { runId: 'r-1', status: 'failed', rawStatus: 'FAILED', terminal: true, jobs },
    ...overrides
  }
}

const failedJob = (i: number, name = `Compile ${i}`): JobState => ({ id: `j${i}`, name, stage: 'Build', status: 'failed', rawStatus: 'FAILED', message: 'exit 1' })
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8')

describe('size', () => {
  test('three failed jobs with 100 KB log lines: under 1 MiB, and it says what was cut', () => {
    const line = 'x'.repeat(100_000)
    const tails = [1, 2, 3].map(i => ({ job: `Build / Compile ${i}`, lines: Array.from({ length: 30 }, (_, n) => `${n}: ${line}`) }))
    const markdown = summaryMarkdown(report({ logTails: tails }, [1, 2, 3].map(i => failedJob(i))))
    expect(bytes(markdown)).toBeLessThan(SUMMARY_LIMIT_BYTES)
    // Each log keeps its end.
    for (const i of [1, 2, 3]) expect(markdown).toContain(`End of the log of Build / Compile ${i}`)
    expect(/^29: x{1996} … \(98004 more characters\)$/m.test(markdown)).toBe(true)
  })

  test('bytes, not characters: three logs of long lines in 3-byte characters, and 20,000 jobs', () => {
    const line = '错'.repeat(1500)
    const tails = [1, 2, 3].map(i => ({ job: `Deploy ${i}`, lines: Array.from({ length: 500 }, (_, n) => `${n} ${line}`) }))
    const jobs = Array.from({ length: 20_000 }, (_, i) => failedJob(i, `作业 ${i} ${'名'.repeat(150)}`))
    const markdown = summaryMarkdown(report({ logTails: tails }, jobs))
    expect(bytes(markdown)).toBeLessThanOrEqual(SUMMARY_LIMIT_BYTES - 4096)
    expect(markdown.length).toBeLessThan(bytes(markdown) / 2)
    expect(/_\d+ more jobs not shown\._/.test(markdown)).toBe(true)
    expect(/^> Left out to keep this summary under GitHub's 1 MiB limit for a step summary: .*$/m.exec(markdown)?.[0]).toMatch(
      /: \d+ of the 20000 jobs\\; the first \d+ of 500 lines of the log of Deploy 1\\; .*Deploy 2\\; .*Deploy 3\. The job log has everything\.$/
    )
    // The tails still show their last lines, and every block is closed.
    for (const i of [1, 2, 3]) expect(markdown).toContain(`End of the log of Deploy ${i}`)
    expect(markdown.includes(`499 ${line}`)).toBe(true)
    expect(markdown.match(/<details>/g)).toHaveLength(3)
    expect(markdown.match(/<\/details>/g)).toHaveLength(3)
  })

  test('within a small budget the last lines are kept, and the first ones are said to be left out', () => {
    const lines = Array.from({ length: 1000 }, (_, n) => `line ${n}`)
    const markdown = summaryMarkdown(report({ logTails: [{ job: 'Test', lines }] }, [failedJob(1)]), 4096 + 8192 + 2000)
    expect(bytes(markdown)).toBeLessThanOrEqual(4096 + 8192 + 2000)
    expect(markdown.includes('line 999\n```')).toBe(true)
    expect(markdown.includes('line 0\n')).toBe(false)
    const cut = /_The first (\d+) lines are left out\._/.exec(markdown)?.[1]
    expect(Number(cut)).toBeGreaterThan(0)
    expect(markdown.includes(`\nline ${cut}\n`)).toBe(true)
    expect(markdown.includes(`\nline ${Number(cut) - 1}\n`)).toBe(false)
  })

  test('a summary that fits is whole, with no note', () => {
    const markdown = summaryMarkdown(report({ logTails: [{ job: 'Test', lines: ['a', 'b'] }] }, [failedJob(1)]))
    expect(markdown).not.toContain('Left out')
    expect(markdown).toContain('```\na\nb\n```')
  })
})

/** The lines of the summary outside fenced code blocks (inside them everything is literal text). */
function outsideCode(markdown: string): string[] {
  const lines: string[] = []
  let fence: string | undefined
  for (const line of markdown.split('\n')) {
    if (fence === undefined) {
      const open = /^(`{3,})$/.exec(line)
      if (open !== null) fence = open[1]
      else lines.push(line)
    } else if (line === fence) fence = undefined
  }
  expect(fence).toBeUndefined()
  return lines
}

const HOSTILE = [
  '<img src=x onerror=alert(1)>',
  '</summary></details><details open><summary>fake',
  '[click me](https://evil.example/phish)',
  '![pixel](https://evil.example/track.png)',
  'see https://evil.example/a and www.evil.example and mail@evil.example',
  '<https://evil.example/auto>',
  '**bold** _it_ ~~gone~~ `code` # heading',
  'a | b | c',
  '@octocat and #1234',
  '&lt;b&gt; &amp; &#60;script&#62;',
  'line one\n\n# New heading\n<script>alert(1)</script>',
  'FAILED\b\b\b\b\b\bPASSED \u001b[31mred\u001b[0m'
]

describe('vendor text is text', () => {
  const hostile = HOSTILE.join(' ')
  const jobs: JobState[] = [
    { id: 'j1', name: hostile, stage: hostile, status: 'failed', rawStatus: hostile, message: hostile },
    { id: 'j2', name: '`', stage: '``', status: 'succeeded', rawStatus: 'OK' }
  ]
  const markdown = summaryMarkdown(
    report({ pipelineId: hostile, rawStatus: hostile, run: { runId: hostile, runNumber: hostile, url: RUN_URL }, logTails: [{ job: hostile, lines: HOSTILE }] }, jobs)
  )
  const markdownLines = outsideCode(markdown)

  test('no raw tag, image, link or autolink outside code; the only link is the run', () => {
    for (const line of markdownLines) {
      if (line.startsWith('<details><summary>')) {
        expect(line).toMatch(/^<details><summary>End of the log of [^<>]*<\/summary>$/)
        continue
      }
      if (line === '</details>') continue
      // Our own link to the run, and code spans (literal text), out; in what is left every <, [, ]
      // and ! is escaped, so no tag, link or image can start, and no autolink is left.
      const rest = line
        .replace(/\[(?:\\.|[^\\\]])*\]\(<https:\/\/console\.example\.com\/[^>]*>\)/, '')
        .replace(/(`+)(?!`)[^`]*?(?<!`)\1(?!`)/g, '')
        .replace(/\\\\/g, '')
      expect({ line, raw: /(^|[^\\])[<[\]!]/.test(rest) }).toEqual({ line, raw: false })
      expect({ line, autolink: /https?:\/\/|www\.|@evil/.test(rest) }).toEqual({ line, autolink: false })
    }
    // Outside code spans and the raw HTML of the <details> lines (where Markdown is not read).
    const prose = markdownLines
      .filter(line => !line.startsWith('<details>'))
      .join('\n')
      .replace(/(`+)(?!`)[^`]*?(?<!`)\1(?!`)/g, '')
    expect(prose.match(/(^|[^\\])\]\(/g)).toHaveLength(1)
    expect(markdown).toContain(`](<${RUN_URL}>)`)
  })

  test('<details> blocks are balanced: one open and one close per log', () => {
    const tags = markdownLines.filter(line => line.startsWith('<details>') || line === '</details>')
    expect(tags.map(line => (line === '</details>' ? 'close' : 'open'))).toEqual(['open', 'close'])
  })

  test('the table keeps its columns: a vendor | is escaped', () => {
    const rows = markdownLines.filter(line => line.startsWith('| ') && line.includes('failed |'))
    expect(rows).toHaveLength(1)
    expect((rows[0] ?? '').replace(/\\\|/g, '').split('|')).toHaveLength(7)
  })

  test('no mention or issue link: @ and # carry a word joiner', () => {
    const text = markdownLines.join('\n').replace(/(`+)(?!`)[^`]*?(?<!`)\1(?!`)/g, '')
    expect(text).not.toMatch(/@octocat|#1234/)
    expect(text).toContain('@\u2060octocat')
  })

  test('no terminal control characters; the two words stay in order', () => {
    expect(markdown).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/)
    expect(markdown).toContain('FAILEDPASSED')
  })

  test('log lines keep their text inside the code block', () => {
    expect(markdown).toContain('\n<img src=x onerror=alert(1)>\n')
  })
})

test('a run link that is not http(s) is not a link', () => {
  for (const url of ['javascript:alert(1)', 'data:text/html,x', 'https://user:pass@evil.example/', 'not a url']) {
    const markdown = summaryMarkdown(report({ run: { runId: 'r-1', url } }))
    expect(markdown).not.toContain('](')
    expect(markdown).toContain('| Run | `r-1` |')
  }
})
