/**
 * fuzz.failover (issue 12, failover fuzzing): failover scenarios per second per core, as
 * `mongosim fuzz` runs them — a 3-member set, a fault schedule with a primary crash or isolation
 * and up to four more faults, client workloads through the driver runtime, every checker. Only
 * scenarios that elected a new primary after the failover fault count (nearly all do); CPU
 * time of this process is the denominator (one core), since other load on a shared machine
 * distorts wall time far more than it distorts CPU time. Goal: at least 200.
 */
import fc from 'fast-check';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';
import { caseScenario, fuzzCaseArb } from '../harness/fuzz/generate.js';
import { runChecked } from '../harness/fuzz/run-case.js';

const benchSeed = 12;
const members = 3;

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

const failover: Benchmark = {
  name: 'fuzz.failover',
  run(options: BenchOptions): BenchResult[] {
    const warmup = options.quick ? 20 : 300;
    const measured = options.quick ? 40 : 1500;
    const cases = fc.sample(fuzzCaseArb({ members }), { seed: benchSeed, numRuns: warmup + measured });
    for (const c of cases.slice(0, warmup)) runChecked(caseScenario(c, { members }));
    let counted = 0;
    let failures = 0;
    const start = cpuSeconds();
    for (const c of cases.slice(warmup)) {
      const run = runChecked(caseScenario(c, { members }));
      if (run.result.primaries.some((p) => p.atMs > c.failover.atMs)) counted++;
      if (run.failures.length > 0) failures++;
    }
    const seconds = cpuSeconds() - start;
    if (failures > 0) throw new Error(`bench fuzz.failover: ${failures} of ${measured} correct scenarios reported a failure`);
    return [{ name: 'fuzz.failover', mongosim: counted / seconds, peer: null, ratio: null, unit: 'scenarios/s/core', goal: 200 }];
  },
};

export const benchmarks: Benchmark[] = [failover];
