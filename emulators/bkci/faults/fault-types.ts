// bk-ci faults: the shared kinds (emulators/shared/fault-types.ts) aimed at the six operations,
// plus `gateway-timeout`: the backend creates the build (or does the work) at once, and the
// gateway answers 504 1650401 after its backend timeout (30 s, §1.1; issue #8615 shows starts
// slow enough to hit it).
import type { Fault, FaultBase } from '../../shared/fault-types.js'
import type { Operation } from '../api/routes.js'

export interface GatewayTimeoutFault extends FaultBase<Operation> {
  kind: 'gateway-timeout'
  /** How long the gateway waits before it answers 504; default the emulator's gatewayTimeoutMs (30 s). */
  delayMs?: number
}

export type BkciFault = Fault<Operation> | GatewayTimeoutFault

export type BkciFaultKind = BkciFault['kind']

/** A gateway timeout is a 504 status fault that was processed and answers late. */
export function toSharedFault(fault: BkciFault, defaultDelayMs: number): Fault<Operation> {
  if (fault.kind !== 'gateway-timeout') return fault
  const shared: Fault<Operation> = {
    on: fault.on,
    kind: 'status',
    status: 504,
    errorCode: '1650401',
    errorMsg: 'Request backend timeout [reason="the backend did not answer within 30s"]',
    delayMs: fault.delayMs ?? defaultDelayMs,
    process: fault.process ?? true
  }
  if (fault.times !== undefined) shared.times = fault.times
  return shared
}
