/**
 * The contract between `npm run bench` and each benchmark module. A module named
 * `bench/<topic>.bench.ts` exports `benchmarks: Benchmark[]`; the runner finds every such
 * module, so adding a benchmark never edits a shared file.
 */

export interface BenchResult {
  /** Stable name, e.g. `sdam.update.rs50`. */
  readonly name: string;
  /** The measured figure for mongosim, in `unit`. */
  readonly mongosim: number;
  /** The same figure for the peer (the official driver) in the same run, or null when there is no peer. */
  readonly peer: number | null;
  /** mongosim / peer (higher is better for mongosim), or null without a peer. */
  readonly ratio: number | null;
  /** e.g. `ops/s`, `virtual/wall`, `events/s`. */
  readonly unit: string;
  /** The ratio the issue asks for, when there is one; the runner prints whether it was met. */
  readonly goal?: number;
  /** How `goal` is met: the figure (ratio, else mongosim) at least the goal (default), or at most it (a cost). */
  readonly goalDirection?: 'atLeast' | 'atMost';
}

export interface BenchOptions {
  /** Shorter measuring time, for smoke runs in tests. */
  readonly quick: boolean;
}

export interface Benchmark {
  readonly name: string;
  run(options: BenchOptions): BenchResult[] | Promise<BenchResult[]>;
}
