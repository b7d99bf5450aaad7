/**
 * The examples in the documents are copied as they are, so they must be safe as they are (issue 12):
 * - GitHub: an expression inside `run:` is pasted into the script before the shell sees it, so a
 *   value a vendor controls (an output) could run as code; outputs reach scripts through `env:`
 *   (GitHub's guidance on script injection).
 * - GitLab: a dotenv variable in a script line is quoted, so the shell does not split or glob it.
 * - Yunxiao reserves the variable name `version`: no Yunxiao example may use it, in any case.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? markdownFiles(join(dir, entry.name)) : entry.name.endsWith('.md') ? [join(dir, entry.name)] : []
  )
}

const FILES = ['README.md', 'gitlab-component/README.md', ...markdownFiles('docs')]

interface Block {
  file: string
  language: string
  body: string
}

const blocks: Block[] = FILES.flatMap(file =>
  [...readFileSync(file, 'utf8').matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)].map(found => ({ file, language: found[1] ?? '', body: found[2] ?? '' }))
)

/** A snippet cut from a longer file (the steps of a job) is indented as it was there. */
function dedent(text: string): string {
  const indents = text.split('\n').filter(line => line.trim() !== '').map(line => /^ */.exec(line)![0].length)
  const least = Math.min(...indents)
  return text
    .split('\n')
    .map(line => line.slice(least))
    .join('\n')
}

/** Every value under `key` anywhere in a parsed document. */
function valuesOf(node: unknown, key: string): unknown[] {
  if (Array.isArray(node)) return node.flatMap(item => valuesOf(item, key))
  if (node === null || typeof node !== 'object') return []
  return Object.entries(node as Record<string, unknown>).flatMap(([name, value]) => [...(name === key ? [value] : []), ...valuesOf(value, key)])
}

const yamlBlocks = blocks.filter(block => block.language === 'yaml').map(block => ({ ...block, document: parse(dedent(block.body)) as unknown }))

test('the documents have YAML examples to check', () => {
  expect(yamlBlocks.length).toBeGreaterThan(10)
  expect(yamlBlocks.some(block => valuesOf(block.document, 'run').length > 0)).toBe(true)
  expect(yamlBlocks.some(block => valuesOf(block.document, 'script').length > 0)).toBe(true)
})

test('no GitHub example puts an expression inside run: (outputs go through env:)', () => {
  const pasted = yamlBlocks.flatMap(block => valuesOf(block.document, 'run').filter(run => String(run).includes('${{')).map(run => `${block.file}: ${String(run)}`))
  expect(pasted).toEqual([])
})

test('no GitLab example uses a relay variable unquoted in a script', () => {
  const scripts = yamlBlocks.flatMap(block =>
    ['before_script', 'script', 'after_script'].flatMap(key => valuesOf(block.document, key).flat().map(line => ({ file: block.file, line: String(line) })))
  )
  expect(scripts.some(({ line }) => line.includes('$RELAY_'))).toBe(true)
  const unquoted = scripts.filter(({ line }) => /\$\{?RELAY_/.test(line.replace(/"(?:[^"\\]|\\.)*"/g, '""'))).map(({ file, line }) => `${file}: ${line}`)
  expect(unquoted).toEqual([])
})

test('no Yunxiao example passes the reserved variable "version", in any case', () => {
  const yunxiao = blocks.filter(block => /provider[:\s]+yunxiao\b/.test(block.body))
  expect(yunxiao.length).toBeGreaterThanOrEqual(3)
  const reserved = yunxiao.filter(block => /(?:^|[\s"'{,])version\s*=|"version"\s*:/im.test(block.body)).map(block => `${block.file}:\n${block.body}`)
  expect(reserved).toEqual([])
})
