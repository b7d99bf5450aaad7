// Yunxiao faults: the shared fault kinds (emulators/shared/fault-types.ts) aimed at the five
// operations, which cover both APIs (`on: 'run'` hits StartPipelineRun and CreatePipelineRun).
import type { Fault, FaultTarget } from '../../shared/fault-types.js'
import type { Operation } from '../api/routes.js'

export type YunxiaoFaultTarget = FaultTarget<Operation>

export type YunxiaoFault = Fault<Operation>

export type { FaultKind } from '../../shared/fault-types.js'
