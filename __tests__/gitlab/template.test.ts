/**
 * The GitLab component's template: both of its YAML documents against GitLab's own CI schema (the
 * copy in gitlab-ci-local), and its spec:inputs against the action's inputs, so the two faces of
 * the bundle take the same inputs with the same defaults.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { parse, parseAllDocuments } from 'yaml'
import { parseDuration } from '../../src/core/duration.js'
import { AFTER_SCRIPT_STEP, GITLAB_FILES, dotenvKey } from '../../src/host/gitlab.js'
import { inputVariable } from '../../src/host/cli.js'
import { OPERATIONS, readSettings, type InputName } from '../../src/inputs/index.js'
import { ciValidator } from './ci-schema.js'

interface SpecInput {
  description?: string
  type?: 'string' | 'boolean' | 'number' | 'array'
  default?: unknown
  options?: unknown[]
  regex?: string
}
interface ActionInput {
  description: string
  required?: boolean
  default?: string
}
interface Job {
  stage: string
  image: string
  variables: Record<string, string>
  script: string[]
  after_script: string[]
  artifacts: { when?: string; reports: { dotenv: string; annotations: string } }
}

const TEMPLATE = 'gitlab-component/templates/relay.yml'
const text = readFileSync(TEMPLATE, 'utf8')
const documents = parseAllDocuments(text)
const header = (documents[0]?.toJS() ?? {}) as { spec: { inputs: Record<string, SpecInput> } }
const body = (documents[1]?.toJS() ?? {}) as Record<string, Job>
const inputs = header.spec.inputs
const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, ActionInput>; outputs: Record<string, unknown> }
const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version
/** Inputs the component adds to the action's: where and how its job runs. */
const JOB_INPUTS = ['stage', 'job_name', 'image', 'version', 'bundle']
const JOB_KEY = '$[[ inputs.job_name ]]'
const job = body[JOB_KEY] as Job

/** The job as GitLab sees it once `include:inputs` are interpolated: defaults plus `given`. */
function interpolated(given: Record<string, unknown>): unknown {
  const value = (name: string): unknown => {
    if (name in given) return given[name]
    if (!(name in inputs)) throw new Error(`unknown input ${name}`)
    return inputs[name]?.default
  }
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const whole = /^\$\[\[ inputs\.(\w+) \]\]$/.exec(node)
      if (whole !== null) return value(whole[1] ?? '')
      return node.replace(/\$\[\[ inputs\.(\w+) \]\]/g, (_, name: string) => String(value(name)))
    }
    if (Array.isArray(node)) return node.map(walk)
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([key, child]) => [walk(key) as string, walk(child)]))
    return node
  }
  return walk(body)
}

describe('the template validates against GitLab CI schema', () => {
  const validate = ciValidator()

  test('it is two YAML documents, the spec header and the job, read without errors', () => {
    expect(documents).toHaveLength(2)
    for (const document of documents) expect(document.errors).toEqual([])
  })

  test('the spec header', () => {
    expect(validate(header)).toEqual([])
  })

  test('the job, as written and as interpolated with the defaults', () => {
    expect(validate(body)).toEqual([])
    expect(validate(interpolated({ provider: 'yunxiao', pipeline_id: '1234567', token: '$YUNXIAO_TOKEN' }))).toEqual([])
  })

  test('the validator refuses what GitLab refuses, so these checks can fail', () => {
    expect(validate({ spec: { inputs: { retries: { type: 'number', default: 'three' } } } })).not.toEqual([])
    expect(validate({ spec: { inputs: { provider: { type: 'text' } } } })).not.toEqual([])
    expect(validate({ relay: { ...job, retry_forever: true } })).not.toEqual([])
    expect(validate({ relay: { ...job, artifacts: { reports: { dotenv: 42 } } } })).not.toEqual([])
  })

  test('no global keywords: the header is only spec, the body only the job', () => {
    expect(Object.keys(header)).toEqual(['spec'])
    expect(Object.keys(body)).toEqual([JOB_KEY])
  })
})

describe('spec:inputs are the action inputs', () => {
  test('every action input, and the job inputs besides', () => {
    expect(Object.keys(inputs).sort()).toEqual([...Object.keys(action.inputs), ...JOB_INPUTS].sort())
  })

  test.each(Object.entries(action.inputs))('%s: same type and default', (name, declared) => {
    const spec = inputs[name]!
    const isBoolean = declared.default === 'true' || declared.default === 'false'
    expect(spec.type).toBe(isBoolean ? 'boolean' : 'string')
    if (declared.required === true) expect(spec).not.toHaveProperty('default')
    else expect(spec.default).toEqual(isBoolean ? declared.default === 'true' : (declared.default ?? ''))
  })

  test('every input has a description GitLab accepts', () => {
    for (const spec of Object.values(inputs)) expect(spec.description?.length).toBeGreaterThan(10)
  })

  test('provider offers exactly the providers the bundle knows', () => {
    const offered = inputs.provider?.options as string[]
    let known: string[] = []
    try {
      readSettings(name => (name === 'provider' ? 'no-such-ci' : ''), () => undefined)
    } catch (error) {
      known = /expected one of (.+)$/.exec((error as Error).message)?.[1]?.split(', ') ?? []
    }
    expect(known.length).toBeGreaterThan(0)
    expect([...offered].sort()).toEqual([...known].sort())
  })

  test('operation offers exactly the operations', () => {
    expect(inputs.operation?.options).toEqual(OPERATIONS)
  })

  test.each(['timeout', 'poll_interval', 'request_timeout'])('%s: the regex takes what the bundle reads as a duration, and only that', name => {
    const regex = new RegExp(inputs[name]!.regex!)
    expect(regex.test(String(inputs[name]!.default))).toBe(true)
    for (const good of ['90s', '30m', '2h', '1h30m', '500ms', '600', '1.5h', '30M']) {
      expect(parseDuration(good)).toBeDefined()
      expect(regex.test(good)).toBe(true)
    }
    for (const bad of ['soon', '30 m', '-5s', '', '5d', '1h-30m']) {
      expect(parseDuration(bad) === undefined || bad === '').toBe(true)
      expect(regex.test(bad)).toBe(false)
    }
  })

  test('version is the package version the template is released with', () => {
    expect(inputs.version?.default).toBe(packageVersion)
    expect(new RegExp(inputs.version!.regex!).test(packageVersion)).toBe(true)
  })

  test('the image is a pinned Node 24 release', () => {
    expect(inputs.image?.default).toMatch(/^node:24\.\d+\.\d+(-[a-z0-9.]+)?$/)
  })
})

describe('the job', () => {
  test('passes every action input as its INPUT_* variable, and uses every spec input', () => {
    for (const name of Object.keys(action.inputs)) {
      expect(job.variables[inputVariable(name as InputName)]).toBe(`$[[ inputs.${name} ]]`)
    }
    for (const name of Object.keys(inputs)) expect(text).toContain(`$[[ inputs.${name} ]]`)
  })

  test('runs the bundle from npm at the chosen version, or from the path given instead', () => {
    expect(job.variables.PIPELINE_RELAY_VERSION).toBe('$[[ inputs.version ]]')
    expect(job.variables.PIPELINE_RELAY_BUNDLE).toBe('$[[ inputs.bundle ]]')
    expect(job.script).toHaveLength(1)
    expect(job.script[0]).toContain('npx --yes "pipeline-relay@$PIPELINE_RELAY_VERSION"')
    expect(job.script[0]).toContain('node "$PIPELINE_RELAY_BUNDLE"')
  })

  test('after_script runs the same command as the post step, only for a canceled job', () => {
    expect(job.after_script).toEqual([
      'if [ "$CI_JOB_STATUS" != "canceled" ]; then exit 0; fi',
      `export PIPELINE_RELAY_STEP=${AFTER_SCRIPT_STEP}`,
      job.script[0]
    ])
  })

  test('hands the outputs on as a dotenv report and the run link as annotations, also when the job fails', () => {
    expect(job.artifacts).toEqual({ when: 'always', reports: { dotenv: GITLAB_FILES.dotenv, annotations: GITLAB_FILES.annotations } })
  })
})

describe('gitlab-component/README.md', () => {
  test('documents every input and every output variable', () => {
    const readme = readFileSync('gitlab-component/README.md', 'utf8')
    for (const name of Object.keys(inputs)) expect(readme).toContain(`\`${name}\``)
    for (const name of Object.keys(action.outputs)) expect(readme).toContain(dotenvKey(name as never))
  })
})

describe("the component project's own pipeline (gitlab-component/.gitlab-ci.yml)", () => {
  const own = parse(readFileSync('gitlab-component/.gitlab-ci.yml', 'utf8')) as Record<string, { script: string[]; release?: unknown }>

  test('validates against the schema and releases with the release keyword', () => {
    expect(ciValidator()(own)).toEqual([])
    expect(own.release?.release).toMatchObject({ tag_name: '$CI_COMMIT_TAG' })
  })

  test("its version check reads the template's version default", () => {
    const line = (own['check-version']?.script[0] ?? '').trim()
    expect(line).toMatch(/^VERSION=/)
    const version = execFileSync('sh', ['-c', `${line}\nprintf %s "$VERSION"`], { cwd: 'gitlab-component', encoding: 'utf8' })
    expect(version).toBe(packageVersion)
  })
})
