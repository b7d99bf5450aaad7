import { DEMO_FIXTURE, startCodeArtsEmulator, type CodeArtsEmulator, type CodeArtsEmulatorOptions, type Fault } from '../../../emulators/codearts/index.js'
import { emulatorSlot, requestLines } from './emulator-slot.js'
import type { Scenario, World, WorldFault } from './types.js'

const F = DEMO_FIXTURE
const TARGETS = { start: 'run', status: 'detail', retry: 'retry', stop: 'stop' } as const

/** GitCode pipelines through the CodeArts v6 API, signed with an AK/SK (X-Project-Id looked up from IAM, as for v5). */
export function codeArtsPacWorld(options: CodeArtsEmulatorOptions = {}): World {
  const emulator = emulatorSlot('CodeArts', () => startCodeArtsEmulator({ advance: 'per-read', ...options }))
  const live = emulator.live
  return {
    name: 'codearts-pac',
    start: emulator.start,
    stop: emulator.stop,
    inputs(scenario: Scenario, extra = {}) {
      // A run starts from the repository and its file; every other operation names the pipeline.
      const target: Record<string, string> =
        (extra.operation ?? 'run') === 'run'
          ? { repository_url: F.pac.repositoryUrl, pipeline_file: F.pac.files[scenario] }
          : { pipeline_id: F.pac.pipelines[scenario] }
      return {
        provider: 'codearts-pac',
        domain_id: F.domainId,
        endpoint: live().url,
        // The emulator is also IAM: the X-Project-Id of the region is looked up there.
        iam_endpoint: live().url,
        access_key_id: F.accessKey.accessKeyId,
        access_key_secret: F.accessKey.secretAccessKey,
        gitcode_token: F.pac.gitcodeToken,
        ...target,
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
    retryCreatesRun: true,
    // No console page is documented for GitCode pipeline runs, and none is made up.
    hasRunUrl: false,
    secrets: [F.accessKey.accessKeyId, F.accessKey.secretAccessKey, F.pac.gitcodeToken]
  }
}
