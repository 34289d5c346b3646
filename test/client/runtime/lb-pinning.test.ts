/** load-balancers.md "Connection Pinning": a cursor keeps its connection; getMore and killCursors use it without a check-out. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongosProcess } from '../../../sim/mongos/mongos.js';
import { LoadBalancerSim } from '../../../sim/lb/load-balancer.js';
import { readySet, newRuntime, closeSync, runSync, insert } from './helpers.js';

function lbRuntime(seed: number, uri = 'mongodb://lb:27017/?loadBalanced=true') {
  const s = readySet(seed);
  const shard = { name: 'rs0', hosts: s.rs.hosts };
  for (const host of ['mongos1:27017', 'mongos2:27017']) new MongosProcess(s.world, { host, shard, loadBalanced: true }).start();
  s.world.scheduler.runFor(1000);
  new LoadBalancerSim(s.world, { host: 'lb:27017', backends: ['mongos1:27017', 'mongos2:27017'] }).start();
  return newRuntime(s.world, uri);
}

const count = (h: { events: { name: string }[] }, name: string): number => h.events.filter((e) => e.name === name).length;

test('load-balanced: a cursor pins its connection until it is drained; getMore checks nothing out', () => {
  const h = lbRuntime(91);
  assert.ok(runSync(h, insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }])).ok);
  const outBefore = count(h, 'connectionCheckedOut');
  const found = runSync(h, { kind: 'read', databaseName: 'test', command: { find: 'c', batchSize: 2 }, pinCursor: true });
  if (!found.ok) return assert.unreachable(String(found.error));
  assert.type(found.pinnedConnection, 'number');
  assert.is(count(h, 'connectionCheckedOut') - outBefore, 1);
  assert.is(count(h, 'connectionCheckedOut'), count(h, 'connectionCheckedIn') + 1, 'the pinned connection stays out');
  const cursorId = (found.reply['cursor'] as { id: unknown }).id;
  const more = runSync(h, { kind: 'read', databaseName: 'test', command: { getMore: cursorId, collection: 'c' }, address: found.address, pinnedConnection: found.pinnedConnection! });
  assert.ok(more.ok);
  assert.is(count(h, 'connectionCheckedOut') - outBefore, 1, 'getMore used the pinned connection');
  const started = h.events.filter((e) => e.name === 'commandStarted');
  assert.is(started.at(-1)!['connectionId'], found.pinnedConnection);
  h.runtime.releasePinned(found.address, found.pinnedConnection!);
  assert.is(count(h, 'connectionCheckedOut'), count(h, 'connectionCheckedIn'));
  closeSync(h);
});

test('load-balanced: a reply without an open cursor pins nothing; outside load-balanced mode nothing is pinned', () => {
  const h = lbRuntime(92);
  assert.ok(runSync(h, insert('c', [{ _id: 1 }])).ok);
  const found = runSync(h, { kind: 'read', databaseName: 'test', command: { find: 'c' }, pinCursor: true });
  assert.ok(found.ok && found.pinnedConnection === undefined);
  assert.is(count(h, 'connectionCheckedOut'), count(h, 'connectionCheckedIn'));
  closeSync(h);
  const rs = readySet(93);
  const plain = newRuntime(rs.world, 'mongodb://a:27017/?replicaSet=rs0');
  assert.ok(runSync(plain, insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }])).ok);
  const r = runSync(plain, { kind: 'read', databaseName: 'test', command: { find: 'c', batchSize: 1 }, pinCursor: true });
  assert.ok(r.ok && r.pinnedConnection === undefined);
  assert.is(count(plain, 'connectionCheckedOut'), count(plain, 'connectionCheckedIn'));
  closeSync(plain);
});

test('load-balanced: a wait queue timeout says what holds the connections (cursors, transactions, others)', () => {
  const h = lbRuntime(94, 'mongodb://lb:27017/?loadBalanced=true&maxPoolSize=1&waitQueueTimeoutMS=50');
  assert.ok(runSync(h, insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }])).ok);
  const found = runSync(h, { kind: 'read', databaseName: 'test', command: { find: 'c', batchSize: 2 }, pinCursor: true });
  assert.ok(found.ok && found.pinnedConnection !== undefined);
  const blocked = runSync(h, insert('c', [{ _id: 4 }]));
  if (blocked.ok) return assert.unreachable('the only connection is pinned');
  assert.is(blocked.error.name, 'MongoWaitQueueTimeoutError');
  assert.match(blocked.error.message, 'Timeout waiting for connection from the connection pool. maxPoolSize: 1, connections in use by cursors: 1, connections in use by transactions: 0, connections in use by other operations: 0');
  closeSync(h);
});

test.run();
