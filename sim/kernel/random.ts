/**
 * Seeded randomness for the simulator, built on `pure-rand`'s xoroshiro128+.
 *
 * A world has one seed; every component draws from its own named stream whose 128-bit
 * starting state is a hash of (seed, stream name). Streams never share state, so adding a
 * stream (say, a new member's election-offset stream) never changes what any other stream
 * draws — the property that keeps a scenario's network draws stable when its topology grows.
 */
import type { RandomSource } from '../../core/random.js';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { fnv1a64Hex } from './hash.js';

/** 2^-53: scales a 53-bit integer into [0, 1). */
const twoPowMinus53 = 1 / 9007199254740992;

export class SimRandom implements RandomSource {
  private readonly rng: JumpableRandomGenerator;

  /** A stream for (seed, name). Prefer `World.random(name)`, which caches streams per name. */
  constructor(
    readonly seed: number,
    readonly name: string,
  ) {
    assertSeed(seed);
    this.rng = xoroshiro128plusFromState(streamState(seed, name));
  }

  /** A uniform integer in [0, maxExclusive); `maxExclusive` is a positive safe integer. */
  int(maxExclusive: number): number {
    if (!(maxExclusive >= 1) || !Number.isSafeInteger(maxExclusive)) {
      throw new RangeError(`SimRandom(${this.name}).int: maxExclusive ${maxExclusive} must be a positive safe integer`);
    }
    return uniformInt(this.rng, 0, maxExclusive - 1);
  }

  /** A uniform integer in [minInclusive, maxInclusive]. */
  intBetween(minInclusive: number, maxInclusive: number): number {
    if (!Number.isSafeInteger(minInclusive) || !Number.isSafeInteger(maxInclusive) || maxInclusive < minInclusive) {
      throw new RangeError(
        `SimRandom(${this.name}).intBetween: [${minInclusive}, ${maxInclusive}] must be safe integers with min <= max`,
      );
    }
    return uniformInt(this.rng, minInclusive, maxInclusive);
  }

  /** A uniform float in [0, 1) with 53 bits of randomness. */
  float(): number {
    const high = this.rng.next() >>> 5; // 27 bits
    const low = this.rng.next() >>> 6; // 26 bits
    return (high * 67108864 + low) * twoPowMinus53;
  }

  /** True with probability `p` (0 never, 1 always — and neither draws). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError(`SimRandom(${this.name}).pick: the array is empty`);
    return items[this.int(items.length)] as T;
  }
}

export function assertSeed(seed: number): void {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed ${String(seed)} must be a non-negative safe integer`);
  }
}

/**
 * The xoroshiro128+ state for a stream: four 32-bit words from two FNV-1a-64 hashes of
 * `${seed}/${name}` with different suffixes, so nearby seeds and similar names land far apart.
 * An all-zero state would stick at zero forever, so it is replaced (it is astronomically rare).
 */
function streamState(seed: number, name: string): number[] {
  const a = fnv1a64Hex(`${seed}/${name}/0`);
  const b = fnv1a64Hex(`${seed}/${name}/1`);
  const words: number[] = [a.slice(0, 8), a.slice(8), b.slice(0, 8), b.slice(8)].map((h) => parseInt(h, 16) | 0);
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return words;
}
