/**
 * The determinism self-check: run the same (seed, scenario) twice and compare traces. When the
 * hashes differ the kept lines name the first line where the runs diverged, which is where to
 * look for a stray Math.random, wall-clock read or Map-iteration-order dependence.
 */
import type { Trace } from './trace.js';

export interface TraceDifference {
  /** 1-based line number of the first differing line. */
  readonly line: number;
  /** That line in each run (undefined when that run's trace ended earlier). */
  readonly first: string | undefined;
  readonly second: string | undefined;
}

/** The first line where two traces differ, or undefined when they are identical. */
export function firstDifference(a: readonly string[], b: readonly string[]): TraceDifference | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] !== b[i]) return { line: i + 1, first: a[i], second: b[i] };
  }
  return undefined;
}

export interface DeterminismReport {
  readonly identical: boolean;
  readonly hashes: readonly [string, string];
  readonly difference: TraceDifference | undefined;
}

/**
 * Runs `runOnce` twice (it must build a fresh world that keeps trace lines, run it and return
 * its trace) and reports whether the two traces are byte-identical.
 */
export function checkDeterminism(runOnce: () => Trace): DeterminismReport {
  const first = runOnce();
  const second = runOnce();
  const hashes: [string, string] = [first.hash(), second.hash()];
  const identical = hashes[0] === hashes[1] && first.count === second.count;
  let difference = identical ? undefined : firstDifference(first.lines(), second.lines());
  if (!identical && difference === undefined) {
    // Lines were not kept (or were truncated identically): report the count, which is all we know.
    difference = { line: Math.min(first.count, second.count) + 1, first: undefined, second: undefined };
  }
  return { identical, hashes, difference };
}

/** A one-line description of a difference, for error messages. */
export function describeDifference(d: TraceDifference): string {
  return `traces diverge at line ${d.line}: ${JSON.stringify(d.first ?? '<end of trace>')} vs ${JSON.stringify(d.second ?? '<end of trace>')}`;
}
