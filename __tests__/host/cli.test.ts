import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'yaml'
import { RelayError } from '../../src/core/errors.js'
import { commandLineHelp, createCliHost, flagOf, parseArguments, visibleCommandLine, wantsHelp, type ConsoleSinks } from '../../src/host/cli.js'
import { INPUT_NAMES } from '../../src/inputs/index.js'

function sinks(): ConsoleSinks & { out: string; err: string; codes: number[] } {
  const result = {
    out: '',
    err: '',
    codes: [] as number[],
    stdout: (text: string) => void (result.out += text),
    stderr: (text: string) => void (result.err += text),
    setExitCode: (code: number) => void result.codes.push(code)
  }
  return result
}

describe('parseArguments', () => {
  test('kebab-case flags with a separate value or after =', () => {
    const { values, problem } = parseArguments(['--provider', 'codearts', '--pipeline-id=abc', '--poll-interval', '15s'])
    expect(problem).toBeUndefined()
    expect(Object.fromEntries(values)).toEqual({ provider: 'codearts', pipeline_id: 'abc', poll_interval: '15s' })
  })

  test('a value may contain = and spaces', () => {
    expect(parseArguments(['--message=deploy a=b', '--branch', 'feature/x']).values.get('message')).toBe('deploy a=b')
  })

  test('true/false options: alone, --no-, or with a value', () => {
    const { values } = parseArguments(['--wait', '--no-propagate-failure', '--failed-only', 'FALSE', '--skip-failed=true', '--cancel-on-abort', '--provider', 'x'])
    expect(Object.fromEntries(values)).toEqual({ wait: 'true', propagate_failure: 'false', failed_only: 'FALSE', skip_failed: 'true', cancel_on_abort: 'true', provider: 'x' })
  })

  test('--variables and --jobs repeat, one line each', () => {
    const { values } = parseArguments(['--variables', 'A=1', '--jobs', 'a', '--variables', 'B=two words', '--jobs=b'])
    expect(values.get('variables')).toBe('A=1\nB=two words')
    expect(values.get('jobs')).toBe('a\nb')
  })

  test.each([
    [['--pipline-id', 'x'], /--pipline-id is not an option of pipeline-relay; see --help/],
    [['--pipeline_id', 'x'], /did you mean --pipeline-id\?/],
    [['--Provider', 'x'], /did you mean --provider\?/],
    [['--no-branch'], /--no-branch is not an option/],
    [['codearts'], /^argument 1 is not an option; options start with --/],
    [['--token', 't0ken', 's3cret-value'], /^argument 3 is not an option/],
    [['--pipeline-id', 'p', '--wait', 'maybe'], /^argument 4 \(after --wait\) is not an option/],
    [['-p', 'codearts'], /"-p" is not an option/],
    [['--pipeline-id'], /--pipeline-id needs a value/],
    [['--pipeline-id', '--provider', 'x'], /--pipeline-id needs a value/],
    [['--provider', 'a', '--provider', 'b'], /--provider is given twice/]
  ])('%j is a problem: %s', (args, message) => {
    expect(parseArguments(args).problem).toMatch(message)
  })

  test('--help and -h anywhere', () => {
    expect(wantsHelp(['--provider', 'x', '-h'])).toBe(true)
    expect(wantsHelp(['--help'])).toBe(true)
    expect(wantsHelp(['--provider', 'x'])).toBe(false)
  })
})

describe('--help', () => {
  const help = commandLineHelp()
  const action = parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, { default?: string }> }

  test('lists every input as its flag with its default', () => {
    for (const name of INPUT_NAMES) {
      const row = help.split('\n').find(line => line.startsWith(`  ${flagOf(name)} `))
      expect(row).toBeDefined()
      // Text after the flag: a line for every input, and the action's default where it has one.
      expect(row!.slice(flagOf(name).length + 2).trim().length).toBeGreaterThan(10)
      const fallback = action.inputs[name]?.default
      if (fallback !== undefined) expect(row).toContain(`(default: ${fallback})`)
      else expect(row).not.toContain('default:')
    }
  })

  test('explains variables, JSON output and exit codes', () => {
    expect(help).toMatch(/INPUT_PIPELINE_ID for --pipeline-id/)
    expect(help).toMatch(/one JSON object on\s+stdout/)
    expect(help).toMatch(/Exit codes: 0 .*; 1 .*\s.*; 2 bad input/)
  })
})

describe('the command-line host', () => {
  test('flags win over INPUT_* variables; an input in neither is empty', () => {
    const host = createCliHost({ args: ['--pipeline-id', 'from-flag'], env: { INPUT_PIPELINE_ID: 'from-env', INPUT_PROVIDER: 'codearts' }, sinks: sinks() })
    expect(host.getInput('pipeline_id')).toBe('from-flag')
    expect(host.getInput('provider')).toBe('codearts')
    expect(host.getInput('branch')).toBe('')
    expect(host.isPost).toBe(false)
  })

  test('a problem with the arguments is bad input on the first read', () => {
    const host = createCliHost({ args: ['--nope'], env: {}, sinks: sinks() })
    let thrown: unknown
    try {
      host.getInput('provider')
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(RelayError)
    expect(thrown).toMatchObject({ kind: 'input', message: expect.stringMatching(/--nope is not an option/) })
  })

  test('outputs are one JSON object on stdout at the end; the log is on stderr', async () => {
    const out = sinks()
    const host = createCliHost({ args: [], env: {}, sinks: out })
    host.setOutput('run_id', 'r-1')
    await host.group('Jobs', async () => host.info('Build: succeeded'))
    host.setOutput('status', 'succeeded')
    host.warning('slow')
    expect(out.out).toBe('')
    host.finish?.()
    expect(out.out).toBe('{"run_id":"r-1","status":"succeeded"}\n')
    expect(out.err).toBe('Jobs\n  Build: succeeded\nwarning: slow\n')
  })

  test('with nothing set, the JSON is still one object', () => {
    const out = sinks()
    createCliHost({ args: [], env: {}, sinks: out }).finish?.()
    expect(JSON.parse(out.out)).toEqual({})
  })

  test('exit codes: 2 for bad input, 1 for anything else; bad input is not overridden', () => {
    const run = sinks()
    const host = createCliHost({ args: [], env: {}, sinks: run })
    host.setFailed('Run #3 failed')
    expect(run.codes).toEqual([1])
    const bad = sinks()
    const other = createCliHost({ args: [], env: {}, sinks: bad })
    other.setFailed('Input timeout: "soon" is not a duration', 'input')
    other.setFailed('then something else', 'network')
    expect(bad.codes).toEqual([2, 2])
    expect(bad.err).toBe('error: Input timeout: "soon" is not a duration\nerror: then something else\n')
  })

  test('every written text is redacted, the JSON included', () => {
    const out = sinks()
    const host = createCliHost({ args: [], env: {}, sinks: out })
    const secret = 'tok-3f9a8b7c6d5e'
    host.mask(secret)
    host.info(`sending ${secret}`)
    host.warning(encodeURIComponent(secret))
    host.setFailed(`refused ${Buffer.from(secret).toString('base64')}`, 'auth')
    host.annotateError(secret, 'title')
    host.setOutput('run_url', `https://x/?t=${secret}`)
    host.finish?.()
    expect(out.out + out.err).not.toContain(secret)
    expect(out.out + out.err).not.toContain(Buffer.from(secret).toString('base64'))
    expect(out.out).toContain('***')
  })

  test('a credential given as a flag works, with a warning that names the safer variable', () => {
    const out = sinks()
    const host = createCliHost({ args: ['--token', 'tok-3f9a8b7c6d5e'], env: {}, sinks: out })
    expect(host.getInput('token')).toBe('tok-3f9a8b7c6d5e')
    host.getInput('token')
    expect(out.err).toBe('warning: --token was given on the command line, where other users of this machine can read it; INPUT_TOKEN in the environment is safer\n')
  })

  test('debug lines only with PIPELINE_RELAY_DEBUG; escape sequences never reach the terminal', () => {
    const quiet = sinks()
    createCliHost({ args: [], env: {}, sinks: quiet }).debug('hidden')
    expect(quiet.err).toBe('')
    const loud = sinks()
    const host = createCliHost({ args: [], env: { PIPELINE_RELAY_DEBUG: 'true' }, sinks: loud })
    host.debug('shown')
    host.info('vendor says \u001b[2J\rcleared')
    host.info('FAILED\b\b\b\b\b\bPASSED \u009b31mred\u202e')
    expect(loud.err).toBe('debug: shown\nvendor says cleared\nFAILEDPASSED red\n')
  })
})

describe('a credential given as a flag leaves the visible command line at once', () => {
  test('its value (either form) and stray words become ***; the rest stays', () => {
    expect(visibleCommandLine(['--provider', 'codearts', '--token', 'tok-1', '--access-key-secret=sk-2', '--wait', 'false', 'stray-sk-3'])).toBe(
      'pipeline-relay --provider codearts --token *** --access-key-secret=*** --wait false ***'
    )
    expect(visibleCommandLine(['--provider', 'codearts', '--pipeline-id', 'p-1'])).toBeUndefined()
    expect(visibleCommandLine(['--token'])).toBeUndefined()
  })

  test('the host sets it before anything else, and only when there is something to hide', () => {
    const titles: string[] = []
    createCliHost({ args: ['--token', 'tok-3f9a8b7c6d5e'], env: {}, sinks: sinks(), setTitle: title => void titles.push(title) })
    createCliHost({ args: ['--provider', 'x'], env: {}, sinks: sinks(), setTitle: title => void titles.push(title) })
    expect(titles).toEqual(['pipeline-relay --token ***'])
  })

  const linuxOnly = process.platform === 'linux' ? test : test.skip
  linuxOnly('in a real process, /proc/self/cmdline (what ps shows) no longer holds the secret', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-cli-title-'))
    try {
      const script = join(dir, 'probe.mts')
      // Through createHost, as main.ts makes the host: arguments mean the command line.
      const detect = new URL('../../src/host/detect.ts', import.meta.url).pathname
      writeFileSync(
        script,
        `import { readFileSync } from 'node:fs'
import { createHost } from ${JSON.stringify(detect)}
const before = readFileSync('/proc/self/cmdline', 'utf8')
createHost({})
const after = readFileSync('/proc/self/cmdline', 'utf8')
process.stdout.write(JSON.stringify({ before, after, title: process.title }))
`
      )
      const secret = 'tok-SECRET-9f8e7d6c5b4a'
      const result = spawnSync(process.execPath, ['--import', 'tsx', script, '--provider', 'codearts', '--token', secret, '--pipeline-id', 'p-1'], {
        encoding: 'utf8',
        timeout: 20_000
      })
      const seen = JSON.parse(result.stdout) as { before: string; after: string; title: string }
      expect(seen.before).toContain(secret)
      expect(seen.after).not.toContain(secret)
      expect(seen.after.replace(/\0+$/, '')).toBe('pipeline-relay --provider codearts --token *** --pipeline-id p-1')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
