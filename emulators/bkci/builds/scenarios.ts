// The build shapes each pipeline plays. Phases are what one advance moves: per status or detail
// read in 'per-read' mode, per msPerPhase in timed mode.
import type { ContainerTemplate, ScenarioTemplate, StageTemplate, TaskTemplate } from './types.js'

export type ScenarioName = 'succeed' | 'fail' | 'gate' | 'long'

export const SCENARIO_NAMES: readonly ScenarioName[] = ['succeed', 'fail', 'gate', 'long']

const checkout: TaskTemplate = { name: 'Checkout', atomCode: 'checkout', elementType: 'marketBuild' }
// Compile hands its results on as a build would: a variable set with ::set-variable and an archived package.
const compile: TaskTemplate = {
  name: 'Compile',
  atomCode: 'linuxScript',
  elementType: 'linuxScript',
  phases: 2,
  setVariables: { IMAGE_TAG: 'emulator-app:1.0.0' },
  archives: [{ name: 'app-1.0.0.tar.gz', size: 2_621_440 }]
}
const unitTest: TaskTemplate = { name: 'Unit tests', atomCode: 'linuxScript', elementType: 'linuxScript' }
const deploy: TaskTemplate = { name: 'Deploy to CVM', atomCode: 'cvmDeploy', elementType: 'marketBuild' }

function buildStage(compileTask: TaskTemplate = compile): StageTemplate {
  const build: ContainerTemplate = { name: 'Linux build', type: 'vmBuild', tasks: [checkout, compileTask] }
  const test: ContainerTemplate = { name: 'Unit test', type: 'vmBuild', tasks: [checkout, unitTest] }
  return { name: 'Build', containers: [build, test] }
}

const deployStage = (review = false): StageTemplate => ({
  name: review ? 'Release' : 'Deploy',
  review,
  containers: [{ name: 'Deploy', type: 'normal', tasks: [deploy] }]
})

export interface ScenarioTuning {
  /** `long`: phases the long task keeps RUNNING; default 100. */
  longPhases?: number
}

export function scenarioTemplate(name: ScenarioName, tuning: ScenarioTuning = {}): ScenarioTemplate {
  switch (name) {
    case 'succeed':
      return { stages: [buildStage(), deployStage()] }
    case 'fail':
      // Fails on the first execution only, so a retry (or a skip) then gets through.
      return {
        stages: [
          buildStage({ ...compile, failOnExecuteCount: 1, failMessage: 'Script exit code: 1 (make: *** [all] Error 2)' }),
          deployStage()
        ]
      }
    case 'gate':
      return { stages: [buildStage(), deployStage(true)] }
    case 'long':
      return {
        stages: [
          {
            name: 'Soak',
            containers: [{ name: 'Soak', type: 'vmBuild', tasks: [{ name: 'Soak test', atomCode: 'linuxScript', elementType: 'linuxScript', phases: tuning.longPhases ?? 100 }] }]
          }
        ]
      }
  }
}
