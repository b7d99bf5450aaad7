// The run shapes each pipeline plays. Phases are what one advance moves: per detail read in
// 'per-read' mode, per msPerPhase in timed mode.
import type { JobTemplate, ScenarioTemplate, StageTemplate } from './types.js'

export type ScenarioName = 'succeed' | 'fail' | 'gate' | 'long'

export const SCENARIO_NAMES: readonly ScenarioName[] = ['succeed', 'fail', 'gate', 'long']

const javaBuild: JobTemplate = { name: 'Java build', jobSign: 'build_java', phases: 2 }
const unitTest: JobTemplate = { name: 'Unit test', jobSign: 'test_java_unit' }

function buildStage(build: JobTemplate = javaBuild): StageTemplate {
  return { name: 'Build', jobs: [build, unitTest] }
}

const deployStage: StageTemplate = { name: 'Deploy', jobs: [{ name: 'Host deploy', jobSign: 'deploy_vm' }] }

export interface ScenarioTuning {
  /** `long`: phases the long job keeps RUNNING; default 100. */
  longPhases?: number
}

export function scenarioTemplate(name: ScenarioName, tuning: ScenarioTuning = {}): ScenarioTemplate {
  switch (name) {
    case 'succeed':
      return { stages: [buildStage(), deployStage] }
    case 'fail':
      // Fails on its first execution only, so a retry of the job then succeeds.
      return {
        stages: [
          buildStage({ ...javaBuild, failOnAttempts: 1, failMessage: '[ERROR] COMPILATION ERROR: mvn exited with code 1' }),
          deployStage
        ]
      }
    case 'gate':
      return {
        stages: [
          buildStage(),
          { name: 'Approval', jobs: [{ name: 'Manual review', jobSign: 'manual_validate', gate: true }] },
          deployStage
        ]
      }
    case 'long':
      return { stages: [{ name: 'Soak', jobs: [{ name: 'Soak test', jobSign: 'test_soak', phases: tuning.longPhases ?? 100 }] }] }
  }
}
