import { DEMO_FIXTURE, startBkciEmulator, type BkciEmulator, type BkciEmulatorOptions } from '../../../emulators/bkci/index.js'
import { emulatorSlot, requestLines } from './emulator-slot.js'
import type { Scenario, World, WorldFault } from './types.js'

const F = DEMO_FIXTURE
const TARGETS = { start: 'start', status: 'detail', retry: 'retry', stop: 'stop' } as const

/** bk-ci behind the BlueKing API gateway, through its v4 or v3 paths, with app credentials. */
export function bkciWorld(api: 'v4' | 'v3', options: BkciEmulatorOptions = {}): World {
  const emulator = emulatorSlot('bk-ci', () => startBkciEmulator({ advance: 'per-read', ...options }))
  const live = emulator.live
  return {
    name: `bkci (${api})`,
    start: emulator.start,
    stop: emulator.stop,
    inputs(scenario: Scenario, extra = {}) {
      return {
        provider: 'bkci',
        api,
        endpoint: live().gatewayUrl,
        project_id: F.projectId,
        pipeline_id: F.pipelines[scenario],
        app_code: F.app.appCode,
        app_secret: F.app.appSecret,
        username: F.username,
        ...extra
      }
    },
    runsCreated: () => live().stats.runsCreated,
    requestLines: () => requestLines(live().stats.requests),
    rawStatus: runId => live().getRun(runId)?.status,
    canceledStatus: 'CANCELED',
    stoppingStatuses: ['RUNNING', 'QUEUE'],
    stopCount: runId => live().getRun(runId)?.stopCount ?? 0,
    attempts: runId => live().getRun(runId)?.executeCount ?? 0,
    approve: runId => live().approve(runId),
    injectFault: (fault: WorldFault) => live().injectFault({ ...fault, on: TARGETS[fault.on] } as Parameters<BkciEmulator['injectFault']>[0]),
    clearFaults: () => live().clearFaults(),
    retryCreatesRun: false,
    hasRunUrl: true,
    secrets: [F.app.appSecret, F.accessToken, F.expiredAccessToken, F.ungrantedApp.appSecret]
  }
}
