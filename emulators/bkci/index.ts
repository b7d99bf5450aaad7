// A loopback stand-in for Tencent BlueKing CI (bk-ci) behind the BlueKing API gateway: the v4
// (and legacy v3) build endpoints of the open API. Built from the vendor document
// (shared/reference/tencent-bkci.md), not from our client.
export { startBkciEmulator, type BkciEmulator } from './emulator.js'
export { DEMO_FIXTURE, defaultBkciOptions } from './fixture.js'
export type {
  AdvanceMode,
  BkciAccessTokenConfig,
  BkciAppConfig,
  BkciEmulatorOptions,
  BkciPermission,
  BkciPipelineConfig,
  BkciPipelineParam,
  ScenarioName
} from './options.js'
export type { BkciFault, BkciFaultKind, GatewayTimeoutFault } from './faults/fault-types.js'
export type { BkciEmulatorStats, RecordedRequest } from './stats.js'
export type { BkciBuildSnapshot } from './run-snapshot.js'
export type { ApigwType, Operation as BkciOperation } from './api/routes.js'
export { BUILD_STATUSES, type BuildStatus } from './builds/types.js'
