import type { Operation } from '../api/routes.js'
import type { Fault } from './fault-types.js'

interface Armed {
  fault: Fault
  remaining: number
}

/** Injected faults, oldest first. A request takes the first one that targets it. */
export class FaultQueue {
  private armed: Armed[] = []

  inject(fault: Fault): void {
    const times = fault.times ?? 1
    if (!(times > 0)) throw new Error(`fault times must be > 0, got ${String(fault.times)}`)
    this.armed.push({ fault, remaining: times })
  }

  clear(): void {
    this.armed = []
  }

  /** `op` is undefined for a request that matches no route: only 'any' faults hit it. */
  take(op: Operation | undefined): Fault | undefined {
    const index = this.armed.findIndex((a) => a.fault.on === 'any' || a.fault.on === op)
    const hit = this.armed[index]
    if (!hit) return undefined
    hit.remaining -= 1
    if (hit.remaining <= 0) this.armed.splice(index, 1)
    return hit.fault
  }

  get pending(): number {
    return this.armed.length
  }
}
