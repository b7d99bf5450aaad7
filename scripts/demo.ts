/**
 * `npm run demo`: the built bundle against the local emulators, run exactly as a GitHub runner
 * runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). For each provider: a run that
 * succeeds; for CodeArts also a run that fails and a retry of it that then succeeds, and for bk-ci
 * a failed build retried by skipping its failed task. Nothing leaves the machine.
 */
import { DEMO_FIXTURE as BK, startBkciEmulator } from '../emulators/bkci/index.js'
import { DEMO_FIXTURE as CA, startCodeArtsEmulator } from '../emulators/codearts/index.js'
import { runStep, type StepResult } from '../emulators/github-runner.js'
import { DEMO_FIXTURE as YX, startYunxiaoEmulator } from '../emulators/yunxiao/index.js'

const [codearts, yunxiao, bkci] = await Promise.all([
  startCodeArtsEmulator({ advance: 'per-read' }),
  startYunxiaoEmulator({ advance: 'per-read' }),
  startBkciEmulator({ advance: 'per-read' })
])
const pace = { poll_interval: '300ms', timeout: '2m' }
const codeArtsInputs = {
  provider: 'codearts',
  project_id: CA.projectId,
  endpoint: codearts.url,
  // The emulator answers IAM's project look-up too (X-Project-Id of the region).
  iam_endpoint: codearts.url,
  access_key_id: CA.accessKey.accessKeyId,
  access_key_secret: CA.accessKey.secretAccessKey,
  ...pace
}
const bkciInputs = {
  provider: 'bkci',
  endpoint: bkci.gatewayUrl,
  project_id: BK.projectId,
  app_code: BK.app.appCode,
  app_secret: BK.app.appSecret,
  username: BK.username,
  ...pace
}

/** The log as the runner's page shows it: debug lines hidden, workflow commands rendered. */
function asRunnerShowsIt(stdout: string): string {
  return stdout
    .split('\n')
    .filter(line => !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
    .map(line => line.replace(/^::(group|endgroup)::/, (_all, what: string) => (what === 'group' ? '▼ ' : '')))
    .map(line => line.replace(/^::(error|warning|notice)(?: [^:]*)?::(.*)$/, (_all, level: string, text: string) => `${level[0]!.toUpperCase()}${level.slice(1)}: ${text}`))
    .filter(line => line !== '')
    .join('\n')
}

function show(title: string, step: StepResult, withSummary: boolean): void {
  const rule = '─'.repeat(76)
  console.log(`\n${rule}\n${title}\n${rule}`)
  console.log(asRunnerShowsIt(step.stdout))
  console.log(`\nexit code ${step.exitCode}; outputs:`)
  for (const [name, value] of Object.entries(step.outputs)) console.log(`  ${name.padEnd(17)} ${value}`)
  if (withSummary) console.log(`\njob summary:\n\n${step.summary.trimEnd()}`)
}

let surprises = 0
async function demo(title: string, inputs: Record<string, string>, expected: string, withSummary = false): Promise<StepResult> {
  const step = await runStep({ inputs })
  show(title, step, withSummary)
  if (step.outputs.status !== expected) surprises += 1
  return step
}

try {
  await demo('1. CodeArts: a run that succeeds', { ...codeArtsInputs, pipeline_id: CA.pipelines.succeed, message: 'Demo: a run that succeeds' }, 'succeeded', true)
  const failed = await demo('2. CodeArts: a run that fails (so the step fails too)', { ...codeArtsInputs, pipeline_id: CA.pipelines.fail }, 'failed', true)
  await demo('3. CodeArts: retry of that run, which now succeeds', { ...codeArtsInputs, pipeline_id: CA.pipelines.fail, operation: 'retry', run_id: failed.outputs.run_id ?? '' }, 'succeeded')
  await demo(
    '4. CodeArts GitCode pipeline (v6): run a pipeline file from a repository',
    {
      provider: 'codearts-pac',
      domain_id: CA.domainId,
      endpoint: codearts.url,
      token: CA.token,
      gitcode_token: CA.pac.gitcodeToken,
      repository_url: CA.pac.repositoryUrl,
      pipeline_file: CA.pac.files.succeed,
      ...pace
    },
    'succeeded'
  )
  await demo(
    '5. Yunxiao Flow, OpenAPI with a personal access token',
    { provider: 'yunxiao', organization_id: YX.organizationId, pipeline_id: String(YX.pipelines.succeed), endpoint: yunxiao.url, token: YX.token, variables: 'ENV=staging', ...pace },
    'succeeded'
  )
  await demo(
    '6. Yunxiao Flow, devops 2021-06-25 API signed with an AK/SK',
    {
      provider: 'yunxiao',
      organization_id: YX.organizationId,
      pipeline_id: String(YX.pipelines.succeed),
      endpoint: yunxiao.url,
      access_key_id: YX.accessKey.accessKeyId,
      access_key_secret: YX.accessKey.accessKeySecret,
      ...pace
    },
    'succeeded'
  )
  await demo('7. bk-ci (v4) through the BlueKing API gateway', { ...bkciInputs, pipeline_id: BK.pipelines.succeed, variables: 'ENV=prod' }, 'succeeded')
  const broken = await demo('8. bk-ci: a build that fails', { ...bkciInputs, pipeline_id: BK.pipelines.fail }, 'failed')
  await demo('9. bk-ci: retry that build, skipping its failed task', { ...bkciInputs, pipeline_id: BK.pipelines.fail, operation: 'retry', run_id: broken.outputs.run_id ?? '', skip_failed: 'true' }, 'succeeded')

  console.log(`\nRuns created: CodeArts ${codearts.stats.runsCreated} (v5 and v6), Yunxiao ${yunxiao.stats.runsCreated}, bk-ci ${bkci.stats.runsCreated}; one per run step, none for a retry except where the vendor makes one.`)
} finally {
  await Promise.all([codearts.close(), yunxiao.close(), bkci.close()])
}
if (surprises > 0) {
  console.error(`\nThe demo did not go as expected in ${surprises} step(s).`)
  process.exitCode = 1
}
