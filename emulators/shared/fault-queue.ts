// Injected faults, oldest first. A request takes the first one that targets its operation.

interface Targeted {
  on: string
  times?: number
}

interface Armed<F> {
  fault: F
  remaining: number
}

export class FaultQueue<F extends Targeted> {
  private armed: Armed<F>[] = []

  inject(fault: F): void {
    const times = fault.times ?? 1
    if (!(times > 0)) throw new Error(`fault times must be > 0, got ${String(fault.times)}`)
    this.armed.push({ fault, remaining: times })
  }

  clear(): void {
    this.armed = []
  }

  /** `op` is undefined for a request that matches no route: only 'any' faults hit it. */
  take(op: string | undefined): F | undefined {
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
