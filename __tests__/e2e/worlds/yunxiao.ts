import { DEMO_FIXTURE, startYunxiaoEmulator, type YunxiaoEmulator, type YunxiaoEmulatorOptions, type YunxiaoFault } from '../../../emulators/yunxiao/index.js'
import { emulatorSlot, requestLines } from './emulator-slot.js'
import type { Scenario, World, WorldFault } from './types.js'

const F = DEMO_FIXTURE
const TARGETS = { start: 'run', status: 'detail', retry: 'retry', stop: 'stop' } as const

/** Yunxiao Flow through one of its two APIs: the OpenAPI with a token, or the POP API with an AK/SK. */
export function yunxiaoWorld(api: 'openapi' | 'devops-2021-06-25', options: YunxiaoEmulatorOptions = {}): World {
  const emulator = emulatorSlot('Yunxiao', () => startYunxiaoEmulator({ advance: 'per-read', ...options }))
  const live = emulator.live
  const credentials: Record<string, string> =
    api === 'openapi'
      ? { token: F.token }
      : { access_key_id: F.accessKey.accessKeyId, access_key_secret: F.accessKey.accessKeySecret }
  return {
    name: `yunxiao (${api})`,
    start: emulator.start,
    stop: emulator.stop,
    inputs(scenario: Scenario, extra = {}) {
      return {
        provider: 'yunxiao',
        organization_id: F.organizationId,
        pipeline_id: String(F.pipelines[scenario]),
        endpoint: live().url,
        ...credentials,
        ...extra
      }
    },
    runsCreated: () => live().stats.runsCreated,
    requestLines: () => requestLines(live().stats.requests),
    rawStatus: (runId, scenario) => live().getRun(runId, F.pipelines[scenario])?.status,
    canceledStatus: 'CANCELED',
    stoppingStatuses: [],
    stopCount: (runId, scenario) => live().getRun(runId, F.pipelines[scenario])?.stopCount ?? 0,
    attempts: (runId, scenario) => live().getRun(runId, F.pipelines[scenario])?.attempts ?? 0,
    approve: (runId, scenario) => live().approve(runId, F.pipelines[scenario]),
    injectFault: (fault: WorldFault) => live().injectFault({ ...fault, on: TARGETS[fault.on] } as YunxiaoFault),
    clearFaults: () => live().clearFaults(),
    retryCreatesRun: false,
    hasRunUrl: true,
    secrets: [F.token, F.accessKey.accessKeyId, F.accessKey.accessKeySecret, F.temporaryAccessKey.accessKeySecret, F.temporaryAccessKey.securityToken]
  }
}
