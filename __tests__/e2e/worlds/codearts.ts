import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type CodeArtsEmulatorOptions, type Fault } from '../../../emulators/codearts/index.js'
import { emulatorSlot, requestLines } from './emulator-slot.js'
import type { Scenario, World, WorldFault } from './types.js'

const F = DEMO_FIXTURE
const TARGETS = { start: 'run', status: 'detail', retry: 'retry', stop: 'stop' } as const

/** CodeArts v5, signed with a permanent AK/SK. */
export function codeArtsWorld(options: CodeArtsEmulatorOptions = {}): World {
  const emulator = emulatorSlot('CodeArts', () => startCodeArtsEmulator({ advance: 'per-read', ...options }))
  const live = emulator.live
  return {
    name: 'codearts',
    start: emulator.start,
    stop: emulator.stop,
    inputs(scenario: Scenario, extra = {}) {
      return {
        provider: 'codearts',
        project_id: F.projectId,
        pipeline_id: F.pipelines[scenario],
        endpoint: live().url,
        // The emulator is also IAM: the X-Project-Id of the region is looked up there.
        iam_endpoint: live().url,
        access_key_id: F.accessKey.accessKeyId,
        access_key_secret: F.accessKey.secretAccessKey,
        ...extra
      }
    },
    runsCreated: () => live().stats.runsCreated,
    requestLines: () => requestLines(live().stats.requests),
    rawStatus: runId => live().getRun(runId)?.status,
    canceledStatus: 'CANCELED',
    stoppingStatuses: [],
    stopCount: runId => live().getRun(runId)?.stopCount ?? 0,
    attempts: runId => live().getRun(runId)?.attempts ?? 0,
    approve: runId => live().approve(runId),
    injectFault: (fault: WorldFault) => live().injectFault({ ...fault, on: TARGETS[fault.on] } as Fault),
    clearFaults: () => live().clearFaults(),
    retryCreatesRun: false,
    hasRunUrl: true,
    secrets: [F.token, F.accessKey.accessKeyId, F.accessKey.secretAccessKey, F.temporaryAccessKey.secretAccessKey, F.temporaryAccessKey.securityToken]
  }
}
