/**
 * server-selection.md "Server Selection Algorithm" steps 6-7 (multi-threaded or async): pick two
 * servers at random from the latency window and take the one with the lower operationCount
 * ("power of two random choices"; see the spec's operationCount rationale).
 */
import type { ServerDescription } from '../sdam/types.js';
import type { RandomSource } from '../random.js';

/** How many operations each server is currently executing, by address. Missing means 0. */
export type OperationCounts = ReadonlyMap<string, number> | ((address: string) => number);

/** Largest window for which n·(n-1) stays a safe 31-bit bound for one `RandomSource.int` draw. */
const maxWindowForOneDraw = 46_341;

function countOf(counts: OperationCounts | undefined, address: string): number {
  if (counts === undefined) return 0;
  const n = typeof counts === 'function' ? counts(address) : counts.get(address);
  return typeof n === 'number' && n === n ? n : 0;
}

/**
 * Chooses one server of a non-empty window. With equal counts each of the two random picks wins
 * half the time, so the choice is uniform over the window.
 */
export function chooseInWindow(
  window: readonly ServerDescription[],
  random: RandomSource,
  operationCounts?: OperationCounts,
): ServerDescription {
  const n = window.length;
  if (n === 0) throw new RangeError('chooseInWindow needs at least one server');
  if (n === 1) return window[0]!;
  let i: number;
  let j: number;
  if (n <= maxWindowForOneDraw) {
    // One draw over the n·(n-1) ordered pairs of distinct indices: the same distribution as two
    // draws (i, then j among the others) at half the cost of the random source.
    const pair = random.int(n * (n - 1));
    i = Math.floor(pair / (n - 1));
    j = pair % (n - 1);
  } else {
    i = random.int(n);
    j = random.int(n - 1);
  }
  if (j >= i) j += 1; // j is uniform over the other n-1 indices
  const first = window[i];
  const second = window[j];
  // Guard against a RandomSource that breaks its contract (out-of-range index).
  if (first === undefined || second === undefined) return window[0]!;
  return countOf(operationCounts, second.address) < countOf(operationCounts, first.address) ? second : first;
}
