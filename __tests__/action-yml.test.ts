import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { DEFAULTS, INPUT_NAMES, SECRET_INPUTS } from '../src/inputs/index.js'

interface ActionYaml {
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string; post: string; 'post-if'?: string }
}

const action = parse(readFileSync('action.yml', 'utf8')) as ActionYaml

describe('action.yml is the same contract as the code', () => {
  test('every input the code reads is declared, and nothing else', () => {
    expect(Object.keys(action.inputs).sort()).toEqual([...INPUT_NAMES].sort())
  })

  test('declared defaults are the defaults the code applies', () => {
    const declared = Object.fromEntries(Object.entries(action.inputs).filter(([, input]) => input.default !== undefined).map(([name, input]) => [name, input.default]))
    expect(declared).toEqual(DEFAULTS)
  })

  test('every input and output has a description; secrets have no default', () => {
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description?.length ?? 0).toBeGreaterThan(10)
      if (SECRET_INPUTS.has(name as never)) expect(input.default).toBeUndefined()
    }
    expect(Object.keys(action.outputs).sort()).toEqual(['artifacts', 'attempt', 'duration_seconds', 'outputs', 'pipeline_id', 'raw_status', 'run_id', 'run_number', 'run_url', 'status'])
  })

  test('main and post run the bundle on node24, the post step always', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/index.js', 'post-if': 'always()' })
  })
})
