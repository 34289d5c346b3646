/** PyMongo high-availability guide, items 3 and 4: failover and the old primary rejoining. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MongoNetworkError } from '../../core/errors.js';
import type { RuntimeEvent } from '../../client/runtime/api.js';
import { closeAll, failure, newClient, readySet, recordEvents, run, waitFor } from './tutorial-support.js';

test('3a. primary killed: findOne with retryReads=false fails once with MongoNetworkError, then succeeds on the new primary', async () => {
  const t = readySet(103);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo&retryReads=false');
  const coll = client.db('test').collection('test');
  await run(t, coll.insertOne({ _id: 1, x: 1 }, { writeConcern: { w: 'majority' } }));
  const oldPrimary = t.rs.primary() as string;
  assert.is(client.address, oldPrimary);
  t.rs.crash(oldPrimary);
  const error = await failure(t, coll.findOne({ _id: 1 }));
  assert.instance(error, MongoNetworkError);
  // The same call succeeds once a new primary is elected and discovered.
  const doc = await run(t, coll.findOne({ _id: 1 }));
  assert.equal(doc, { _id: 1, x: 1 });
  const newPrimary = t.rs.primary();
  assert.ok(newPrimary !== null && newPrimary !== oldPrimary);
  assert.is(client.address, newPrimary);
  await closeAll(t);
});

test('3b. with the defaults an insertOne issued during the failover succeeds: retried after the election', async () => {
  const t = readySet(104);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo');
  const events = recordEvents(client, ['commandStarted', 'commandFailed', 'commandSucceeded']);
  const coll = client.db('test').collection('test');
  await run(t, coll.insertOne({ _id: 'before' }));
  const oldPrimary = t.rs.primary() as string;
  t.rs.crash(oldPrimary);
  const result = await run(t, coll.insertOne({ _id: 'during' }));
  assert.is(result.insertedId, 'during');
  const inserts = events.filter((e: RuntimeEvent) => e.commandName === 'insert');
  const started = inserts.filter((e) => e.name === 'commandStarted');
  // before (1) + during: failed attempt on the old primary, then the retry on the new one.
  assert.is(started.length, 3);
  assert.is(started[1]?.address, oldPrimary);
  assert.is.not(started[2]?.address, oldPrimary);
  assert.is(started[2]?.address, t.rs.primary());
  assert.equal((started[1]?.command as { txnNumber?: unknown }).txnNumber, (started[2]?.command as { txnNumber?: unknown }).txnNumber);
  assert.is(inserts.filter((e) => e.name === 'commandFailed').length, 1);
  assert.equal(await run(t, coll.countDocuments({})), 2);
  await closeAll(t);
});

test('runCommand and getMore are never retried elsewhere when the primary dies', async () => {
  const t = readySet(106);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo');
  const db = client.db('test');
  await run(t, db.collection('test').insertMany([{ _id: 1 }, { _id: 2 }, { _id: 3 }]));
  await run(t, db.runCommand({ ping: 1 }));
  const cursor = db.collection('test').find({}, { batchSize: 1 });
  assert.equal(await run(t, cursor.next()), { _id: 1 });
  const primary = t.rs.primary() as string;
  assert.is(cursor.address, primary);
  t.rs.crash(primary);
  const ping = db.runCommand({ ping: 1 });
  assert.instance(await failure(t, ping), MongoNetworkError);
  // The first batch held one document; the next needs a getMore on the cursor's (dead) server.
  // Even once a new primary exists, the getMore goes only there and fails at once with a
  // network error (server-selection.md "Cursors"), not after serverSelectionTimeoutMS.
  waitFor(t, () => t.rs.primary() !== null && t.rs.primary() !== primary, 'a new primary');
  assert.is(cursor.bufferedCount, 0);
  const events = recordEvents(client, ['commandStarted']);
  const startedAtMs = t.world.scheduler.nowMs;
  const error = await failure(t, cursor.next());
  assert.instance(error, MongoNetworkError);
  assert.ok(t.world.scheduler.nowMs - startedAtMs < 1_000, `the getMore failed after ${t.world.scheduler.nowMs - startedAtMs} virtual ms`);
  assert.ok(events.filter((e) => e.commandName === 'getMore').every((e) => e.address === primary));
  await closeAll(t);
});

test('4. the old primary restarts and rejoins as a secondary', async () => {
  const t = readySet(105);
  const client = newClient(t, 'mongodb://localhost:27017/?replicaSet=foo');
  await run(t, client.db('test').collection('test').insertOne({ x: 1 }));
  const oldPrimary = t.rs.primary() as string;
  t.rs.crash(oldPrimary);
  waitFor(t, () => t.rs.primary() !== null, 'a new primary');
  t.rs.restart(oldPrimary);
  waitFor(t, () => t.rs.member(oldPrimary).memberStateName === 'SECONDARY', 'the old primary to rejoin');
  waitFor(t, () => client.secondaries.includes(oldPrimary), 'the client to see it as a secondary', 30_000);
  assert.is.not(client.primary, oldPrimary);
  assert.is(client.primary, t.rs.primary());
  assert.is(client.nodes.length, 3);
  await closeAll(t);
});

test.run();
