import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MemberState } from '../../../sim/mongod/member-state.js';
import { readySet, run } from './helpers.js';

const electionTimeoutMs = 10_000;

test('priority takeover: a higher-priority member takes over after (rank+1) x electionTimeout', () => {
  const { world, rs, primary } = readySet(21);
  const target = rs.hosts.find((h) => h !== primary) as string;
  let reply: Record<string, unknown> | null = null;
  rs.reconfig(rs.hosts.map((host) => (host === target ? { host, priority: 5 } : { host })), (r) => { reply = r; });
  world.scheduler.runUntil(() => reply !== null, 10_000);
  assert.is((reply as unknown as Record<string, unknown>)['ok'], 1);
  const since = world.nowMs;
  world.scheduler.runUntil(() => rs.primary() === target, 60_000);
  assert.is(rs.primary(), target);
  const took = world.nowMs - since;
  // Heartbeat (≤ 2 s) to notice + (0 + 1) × 10 s + offset (≤ 1.5 s) + election round trips.
  assert.ok(took >= electionTimeoutMs && took <= electionTimeoutMs + 2000 + 1500 + 500, `takeover took ${took} ms`);
  assert.is(rs.member(primary).memberState, MemberState.SECONDARY);
  assert.equal(rs.violations, []);
});

test('replSetStepDown hands over to a caught-up secondary; the old primary cannot run for secs', () => {
  const { world, rs, client, primary } = readySet(22);
  const reply = run(client, primary, 'admin', { replSetStepDown: 60, secondaryCatchUpPeriodSecs: 10 });
  assert.is(reply['ok'], 1, JSON.stringify(reply));
  assert.is(rs.member(primary).memberState, MemberState.SECONDARY);
  const next = rs.waitForPrimary(5000);
  assert.ok(next !== null && next !== primary, 'election handoff should elect quickly');
  // Crash the new primary: the old one is still in its stepdown period for a while.
  const crashAt = world.nowMs;
  rs.crash(next as string);
  world.scheduler.runUntil(() => rs.primary() !== null, 60_000);
  const third = rs.primary();
  const thirdHost = rs.hosts.find((h) => h !== primary && h !== next) as string;
  assert.is(third, thirdHost, 'the stepped-down member must not win during its stepdown period');
  assert.ok(world.nowMs - crashAt < 15_000);
  assert.equal(rs.violations, []);
});

test('replSetStepDown errors: not primary, bad catch-up period, no caught-up secondary', () => {
  const { world, rs, client, primary } = readySet(23);
  const secondary = rs.hosts.find((h) => h !== primary) as string;
  const notPrimary = run(client, secondary, 'admin', { replSetStepDown: 60 });
  assert.is(notPrimary['code'], 10107);
  const bad = run(client, primary, 'admin', { replSetStepDown: 5, secondaryCatchUpPeriodSecs: 10 });
  assert.is(bad['code'], 2);
  // Partition both secondaries away: nobody can catch up within 1 s.
  world.network.partition([primary], rs.hosts.filter((h) => h !== primary));
  run(client, primary, 'test', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 1 } });
  const timeout = run(client, primary, 'admin', { replSetStepDown: 10, secondaryCatchUpPeriodSecs: 1 });
  assert.is(timeout['code'], 262);
  assert.is(timeout['codeName'], 'ExceededTimeLimit');
  assert.match(String(timeout['errmsg']), /No electable secondaries caught up/);
  const forced = run(client, primary, 'admin', { replSetStepDown: 10, secondaryCatchUpPeriodSecs: 1, force: true });
  assert.is(forced['ok'], 1);
  assert.is(rs.member(primary).memberState, MemberState.SECONDARY);
});

test('replSetFreeze keeps a secondary from running; primaries refuse to freeze', () => {
  const { world, rs, client, primary } = readySet(24);
  const [s1, s2] = rs.hosts.filter((h) => h !== primary) as [string, string];
  const refused = run(client, primary, 'admin', { replSetFreeze: 30 });
  assert.is(refused['code'], 95);
  assert.is(run(client, s1, 'admin', { replSetFreeze: 120 })['ok'], 1);
  rs.crash(primary);
  world.scheduler.runUntil(() => rs.primary() !== null, 60_000);
  assert.is(rs.primary(), s2);
  const unfreeze = run(client, s1, 'admin', { replSetFreeze: 0 });
  assert.is(unfreeze['info'], 'unfreezing');
  assert.equal(rs.violations, []);
});

test('reconfig: new member, tags and setVersion visible in hello; version must increase', () => {
  const { world, rs, client, primary } = readySet(25);
  const before = run(client, primary, 'admin', { hello: 1 });
  assert.is(before['setVersion'], 1);
  let reply: Record<string, unknown> | null = null;
  rs.reconfig([{ host: 'a:27017', tags: { dc: 'east' } }, { host: 'b:27017', tags: { dc: 'west' } }, { host: 'c:27017' }, { host: 'd:27017', priority: 0 }], (r) => { reply = r; });
  world.scheduler.runUntil(() => reply !== null, 10_000);
  assert.is((reply as unknown as Record<string, unknown>)['ok'], 1);
  world.scheduler.runFor(10_000);
  for (const host of ['a:27017', 'b:27017', 'c:27017', 'd:27017']) {
    const hello = run(client, host, 'admin', { hello: 1 });
    assert.is(hello['setVersion'], 2, `${host} setVersion`);
    assert.equal(hello['hosts'], ['a:27017', 'b:27017', 'c:27017']);
    assert.equal(hello['passives'], ['d:27017']);
  }
  assert.equal(run(client, 'a:27017', 'admin', { hello: 1 })['tags'], { dc: 'east' });
  assert.is(run(client, 'd:27017', 'admin', { hello: 1 })['passive'], true);
  const stale = run(client, rs.primary() as string, 'admin', { replSetReconfig: { ...rs.configDocument(2) } });
  assert.is(stale['code'], 103);
  assert.is(stale['codeName'], 'NewReplicaSetConfigurationIncompatible');
});

test('hidden members are absent from hosts and say hidden: true', () => {
  const { client, primary } = readySet(26, { members: [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'h:27017', priority: 0, hidden: true }] });
  const hello = run(client, primary, 'admin', { hello: 1 });
  assert.equal(hello['hosts'], ['a:27017', 'b:27017']);
  assert.is(hello['passives'], undefined);
  const hidden = run(client, 'h:27017', 'admin', { hello: 1 });
  assert.is(hidden['hidden'], true);
  assert.is(hidden['secondary'], true);
});

test('arbiters: listed in arbiters, arbiterOnly in their hello, and their vote elects a primary', () => {
  const { world, rs, client } = readySet(27, { members: [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'arb:27017', arbiterOnly: true }] });
  const primary = rs.primary() as string;
  const hello = run(client, primary, 'admin', { hello: 1 });
  assert.equal(hello['arbiters'], ['arb:27017']);
  const arb = run(client, 'arb:27017', 'admin', { hello: 1 });
  assert.is(arb['arbiterOnly'], true);
  assert.is(arb['isWritablePrimary'], false);
  assert.is(arb['secondary'], false);
  assert.is(arb['lastWrite'], undefined);
  assert.is(rs.member('arb:27017').memberState, MemberState.ARBITER);
  rs.crash(primary);
  const next = rs.waitForPrimary(20_000);
  assert.ok(next !== null && next !== 'arb:27017' && next !== primary);
  // PSA: the implicit default write concern is w:1, so writes succeed with one data member.
  const w = run(client, next as string, 'test', { insert: 'c', documents: [{ _id: 1 }] });
  assert.is(w['ok'], 1);
  assert.is(w['writeConcernError'], undefined);
  assert.equal(rs.violations, []);
});

test('secondary delay shows in lastWrite', () => {
  const { world, rs, client, primary } = readySet(28, { members: [{ host: 'a:27017' }, { host: 'b:27017' }, { host: 'd:27017', priority: 0, secondaryDelaySecs: 60 }] });
  const lastWrite = (host: string): { opTime: { ts: { t: number; i: number } }; lastWriteDate: Date } =>
    run(client, host, 'admin', { hello: 1 })['lastWrite'] as { opTime: { ts: { t: number; i: number } }; lastWriteDate: Date };
  world.scheduler.runFor(120_000);
  run(client, primary, 'test', { insert: 'c', documents: [{ _id: 1 }], writeConcern: { w: 2 } });
  world.scheduler.runFor(20_000);
  const p = lastWrite(primary).lastWriteDate.getTime();
  const d = lastWrite('d:27017').lastWriteDate.getTime();
  assert.ok(p - d >= 40_000 && p - d <= 70_000, `delayed member is ${p - d} ms behind`);
  assert.is(rs.member('d:27017').documents('test.c').length, 0);
  world.scheduler.runFor(60_000);
  assert.is(rs.member('d:27017').documents('test.c').length, 1);
  assert.is(run(client, 'd:27017', 'admin', { hello: 1 })['secondaryDelaySecs'], 60);
});


test('drain: a new primary applies what it already fetched before its first write of the new term', () => {
  // Secondaries apply fetched batches 20 s late, so the write is fetched but not applied at election time.
  const { world, rs, client, primary } = readySet(29, { replicationLagMs: 20_000 });
  world.scheduler.runFor(25_000);
  assert.is(run(client, primary, 'test', { insert: 'c', documents: [{ _id: 'buffered' }], writeConcern: { w: 1 } })['ok'], 1);
  world.scheduler.runFor(100);
  rs.crash(primary);
  const next = rs.waitForPrimary(30_000) as string;
  assert.ok(next !== null && next !== primary);
  const oplog = rs.member(next).oplog.entries;
  const insertAt = oplog.findIndex((e) => e.op === 'i' && e.o['_id'] === 'buffered');
  const firstOfTerm = oplog.findIndex((e) => e.t === rs.member(next).term);
  assert.ok(insertAt >= 0, 'the fetched write was applied during drain');
  assert.ok(insertAt < firstOfTerm, 'before the new term began');
  assert.is(oplog[firstOfTerm]?.t, oplog[oplog.length - 1]?.t);
  assert.equal(rs.violations, []);
});

test.run();
