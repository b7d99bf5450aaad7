/**
 * Writes the README's inputs and outputs tables from action.yml, between the markers
 * `<!-- inputs:start -->` / `<!-- inputs:end -->` and `<!-- outputs:start -->` / `<!-- outputs:end -->`.
 * `--check` writes nothing and fails when the README has drifted from action.yml (CI runs it).
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { parse } from 'yaml'

interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>
  outputs: Record<string, { description: string }>
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYaml
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

const inputRows = Object.entries(action.inputs).map(
  ([name, input]) => `| \`${name}\` | ${input.required === true ? 'yes' : ''} | ${input.default === undefined ? '' : `\`${input.default}\``} | ${cell(input.description)} |`
)
const outputRows = Object.entries(action.outputs).map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`)
const tables: Record<string, string> = {
  inputs: ['| input | required | default | meaning |', '|---|---|---|---|', ...inputRows].join('\n'),
  outputs: ['| output | meaning |', '|---|---|', ...outputRows].join('\n')
}

const readme = readFileSync('README.md', 'utf8')
let updated = readme
for (const [name, table] of Object.entries(tables)) {
  const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`)
  if (!pattern.test(updated)) throw new Error(`README.md has no <!-- ${name}:start --> / <!-- ${name}:end --> markers`)
  updated = updated.replace(pattern, (_all, start: string, end: string) => `${start}\n${table}\n${end}`)
}

if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md inputs/outputs tables differ from action.yml: run `npm run docs` and commit the result')
    process.exit(1)
  }
  console.log('README.md tables match action.yml')
} else {
  writeFileSync('README.md', updated)
  console.log(updated === readme ? 'README.md already up to date' : 'README.md tables rewritten from action.yml')
}
