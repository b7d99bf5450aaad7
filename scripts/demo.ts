/**
 * `npm run demo`: the built bundle against the local CodeArts emulator, run exactly as a GitHub
 * runner runs it (INPUT_* variables, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY). Three steps: a run that
 * succeeds, a run that fails, and a retry of that failed run, which then succeeds.
 */
import { DEMO_FIXTURE, startCodeArtsEmulator } from '../emulators/codearts/index.js'
import { runStep, type StepResult } from '../emulators/github-runner.js'

const emulator = await startCodeArtsEmulator({ advance: 'per-read' })
const common = {
  provider: 'codearts',
  project_id: DEMO_FIXTURE.projectId,
  endpoint: emulator.url,
  access_key_id: DEMO_FIXTURE.accessKey.accessKeyId,
  access_key_secret: DEMO_FIXTURE.accessKey.secretAccessKey,
  poll_interval: '300ms',
  timeout: '2m'
}

function show(title: string, step: StepResult): void {
  const rule = '─'.repeat(72)
  console.log(`\n${rule}\n${title}\n${rule}`)
  console.log(asRunnerShowsIt(step.stdout))
  console.log(`\nexit code ${step.exitCode}; outputs:`)
  for (const [name, value] of Object.entries(step.outputs)) console.log(`  ${name.padEnd(17)} ${value}`)
  console.log('\njob summary:\n')
  console.log(step.summary.trimEnd())
}

/** The log as the runner's page shows it: debug lines hidden, workflow commands rendered. */
function asRunnerShowsIt(stdout: string): string {
  return stdout
    .split('\n')
    .filter(line => !line.startsWith('::debug::') && !line.startsWith('::add-mask::'))
    .map(line => line.replace(/^::(error|warning|notice)(?: [^:]*)?::(.*)$/, (_all, level: string, text: string) => `${level[0]!.toUpperCase()}${level.slice(1)}: ${text}`))
    .join('\n')
    .trimEnd()
}

let failures = 0
try {
  const succeeded = await runStep({ inputs: { ...common, pipeline_id: DEMO_FIXTURE.pipelines.succeed, message: 'Demo: a run that succeeds' } })
  show('1. operation: run — a pipeline that succeeds', succeeded)
  if (succeeded.outputs.status !== 'succeeded') failures += 1

  const failed = await runStep({ inputs: { ...common, pipeline_id: DEMO_FIXTURE.pipelines.fail, message: 'Demo: a run that fails' } })
  show('2. operation: run — a pipeline that fails (the step fails too)', failed)
  if (failed.outputs.status !== 'failed') failures += 1

  const retried = await runStep({
    inputs: { ...common, pipeline_id: DEMO_FIXTURE.pipelines.fail, operation: 'retry', run_id: failed.outputs.run_id ?? '' }
  })
  show('3. operation: retry — the failed run again, which now succeeds', retried)
  if (retried.outputs.status !== 'succeeded') failures += 1

  console.log(`\nThe emulator created ${emulator.stats.runsCreated} runs for 2 run steps and 1 retry step.`)
} finally {
  await emulator.close()
}
if (failures > 0) {
  console.error(`\nThe demo did not go as expected in ${failures} step(s).`)
  process.exitCode = 1
}
