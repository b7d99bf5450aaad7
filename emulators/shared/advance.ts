// How runs move in every emulator. 'per-read': each read of a run's status moves it one phase
// (deterministic, the default). { msPerPhase }: runs move one phase per msPerPhase of the
// emulator's clock, computed lazily when observed (no timers), for demos.

export type AdvanceMode = 'per-read' | { msPerPhase: number }

export function checkAdvanceMode(mode: AdvanceMode): void {
  if (mode !== 'per-read' && !(mode.msPerPhase > 0)) throw new Error('advance.msPerPhase must be > 0')
}

/** A run that remembers up to when phases have been applied to it. */
export interface Clocked {
  clockAt: number
}

/**
 * Timed mode: replays the phases each run is owed by the clock, in the order given, each phase
 * stamped with its own moment. `phase` returns false when the run cannot move (ended, parked at
 * a gate, waiting for a slot): it then accrues no backlog.
 */
export function replayPhases<R extends Clocked>(runs: Iterable<R>, msPerPhase: number, now: number, phase: (run: R, at: number) => boolean): void {
  const step = Math.max(1, msPerPhase)
  for (const run of runs) {
    while (now - run.clockAt >= step) {
      if (!phase(run, run.clockAt + step)) {
        run.clockAt = now
        break
      }
      run.clockAt += step
    }
  }
}
