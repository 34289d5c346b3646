import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { World } from '../../../sim/world.js';
import { ReplicaSetSim } from '../../../sim/mongod/replset.js';
import { SimClient } from '../../../sim/mongod/client.js';
import { MemberState } from '../../../sim/mongod/member-state.js';
import { MongodProcess } from '../../../sim/mongod/process.js';
import { hostsABC, newSet, readySet, run } from './helpers.js';

const electionTimeoutMs = 10_000;
const maxOffsetMs = electionTimeoutMs * 0.15;

test('uninitialized members answer hello as RSGhost', () => {
  const { world, rs, client } = newSet(1);
  rs.start();
  const hello = run(client, 'b:27017', 'admin', { hello: 1 });
  assert.is(hello['isreplicaset'], true);
  assert.is(hello['isWritablePrimary'], false);
  assert.is(hello['secondary'], false);
  assert.is(hello['setName'], undefined);
  assert.is(hello['hosts'], undefined);
  assert.ok(hello['topologyVersion']);
  assert.ok(world.nowMs < 100);
  const status = run(client, 'b:27017', 'admin', { replSetGetStatus: 1 });
  assert.is(status['code'], 94);
  assert.is(status['codeName'], 'NotYetInitialized');
});

test('cold start: replSetInitiate over a client connection elects a primary within 12 s', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const world = new World({ seed });
    const rs = new ReplicaSetSim(world, { name: 'rs0', members: hostsABC });
    rs.start();
    const client = new SimClient(world);
    const start = world.nowMs;
    const reply = run(client, 'a:27017', 'admin', { replSetInitiate: rs.configDocument() });
    assert.is(reply['ok'], 1, JSON.stringify(reply));
    const primary = rs.waitForPrimary(12_000);
    assert.ok(primary !== null, `seed ${seed}: no primary within 12 s`);
    assert.ok(world.nowMs - start <= 12_000);
    const hello = run(client, primary as string, 'admin', { hello: 1 });
    assert.is(hello['isWritablePrimary'], true);
    assert.is(hello['setName'], 'rs0');
    assert.equal(hello['hosts'], ['a:27017', 'b:27017', 'c:27017']);
    assert.is(rs.violations.length, 0);
  }
});

test('initiate errors: wrong set name, already initialized, host not in config', () => {
  const { rs, client } = newSet(2);
  rs.start();
  const wrongName = run(client, 'a:27017', 'admin', { replSetInitiate: { _id: 'other', members: [{ _id: 0, host: 'a:27017' }] } });
  assert.is(wrongName['code'], 93);
  const notMe = run(client, 'a:27017', 'admin', { replSetInitiate: { _id: 'rs0', members: [{ _id: 0, host: 'z:27017' }] } });
  assert.is(notMe['code'], 74);
  assert.is(run(client, 'a:27017', 'admin', { replSetInitiate: rs.configDocument() })['ok'], 1);
  const again = run(client, 'a:27017', 'admin', { replSetInitiate: rs.configDocument() });
  assert.is(again['code'], 23);
  assert.is(again['codeName'], 'AlreadyInitialized');
});

test('primary crash: new primary in time; restarted old primary rejoins as SECONDARY; w:1 writes lost, w:majority kept', () => {
  const { world, rs, client, primary } = readySet(7);
  const others = rs.hosts.filter((h) => h !== primary);
  // A majority-acknowledged write.
  const majority = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 'm1' }], writeConcern: { w: 'majority' } });
  assert.is(majority['ok'], 1);
  assert.is(majority['writeConcernError'], undefined);
  // Cut the primary off, then write w:1 to it: acknowledged, journaled, never replicated.
  world.network.partition([primary], others);
  const w1 = run(client, primary, 'test', { insert: 'c', documents: [{ _id: 'w1a' }, { _id: 'w1b' }], writeConcern: { w: 1, j: true } });
  assert.is(w1['n'], 2);
  const crashAt = world.nowMs;
  rs.crash(primary);
  world.network.heal();
  const next = rs.waitForPrimary(30_000);
  assert.ok(next !== null && next !== primary);
  // Election timeout + offset + election round trips (dry run + real vote) + drain.
  assert.ok(world.nowMs - crashAt <= electionTimeoutMs + maxOffsetMs + 200, `took ${world.nowMs - crashAt} ms`);
  rs.restart(primary);
  world.scheduler.runUntil(() => rs.member(primary).memberState === MemberState.SECONDARY && rs.lostWrites.length >= 2, 30_000);
  assert.is(rs.member(primary).memberState, MemberState.SECONDARY);
  const lostIds = rs.lostWrites.map((w) => w.documentId).sort();
  assert.equal(lostIds, ['w1a', 'w1b']);
  assert.ok(rs.lostWrites.every((w) => w.reason === 'rollback' && w.host === primary));
  world.scheduler.runFor(5000);
  for (const host of rs.hosts) {
    const ids = rs.member(host).documents('test.c').map((d) => d['_id']);
    assert.equal(ids, ['m1'], `${host} has ${JSON.stringify(ids)}`);
  }
  assert.equal(rs.violations, []);
});

test('unjournaled w:1 writes may vanish in a crash and are reported lost', () => {
  const { world, rs, client, primary } = readySet(8);
  const others = rs.hosts.filter((h) => h !== primary);
  world.network.partition([primary], others);
  // The reply comes back before the 100 ms journal flush; crash right after.
  let replied = false;
  client.command(primary, 'test', { insert: 'c', documents: [{ _id: 'volatile' }], writeConcern: { w: 1 } }, (o) => { replied = o.ok; });
  world.scheduler.runUntil(() => replied, 1000);
  assert.ok(replied);
  rs.crash(primary);
  assert.equal(rs.lostWrites.map((w) => [w.documentId, w.reason]), [['volatile', 'crash']]);
  world.network.heal();
  rs.restart(primary);
  world.scheduler.runFor(30_000);
  assert.is(rs.member(primary).documents('test.c').length, 0);
  assert.equal(rs.violations, []);
});

test('a standalone keeps journaled writes across a crash and may lose unjournaled ones', () => {
  const world = new World({ seed: 11 });
  const p = new MongodProcess(world, { host: 's:27017' });
  p.start();
  const client = new SimClient(world);
  assert.is(run(client, 's:27017', 'test', { insert: 'c', documents: [{ _id: 'j' }], writeConcern: { j: true } })['ok'], 1);
  let acked = false;
  client.command('s:27017', 'test', { insert: 'c', documents: [{ _id: 'nj' }] }, (o) => { acked = o.ok; });
  world.scheduler.runUntil(() => acked, 1000);
  assert.ok(acked);
  p.crash();
  p.start();
  assert.equal(p.documents('test.c').map((d) => d['_id']), ['j']);
});

test('replSetGetStatus reports members, states, optimes and the term', () => {
  const { client, primary, rs } = readySet(12);
  const status = run(client, primary, 'admin', { replSetGetStatus: 1 });
  assert.is(status['set'], 'rs0');
  assert.is(status['myState'], 1);
  assert.is(status['term'], rs.member(primary).term);
  const members = status['members'] as Array<Record<string, unknown>>;
  assert.equal(members.map((m) => m['stateStr']).sort(), ['PRIMARY', 'SECONDARY', 'SECONDARY']);
  assert.is(members.find((m) => m['self'] === true)?.['name'], primary);
  assert.ok((status['optimes'] as Record<string, unknown>)['lastCommittedOpTime']);
});

test('a clean shutdown of the primary hands the election over at once', () => {
  const { world, rs, primary } = readySet(13);
  const at = world.nowMs;
  rs.shutdown(primary);
  const next = rs.waitForPrimary(5000);
  assert.ok(next !== null && next !== primary);
  assert.ok(world.nowMs - at < 100, `handover took ${world.nowMs - at} ms`);
  assert.equal(rs.lostWrites, []);
});

test('restart gives a new topologyVersion.processId and counter restarts', () => {
  const { world, rs, client } = readySet(9);
  const before = run(client, 'b:27017', 'admin', { hello: 1 });
  rs.restart('b:27017');
  world.scheduler.runFor(5000);
  const after = run(client, 'b:27017', 'admin', { hello: 1 });
  const pid = (d: Record<string, unknown>): string => ((d['topologyVersion'] as { processId: { toHexString(): string } }).processId).toHexString();
  assert.is.not(pid(before), pid(after));
  assert.match(pid(after), /^[0-9a-f]{24}$/);
  assert.is(after['secondary'], true);
});

test('the majority commit point and lastWrite advance with periodic no-ops on an idle set', () => {
  const { world, client, primary } = readySet(10);
  const date = (host: string): number => ((run(client, host, 'admin', { hello: 1 })['lastWrite'] as { lastWriteDate: Date }).lastWriteDate).getTime();
  const d0 = date(primary);
  world.scheduler.runFor(60_000);
  const d1 = date(primary);
  assert.ok(d1 - d0 >= 50_000, `lastWriteDate moved ${d1 - d0} ms in 60 s`);
  const secondary = ['a:27017', 'b:27017', 'c:27017'].find((h) => h !== primary) as string;
  const lw = run(client, secondary, 'admin', { hello: 1 })['lastWrite'] as { majorityWriteDate: Date; lastWriteDate: Date };
  assert.ok(d1 - lw.majorityWriteDate.getTime() <= 10_000);
});

test.run();
