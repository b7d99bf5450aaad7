// The run shapes each pipeline plays. Phases are what one `advance` moves: per detail read in
// 'per-read' mode, per msPerPhase in timed mode. Job and stage identifiers are fixed so tests
// can name them in choose_jobs / choose_stages.
import type { JobTemplate, ScenarioTemplate, StageTemplate, StepTemplate } from './types.js'

export type ScenarioName = 'succeed' | 'fail' | 'gate' | 'queued' | 'long'

export const SCENARIO_NAMES: readonly ScenarioName[] = ['succeed', 'fail', 'gate', 'queued', 'long']

/** Fixed identifiers, in the apidef's timestamp+UUID form (reference 1.2). */
export const IDENTIFIERS = {
  buildStage: '1700000000001a1b2c3d4-0000-4000-8000-000000000001',
  compileJob: '1700000000002a1b2c3d4-0000-4000-8000-000000000002',
  unitTestJob: '1700000000003a1b2c3d4-0000-4000-8000-000000000003',
  reviewStage: '1700000000004a1b2c3d4-0000-4000-8000-000000000004',
  reviewJob: '1700000000005a1b2c3d4-0000-4000-8000-000000000005',
  deployStage: '1700000000006a1b2c3d4-0000-4000-8000-000000000006',
  deployJob: '1700000000007a1b2c3d4-0000-4000-8000-000000000007',
  soakStage: '1700000000008a1b2c3d4-0000-4000-8000-000000000008',
  soakJob: '1700000000009a1b2c3d4-0000-4000-8000-000000000009'
} as const

const checkout: StepTemplate = { name: 'Checkout', task: 'official_devcloud_checkout', businessType: 'Normal' }
// Step outputs: two steps write STATUS, so a client must keep both values apart; the others echo
// the run's variables, so what a run really used (not what it was sent) can be read back.
const compile: StepTemplate = {
  name: 'Maven build',
  task: 'official_devcloud_mavenBuild',
  businessType: 'Build',
  outputs: [
    { key: 'VERSION', value: '${VERSION}' },
    { key: 'STATUS', value: 'built' }
  ]
}
const unitTest: StepTemplate = {
  name: 'Unit tests',
  task: 'official_devcloud_unitTest',
  businessType: 'Test',
  outputs: [
    { key: 'STATUS', value: 'passed' },
    { key: 'TESTS_RUN', value: '42' }
  ]
}
const deploy: StepTemplate = {
  name: 'Deploy to CCE',
  task: 'official_devcloud_cceDeploy',
  businessType: 'Deploy',
  outputs: [
    { key: 'DEPLOYED_TO', value: '${ENV}' },
    { key: 'REGION', value: '${REGION}' }
  ]
}

function buildStage(failingStep?: StepTemplate): StageTemplate {
  const compileJob: JobTemplate = {
    name: 'Compile',
    identifier: IDENTIFIERS.compileJob,
    steps: [checkout, failingStep ?? compile],
    artifacts: [{ name: 'app-${VERSION}.jar', fileSize: '0.90KB', downloadUrl: 'https://devrepo.example.invalid/artifacts/app-${VERSION}.jar' }]
  }
  const unitTestJob: JobTemplate = { name: 'Unit test', identifier: IDENTIFIERS.unitTestJob, steps: [checkout, unitTest] }
  return { name: 'Build', identifier: IDENTIFIERS.buildStage, jobs: [compileJob, unitTestJob] }
}

const deployStage: StageTemplate = {
  name: 'Deploy',
  identifier: IDENTIFIERS.deployStage,
  jobs: [{ name: 'Deploy', identifier: IDENTIFIERS.deployJob, steps: [deploy] }]
}

export interface ScenarioTuning {
  /** `queued`: phases a new run stays QUEUED; default 2. */
  queuedPhases?: number
  /** `long`: phases the long step keeps RUNNING; default 100. */
  longPhases?: number
}

export function scenarioTemplate(name: ScenarioName, tuning: ScenarioTuning = {}): ScenarioTemplate {
  switch (name) {
    case 'succeed':
      return { stages: [buildStage(), deployStage] }
    case 'fail':
      // Fails on the first attempt only, so a retry of the same run then succeeds.
      return {
        stages: [
          buildStage({
            ...compile,
            failOnAttempts: 1,
            failMessage: 'Build failed: [ERROR] COMPILATION ERROR, mvn exited with code 1'
          }),
          deployStage
        ]
      }
    case 'gate':
      return {
        stages: [
          buildStage(),
          {
            name: 'Approval',
            identifier: IDENTIFIERS.reviewStage,
            jobs: [
              {
                name: 'Manual review',
                identifier: IDENTIFIERS.reviewJob,
                steps: [{ name: 'Manual review', task: 'official_devcloud_manualReview', businessType: 'Check', gate: true }]
              }
            ]
          },
          deployStage
        ]
      }
    case 'queued':
      return { stages: [buildStage(), deployStage], startQueuedPhases: tuning.queuedPhases ?? 2 }
    case 'long':
      return {
        stages: [
          {
            name: 'Soak test',
            identifier: IDENTIFIERS.soakStage,
            jobs: [
              {
                name: 'Soak',
                identifier: IDENTIFIERS.soakJob,
                steps: [checkout, { name: 'Soak test', task: 'official_devcloud_shell', businessType: 'Test', phases: tuning.longPhases ?? 100 }]
              }
            ]
          }
        ]
      }
  }
}
