import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GITLAB_FILES, createGitLabHost, type GitLabHostOptions } from '../../src/host/gitlab.js'
import type { Host } from '../../src/host/types.js'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'relay-gitlab-host-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const read = (file: keyof typeof GITLAB_FILES): string => readFileSync(join(dir, GITLAB_FILES[file]), 'utf8')

interface Made {
  host: Host
  log: string[]
  codes: number[]
}

function make(env: NodeJS.ProcessEnv = {}, options: GitLabHostOptions = {}): Made {
  const log: string[] = []
  const codes: number[] = []
  const host = createGitLabHost({
    env: { GITLAB_CI: 'true', CI_PROJECT_DIR: dir, CI_JOB_ID: '101', CI_PROJECT_PATH: 'group/app', CI_PIPELINE_ID: '77', ...env },
    write: text => void log.push(text),
    setExitCode: code => void codes.push(code),
    now: () => 1_700_000_000_000,
    ...options
  })
  return { host, log, codes }
}

describe('inputs', () => {
  test('come from INPUT_* variables, as the template sets them', () => {
    const { host } = make({ INPUT_PROVIDER: 'yunxiao', INPUT_PIPELINE_ID: '1234567', INPUT_WAIT: 'true' })
    expect(host.getInput('provider')).toBe('yunxiao')
    expect(host.getInput('pipeline_id')).toBe('1234567')
    expect(host.getInput('run_id')).toBe('')
    expect(host.origin()).toBe('group/app, pipeline 77')
  })
})

describe('outputs', () => {
  test('go to the dotenv report as RELAY_* lines, at once, one line each, empty ones left out', () => {
    const { host } = make()
    host.setOutput('run_id', 'r-42')
    expect(read('dotenv')).toBe('RELAY_RUN_ID=r-42\n')
    host.setOutput('status', 'running')
    host.setOutput('raw_status', '')
    host.setOutput('status', 'failed')
    host.setOutput('run_number', '7\r\nand more ')
    expect(read('dotenv')).toBe('RELAY_RUN_ID=r-42\nRELAY_STATUS=failed\nRELAY_RUN_NUMBER=7 and more\n')
  })

  test('the run link goes to the annotations report, labelled with the run and its status', () => {
    const { host } = make({ INPUT_PROVIDER: 'codearts' })
    host.setOutput('run_id', 'r-42')
    expect(JSON.parse(read('annotations'))).toEqual({})
    host.setOutput('run_url', 'https://console.example.com/runs/r-42')
    host.setOutput('run_number', '7')
    host.setOutput('status', 'succeeded')
    expect(JSON.parse(read('annotations'))).toEqual({
      'pipeline-relay': [{ external_link: { label: 'codearts run #7: succeeded', url: 'https://console.example.com/runs/r-42' } }]
    })
  })

  test('nothing secret reaches the dotenv or annotations reports, in any encoding', () => {
    const secret = 'glpat-Secret-0123456789'
    const { host, log } = make({ INPUT_PROVIDER: secret })
    host.mask(secret)
    host.setOutput('run_url', `https://console.example.com/runs/1?token=${encodeURIComponent(secret)}`)
    host.setOutput('raw_status', `FAILED ${Buffer.from(secret).toString('base64')}`)
    host.saveState('run_id', `run-${secret}`)
    host.info(secret)
    host.setFailed(`refused ${JSON.stringify(secret)}`)
    const written = [read('dotenv'), read('annotations'), read('state'), ...log].join('\n')
    expect(written).not.toContain(secret)
    expect(written).not.toContain(encodeURIComponent(secret))
    expect(written).not.toContain(Buffer.from(secret).toString('base64'))
    expect(read('dotenv')).toContain('RELAY_RUN_URL=https://console.example.com/runs/1?token=***')
  })

  test('a fresh job starts from empty reports, whatever a previous job left in the directory', () => {
    mkdirSync(join(dir, '.pipeline-relay'))
    writeFileSync(join(dir, GITLAB_FILES.dotenv), 'RELAY_RUN_ID=old\n')
    writeFileSync(join(dir, GITLAB_FILES.state), JSON.stringify({ job: '100', values: { run_id: 'old' } }))
    make().host.saveState('isPost', 'true')
    expect(read('dotenv')).toBe('')
    expect(JSON.parse(read('annotations'))).toEqual({})
    expect(JSON.parse(read('state'))).toEqual({ job: '101', values: { isPost: 'true' } })
  })
})

describe('log', () => {
  test('groups are collapsed GitLab sections; warnings and errors are coloured', async () => {
    const { host, log } = make()
    await host.group('pipeline-relay settings', async () => host.info('provider: codearts'))
    host.warning('slow')
    host.error('broken')
    expect(log).toEqual([
      '\u001b[0Ksection_start:1700000000:pipeline_relay_1[collapsed=true]\r\u001b[0Kpipeline-relay settings\n',
      'provider: codearts\n',
      '\u001b[0Ksection_end:1700000000:pipeline_relay_1\r\u001b[0K\n',
      '\u001b[0;33mwarning: slow\u001b[0m\n',
      '\u001b[0;31merror: broken\u001b[0m\n'
    ])
  })

  test('a vendor message cannot open or close a section', () => {
    const { host, log } = make()
    host.info('\u001b[0Ksection_end:1:pipeline_relay_1\r\u001b[0K')
    host.warning('x\u009b0Ksection_start:1:evil[collapsed=true]\r\u009b0K')
    expect(log).toEqual(['section_end:1:pipeline_relay_1\n', '\u001b[0;33mwarning: xsection_start:1:evil[collapsed=true]\u001b[0m\n'])
  })

  test('debug lines only with CI_DEBUG_TRACE or PIPELINE_RELAY_DEBUG', () => {
    const quiet = make()
    quiet.host.debug('hidden')
    expect(quiet.log).toEqual([])
    const traced = make({ CI_DEBUG_TRACE: 'true' })
    traced.host.debug('shown')
    expect(traced.log).toEqual(['\u001b[0;90mdebug: shown\u001b[0m\n'])
  })

  test('exit codes: 2 for bad input, 1 for a failed run', () => {
    const bad = make()
    bad.host.setFailed('Input timeout: "soon" is not a duration', 'input')
    expect(bad.codes).toEqual([2])
    const failed = make()
    failed.host.setFailed('Run #3 failed')
    expect(failed.codes).toEqual([1])
  })
})

describe('within GitLab\'s dotenv rules', () => {
  // GitLab refuses a dotenv report of 5 KiB or more, or with more than 20 variables (self-managed
  // default), and then no output reaches a later job (app/services/ci/parse_dotenv_artifact_service.rb).
  test('long values: the file stays under 5 KiB, the most needed values are kept, and the log says what was left out', () => {
    const { host, log } = make()
    host.setOutput('run_id', 'r-42')
    host.setOutput('raw_status', 'X'.repeat(3000))
    host.setOutput('run_url', `https://console.example.com/runs/r-42?${'q=1&'.repeat(1000)}`)
    host.setOutput('status', 'failed')
    host.setOutput('duration_seconds', '12')
    const dotenv = read('dotenv')
    expect(Buffer.byteLength(dotenv)).toBeLessThan(5 * 1024)
    const keys = dotenv.split('\n').filter(Boolean).map(line => line.split('=')[0])
    expect(keys).toEqual(['RELAY_RUN_ID', 'RELAY_RUN_URL', 'RELAY_STATUS', 'RELAY_DURATION_SECONDS'])
    const warnings = log.filter(line => line.includes('warning: '))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/RELAY_RAW_STATUS is left out of the dotenv report, so later jobs do not get it: its 3018-byte line would take the report over GitLab's 5 KiB limit/)
  })

  test('bytes, not characters: 3-byte characters count three times', () => {
    const { host } = make()
    host.setOutput('run_id', 'r-1')
    host.setOutput('raw_status', '失'.repeat(1700))
    expect(read('dotenv')).toBe('RELAY_RUN_ID=r-1\n')
  })

  test('at most 20 variables', () => {
    const { host, log } = make()
    for (let i = 0; i < 25; i++) host.setOutput(`v${i}` as never, String(i))
    expect(read('dotenv').split('\n').filter(Boolean)).toHaveLength(20)
    expect(log.filter(line => line.includes('GitLab takes at most 20 variables'))).toHaveLength(5)
  })

  test('values are one line of printable text: no control characters, no line breaks', () => {
    const { host } = make()
    host.setOutput('raw_status', 'FAILED\b\b\b\b\b\bPASSED\r\n\u001b[32mok\u001b[0m\u2028next\u0085x')
    expect(read('dotenv')).toBe('RELAY_RAW_STATUS=FAILEDPASSED ok nextx\n')
  })

  test('the annotations report is valid JSON with an http(s) link only', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'not a url']) {
      const { host } = make()
      host.setOutput('run_url', url)
      expect(JSON.parse(read('annotations'))).toEqual({})
    }
    const { host } = make({ INPUT_PROVIDER: 'codearts\u001b[31m"\n' })
    host.setOutput('run_url', 'https://console.example.com/runs/1 "x"')
    host.setOutput('status', 'failed\b\b')
    const annotations = JSON.parse(read('annotations'))
    expect(annotations).toEqual({
      'pipeline-relay': [{ external_link: { label: 'codearts" run : failed', url: 'https://console.example.com/runs/1%20%22x%22' } }]
    })
  })
})

describe('the after_script step (cancel on abort)', () => {
  function mainStep(values: Record<string, string>): void {
    const { host } = make()
    for (const [name, value] of Object.entries(values)) host.saveState(name as never, value)
  }

  test('the main script keeps its state in the project directory', () => {
    mainStep({ isPost: 'true', run_id: 'r-42' })
    expect(JSON.parse(read('state'))).toEqual({ job: '101', values: { isPost: 'true', run_id: 'r-42' } })
  })

  test('after_script of a canceled job is the post step, and reads what the main script kept', () => {
    mainStep({ run_id: 'r-42' })
    const { host } = make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' })
    expect(host.isPost).toBe(true)
    expect(host.getState('run_id')).toBe('r-42')
    expect(host.getState('finished')).toBe('')
    // The post step writes no reports of its own: the main script's outputs stay.
    expect(read('state')).toContain('r-42')
  })

  test('a main script that finished (or stopped the run itself) leaves nothing to stop', () => {
    mainStep({ run_id: 'r-42', finished: 'true' })
    const { host } = make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' })
    expect(host.getState('finished')).toBe('true')
  })

  test.each(['success', 'failed', 'running', undefined])('CI_JOB_STATUS %s: nothing to stop', status => {
    mainStep({ run_id: 'r-42' })
    const { host } = make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: status })
    expect(host.getState('run_id')).toBe('')
  })

  test("another job's state is never this job's", () => {
    mainStep({ run_id: 'r-42' })
    const { host } = make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled', CI_JOB_ID: '102' })
    expect(host.getState('run_id')).toBe('')
  })

  test('no state file, or a broken one: nothing to stop, no crash', () => {
    expect(make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' }).host.getState('run_id')).toBe('')
    mkdirSync(join(dir, '.pipeline-relay'))
    writeFileSync(join(dir, GITLAB_FILES.state), '{"job": "101", "values": ')
    expect(make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' }).host.getState('run_id')).toBe('')
  })

  test('the post step does not reset the reports', () => {
    const { host } = make()
    host.setOutput('run_id', 'r-42')
    make({ PIPELINE_RELAY_STEP: 'after_script', CI_JOB_STATUS: 'canceled' })
    expect(read('dotenv')).toBe('RELAY_RUN_ID=r-42\n')
    expect(existsSync(join(dir, GITLAB_FILES.annotations))).toBe(true)
  })
})

describe('chains of relay jobs', () => {
  test('output_prefix names the dotenv outputs, so two relay jobs can feed one later job', () => {
    const build = make({ INPUT_OUTPUT_PREFIX: 'BUILD_' })
    build.host.setOutput('run_id', 'r-1')
    build.host.setOutput('outputs', '{"VERSION":"1.2.3"}')
    expect(read('dotenv')).toBe('BUILD_RUN_ID=r-1\nBUILD_OUTPUTS={"VERSION":"1.2.3"}\n')
  })

  test('a failed job is a link of its own in the annotations report, with its failure and last log line', () => {
    const { host } = make({ INPUT_PROVIDER: 'bkci' })
    host.setOutput('run_id', 'b-1')
    host.setOutput('run_url', 'https://devops.example.com/console/pipeline/demo/p-1/detail/b-1')
    host.annotateError('exit code 2\nLast lines of its log:\ncompiling\nmake: *** Error 2', 'bk-ci: Build / compile failed')
    const links = (JSON.parse(read('annotations')) as { 'pipeline-relay': { external_link: { label: string; url: string } }[] })['pipeline-relay']
    expect(links.map(link => link.external_link.label)).toEqual(['bkci run b-1', 'bk-ci: Build / compile failed: exit code 2 … make: *** Error 2'])
    expect(links.every(link => link.external_link.url === 'https://devops.example.com/console/pipeline/demo/p-1/detail/b-1')).toBe(true)
  })
})
