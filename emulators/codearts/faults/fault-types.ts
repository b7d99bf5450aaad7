// CodeArts faults: the shared fault kinds (emulators/shared/fault-types.ts) aimed at the five
// CodeArts operations. Each hits the next `times` requests of one operation (or of any request).
import type { Fault as SharedFault, FaultTarget as SharedFaultTarget } from '../../shared/fault-types.js'
import type { Operation } from '../api/routes.js'

export type FaultTarget = SharedFaultTarget<Operation>

export type Fault = SharedFault<Operation>

export type FaultKind = Fault['kind']

export { DEFAULT_HUGE_BYTES, PROCESSED_BY_DEFAULT, isProcessed } from '../../shared/fault-types.js'
