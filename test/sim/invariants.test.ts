/**
 * Property test: random fault schedules (crash, restart, partition, heal, stepDown, clog) on
 * 3- and 5-member sets, with a client writing throughout. After the faults stop and the set
 * heals: zero invariant violations, every write acknowledged with w:majority is still there,
 * and the members converge on one oplog. A failure prints the seed and the shrunk schedule.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { World } from '../../sim/world.js';
import { ReplicaSetSim } from '../../sim/mongod/replset.js';
import { SimClient } from '../../sim/mongod/client.js';
import { InvariantChecker } from '../../sim/mongod/invariants.js';
import type { OplogEntry } from '../../sim/mongod/oplog.js';

type Fault =
  | { kind: 'crash' | 'restart' | 'stepDown' | 'isolate'; member: number; afterMs: number }
  | { kind: 'partition'; member: number; other: number; afterMs: number }
  | { kind: 'clog'; member: number; other: number; durationMs: number; afterMs: number }
  | { kind: 'heal'; afterMs: number };

const faultArb = (members: number): fc.Arbitrary<Fault> => {
  // Index `members` stands for "whoever is primary at that moment": weighted so failovers are frequent.
  const member = fc.oneof({ arbitrary: fc.constant(members), weight: 2 }, { arbitrary: fc.integer({ min: 0, max: members - 1 }), weight: 2 });
  const afterMs = fc.integer({ min: 0, max: 20_000 });
  return fc.oneof(
    { arbitrary: fc.record({ kind: fc.constantFrom('crash' as const, 'isolate' as const, 'stepDown' as const), member, afterMs }), weight: 4 },
    { arbitrary: fc.record({ kind: fc.constant('restart' as const), member: fc.integer({ min: 0, max: members - 1 }), afterMs }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('partition' as const), member, other: member, afterMs }), weight: 2 },
    { arbitrary: fc.record({ kind: fc.constant('clog' as const), member, other: member, durationMs: fc.integer({ min: 100, max: 15_000 }), afterMs }), weight: 1 },
    { arbitrary: fc.record({ kind: fc.constant('heal' as const), afterMs }), weight: 1 },
  );
};

/** Totals over all runs, to show that the schedules really exercise failovers and rollbacks. */
const stats = { elections: 0, lostWrites: 0, majorityAcked: 0, runs: 0 };

interface RunResult {
  violations: string[];
  missingMajorityWrites: string[];
  diverged: string[];
}

export function runSchedule(seed: number, memberCount: number, faults: readonly Fault[], replicationLagMs = 0): RunResult {
  const world = new World({ seed });
  const hosts = Array.from({ length: memberCount }, (_, i) => `m${i}:27017`);
  const rs = new ReplicaSetSim(world, { name: 'rs0', members: hosts.map((host) => ({ host })), replicationLagMs });
  rs.initiate();
  rs.waitForPrimary(30_000);
  const client = new SimClient(world, 'app');
  const acknowledgedMajority: string[] = [];
  let writeId = 0;
  let writing = true;
  // A client writing every 300 ms, alternating w:1 and w:majority, to whichever member is primary.
  const writeTick = (): void => {
    if (!writing) return;
    const primary = rs.primary();
    if (primary !== null) {
      const id = `w${writeId++}`;
      const majority = writeId % 2 === 0;
      client.command(primary, 'test', { insert: 'c', documents: [{ _id: id }], writeConcern: majority ? { w: 'majority', wtimeout: 5000 } : { w: 1 } }, (o) => {
        if (majority && o.ok && o.reply['ok'] === 1 && o.reply['writeConcernError'] === undefined && o.reply['writeErrors'] === undefined) acknowledgedMajority.push(id);
      });
    }
    world.scheduler.after(300, 'test.write', writeTick);
  };
  writeTick();
  for (const fault of faults) {
    world.scheduler.runFor(fault.afterMs);
    if (fault.kind === 'heal') {
      world.network.heal();
      continue;
    }
    const primaryNow = rs.primary() ?? (hosts[0] as string);
    const pick = (i: number): string => (i >= memberCount ? primaryNow : (hosts[i] as string));
    const host = pick(fault.member);
    switch (fault.kind) {
      case 'crash': rs.crash(host); break;
      case 'restart': if (!rs.member(host).isRunning) rs.restart(host); break;
      case 'stepDown': rs.stepDown(host, 10, { secondaryCatchUpPeriodSecs: 5 }); break;
      case 'isolate': world.network.isolate(host); break;
      case 'partition': {
        const other = pick(fault.other);
        if (other !== host) world.network.partition([host], [other]);
        break;
      }
      case 'clog': {
        const other = pick(fault.other);
        if (other !== host) world.network.clog(host, other, fault.durationMs);
        break;
      }
    }
  }
  // Recovery: heal the network, bring everyone back, let the set settle.
  world.network.heal();
  for (const host of hosts) if (!rs.member(host).isRunning) rs.restart(host);
  world.scheduler.runFor(30_000);
  writing = false;
  world.scheduler.runFor(30_000);
  const primary = rs.waitForPrimary(60_000);
  world.scheduler.runFor(10_000);
  stats.elections += rs.checker.primaries.length;
  stats.lostWrites += rs.checker.lostWriteCount;
  stats.majorityAcked += acknowledgedMajority.length;
  const result: RunResult = {
    violations: rs.violations.map((v) => `${v.atMs} ${v.invariant}: ${v.detail}`),
    missingMajorityWrites: [],
    diverged: [],
  };
  if (primary === null) {
    result.violations.push('no primary after healing');
    return result;
  }
  const present = new Set(rs.member(primary).documents('test.c').map((d) => String(d['_id'])));
  result.missingMajorityWrites = acknowledgedMajority.filter((id) => !present.has(id));
  const reference = rs.member(primary).oplog.entries;
  for (const host of hosts) {
    const entries = rs.member(host).oplog.entries;
    const n = Math.min(entries.length, reference.length);
    for (let i = 0; i < n; i++) {
      const a = entries[i] as OplogEntry;
      const b = reference[i] as OplogEntry;
      if (a.ts !== b.ts || a.t !== b.t) {
        result.diverged.push(`${host} differs from ${primary} at oplog index ${i}`);
        break;
      }
    }
  }
  return result;
}

export function property(memberCount: number, numRuns: number): void {
  try {
    propertyInner(memberCount, numRuns);
  } catch (error) {
    // fast-check keeps the property's own error (seed, schedule, what broke) as the cause.
    const cause = (error as { cause?: unknown }).cause;
    throw new Error(`${(error as Error).message}\n${cause instanceof Error ? cause.message : ''}`);
  }
}

function propertyInner(memberCount: number, numRuns: number): void {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.array(faultArb(memberCount), { minLength: 1, maxLength: 12 }), fc.constantFrom(0, 0, 30, 1500), (seed, faults, lagMs) => {
      stats.runs++;
      const r = runSchedule(seed, memberCount, faults, lagMs);
      if (r.violations.length > 0 || r.missingMajorityWrites.length > 0 || r.diverged.length > 0) {
        throw new Error(`seed ${seed}, ${memberCount} members, replication lag ${lagMs} ms, schedule ${JSON.stringify(faults)}:\n${[...r.violations, ...r.missingMajorityWrites.map((w) => `majority write ${w} lost`), ...r.diverged].join('\n')}`);
      }
    }),
    // SIM_PROPERTY_SEED / SIM_PROPERTY_RUNS explore beyond the fixed default (and replay a printed seed).
    { numRuns: Number(process.env['SIM_PROPERTY_RUNS'] ?? numRuns), seed: Number(process.env['SIM_PROPERTY_SEED'] ?? 20261122) + memberCount },
  );
}

test('random fault schedules on a 3-member set keep every invariant', () => {
  property(3, 150);
});

test('random fault schedules on a 5-member set keep every invariant', () => {
  property(5, 100);
});

test('the schedules exercise failovers, rollbacks and majority writes', () => {
  assert.ok(stats.runs > 0);
  assert.ok(stats.elections - stats.runs >= stats.runs / 2, `elections ${stats.elections} in ${stats.runs} runs`);
  assert.ok(stats.lostWrites > 0, 'some w:1 writes must have been rolled back');
  assert.ok(stats.majorityAcked > stats.runs * 10, `majority writes ${stats.majorityAcked}`);
});

test('the checker detects each kind of violation', () => {
  const entry = (ts: number, t: number, op: OplogEntry['op'] = 'i'): OplogEntry => ({ ts, t, op, ns: 'test.c', o: { _id: ts }, wallMs: 0 });
  const c = new InvariantChecker(() => 0);
  c.becamePrimary('a', 1);
  c.becamePrimary('a', 1);
  assert.is(c.violations.length, 0);
  c.becamePrimary('b', 1);
  assert.is(c.violations[0]?.invariant, 'onePrimaryPerTerm');
  c.termChanged('a', 3, 2);
  assert.is(c.violations[1]?.invariant, 'termNeverDecreases');
  c.topologyVersionChanged('a', 'p1', 5);
  c.topologyVersionChanged('a', 'p1', 4);
  assert.is(c.violations[2]?.invariant, 'topologyVersionMonotonic');
  c.topologyVersionChanged('a', 'p2', 1);
  assert.is(c.violations.length, 3, 'a new processId starts over');
  c.committed('a', [entry(10, 1), entry(11, 1)]);
  c.committed('b', [entry(11, 2)]);
  assert.is(c.violations[3]?.invariant, 'committedPrefixAgreement');
  c.lost('a', [entry(10, 1)], 'rollback');
  assert.is(c.violations[4]?.invariant, 'committedNeverLost');
  c.lost('c', [entry(12, 1), entry(12, 1)], 'rollback');
  assert.is(c.violations.length, 5);
  assert.is(c.lostWrites.filter((w) => w.opTime.startsWith('0:12')).length, 1, 'a lost write is counted once');
});

test.run();
