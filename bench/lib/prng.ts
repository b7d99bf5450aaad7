/**
 * Seeded randomness for the benchmarks, so that every policy sees the same runs and a figure can be
 * reproduced exactly: mulberry32 for uniforms, Box–Muller for normal draws.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number
  /** Standard normal. */
  normal(): number
}

export function seeded(seed: number): Random {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
  const normal = (): number => {
    // 1 - next() is in (0, 1], so the logarithm is finite.
    const u = 1 - next()
    const v = next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
  }
  return { next, normal }
}

/** A log-normal draw: `median * exp(sigma * Z)`. */
export function logNormal(random: Random, median: number, sigma: number): number {
  return median * Math.exp(sigma * random.normal())
}
