// A loopback stand-in for the Huawei CodeArts Pipeline v5 API, built from the vendor document
// (shared/reference/huawei-codearts.md), not from our client: end-to-end tests, the demo and
// benchmarks run against it.
export { startCodeArtsEmulator, type CodeArtsEmulator } from './emulator.js'
export { DEMO_FIXTURE, defaultCodeArtsOptions } from './fixture.js'
export type { AccessKeySecret, AdvanceMode, CodeArtsEmulatorOptions, IamProject, PipelineConfig, ScenarioName } from './options.js'
export type { Fault, FaultKind, FaultTarget } from './faults/fault-types.js'
export type { CodeArtsEmulatorStats, RecordedRequest } from './stats.js'
export type { RunSnapshot } from './run-snapshot.js'
export type { Operation } from './api/routes.js'
export { IDENTIFIERS as SCENARIO_IDENTIFIERS } from './runs/scenarios.js'
