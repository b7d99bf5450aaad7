// A loopback stand-in for Alibaba Cloud Yunxiao Flow, both of its APIs in one server: the
// Yunxiao OpenAPI (personal access token) and the devops 2021-06-25 POP API (ACS3-signed
// AccessKeys). Built from the vendor document (shared/reference/aliyun-yunxiao.md), not from
// our client.
export { startYunxiaoEmulator, type YunxiaoEmulator, type YunxiaoFault } from './emulator.js'
export { DEMO_FIXTURE, defaultYunxiaoOptions } from './fixture.js'
export type {
  AccessKeyConfig,
  AdvanceMode,
  OrganizationConfig,
  PersonalAccessTokenConfig,
  ScenarioName,
  YunxiaoEmulatorOptions,
  YunxiaoPipelineConfig,
  YunxiaoUserConfig
} from './options.js'
export type { FaultKind, YunxiaoFaultTarget } from './faults/fault-types.js'
export type { RecordedRequest, YunxiaoEmulatorStats } from './stats.js'
export type { YunxiaoRunSnapshot } from './run-snapshot.js'
export type { Operation as YunxiaoOperation } from './api/routes.js'
export type { RunParams as YunxiaoRunParams, YunxiaoApi } from './runs/types.js'
