/**
 * Long runs cost the same per virtual day (issue: failover fuzzing at scale).
 *  - sim.faults5.30d: a 5-member set with a random fault every virtual minute and a steady
 *    w:majority write load (upserts over a fixed set of keys, so the data itself stays the same
 *    size) for 30 virtual days. The figure is the CPU cost of the last day divided by the cost
 *    of the first (goal: at most 1.2).
 *  - sim.faults5.30d.heapGrowthMB: live heap after the last day minus after the first, both
 *    after a full GC (goal: under 50 MB).
 * Quick mode runs 3 days. CPU time of this process is used, not wall time: a day takes seconds
 * and other load on a shared machine distorts wall time far more than 20%.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { Benchmark, BenchOptions, BenchResult } from './types.js';
import { electedSet } from './elected-set.js';
import { SimClient } from '../sim/mongod/client.js';
import { scheduleRandomFaults } from '../sim/scenario/random-faults.js';

const dayMs = 86_400_000;
const faultPeriodMs = 60_000;
/** One write every this many virtual ms (a steady load that exercises replication and commit). */
const writePeriodMs = 2_000;
/** Keys the upserts cycle through. */
const keySpace = 1000;

function collectGarbage(): () => void {
  // --expose-gc at run time: the benchmark process is started without it.
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function liveHeapMB(gc: () => void): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

const longRun: Benchmark = {
  name: 'sim.faults5.30d',
  run(options: BenchOptions): BenchResult[] {
    const days = options.quick ? 3 : 30;
    const gc = collectGarbage();
    const { world, rs } = electedSet(5);
    scheduleRandomFaults(world, rs, { periodMs: faultPeriodMs, untilMs: world.nowMs + days * dayMs });
    const client = new SimClient(world, 'bench-client');
    let next = 0;
    const write = (): void => {
      const primary = rs.primary();
      if (primary !== null) {
        const update = { q: { _id: next++ % keySpace }, u: { $inc: { n: 1 } }, upsert: true };
        client.command(primary, 'bench', { update: 'c', updates: [update], writeConcern: { w: 'majority', wtimeout: 30_000 } }, () => undefined);
      }
      world.scheduler.at(world.nowMs + writePeriodMs, 'bench.write', write);
    };
    world.scheduler.at(world.nowMs + writePeriodMs, 'bench.write', write);
    const costs: number[] = [];
    let heapAfterFirstDay = 0;
    for (let day = 0; day < days; day++) {
      const start = cpuMs();
      world.scheduler.runFor(dayMs);
      costs.push(cpuMs() - start);
      if (day === 0) heapAfterFirstDay = liveHeapMB(gc);
    }
    const heapGrowth = liveHeapMB(gc) - heapAfterFirstDay;
    if (rs.checker.violationCount > 0) {
      process.stderr.write(`bench sim.faults5.30d: ${rs.checker.violationCount} invariant violation(s), first: ${JSON.stringify(rs.violations[0])}\n`);
    }
    // The first day also pays for V8's warm-up; the second is the fair baseline when there is one.
    const first = costs[days > 2 ? 1 : 0] as number;
    const last = costs[costs.length - 1] as number;
    return [
      { name: 'sim.faults5.30d', mongosim: last / first, peer: null, ratio: null, unit: 'last day / first day CPU', goal: 1.2, goalDirection: 'atMost' },
      { name: 'sim.faults5.30d.heapGrowthMB', mongosim: heapGrowth, peer: null, ratio: null, unit: 'MB', goal: 50, goalDirection: 'atMost' },
    ];
  },
};

export const benchmarks: Benchmark[] = [longRun];
