import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoInvalidArgumentError, MongoServerSelectionError, MongoServerError, MongoError } from '../../../core/errors.js';
import { UUID } from 'bson';
import { readySet, newRuntime, closeSync, runSync, insert, find, spyTransport, secondaryPreferred, type SentCommand } from './helpers.js';
import { ClientRuntime } from '../../../client/runtime/runtime.js';
import { simPorts } from '../../../harness/sim-ports.js';
import { World } from '../../../sim/world.js';

test('implicit sessions: a UUID lsid, reused after the operation; txnNumber grows per retryable write', () => {
  const { world } = readySet(61);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime('mongodb://a:27017/?replicaSet=rs0', { ports });
  const h = { world, ports, runtime, events: [] };
  for (let i = 0; i < 3; i++) assert.ok(runSync(h, insert('c', [{ _id: i }])).ok);
  assert.ok(runSync(h, find('c')).ok);
  const inserts = sent.filter((s) => s.body['insert'] === 'c');
  assert.is(inserts.length, 3);
  const lsid = inserts[0]!.body['lsid'] as { id: UUID };
  assert.instance(lsid.id, UUID);
  const hex = lsid.id.toHexString(false);
  assert.is(hex.length, 32);
  // Version 4, RFC 4122 variant.
  assert.is(hex[12], '4');
  assert.ok('89ab'.includes(hex[16]!));
  for (const s of inserts) assert.equal(s.body['lsid'], lsid, 'the one pooled session is reused');
  assert.equal(inserts.map((s) => s.body['txnNumber']), [1n, 2n, 3n]);
  const read = sent.find((s) => s.body['find'] === 'c')!;
  assert.equal(read.body['lsid'], lsid);
  assert.is(read.body['txnNumber'], undefined, 'reads carry no txnNumber');
  assert.is(runtime.pooledSessions, 1);
  // Concurrent operations get distinct sessions.
  let done = 0;
  for (let i = 10; i < 13; i++) runtime.run(insert('c', [{ _id: i }]), () => { done++; });
  world.scheduler.runUntil(() => done === 3, 10_000);
  const concurrent = sent.filter((s) => s.body['insert'] === 'c').slice(-3).map((s) => (s.body['lsid'] as { id: UUID }).id.toHexString(false));
  assert.is(new Set(concurrent).size, 3);
  assert.is(runtime.pooledSessions, 3);
  closeSync(h);
});

test('a command with its own lsid gets no implicit session', () => {
  const { world } = readySet(62);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime('mongodb://a:27017/?replicaSet=rs0', { ports });
  const h = { world, ports, runtime, events: [] };
  const own = { id: 'mine' };
  assert.ok(runSync(h, { kind: 'command', databaseName: 'admin', command: { ping: 1, lsid: own } }).ok);
  assert.equal(sent.find((s) => s.body['ping'] === 1)!.body['lsid'], own);
  assert.is(runtime.pooledSessions, 0);
  closeSync(h);
});

test('address pinning: getMore goes to the server of its cursor, even a secondary', () => {
  const { world, primary } = readySet(63);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime('mongodb://a:27017/?replicaSet=rs0', { ports });
  const h = { world, ports, runtime, events: [] };
  assert.ok(runSync(h, insert('c', [{ _id: 1 }, { _id: 2 }, { _id: 3 }])).ok);
  world.scheduler.runFor(2000);
  const first = runSync(h, { kind: 'read', databaseName: 'test', command: { find: 'c', filter: {}, batchSize: 1 }, readPreference: secondaryPreferred });
  if (!first.ok) return assert.unreachable(String(first.error));
  assert.is.not(first.address, primary);
  const cursor = first.reply['cursor'] as { id: unknown; firstBatch: unknown[] };
  assert.is(cursor.firstBatch.length, 1);
  for (let i = 0; i < 2; i++) {
    const more = runSync(h, { kind: 'read', databaseName: 'test', command: { getMore: cursor.id, collection: 'c', batchSize: 1 }, address: first.address });
    if (!more.ok) return assert.unreachable(String(more.error));
    assert.is(more.address, first.address);
  }
  const getMores = sent.filter((s) => 'getMore' in s.body);
  assert.is(getMores.length, 2);
  assert.ok(getMores.every((s) => s.address === first.address));
  const unknown = runSync(h, { kind: 'read', databaseName: 'test', command: { getMore: 1, collection: 'c' }, address: 'zz:1' });
  assert.not.ok(unknown.ok);
  if (!unknown.ok) assert.match(unknown.error.message, /zz:1.*not part of the topology/);
  closeSync(h);
});

test('bad operations fail with an error naming the bad part; nothing runs', () => {
  const { world } = readySet(64);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  const bad = [
    [{ kind: 'delete', databaseName: 'test', command: { find: 'c' } }, /kind/],
    [{ kind: 'read', databaseName: 'test', command: null }, /command must be a document/],
    [{ kind: 'read', databaseName: 'test', command: { find: 'c' }, retryReads: 'yes' }, /retryReads/],
    [{ kind: 'read', databaseName: 'test', command: { find: 'c' }, address: '' }, /address/],
    [{ kind: 'read', databaseName: '', command: { find: 'c' } }, /databaseName/],
    [{ kind: 'read', databaseName: 'test', command: {} }, /empty document/],
  ] as const;
  for (const [operation, message] of bad) {
    const r = runSync(h, operation as never);
    if (r.ok) return assert.unreachable(JSON.stringify(operation));
    assert.instance(r.error, MongoInvalidArgumentError);
    assert.match(r.error.message, message);
  }
  assert.throws(() => h.runtime.run(find('c'), undefined as never), /callback/);
  assert.throws(() => new ClientRuntime({ hosts: ['a:27017'], options: { socketTimeoutMS: -5 } }, { ports: h.ports }), /socketTimeoutMS|must be/);
  assert.throws(() => new ClientRuntime('mongodb://a:27017', {} as never), /ports/);
  closeSync(h);
});

test('server selection times out with MongoServerSelectionError when nothing answers', () => {
  const world = new World({ seed: 65 });
  const h = newRuntime(world, 'mongodb://nobody:27017/?serverSelectionTimeoutMS=2000');
  const t0 = world.nowMs;
  const r = runSync(h, find('c'));
  if (r.ok) return assert.unreachable('nothing listens');
  assert.instance(r.error, MongoServerSelectionError);
  assert.ok(world.nowMs - t0 >= 2000 && world.nowMs - t0 < 2500, `after ${world.nowMs - t0} ms`);
  assert.ok(h.events.some((e) => e.name === 'serverHeartbeatFailed'));
  closeSync(h);
  assert.is(h.ports.pendingTimers(), 0);
});

test('server errors reach the caller as MongoServerError; runCommand is not retried', () => {
  const { world } = readySet(66);
  const h = newRuntime(world, 'mongodb://a:27017/?replicaSet=rs0');
  const r = runSync(h, { kind: 'command', databaseName: 'test', command: { noSuchCommand: 1 } });
  if (r.ok) return assert.unreachable('unknown command');
  assert.instance(r.error, MongoServerError);
  assert.is((r.error as MongoServerError).code, 59);
  assert.is(r.attempts, 1);
  closeSync(h);
});

test('unacknowledged writes complete once written and carry no lsid', () => {
  const { world } = readySet(67);
  const sent: SentCommand[] = [];
  const ports = spyTransport(simPorts(world), sent);
  const runtime = new ClientRuntime('mongodb://a:27017/?replicaSet=rs0', { ports });
  const h = { world, ports, runtime, events: [] };
  const r = runSync(h, { kind: 'write', databaseName: 'test', command: { insert: 'c', documents: [{ _id: 5 }], writeConcern: { w: 0 } } });
  assert.ok(r.ok);
  const s = sent.find((x) => x.body['insert'] === 'c')!;
  assert.is(s.body['lsid'], undefined);
  world.scheduler.runFor(1000);
  const check = runSync(h, find('c', { _id: 5 }));
  assert.ok(check.ok && (check.reply['cursor'] as { firstBatch: unknown[] }).firstBatch.length === 1);
  closeSync(h);
});

test('too many in-flight operations: the queue bound is reported, not exceeded', async () => {
  const constants = await import('../../../client/runtime/constants.js');
  assert.ok(constants.maxInFlightOperations > 0 && Number.isSafeInteger(constants.maxInFlightOperations));
  assert.ok(constants.maxQueuedInputs > constants.maxInFlightOperations);
  assert.instance(new (await import('../../../client/runtime/errors.js')).MongoTopologyClosedError(), MongoError);
});

test.run();
