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

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

let blackhole: unknown;
/** Keeps a value alive so the optimiser cannot drop the measured work. */
export function keep(value: unknown): void {
  blackhole = value;
  if (blackhole === Symbol.for('never')) throw new Error('unreachable');
}
