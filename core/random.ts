/**
 * The injected randomness port. The core never calls Math.random: whoever drives a machine
 * passes a source in (seeded `pure-rand` in the simulator and tests).
 */
export interface RandomSource {
  /** A uniformly distributed integer in [0, maxExclusive). `maxExclusive` is a positive integer. */
  int(maxExclusive: number): number;
}
