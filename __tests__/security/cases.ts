/**
 * The hostile cases of issue 12, as tables: each test file runs its table, and tally.test.ts
 * counts them per host and class from the same tables (the figure a report quotes).
 */
import type { HostName } from './hosts.js'
import type { VendorName } from './vendors.js'

const ALL_HOSTS: readonly HostName[] = ['github', 'gitlab', 'cli']

// ---------------------------------------------------------------------------------------------
// 1. Workflow commands and terminal control characters in job names and messages.

export interface TextCase {
  name: string
  /** Which job field carries it. */
  field: 'jobName' | 'jobMessage'
  value: string
  /** Strings only the vendor's text contains (a stop-commands token taken from them is the vendor's). */
  taint: string[]
  /** 'commands': the runner must execute none of it (GitHub); 'controls': no control character survives (every host). */
  kind: 'commands' | 'controls'
  /**
   * Cases of one run: a run may carry one job-name and one job-message payload at once (the suite
   * must stay fast); each case still checks only what its own payload could have caused. Payloads
   * that could hide each other are never paired: a stop-commands would switch off what follows it,
   * and the runner takes only the first ##[ of a line.
   */
  run: string
  /** controls: the characters this payload injects. */
  injects?: string
}

export const TEXT_VENDORS: readonly VendorName[] = ['codearts', 'bkci-v4']

export const TEXT_CASES: readonly TextCase[] = [
  { run: 'c1', name: 'NBSP before ::add-mask:: on a line of a job message', field: 'jobMessage', value: 'Build failed\n\u00a0::add-mask::PWNED-nbsp', taint: ['PWNED-nbsp'], kind: 'commands' },
  { run: 'c5', name: 'EM SPACE before ::stop-commands:: in a job name', field: 'jobName', value: 'Compile\n\u2003::stop-commands::PWNED-em', taint: ['PWNED-em'], kind: 'commands' },
  { run: 'c2', name: 'legacy ##[set-output] in the middle of a job name', field: 'jobName', value: 'compile ##[set-output name=PWNED-so;]b', taint: ['PWNED-so'], kind: 'commands' },
  { run: 'c3', name: 'legacy ##[add-mask] in the middle of a job message', field: 'jobMessage', value: 'error ##[add-mask]PWNED-legacy', taint: ['PWNED-legacy'], kind: 'commands' },
  { run: 'c4', name: 'vertical tab before ::set-env:: on a line of a job message', field: 'jobMessage', value: 'x\n\u000b::set-env name=PATH::/tmp/PWNED-vt', taint: ['PWNED-vt'], kind: 'commands' },
  { run: 'c4', name: 'NBSP, and a zero-width space inside the :: separator, in a job name', field: 'jobName', value: 'Deploy\n\u00a0::save-state name=a:\u200b:PWNED-zw', taint: ['PWNED-zw'], kind: 'commands' },
  { run: 'c2', name: 'NEL (U+0085) before ::add-path:: on a line of a job message', field: 'jobMessage', value: 'x\n\u0085::add-path::/tmp/PWNED-nel', taint: ['PWNED-nel'], kind: 'commands' },
  { run: 'c1', name: 'ideographic space before ::save-state:: in a job name', field: 'jobName', value: 'Deploy\n\u3000::save-state name=run_id::PWNED-ideo', taint: ['PWNED-ideo'], kind: 'commands' },
  { run: 'k1', injects: '\b', name: 'backspaces: FAILED\\b×6PASSED in a job message', field: 'jobMessage', value: 'FAILED\b\b\b\b\b\bPASSED', taint: [], kind: 'controls' },
  { run: 'k1', injects: '\u001b\u0007', name: 'ESC sequences (CSI, OSC title, hidden text) in a job name', field: 'jobName', value: 'Compile\u001b[2J\u001b[8mhidden\u001b]0;PWNED\u0007', taint: [], kind: 'controls' },
  { run: 'k2', injects: '\u009b\u009d\u009c\u007f', name: 'C1 controls (CSI U+009B, OSC U+009D) and DEL in a job message', field: 'jobMessage', value: 'ok\u009b2J\u009d0;PWNED\u009c\u007fdone', taint: [], kind: 'controls' },
  { run: 'k2', injects: '\u0000\u0007\u000c\r', name: 'BEL, NUL, form feed and a carriage return in a job name', field: 'jobName', value: 'bell\u0007nul\u0000ff\u000cPASSED\rFAILED', taint: [], kind: 'controls' }
]

/** Command cases matter where a runner executes commands: GitHub. Control characters matter everywhere. */
export function textCaseHosts(kind: TextCase['kind']): readonly HostName[] {
  return kind === 'commands' ? ['github'] : ALL_HOSTS
}

// ---------------------------------------------------------------------------------------------
// 2. Vendor ids, run numbers, URLs and raw statuses.

export const ID_VENDORS: readonly VendorName[] = ['codearts', 'codearts-pac', 'yunxiao-openapi', 'yunxiao-pop', 'bkci-v4', 'bkci-v3']
export const HOSTILE_ID = 'c0ffee$(touch x)'
export const TRAVERSAL_ID = '../../other/x'
/**
 * Where a vendor id goes into a request path. CodeArts v5 puts the run id in the query of a read,
 * but in the path of a stop: the step is interrupted (SIGINT) so that it stops the run. bk-ci v4
 * keeps ids in the query; Yunxiao's start answer is already checked to be a number.
 */
export const PATH_CASES = [
  { vendor: 'codearts', name: 'run id of the start answer, in the path of the stop sent on SIGINT', field: 'runId', sigint: true },
  { vendor: 'codearts-pac', name: 'pipeline_run_id of the start answer, in the path of every read', field: 'runId', sigint: false },
  { vendor: 'codearts-pac', name: 'pipeline_id of the start answer, in the path of every read', field: 'pipelineId', sigint: false },
  { vendor: 'bkci-v3', name: 'data.id of the start answer, in the path of every read (paths already encoded today; the run_id output is not)', field: 'runId', sigint: false }
] as const satisfies readonly { vendor: VendorName; name: string; field: 'runId' | 'pipelineId'; sigint: boolean }[]
/** The detail answer's field that becomes run_number (Yunxiao: its pipelineRunId, which also makes the run link). */
export const RUN_NUMBER_FIELD: Record<VendorName, string> = {
  codearts: 'run_number',
  'codearts-pac': 'run_number',
  'yunxiao-openapi': 'pipelineRunId',
  'yunxiao-pop': 'pipelineRunId',
  'bkci-v4': 'buildNum',
  'bkci-v3': 'buildNum'
}
export const HOSTILE_RUN_NUMBER = '7\n::set-output name=status::succeeded $(id)'
export const URL_CASES = [
  { name: 'javascript: URL', url: 'javascript:alert(document.domain)//https://devcloud.cn-north-4.huaweicloud.com/' },
  { name: 'foreign host', url: 'https://evil.example/cicd/project/x/pipeline/detail/y/z?v=1' },
  { name: 'look-alike host', url: 'https://devcloud.cn-north-4.huaweicloud.com.evil.example/cicd/x' }
] as const
export const HOSTILE_STATUS = `RUNNING\u001b[2J\u0008\u009b\n::set-output name=status::succeeded ${'x'.repeat(400)}`

export const ID_HOSTS = ALL_HOSTS
/** Paths are what the client sends, whoever hosts it: one host is enough. */
export const PATH_HOSTS: readonly HostName[] = ['cli']

// ---------------------------------------------------------------------------------------------
// 3. Reports: the GitHub job summary, the GitLab dotenv and annotations reports.

export const SUMMARY_CASES = [
  { name: 'HTML tags in job names and messages', jobName: '<img src=x onerror=alert(1)>Compile', jobMessage: '<script>alert(1)</script><a href="https://evil.example/a">details</a>' },
  { name: 'an unbalanced <details> in a job message', jobName: 'Compile', jobMessage: 'see below <details><summary>open me' },
  { name: 'Markdown links and images in a job message', jobName: 'Compile', jobMessage: '[the fix](https://evil.example/fix) ![pixel](https://evil.example/p.png)' },
  { name: 'a bare link in a job name (GitHub autolinks it)', jobName: 'Compile https://evil.example/login', jobMessage: 'failed' }
] as const
export const SUMMARY_SIZE_CASES = ['three failed jobs with 40 KB log lines (GitCode pipeline)', 'three 400 KB job messages (CodeArts)'] as const
export const DOTENV_CASES = ['a 6 KB raw status and a 10 KB run link', 'C1 controls in the run number and raw status'] as const
export const ANNOTATION_CASES = ['a run link on a foreign host, a run number with controls'] as const

// ---------------------------------------------------------------------------------------------
// 4. Secrets in vendor error bodies, and credentials in URL inputs.

export const SECRET_VENDORS: readonly VendorName[] = ['codearts', 'yunxiao-openapi', 'bkci-v4']
/** Distinctive credentials the hostile vendor echoes back (it answers instead of the emulator). */
export const ECHOED_SECRET = 'rlySecret/Q7wZp2Kv9Xn4Tb8Lm3Hd6Jf1'
export const ECHO_FORMS = [
  { name: 'the secret at the point where the preview is cut', body: (s: string) => `<html><body><h1>401 Unauthorized</h1><p>${'.'.repeat(54)} token ${s} is not valid</p></body></html>` },
  { name: 'an upper-case copy', body: (s: string) => `<html>401: token ${s.toUpperCase()} rejected</html>` },
  { name: 'a \\/-escaped JSON copy in a non-JSON body', body: (s: string) => `{"error":"unauthorized","token":"${s.replace(/\//g, '\\/')}"` },
  { name: 'the secret split by a line break', body: (s: string) => `<html>401\ntoken ${s.slice(0, 14)}\n${s.slice(14)} rejected</html>` },
  { name: 'base64 of a JSON document that holds it', body: (s: string) => `<html>401 session=${Buffer.from(JSON.stringify({ sub: 'relay', token: s })).toString('base64')}</html>` }
] as const
export const URL_INPUT_CASES = [
  { name: 'endpoint with user info https://user:p/ss@host', input: 'endpoint', value: 'https://relayuser:p/ss@devcloud.example.com', parts: ['relayuser', 'p/ss'] },
  { name: 'endpoint with an encoded password', input: 'endpoint', value: 'https://relayuser:Zq9%2FpW7x@devcloud.example.com', parts: ['relayuser', 'Zq9', 'pW7x'] },
  { name: 'repository_url with ?private_token=', input: 'repository_url', value: 'https://gitcode.com/emulator/app.git?private_token=glpat-Relay9Xk2Pq7Zt4Wm', parts: ['glpat-Relay9Xk2Pq7Zt4Wm'] }
] as const

// ---------------------------------------------------------------------------------------------

export interface Tally {
  klass: string
  host: HostName | 'static'
  cases: number
}

/** How many cases each class tries on each host. */
export function tally(): Tally[] {
  const rows: Tally[] = []
  const add = (klass: string, host: Tally['host'], cases: number): void => {
    const row = rows.find(r => r.klass === klass && r.host === host)
    if (row) row.cases += cases
    else rows.push({ klass, host, cases })
  }
  for (const c of TEXT_CASES) for (const host of textCaseHosts(c.kind)) add(`1 ${c.kind}`, host, TEXT_VENDORS.length)
  for (const host of ID_HOSTS) {
    add('2 ids, urls, raw_status', host, ID_VENDORS.length /* start run id */ + ID_VENDORS.length /* detail: raw_status, run number, run link */ + URL_CASES.length)
  }
  for (const host of PATH_HOSTS) add('2 ids, urls, raw_status', host, PATH_CASES.length)
  add('3 reports', 'github', SUMMARY_CASES.length + SUMMARY_SIZE_CASES.length)
  add('3 reports', 'gitlab', DOTENV_CASES.length + ANNOTATION_CASES.length)
  for (const host of ALL_HOSTS) add('4 secrets', host, SECRET_VENDORS.length * ECHO_FORMS.length + URL_INPUT_CASES.length)
  add('5 package', 'static', 2)
  return rows
}
