/**
 * Throughput measurement shared by benchmarks: run `fn` in growing batches until
 * `minWallMs` of wall time has passed, after a warm-up, and report operations per second.
 * Peers are measured alternately in the same process so machine noise hits both.
 */
import { performance } from 'node:perf_hooks';

export interface MeasureOptions {
  readonly minWallMs: number;
  readonly warmupMs: number;
}

export function defaultMeasureOptions(quick: boolean): MeasureOptions {
  return quick ? { minWallMs: 50, warmupMs: 10 } : { minWallMs: 1000, warmupMs: 200 };
}

/** Calls `fn(i)` repeatedly; returns operations per second. `fn` does one operation per call. */
export function opsPerSecond(fn: (i: number) => unknown, options: MeasureOptions): number {
  const maxBatch = 1 << 24;
  let sink: unknown;
  const warmEnd = performance.now() + options.warmupMs;
  let i = 0;
  while (performance.now() < warmEnd && i < maxBatch) sink = fn(i++);
  let ops = 0;
  let batch = 16;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < options.minWallMs) {
    for (let j = 0; j < batch; j++) sink = fn(i++);
    ops += batch;
    elapsed = performance.now() - start;
    if (batch < maxBatch) batch *= 2;
  }
  keep(sink);
  return (ops * 1000) / elapsed;
}

/** Measures mongosim and its peer in alternating rounds and returns the medians. */
export function comparePeers(
  ours: (i: number) => unknown,
  peer: (i: number) => unknown,
  options: MeasureOptions,
  rounds = 3,
): { mongosim: number; peer: number; ratio: number } {
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(opsPerSecond(ours, options));
    b.push(opsPerSecond(peer, options));
  }
  const m = median(a);
  const p = median(b);
  return { mongosim: m, peer: p, ratio: m / p };
}

/** Upper bound on awaited operations in one measurement (a loop bound; never reached in practice). */
export const maxAwaitedOperations = 10_000_000;

/**
 * Like `opsPerSecond`, for operations that are awaited one at a time. `firstIndex` lets
 * alternating rounds hand `fn` indexes that never repeat (e.g. fresh `_id`s).
 */
export async function asyncOpsPerSecond(fn: (i: number) => Promise<unknown>, options: MeasureOptions, firstIndex = 0): Promise<number> {
  let i = firstIndex;
  let sink: unknown;
  const warmEnd = performance.now() + options.warmupMs;
  while (performance.now() < warmEnd && i - firstIndex < maxAwaitedOperations) sink = await fn(i++);
  const start = performance.now();
  let ops = 0;
  let elapsed = 0;
  while (elapsed < options.minWallMs && ops < maxAwaitedOperations) {
    sink = await fn(i++);
    ops++;
    elapsed = performance.now() - start;
  }
  keep(sink);
  return (ops * 1000) / elapsed;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

let blackhole: unknown;
/** Keeps a value alive so the optimiser cannot drop the measured work. */
export function keep(value: unknown): void {
  blackhole = value;
  if (blackhole === Symbol.for('never')) throw new Error('unreachable');
}
