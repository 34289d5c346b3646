import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongosProcess } from '../../../sim/mongos/mongos.js';
import { readySet, run } from '../mongod/helpers.js';

function cluster(seed: number): ReturnType<typeof readySet> & { mongos: MongosProcess } {
  const s = readySet(seed);
  const mongos = new MongosProcess(s.world, { host: 'mongos1:27017', shard: { name: 'rs0', hosts: s.rs.hosts } });
  mongos.start();
  return { ...s, mongos };
}

test('mongos hello: isdbgrid, writable, no replica set fields', () => {
  const { client } = cluster(61);
  const hello = run(client, 'mongos1:27017', 'admin', { hello: 1 });
  assert.is(hello['msg'], 'isdbgrid');
  assert.is(hello['isWritablePrimary'], true);
  assert.is(hello['setName'], undefined);
  assert.is(hello['hosts'], undefined);
  assert.is(hello['maxWireVersion'], 25);
  assert.ok(hello['topologyVersion']);
  assert.is(hello['serviceId'], undefined, 'no serviceId outside load-balanced mode');
  assert.is(run(client, 'mongos1:27017', 'admin', { isMaster: 1 })['ismaster'], true);
});

test('mongos routes reads and writes to the shard primary', () => {
  const { client, rs, primary } = cluster(62);
  const w = run(client, 'mongos1:27017', 'test', { insert: 'c', documents: [{ _id: 1 }, { _id: 2 }], writeConcern: { w: 'majority' } });
  assert.equal(w, { n: 2, ok: 1 });
  assert.is(rs.member(primary).documents('test.c').length, 2);
  const f = run(client, 'mongos1:27017', 'test', { find: 'c', filter: { _id: 2 } });
  assert.equal((f['cursor'] as { firstBatch: unknown[] }).firstBatch, [{ _id: 2 }]);
  const secondaryRead = run(client, 'mongos1:27017', 'test', { find: 'c', $readPreference: { mode: 'secondary' } });
  assert.is(secondaryRead['ok'], 1);
});

test('during a shard failover mongos waits for the new primary', () => {
  const { client, rs, primary, world } = cluster(63);
  run(client, 'mongos1:27017', 'test', { insert: 'c', documents: [{ _id: 1 }] });
  rs.crash(primary);
  const sent = world.nowMs;
  const r = run(client, 'mongos1:27017', 'test', { insert: 'c', documents: [{ _id: 2 }] });
  assert.is(r['ok'], 1, JSON.stringify(r));
  assert.ok(world.nowMs - sent > 1000, 'the write waited for an election');
  assert.equal(rs.violations, []);
});

test('mongos gives up with FailedToSatisfyReadPreference when the shard has no primary', () => {
  const { client, rs, world } = cluster(64);
  for (const h of rs.hosts) rs.crash(h);
  const sent = world.nowMs;
  const r = run(client, 'mongos1:27017', 'test', { find: 'c' });
  assert.is(r['code'], 133);
  assert.is(r['codeName'], 'FailedToSatisfyReadPreference');
  assert.ok(world.nowMs - sent >= 20_000);
});

test('failCommand on mongos acts on the router itself', () => {
  const { client, rs, primary } = cluster(65);
  run(client, 'mongos1:27017', 'admin', { configureFailPoint: 'failCommand', mode: { times: 1 }, data: { failCommands: ['insert'], errorCode: 10107 } });
  const r = run(client, 'mongos1:27017', 'test', { insert: 'c', documents: [{ _id: 1 }], lsid: { id: 'x' }, txnNumber: 1 });
  assert.is(r['code'], 10107);
  assert.equal(r['errorLabels'], ['RetryableWriteError']);
  assert.is(rs.member(primary).documents('test.c').length, 0);
  const again = run(client, 'mongos1:27017', 'test', { insert: 'c', documents: [{ _id: 1 }], lsid: { id: 'x' }, txnNumber: 1 });
  assert.is(again['ok'], 1);
});

test('awaitable hello on mongos answers at maxAwaitTimeMS; shutdown ends waiting hellos at once', () => {
  const { client, world, mongos } = cluster(67);
  const tv = run(client, 'mongos1:27017', 'admin', { hello: 1 })['topologyVersion'] as Record<string, unknown>;
  const sent = world.nowMs;
  const r = run(client, 'mongos1:27017', 'admin', { hello: 1, topologyVersion: tv, maxAwaitTimeMS: 5000 });
  assert.is(r['msg'], 'isdbgrid');
  assert.ok(world.nowMs - sent >= 5000 && world.nowMs - sent < 5100);
  let outcome: { ok: boolean; code?: unknown } | null = null;
  client.command('mongos1:27017', 'admin', { hello: 1, topologyVersion: tv, maxAwaitTimeMS: 5000 }, (o) => { outcome = o.ok ? { ok: true, code: o.reply['code'] } : { ok: false }; });
  world.scheduler.runFor(100);
  mongos.shutdown();
  world.scheduler.runFor(100);
  // The waiting hello ends at once: ShutdownInProgress, or (as the network resets the connection) a network error.
  const o = outcome as unknown as { ok: boolean; code?: unknown } | null;
  assert.ok(o !== null, 'the awaiting hello must not hang until maxAwaitTimeMS');
  if (o.ok) assert.is(o.code, 91);
});

test('a mongos restart changes its processId', () => {
  const { client, mongos } = cluster(66);
  const before = mongos.serviceId;
  mongos.restart();
  assert.is.not(mongos.serviceId, before);
  assert.is(run(client, 'mongos1:27017', 'admin', { ping: 1 })['ok'], 1);
});

test.run();
