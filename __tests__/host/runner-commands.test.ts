import { EOL } from 'node:os'
import { commandsBesidesStops, parseRunnerCommands } from '../fixtures/runner-commands.js'
import { createGitHubHost } from '../../src/host/github.js'
import { couldBeCommand } from '../../src/host/workflow-commands.js'
import * as commands from '../../src/host/workflow-commands.js'
import { stdoutLog } from '../../src/host/stdout.js'

/**
 * Vendor text (a job name, a message, a log line) printed through the GitHub host must make the
 * runner execute nothing. The runner is modelled in __tests__/fixtures/runner-commands.ts from
 * actions/runner's own parser; the first block checks the model against cases from the runner's
 * tests (src/Test/L0/Worker/ActionCommandManagerL0.cs, ActionCommandL0.cs) and its rules.
 */

describe('the runner model', () => {
  test('reads both forms, case-insensitive names, properties and escapes', () => {
    expect(parseRunnerCommands('::set-output name=a::b%0Ac%25\n')).toEqual([{ command: 'set-output', properties: { name: 'a' }, data: 'b\nc%', form: '::' }])
    expect(parseRunnerCommands('::ADD-MASK::x\n')[0]?.command).toBe('ADD-MASK')
    expect(parseRunnerCommands('compile ##[set-output name=a;]b%5D\n')).toEqual([{ command: 'set-output', properties: { name: 'a' }, data: 'b]', form: '##[' }])
    expect(parseRunnerCommands('text ::add-mask::x\n')).toEqual([])
    expect(parseRunnerCommands('::unknown::x\n')).toEqual([])
  })

  test('trims every .NET white space before ::, and passes over zero-width characters', () => {
    for (const space of ['\u00a0', '\u2003', '\u000b', '\u000c', '\u0085', '\u3000', '\u2028', ' \t ']) {
      expect({ space, parsed: parseRunnerCommands(`${space}::add-mask::x`).map(c => c.command) }).toEqual({ space, parsed: ['add-mask'] })
    }
    expect(parseRunnerCommands('a\u00ad##[add-mask]x').map(c => c.command)).toEqual(['add-mask'])
    // The name is read from the match's index + 3, so a zero-width character inside `##[` leaves
    // `[` in front of the name, which no command has.
    expect(parseRunnerCommands('#\u00ad#[add-mask]x')).toEqual([])
    expect(parseRunnerCommands('::add-mask:\u200b:x').map(c => c.command)).toEqual(['add-mask'])
  })

  test('a carriage return ends a line', () => {
    expect(parseRunnerCommands('progress 50%\r::add-mask::x').map(c => c.command)).toEqual(['add-mask'])
  })

  test('stop-commands: everything but the token is text until the token, in either form', () => {
    const parsed = parseRunnerCommands(['::stop-commands::tok123', '::add-mask::a', '##[set-env name=x]y', '##[TOK123]', '::add-mask::b'].join('\n'))
    expect(parsed.map(c => [c.command, c.resume === true])).toEqual([
      ['stop-commands', false],
      ['TOK123', true],
      ['add-mask', false]
    ])
  })
})

const HOSTILE = [
  '::add-mask::secret-looking',
  '  ::set-output name=status::succeeded',
  '\u00a0::add-mask::nbsp',
  '\u2003::stop-commands::x',
  '\u000b::set-env name=NODE_OPTIONS::--require /tmp/x.js',
  '\u000c::add-path::/tmp/evil',
  '\u0085::save-state name=run_id::forged',
  '\u3000::endgroup::',
  '\u200b::add-mask::zero-width',
  '\ufeff::add-mask::bom',
  'compile ##[set-output name=a;]b',
  'ok ##[add-path]/tmp/evil',
  '##[stop-commands]x',
  '#\u00ad#[add-mask]soft-hyphen',
  'first line\n::add-mask::second',
  'first line\r::add-mask::after-cr',
  'FAILED\b\b\b\b\b\bPASSED ::add-mask::x',
  'x\u001b[2K\r::add-mask::after-escape',
  '::ADD-MASK::upper',
  '::stop-commands::pipeline-relay-00000000-0000-4000-8000-000000000000'
]

describe('vendor text through the GitHub host runs nothing', () => {
  let out: string
  const realWrite = stdoutLog.write
  const savedEnv = { ...process.env }
  beforeEach(() => {
    out = ''
    stdoutLog.write = (text: string) => {
      out += text
    }
    for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) delete process.env[name]
  })
  afterEach(() => {
    stdoutLog.write = realWrite
    process.env = { ...savedEnv }
    process.exitCode = undefined
  })

  test.each(HOSTILE.map(text => [JSON.stringify(text), text]))('%s', async (_name, text) => {
    const host = createGitHubHost({})
    host.info(text)
    host.info(`Build / ${text}: failed`)
    host.warning(text)
    host.error(text)
    host.debug(text)
    host.annotateError(text, text)
    await host.group(text, async () => host.info(text))
    host.setFailed(text)
    process.exitCode = undefined
    const executed = commandsBesidesStops(out).map(c => c.command)
    // Ours, one each: warning, error, debug, error (annotation), group, endgroup, error (failed).
    expect(executed).toEqual(['warning', 'error', 'debug', 'error', 'group', 'endgroup', 'error'])
  })

  test('our own commands carry the vendor text as data, intact but for control characters', () => {
    const host = createGitHubHost({})
    host.error('compile ##[set-output name=a;]b ::add-mask::x')
    host.warning('FAILED\b\b\b\b\b\bPASSED')
    expect(parseRunnerCommands(out).map(c => [c.command, c.data])).toEqual([
      ['error', 'compile ##[set-output name=a;]b ::add-mask::x'],
      ['warning', 'FAILEDPASSED']
    ])
  })

  test('a group title stays one line', async () => {
    const host = createGitHubHost({})
    await host.group('Jobs\n##[endgroup]', async () => undefined)
    expect(parseRunnerCommands(out).map(c => [c.command, c.data])).toEqual([
      ['group', 'Jobs ##[endgroup]'],
      ['endgroup', '']
    ])
  })

  test('each wrapped message gets its own random token, from node:crypto', () => {
    commands.info('::add-mask::a')
    commands.info('::add-mask::b')
    const tokens = parseRunnerCommands(out)
      .filter(c => c.command === 'stop-commands')
      .map(c => c.data)
    expect(tokens).toHaveLength(2)
    expect(tokens[0]).not.toBe(tokens[1])
    // Math.random has no say in it.
    const random = Math.random
    Math.random = () => 0
    try {
      out = ''
      commands.info('::add-mask::c')
      commands.info('::add-mask::d')
    } finally {
      Math.random = random
    }
    const fixed = parseRunnerCommands(out).filter(c => c.command === 'stop-commands')
    expect(fixed[0]?.data).not.toBe(fixed[1]?.data)
  })

  test('ordinary text is printed as it is, without the stop-commands lines', () => {
    const host = createGitHubHost({})
    host.info('state: a::b, std::vector, 50% done #[1]')
    expect(out).toBe(`state: a::b, std::vector, 50% done #[1]${EOL}`)
  })
})

describe('couldBeCommand', () => {
  test.each(HOSTILE.filter(text => !text.startsWith('FAILED')))('%j is suspect', text => {
    expect(couldBeCommand(text)).toBe(true)
  })
  test.each(['a::b', 'std::vector<int>', '# [x]', '#[x]', ': :x', 'done'])('%j is not', text => {
    expect(couldBeCommand(text)).toBe(false)
  })
})
