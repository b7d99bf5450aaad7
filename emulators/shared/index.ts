// What every vendor emulator shares: faults (types, queue, delivery), the request pipeline,
// stats, body reading, percent-encoding, advance modes and the listen/close plumbing.
export type { ApiRequest, ApiResponse } from './api-types.js'
export { receivedHeader } from './api-types.js'
export { type AdvanceMode, type Clocked, checkAdvanceMode, replayPhases } from './advance.js'
export { readBody } from './body.js'
export { type ResponseStyle, deliver } from './deliver.js'
export { FaultQueue } from './fault-queue.js'
export {
  DEFAULT_HUGE_BYTES,
  FAULT_KINDS,
  PROCESSED_BY_DEFAULT,
  isProcessed,
  type Fault,
  type FaultBase,
  type FaultKind,
  type FaultTarget,
  type HugeFault,
  type SimpleFault,
  type SlowFault,
  type StatusFault,
  type ThrottleFault
} from './fault-types.js'
export { decodeLenient, encodeRfc3986 } from './percent-encoding.js'
export { type RequestPipeline, type RoutedOperation, createRequestListener } from './request-pipeline.js'
export { EmulatorServer, type ListenOptions } from './server.js'
export { type BaseStats, type RecordedRequest, zeroCounts } from './stats.js'
