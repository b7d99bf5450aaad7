import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { EOL, tmpdir } from 'node:os'
import { join } from 'node:path'
import * as commands from '../../src/host/workflow-commands.js'
import { stdoutLog } from '../../src/host/stdout.js'
import { parseFileCommands } from '../../emulators/github-runner.js'

/**
 * The runner protocol in place of @actions/core: the same lines on stdout and the same file
 * commands, which the end-to-end tests also read back from a real child process.
 */

let dir: string
let captured: string
const realWrite = stdoutLog.write
const savedEnv = { ...process.env }
const savedExitCode = process.exitCode

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-workflow-commands-'))
  captured = ''
  stdoutLog.write = (text: string) => {
    captured += text
  }
  for (const name of ['GITHUB_OUTPUT', 'GITHUB_STATE', 'GITHUB_STEP_SUMMARY']) delete process.env[name]
})

afterEach(() => {
  stdoutLog.write = realWrite
  process.env = { ...savedEnv }
  process.exitCode = savedExitCode
  rmSync(dir, { recursive: true, force: true })
})

/** What reached stdout, each line written as it came (stdout.ts). */
function printed(): string {
  return captured
}

function file(name: string): string {
  const path = join(dir, name)
  writeFileSync(path, '')
  return path
}

describe('inputs and state', () => {
  test('an input is INPUT_<NAME>, spaces as underscores, trimmed; missing is empty', () => {
    process.env.INPUT_PIPELINE_ID = '  abc  '
    process.env['INPUT_MY_INPUT'] = 'x'
    expect(commands.getInput('pipeline_id')).toBe('abc')
    expect(commands.getInput('my input')).toBe('x')
    expect(commands.getInput('run_id')).toBe('')
  })

  test('state is STATE_<name>, as saved (case kept)', () => {
    process.env.STATE_isPost = 'true'
    expect(commands.getState('isPost')).toBe('true')
    expect(commands.getState('run_id')).toBe('')
  })
})

describe('outputs and state through the runner files', () => {
  test('a heredoc with a fresh delimiter per value, read back as the runner reads it', () => {
    process.env.GITHUB_OUTPUT = file('output')
    commands.setOutput('run_id', 'r-1')
    commands.setOutput('summary', 'line 1\nline 2 with % and ::')
    const text = readFileSync(process.env.GITHUB_OUTPUT, 'utf8')
    expect(parseFileCommands(text)).toEqual({ run_id: 'r-1', summary: 'line 1\nline 2 with % and ::' })
    const delimiters = [...text.matchAll(/<<(ghadelimiter_[0-9a-f]{32})\n/g)].map(match => match[1])
    expect(delimiters).toHaveLength(2)
    expect(new Set(delimiters).size).toBe(2)
    expect(printed()).toBe('')
  })

  test('a value that holds its delimiter is refused, and nothing is written', () => {
    process.env.GITHUB_OUTPUT = file('output')
    // With Math.random fixed, the delimiter is known: a value holding it as a line could end the
    // heredoc early and set other outputs. What stops that is the check, not the delimiter's secrecy.
    const random = Math.random
    Math.random = () => 0.5
    try {
      const forged = `x\nghadelimiter_${'80000000'.repeat(4)}\nstatus<<EOF\nsucceeded\nEOF`
      expect(() => commands.setOutput('run_id', forged)).toThrow('The value of run_id contains the file-command delimiter')
    } finally {
      Math.random = random
    }
    expect(readFileSync(process.env.GITHUB_OUTPUT, 'utf8')).toBe('')
  })

  test('saveState writes GITHUB_STATE the same way', () => {
    process.env.GITHUB_STATE = file('state')
    commands.saveState('run_id', 'r-2')
    expect(parseFileCommands(readFileSync(process.env.GITHUB_STATE, 'utf8'))).toEqual({ run_id: 'r-2' })
  })

  test('a runner without the files gets the old commands on stdout', () => {
    commands.setOutput('status', 'succeeded')
    commands.saveState('run_id', 'r-3')
    expect(printed()).toBe(`${EOL}::set-output name=status::succeeded${EOL}::save-state name=run_id::r-3${EOL}`)
  })

  test('a file variable naming a missing file is an error, not a silent loss', () => {
    process.env.GITHUB_OUTPUT = join(dir, 'nowhere')
    expect(() => commands.setOutput('status', 'x')).toThrow(/does not exist/)
  })
})

describe('log commands', () => {
  test('messages escape %, CR and LF; property values also : and ,', () => {
    commands.error('50% done\r\nnext', { title: 'Stage: build, job 1' })
    expect(printed()).toBe(`::error title=Stage%3A build%2C job 1::50%25 done%0D%0Anext${EOL}`)
  })

  test('debug, warning, add-mask, groups; info is a plain line', () => {
    commands.debug('d')
    commands.warning('w')
    commands.setSecret('s3cret')
    commands.startGroup('settings')
    commands.info('plain: text, 100%')
    commands.endGroup()
    expect(printed().split(EOL)).toEqual(['::debug::d', '::warning::w', '::add-mask::s3cret', '::group::settings', 'plain: text, 100%', '::endgroup::', ''])
  })

  test('a plain line that holds a command (vendor text) is logged with commands stopped around it', () => {
    commands.info('Build: failed\n  ::set-output name=status::succeeded')
    const lines = printed().split(EOL)
    const token = /^::stop-commands::(pipeline-relay-[0-9a-f-]{36})$/.exec(lines[0] ?? '')?.[1]
    expect(token).toBeDefined()
    expect(lines.slice(1)).toEqual(['Build: failed', '  ::set-output name=status::succeeded', `::${token ?? ''}::`, ''])
  })

  test('an ordinary line with :: inside it is left alone', () => {
    commands.info('state: a::b')
    expect(printed()).toBe(`state: a::b${EOL}`)
  })

  test('an empty title is left out', () => {
    commands.error('boom', { title: '' })
    expect(printed()).toBe(`::error::boom${EOL}`)
  })

  test('setFailed: exit code 1 and an error line', () => {
    commands.setFailed('it failed')
    expect(process.exitCode).toBe(1)
    expect(printed()).toBe(`::error::it failed${EOL}`)
  })
})

describe('job summary', () => {
  test('appends the markdown and a line end', async () => {
    process.env.GITHUB_STEP_SUMMARY = file('summary')
    writeFileSync(process.env.GITHUB_STEP_SUMMARY, 'before\n')
    await commands.appendSummary('| a | b |')
    await commands.appendSummary('second')
    expect(readFileSync(process.env.GITHUB_STEP_SUMMARY, 'utf8')).toBe(`before\n| a | b |${EOL}second${EOL}`)
  })

  test('without a summary file it is an error (the host checks the variable first)', async () => {
    await expect(commands.appendSummary('x')).rejects.toThrow(/GITHUB_STEP_SUMMARY/)
    process.env.GITHUB_STEP_SUMMARY = join(dir, 'missing', 'summary')
    await expect(commands.appendSummary('x')).rejects.toThrow(/Cannot write the job summary/)
  })
})
